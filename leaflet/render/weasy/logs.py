"""What WeasyPrint logs: the texts we match (images it could not draw, missing glyphs, a
``@font-face`` it could not load) and Pillow's decompression-bomb guard under it.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

from PIL import Image as _PillowImage  # WeasyPrint's own image library

__all__ = [
    "FONT_FACE_FAILURE", "IMAGE_FAILURES", "LOGGER_NAME", "MISSING_GLYPH", "ImageFailures", "engine_logger",
    "is_engine_record", "pillow_warnings_as_errors", "reported_by_us", "too_many_pixels",
]

LOGGER_NAME = "weasyprint"

# What WeasyPrint logs for an image it could not draw (and leaves out of the PDF): for a
# handout that is an error of ours, said in Japanese with its line, not a warning of its.
IMAGE_FAILURES = ("Failed to load image", "Failed to render SVG image", "Failed to load inline SVG")
# What it logs, while writing the PDF, for a character the fonts lack (the glyph rule
# reports it before anything is written).
MISSING_GLYPH = ".notdef glyph rendered"
# What it warns when a @font-face cannot be used (the font is then silently missing).
FONT_FACE_FAILURE = "Font-face"


def engine_logger() -> logging.Logger:
    return logging.getLogger(LOGGER_NAME)


def is_engine_record(record: logging.LogRecord) -> bool:
    return record.name == LOGGER_NAME or record.name.startswith(LOGGER_NAME + ".")


def reported_by_us(message: str) -> bool:
    """A WeasyPrint warning that our own checks and errors already say, in Japanese and
    with a file:line: a character the fonts lack (the glyph rule), an image that cannot
    be drawn (an error of the handout)."""
    return message.startswith((MISSING_GLYPH, FONT_FACE_FAILURE, *IMAGE_FAILURES))


class ImageFailures(logging.Handler):
    """Collects WeasyPrint's errors for images it could not draw (while rendering or
    writing); ``first`` is the URL of the first one, "" when it names no file (an
    ``<svg>`` written in the page), None when there was none."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if str(record.msg).startswith(IMAGE_FAILURES):
            self.records.append(record)

    @property
    def first(self) -> str | None:
        if not self.records:
            return None
        args = self.records[0].args
        url = str(args[0]) if isinstance(args, tuple) and args else ""
        # An inline <svg>: WeasyPrint names the folder it is in, or gives its own
        # exception text, not a file.
        if not url.rsplit("/", 1)[-1] or not url.startswith(("file:", "http:", "https:", "data:")):
            return ""
        return url


def too_many_pixels(record: logging.LogRecord) -> bool:
    """An image failure caused by Pillow's decompression-bomb guard."""
    error = record.args[-1] if isinstance(record.args, tuple) and record.args else None
    while isinstance(error, BaseException):
        if isinstance(error, (_PillowImage.DecompressionBombError, _PillowImage.DecompressionBombWarning)):
            return True
        error = error.__cause__ or error.__context__
    return False


@contextmanager
def pillow_warnings_as_errors() -> Iterator[None]:
    """Pillow only warns (in English, on stderr) for an image between its pixel limit and
    twice that: here such an image fails to load like a larger one, and is named."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", _PillowImage.DecompressionBombWarning)
        yield

