"""Raster pictures are embedded at 300 ppi of the size they are drawn at, not at the
size they were taken at: after layout (when that size is known) and before the PDF is
written, each picture with more pixels than it needs is swapped for a smaller copy
(``pictures.downsample``, cached).

WeasyPrint's own ``dpi`` render option downsamples too, but on every render (no cache:
+0.4 s for three phone photos on each save in ``watch``), at its fixed JPEG quality 75,
and after re-encoding a turned photo whole (``bench/pictures.py`` measures both).
"""

from __future__ import annotations

from typing import Any

from .pictures import downsample, target_size
from .weasy import Document, RasterImage, placed_rasters, raster_bytes, replace_raster


def shrink_pictures(document: Document) -> int:
    """Swap every raster picture that has more pixels than 300 ppi at its largest
    placed size needs for a downsampled copy. Returns how many were swapped."""
    placed: dict[int, tuple[RasterImage, list[Any], float]] = {}
    for box, image, width, height in placed_rasters(document):
        if image.width <= 0 or image.height <= 0:
            continue
        # The same file placed twice shares one image: it needs the larger placement.
        scale = max(width / image.width, height / image.height)
        _image, boxes, largest = placed.get(id(image), (image, [], 0.0))
        placed[id(image)] = (image, [*boxes, box], max(largest, scale))
    swapped = 0
    for image, boxes, scale in placed.values():
        size = target_size((image.width, image.height), (image.width * scale, image.height * scale))
        if size is None:
            continue
        source = raster_bytes(image)
        data = downsample(source, size)
        if data is source:  # not a picture Pillow could scale: keep WeasyPrint's
            continue
        replace_raster(boxes, image, data, size)
        swapped += 1
    return swapped
