"""A picture of a PDF's first page, for the catalog's card: ``out/.thumbs/NAME.png``.

Drawn by the process that wrote the PDF (a parallel build draws them in parallel), from
that PDF, with pypdfium2; the catalog then finds it up to date.
"""

from __future__ import annotations

import logging
from pathlib import Path

from .. import guarded_read
from ..atomic import atomic_open
from ..errors import HandoutError
from ..project import THUMBNAILS

LOG = logging.getLogger("leaflet")

THUMB_LONG_SIDE = 640  # px: sharp on a tablet at twice the card's CSS size
THUMB_COLOURS = 128


def thumbnail_path(out: Path, name: str) -> Path:
    return out / THUMBNAILS / f"{name}.png"


def make_thumbnail(out: Path, name: str, pdf: Path) -> None:
    """Draw a freshly built PDF's thumbnail now."""
    draw(out, pdf, thumbnail_path(out, name))


def draw(out: Path, pdf: Path, png: Path, recorded: tuple[int | None, int] = (None, 0)) -> int:
    """Draw page 1 of ``pdf`` into ``png`` unless it is already drawn; return the page count
    (0 when the PDF cannot be read).

    The PNG is given the PDF's modification time, so "same time" means "drawn from this
    PDF" — exact even on file systems with coarse timestamps. ``recorded`` is the build
    record's (pages, PDF modification time): when the picture and the record both belong
    to this very file, the PDF is not opened again (nor pypdfium2 loaded in the main
    process of a parallel build, whose workers drew the pictures). A PDF written without
    its record (a build interrupted between the two) is opened and counted.
    """
    pages, recorded_mtime = recorded
    mtime = pdf.stat().st_mtime_ns
    if pages and recorded_mtime == mtime and png.is_file() and png.stat().st_mtime_ns == mtime:
        return pages
    import pypdfium2 as pdfium  # loaded only when a picture is drawn
    from PIL import Image

    try:  # the bytes, read by the guarded reader: a PDF in out/ may be a link to anywhere
        document = pdfium.PdfDocument(guarded_read.read_bytes(pdf, out, guarded_read.OUTPUT_LIMIT))
    except (pdfium.PdfiumError, HandoutError) as error:
        LOG.warning("%s: PDF を読めないため、一覧に縮小画像を載せません(%s)", pdf.name, error)
        return 0
    try:
        pages = len(document)
        mtime = pdf.stat().st_mtime_ns
        if pages and not (png.is_file() and png.stat().st_mtime_ns == mtime):
            page = document[0]
            scale = THUMB_LONG_SIDE / max(page.get_width(), page.get_height())
            image = page.render(scale=scale).to_pil()
            with atomic_open(png, mtime_ns=mtime) as handle:  # same mtime: drawn from this PDF
                # 128 colours: a third of the bytes, no visible change at this size
                image.quantize(THUMB_COLOURS, method=Image.Quantize.FASTOCTREE).save(handle, "PNG")
        return pages
    finally:
        document.close()
