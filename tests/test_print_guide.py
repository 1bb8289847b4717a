"""The print-and-fold guide page and the catalog's print settings, from the kinds' data."""

from __future__ import annotations

import re

from leaflet.site.publish import build_with_catalog as build

from .conftest import FOURTH_KIND, write_stretch


def test_the_guide_is_written_with_the_catalog_and_lists_every_kind(project, write):
    for path, text in FOURTH_KIND.items():  # a fourth kind, printed on both sides
        (project.root / path).write_text(text + ("duplex: short-edge\n" if path.endswith(".yaml") else ""),
                                         encoding="utf-8")
    write_stretch(write, "s.md")
    build(project, project.all_handouts(), project.out)
    guide = (project.out / "print-guide.html").read_text(encoding="utf-8")
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in guide  # the folding diagram, inline
    assert "<title id=\"fold-title\">三つ折りパンフレットの折り方</title>" in guide
    rows = dict(re.findall(r'<tr(?: id="[^"]+")?><th scope="row">([^<]+)</th>\s*<td>([^<]+)</td>', guide))
    assert rows == {"三つ折りパンフレット": "—", "よくある質問": "片面印刷・実際のサイズ(100%)",
                    "ポスター": "片面印刷・実際のサイズ(100%)", "ストレッチ用紙": "片面印刷・実際のサイズ(100%)"}
    index = (project.out / "index.html").read_text(encoding="utf-8")
    assert 'href="print-guide.html"' in index
    assert 'data-print-setting="片面印刷・実際のサイズ(100%)"' in index
    assert 'href="print-guide.html#stretch">印刷のしかたを見る</a>' in index
