"""Source → HTML assertions for our Markdown extensions (after Python-Markdown's
``markdown.test_tools``)."""

from __future__ import annotations

import markdown


def assert_renders(source: str, expected: str, extensions: list) -> None:
    html = markdown.markdown(source, extensions=extensions, output_format="html")
    assert html == expected, f"\n{source!r}\n→ {html!r}\nexpected {expected!r}"
