"""The laid-out document: WeasyPrint's box tree, which the preflight walks
(``check/boxes.py``, ``check/flow.py``) and the renderer trims.

Private API: ``page._page_box`` (the root box of a laid-out page; the "1 / 1" page
number of a one-page document is removed from its children), the
``formatting_structure.boxes`` classes, ``draw.color.get_color`` and
``anchors.rectangle_aabb``; ``check/flow.py`` also reads where a line ends at a
``<br>``, the line boxes inside a phrase span, and a page's first block's
``break_before`` / ``break_inside``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from weasyprint import Document
from weasyprint.anchors import rectangle_aabb
from weasyprint.draw.color import get_color
from weasyprint.formatting_structure.boxes import (
    BlockLevelBox,
    InlineBlockBox,
    LineBox,
    MarginBox,
    TableBox,
    TextBox,
)

__all__ = [
    "BlockLevelBox", "InlineBlockBox", "LineBox", "MarginBox", "TableBox", "TextBox", "color", "drop_margin_box",
    "get_color", "page_box", "rectangle_aabb",
]


def page_box(page: Any) -> Any:
    """The root box of a laid-out page (WeasyPrint has no public API for it)."""
    return page._page_box


def drop_margin_box(document: Document, at_keyword: str) -> None:
    """Remove a page-margin box (``@bottom-right``) from every laid-out page."""
    for page in document.pages:
        box = page_box(page)
        box.children = [c for c in box.children if getattr(c, "at_keyword", None) != at_keyword]


def color(style: Any, key: str,
          cmyk: Callable[[tuple[float, ...]], tuple[float, ...]]) -> tuple[float, float, float, float]:
    """A computed colour as sRGB red, green, blue (clamped to 0–1) and alpha. ``cmyk``
    turns a ``device-cmyk()`` colour (the print-shop edition's inks) into sRGB, as the
    press profile prints it (tinycss2 cannot convert one)."""
    colour = get_color(style, key)
    if colour.space == "device-cmyk":
        coordinates = cmyk(tuple(colour.coordinates))
    else:
        coordinates = colour.to("srgb").coordinates
    red, green, blue = (min(max(c, 0.0), 1.0) for c in coordinates)
    return red, green, blue, colour.alpha

