"""A WeasyPrint font configuration that remembers the ``@font-face`` rules it loaded.

WeasyPrint copies each face into a temporary file and forgets where it came from; the
preflight needs the source files to read their character maps (missing glyphs) and to
prove that every face is one of the project's own fonts. Import this module only after
``leaflet.engine.prepare()`` has run (``leaflet.render`` does that).
"""

from __future__ import annotations

import atexit
import logging
import shutil
import weakref
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from weasyprint.text.fonts import FontConfiguration

from .fonts import new_font_folder


@dataclass(frozen=True)
class Face:
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
    """``FontConfiguration`` that records every ``@font-face`` rule it is given."""

    def __init__(self) -> None:
        super().__init__()
        self.faces: list[Face] = []
        self.failed: list[str] = []  # families WeasyPrint could not load (it only warns)
        # WeasyPrint puts its copies of the fonts in self._folder (made on first use);
        # ours is locked by this process and removed by close() (see fonts.new_font_folder).
        self._folder, self._lock = new_font_folder()
        _open.add(self)

    def close(self) -> None:
        """Remove the copies of the fonts now. Only once no document uses them."""
        folder, self._folder = self._folder, None
        if folder:
            shutil.rmtree(folder, ignore_errors=True)
            self._lock.close()

    def add_font_face(self, rule_descriptors, url_fetcher):  # type: ignore[no-untyped-def]
        self.faces.append(Face(
            family=str(rule_descriptors.get("font_family", "")),
            weight=rule_descriptors.get("font_weight", "normal"),
            style=str(rule_descriptors.get("font_style", "normal")),
            sources=tuple((str(kind), str(url)) for kind, url in rule_descriptors.get("src", ())),
        ))
        watch = _FontFaceFailures()
        logger = logging.getLogger("weasyprint")
        logger.addHandler(watch)
        try:
            return super().add_font_face(rule_descriptors, url_fetcher)
        finally:
            logger.removeHandler(watch)
            if watch.failed:
                self.failed.append(str(rule_descriptors.get("font_family", "")))


class _FontFaceFailures(logging.Handler):
    """Notices WeasyPrint's "Font-face %r cannot be loaded" (a warning, and the font is
    then silently missing)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.failed = False

    def emit(self, record: logging.LogRecord) -> None:
        if str(record.msg).startswith("Font-face"):
            self.failed = True


_open: weakref.WeakSet[FontFaces] = weakref.WeakSet()


def close_all() -> None:
    """Remove every font copy this process made: at exit, where ``__del__`` may not run
    (objects still referenced at shutdown, a worker ending with ``os._exit``)."""
    for faces in list(_open):
        faces.close()


atexit.register(close_all)
