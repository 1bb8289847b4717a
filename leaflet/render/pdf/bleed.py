"""Bleed (塗り足し) for the print-shop edition: a background that reaches the paper's edge
is painted 3 mm past it, so a trim that is off by a hair leaves no white sliver.

The page's own background already covers the bleed (WeasyPrint paints the root
background over the whole bleed area). An element's background does not: it stops at
the trim. After layout, a box whose background touches a page edge gets its painting
area (and its clip) grown past that edge, and so do the clips of its ancestors that hide
overflow (a brochure panel, the sheet). Drawing only: the layout does not change. What
this changes in WeasyPrint's laid-out boxes is done in ``render.weasy`` (no public API).
"""

from __future__ import annotations

from typing import Any

from ..weasy import Area, grow_background, grow_overflow_clip, page_box, paints_background

EDGE = 0.5  # CSS px: a box this close to the paper's edge touches it


def extend_backgrounds(document: Any, bleed_px: float) -> int:
    """Grow every edge-touching background of ``document`` by ``bleed_px``; return how many."""
    count = 0
    clipped: dict[int, set[str]] = {}  # id(box) → the sides its overflow clip was grown on
    for page in document.pages:
        count += _walk(page_box(page), [], page.width, page.height, bleed_px, clipped)
    return count


def _walk(box: Any, ancestors: list[Any], width: float, height: float, bleed: float,
          clipped: dict[int, set[str]]) -> int:
    count = 0
    if paints_background(box) and type(box).__name__ != "PageBox":
        sides = _touching(box.border_box_x(), box.border_box_y(), box.border_width(), box.border_height(),
                          width, height)
        if sides:
            grow_background(box, lambda area: _grown(area, sides, bleed))
            for ancestor in ancestors:
                if ancestor.style["overflow"] != "visible":
                    _grow_clip(ancestor, sides, bleed, clipped)
            count += 1
    for child in getattr(box, "children", []):
        count += _walk(child, [*ancestors, box], width, height, bleed, clipped)
    return count


def _touching(x: float, y: float, w: float, h: float, width: float, height: float) -> set[str]:
    sides = set()
    if x <= EDGE:
        sides.add("left")
    if y <= EDGE:
        sides.add("top")
    if x + w >= width - EDGE:
        sides.add("right")
    if y + h >= height - EDGE:
        sides.add("bottom")
    return sides


def _grown(area: Area, sides: set[str], bleed: float) -> Area:
    x, y, w, h = area
    if "left" in sides:
        x, w = x - bleed, w + bleed
    if "top" in sides:
        y, h = y - bleed, h + bleed
    if "right" in sides:
        w += bleed
    if "bottom" in sides:
        h += bleed
    return x, y, w, h


def _grow_clip(box: Any, sides: set[str], bleed: float, clipped: dict[int, set[str]]) -> None:
    """Grow an ancestor's clip once per side, however many of its children touch it."""
    done = clipped.setdefault(id(box), set())
    new = sides - done
    if new:
        grow_overflow_clip(box, lambda area: _grown(area, new, bleed))
        done |= new
