"""Every use of WeasyPrint internals the tagging needs, in one place.

WeasyPrint 70 marks each text box and image it paints (``BDC`` with an MCID) and
paints backgrounds and borders as ``Artifact`` when ``pdf_tags`` is on, then builds a
structure tree from the box tree (``weasyprint.pdf.tags.add_tags``). That tree is not
the one we want (ruby as ``NonStruct``, a ``Span`` object per text box, page margins
left dangling, no reading order), and the box → MCID table it reads is emptied as it
goes, so a ``finisher`` (called after it) can no longer tell which box is which MCID.
``structure_builder`` therefore puts our builder in its place for one ``write_pdf``.
The other helpers read the laid-out box tree, which WeasyPrint keeps private.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import weasyprint.pdf as weasy_pdf
from weasyprint.formatting_structure import boxes
from weasyprint.layout.absolute import AbsolutePlaceholder

Builder = Callable[[Any, Any, Any, list[Any]], None]  # (pdf, document, version, page streams)

TextBox = boxes.TextBox
ParentBox = boxes.ParentBox
MarginBox = boxes.MarginBox
TableBox = boxes.TableBox


@contextmanager
def structure_builder(build: Builder) -> Iterator[None]:
    """Let ``build`` make the structure tree of the PDFs written inside the block."""
    original = weasy_pdf.add_tags
    weasy_pdf.add_tags = build
    try:
        yield
    finally:
        weasy_pdf.add_tags = original


def page_box(page: Any) -> Any:
    """The root box of a laid-out page (no public API for it)."""
    return page._page_box


def unwrap(box: Any) -> Any:
    """An absolutely positioned box sits in its parent as a placeholder."""
    return box._box if isinstance(box, AbsolutePlaceholder) else box


def children(box: Any) -> list[Any]:
    return list(box.children) if isinstance(box, ParentBox) else []


def is_replaced(box: Any) -> bool:
    """An image (``<img>``, ``<svg>``): painted as one marked ``Figure``."""
    return isinstance(box, boxes.ReplacedBox)


def margin_keyword(box: Any) -> str | None:
    """``@bottom-left``… for a page-margin box, else None."""
    return box.at_keyword if isinstance(box, MarginBox) else None


def declared_artifact(box: Any) -> bool:
    """The stylesheet said ``--pdf-artifact: yes`` (custom properties are inherited, so
    everything inside such a box is decoration too)."""
    try:
        value = box.style["__pdf_artifact"]  # how WeasyPrint 70 keys a custom property
    except KeyError:
        return False
    return bool(value) and getattr(value[0], "value", None) == "yes"


def marks(stream: Any) -> dict[Any, dict[str, Any]]:
    """Box → ``{"tag", "mcid"}`` for what WeasyPrint marked while painting a page."""
    return stream._tags
