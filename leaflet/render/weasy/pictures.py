"""Pictures as laid out: where each is drawn, its bytes, and a copy drawn in its place
(``render/embed``: downsampled; ``render/pdf/press``: in inks).

Private API: a replaced box's ``replacement`` (set: a downsampled copy), where
``layout.replaced.replacedbox_layout`` draws it inside its box (after object-fit),
``RasterImage``'s constructor, ``width``/``height``/``id`` and ``image_data.data``; a
background layer's ``image`` and the page box's ``canvas_background`` (set: a copy in
inks); ``URLFetcherResponse.path`` (``None`` in ``Snapshot``: with a file name, a raster
image is read again from that path when the PDF is written, ``images.LazyLocalImage``).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from typing import Any

from PIL import Image as PillowImage
from weasyprint import DEFAULT_OPTIONS, Document
from weasyprint.images import RasterImage, SVGImage
from weasyprint.layout.replaced import replacedbox_layout
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from .boxes import page_box

__all__ = [
    "FatalURLFetchingError", "RasterImage", "SVGImage", "Snapshot", "URLFetcher", "URLFetcherResponse",
    "picture_area", "placed_rasters", "raster_bytes", "recolour_background_rasters", "replace_raster",
]


def picture_area(box: Any) -> tuple[float, float, float, float]:
    """Where a replaced box draws its picture: width, height, left, top (px). With
    ``object-fit: contain`` a portrait photo fills only the middle of a landscape box."""
    width, height, left, top = replacedbox_layout(box)
    return width, height, left, top


def placed_rasters(document: Document) -> Iterator[tuple[Any, RasterImage, float, float]]:
    """Each laid-out box that draws a raster picture: (box, image, drawn width, height)."""
    stack = [page_box(page) for page in document.pages]
    while stack:
        box = stack.pop()
        image = getattr(box, "replacement", None)
        if isinstance(image, RasterImage):
            width, height, _left, _top = picture_area(box)
            yield box, image, width, height
        stack.extend(getattr(box, "children", ()))


def raster_bytes(image: RasterImage) -> bytes:
    """The encoded picture WeasyPrint would embed."""
    return image.image_data.data


def replace_raster(boxes: list[Any], image: RasterImage, data: bytes, pixels: tuple[int, int]) -> None:
    """Draw ``data`` (an encoded picture of ``pixels``) in place of ``image`` in ``boxes``."""
    copy = _raster(image, data, f"{pixels[0]}x{pixels[1]}")
    for box in boxes:
        box.replacement = copy


def _raster(image: RasterImage, data: bytes, tag: str) -> RasterImage:
    return RasterImage(PillowImage.open(io.BytesIO(data)), f"{image.id}-{tag}", data, options=DEFAULT_OPTIONS)


BACKGROUNDS = ("background", "canvas_background")  # a box's; the page's (from the root element's)


def recolour_background_rasters(document: Document, convert: Callable[[bytes], bytes]) -> int:
    """Paint each raster ``background-image`` as ``convert(its bytes)``; how many."""
    copies: dict[int, RasterImage] = {}
    stack = [page_box(page) for page in document.pages]
    while stack:
        box = stack.pop()
        for name in BACKGROUNDS:
            if (background := getattr(box, name, None)) is None:
                continue
            layers = []
            for layer in background.layers:
                if isinstance(image := layer.image, RasterImage):
                    if id(image) not in copies:
                        copies[id(image)] = _raster(image, convert(raster_bytes(image)), "ink")
                    layer = layer._replace(image=copies[id(image)])
                layers.append(layer)
            setattr(box, name, background._replace(layers=layers))
        stack.extend(getattr(box, "children", ()))
    return len(copies)



class Snapshot(URLFetcherResponse):
    """Bytes the fetcher read, with no file behind them as far as WeasyPrint can tell:
    given a file name, WeasyPrint reads a JPEG or PNG again by that path when it writes
    the PDF, and embeds whatever the path holds by then."""

    @property
    def path(self) -> None:
        return None

