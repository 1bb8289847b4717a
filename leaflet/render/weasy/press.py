"""The print-shop edition (``render/pdf/press``, ``render/pdf/bleed``): the CMYK profile a
document declared, and backgrounds painted past the paper's edge into the bleed.

Private API: ``Document.color_profiles`` with a profile's ``src``; a box's
``background`` (a namedtuple of layers with ``painting_area`` and ``clipped_boxes``, set:
grown copies) and its ``rounded_padding_box()``, the clip drawn for ``overflow: hidden``
(set, for drawing only).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

from weasyprint import Document

__all__ = ["Area", "cmyk_profile", "grow_background", "grow_overflow_clip", "paints_background"]


def cmyk_profile(document: Document) -> str | None:
    """The file of the CMYK profile a laid-out document declared (``@color-profile
    device-cmyk``: the print-shop edition), None for an office document."""
    src = str(getattr(document.color_profiles.get("device-cmyk"), "src", "") or "")
    return url2pathname(urlsplit(src).path) if src.startswith("file:") else None



Area = tuple[float, float, float, float]  # x, y, width, height in CSS px


def paints_background(box: Any) -> bool:
    """A box that paints a background of its own (a colour or an image); the root
    element's is the page's, which WeasyPrint paints over the bleed already."""
    background = getattr(box, "background", None)
    if background is None or box.is_for_root_element:
        return False
    return background.color.alpha > 0 or any(layer.image is not None for layer in background.layers)


def grow_background(box: Any, grow: Callable[[Area], Area]) -> None:
    """Paint ``box``'s background over ``grow(area)`` instead (each layer's painting area
    and clip). Drawing only: the layout does not change."""
    layers = []
    for layer in box.background.layers:
        area = grow(layer.painting_area) if layer.painting_area else layer.painting_area
        clips = [(*grow(clip[:4]), *clip[4:]) for clip in layer.clipped_boxes]
        layers.append(layer._replace(painting_area=area, clipped_boxes=clips))
    box.background = box.background._replace(layers=layers)


def grow_overflow_clip(box: Any, grow: Callable[[Area], Area]) -> None:
    """Let a box that hides its overflow show what is painted within ``grow(its clip)``."""
    x, y, width, height, *radii = box.rounded_padding_box()
    grown = (*grow((x, y, width, height)), *radii)
    box.rounded_padding_box = lambda: grown  # this box's clip, for drawing only

