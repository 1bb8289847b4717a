"""Bleed (塗り足し) for the print-shop edition: a background that reaches the paper's edge
is painted 3 mm past it, so a trim that is off by a hair leaves no white sliver.

The page's own background already covers the bleed (WeasyPrint paints the root
background over the whole bleed area). An element's background does not: it stops at
the trim. After layout, a box whose background touches a page edge gets its painting
area (and its clip) grown past that edge, and so do the clips of its ancestors that hide
overflow (a brochure panel, the sheet). Drawing only: the layout does not change.

This reaches into WeasyPrint's laid-out boxes (no public API): ``page._page_box``,
``box.background`` (a namedtuple of layers with ``painting_area`` and
``clipped_boxes``) and ``rounded_padding_box`` (used to clip overflow).
"""

from __future__ import annotations

from typing import Any

EDGE = 0.5  # CSS px: a box this close to the paper's edge touches it


def extend_backgrounds(document: Any, bleed_px: float) -> int:
    """Grow every edge-touching background of ``document`` by ``bleed_px``; return how many."""
    count = 0
    for page in document.pages:
        count += _walk(page._page_box, [], page.width, page.height, bleed_px)
    return count


def _walk(box: Any, ancestors: list[Any], width: float, height: float, bleed: float) -> int:
    count = 0
    if _paints(box) and not box.is_for_root_element and type(box).__name__ != "PageBox":
        sides = _touching(box.border_box_x(), box.border_box_y(), box.border_width(), box.border_height(),
                          width, height)
        if sides:
            _grow_background(box, sides, bleed)
            for ancestor in ancestors:
                if ancestor.style["overflow"] != "visible":
                    _grow_clip(ancestor, sides, bleed)
            count += 1
    for child in getattr(box, "children", []):
        count += _walk(child, [*ancestors, box], width, height, bleed)
    return count


def _paints(box: Any) -> bool:
    background = getattr(box, "background", None)
    if background is None:
        return False
    return background.color.alpha > 0 or any(layer.image is not None for layer in background.layers)


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


def _grown(x: float, y: float, w: float, h: float, sides: set[str], bleed: float) -> tuple[float, float, float, float]:
    if "left" in sides:
        x, w = x - bleed, w + bleed
    if "top" in sides:
        y, h = y - bleed, h + bleed
    if "right" in sides:
        w += bleed
    if "bottom" in sides:
        h += bleed
    return x, y, w, h


def _grow_background(box: Any, sides: set[str], bleed: float) -> None:
    layers = []
    for layer in box.background.layers:
        area = _grown(*layer.painting_area, sides, bleed) if layer.painting_area else layer.painting_area
        clips = [(*_grown(*clip[:4], sides, bleed), *clip[4:]) for clip in layer.clipped_boxes]
        layers.append(layer._replace(painting_area=area, clipped_boxes=clips))
    box.background = box.background._replace(layers=layers)


def _grow_clip(box: Any, sides: set[str], bleed: float) -> None:
    done = getattr(box, "_bleed_sides", set())
    new = sides - done
    if not new:
        return
    x, y, w, h, *radii = box.rounded_padding_box()
    grown = (*_grown(x, y, w, h, new, bleed), *radii)
    box.rounded_padding_box = lambda: grown  # the instance's clip, for drawing only
    box._bleed_sides = done | new
