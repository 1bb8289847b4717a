"""Fonts: the ``@font-face`` rules a document loaded, where WeasyPrint copies the font
files, and which fonts Pango chose for a run of text.

Private API: ``FontConfiguration._folder`` (set: where the fonts are copied) and an
override of ``add_font_face`` (to remember which files a document loaded);
``Document.font_config``; ``text.ffi``'s Pango bindings and a text box's
``pango_layout``; the warning fontconfig gives when it has no fonts (in ``__init__``).
"""

from __future__ import annotations

import atexit
import logging
import shutil
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from weasyprint import Document
from weasyprint.text.ffi import ffi, pango
from weasyprint.text.fonts import FontConfiguration

from ..engine import prepare
from ..fonts import new_font_folder
from .logs import FONT_FACE_FAILURE, engine_logger

__all__ = ["Face", "FontFaces", "close_all", "drawn_families", "faces_of"]


@dataclass(frozen=True)
class Face:
    """One ``@font-face`` rule a document loaded."""

    family: str
    weight: object  # as WeasyPrint parsed it: 400, 700, "bold"…
    style: str
    sources: tuple[tuple[str, str], ...]  # (type, url) pairs from ``src``

    def files(self) -> list[Path]:
        """Local files named by ``src: url(...)`` (``local()`` and remote URLs are not)."""
        found = []
        for kind, url in self.sources:
            parts = urlsplit(url or "")
            if kind == "external" and parts.scheme == "file":
                found.append(Path(url2pathname(unquote(parts.path))))
        return found


class FontFaces(FontConfiguration):
    """A font configuration that records every ``@font-face`` rule it is given (the
    preflight reads the source files: missing glyphs, only the project's own fonts), and
    keeps its copies of the fonts where we can remove them.

    WeasyPrint copies each face (9 MB for ours) into ``self._folder``, made on first use
    in /tmp and removed only by ``__del__``, which never runs for a configuration still
    cached when a worker process ends with ``os._exit``. Ours is a folder in our scratch
    folder, locked by this process, and removed by ``close()`` (see ``fonts``).
    """

    _folder: Path | None

    def __init__(self) -> None:
        prepare()  # fontconfig must see only our fonts before a configuration loads it
        super().__init__()
        self.faces: list[Face] = []
        self.failed: list[str] = []  # families WeasyPrint could not load (it only warns)
        self._folder, self._lock = new_font_folder()
        if not _open:
            atexit.register(close_all)
        _open.add(self)

    def close(self) -> None:
        """Remove the copies of the fonts now. Only once no document uses them."""
        folder, self._folder = self._folder, None
        if folder:
            shutil.rmtree(folder, ignore_errors=True)
            self._lock.close()

    def add_font_face(self, rule_descriptors: dict[str, Any], url_fetcher: Any) -> Any:
        self.faces.append(Face(
            family=str(rule_descriptors.get("font_family", "")),
            weight=rule_descriptors.get("font_weight", "normal"),
            style=str(rule_descriptors.get("font_style", "normal")),
            sources=tuple((str(kind), str(url)) for kind, url in rule_descriptors.get("src", ())),
        ))
        watch = _FontFaceFailures()
        engine_logger().addHandler(watch)
        try:
            return super().add_font_face(rule_descriptors, url_fetcher)
        finally:
            engine_logger().removeHandler(watch)
            if watch.failed:
                self.failed.append(str(rule_descriptors.get("font_family", "")))


class _FontFaceFailures(logging.Handler):  # notices FONT_FACE_FAILURE while a face loads
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.failed = False

    def emit(self, record: logging.LogRecord) -> None:
        if str(record.msg).startswith(FONT_FACE_FAILURE):
            self.failed = True


_open: weakref.WeakSet[FontFaces] = weakref.WeakSet()


def close_all() -> None:
    """Remove every font copy this process made: at exit, where ``__del__`` may not run
    (objects still referenced at shutdown, a worker ending with ``os._exit``)."""
    for faces in list(_open):
        faces.close()


def faces_of(document: Document) -> list[Face]:
    """The ``@font-face`` rules a rendered document loaded (none unless it was given a
    ``FontFaces``)."""
    return list(getattr(document.font_config, "faces", []))



def drawn_families(textbox: Any, cache: dict[int, str]) -> set[str]:
    """Family names of the fonts Pango chose for a text box's runs.

    WeasyPrint drops a text box's Pango layout after line breaking and rebuilds it to
    draw; we do the same, briefly (≈10 µs a box), and leave it as we found it.
    """
    layout = textbox.pango_layout
    layout.reactivate(textbox.style)
    try:
        line, _ = layout.get_first_line()
        found = set()
        run = line.runs
        while run != ffi.NULL:
            font = run.data.item.analysis.font
            key = int(ffi.cast("uintptr_t", font))
            if key not in cache:
                description = pango.pango_font_describe_with_absolute_size(font)
                cache[key] = ffi.string(pango.pango_font_description_get_family(description)).decode()
                pango.pango_font_description_free(description)
            found.add(cache[key])
            run = run.next
        return found
    finally:
        layout.deactivate()
