"""Raster pictures are embedded at 300 ppi of the size they are drawn at, not at the
size they were taken at: after layout (when that size is known) and before the PDF is
written, each picture with more pixels than it needs is swapped for a smaller copy
(``pictures.downsample``, cached).

WeasyPrint's own ``dpi`` render option downsamples too, but on every render (no cache:
+0.25 s for three phone photos on each save in ``watch``), at its fixed JPEG quality 75,
and after re-encoding a turned photo whole. WeasyPrint internals used here: the laid-out
page box (``page._page_box``), a replaced box's ``replacement``, ``replacedbox_layout``
(where a picture is drawn inside its box, after object-fit) and ``RasterImage``'s
constructor and ``image_data``.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

from PIL import Image

from .engine import prepare
from .pictures import downsample, target_size

prepare()

from weasyprint import DEFAULT_OPTIONS, Document  # noqa: E402  (after prepare)
from weasyprint.images import RasterImage  # noqa: E402
from weasyprint.layout.replaced import replacedbox_layout  # noqa: E402


def shrink_pictures(document: Document) -> int:
    """Swap every raster picture that has more pixels than 300 ppi at its largest
    placed size needs for a downsampled copy. Returns how many were swapped."""
    placed: dict[int, tuple[RasterImage, list[Any], float]] = {}
    for box in _replaced_boxes(document):
        image = box.replacement
        if not isinstance(image, RasterImage) or image.width <= 0 or image.height <= 0:
            continue
        width, height, _x, _y = replacedbox_layout(box)
        # The same file placed twice shares one image: it needs the larger placement.
        scale = max(width / image.width, height / image.height)
        _image, boxes, largest = placed.get(id(image), (image, [], 0.0))
        placed[id(image)] = (image, [*boxes, box], max(largest, scale))
    swapped = 0
    for image, boxes, scale in placed.values():
        size = target_size((image.width, image.height), (image.width * scale, image.height * scale))
        if size is None:
            continue
        data = downsample(image.image_data.data, size)
        smaller = Image.open(io.BytesIO(data))
        if smaller.size != size:  # not a picture Pillow could scale: keep what WeasyPrint made
            continue
        copy = RasterImage(smaller, f"{image.id}-{size[0]}x{size[1]}", data, options=DEFAULT_OPTIONS)
        for box in boxes:
            box.replacement = copy
        swapped += 1
    return swapped


def _replaced_boxes(document: Document) -> Iterator[Any]:
    stack = [page._page_box for page in document.pages]
    while stack:
        box = stack.pop()
        if getattr(box, "replacement", None) is not None:
            yield box
        stack.extend(getattr(box, "children", ()))
