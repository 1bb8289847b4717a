"""Parsed stylesheets and the fonts they load, kept between renders in one process.

Parsing base.css and a kind's stylesheet, and loading the two 4.6 MB BIZ UDPGothic
faces they declare (WeasyPrint copies each into a temporary folder for fontconfig),
is about a quarter of a one-page render. A build of many handouts, a worker process
and ``watch`` render the same stylesheets again and again, so they are parsed once
and reused while none of their files has changed (same PDF bytes: see the tests).

Reuse is safe only when every @font-face the document sees comes from these
stylesheets: a handout with its own ``<style>`` or ``<link>`` gets a fresh font
configuration, so one handout's fonts never leak into another's PDF.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Collection
from pathlib import Path

from .. import guarded_read
from .weasy import CSS, FontFaces, URLFetcher

KEEP = 4  # stylesheet sets kept (each holds its fonts' temporary copies)
RACY_SECONDS = 2.0  # a file this fresh may change again within one mtime tick

Parsed = tuple[FontFaces, list[CSS]]
_cache: OrderedDict[tuple, Parsed] = OrderedDict()


def parsed(sheets: list[Path], files: Collection[Path], fetcher: URLFetcher, html: str) -> Parsed:
    """The stylesheets parsed, and the font configuration their @font-face rules loaded.
    ``files``: the sheets and what they import (by the render plan)."""
    if not _self_contained(html):
        return _parse(sheets, fetcher)
    key = _stamp(sheets, files)
    if key is None:
        return _parse(sheets, fetcher)
    if key not in _cache:
        _cache[key] = _parse(sheets, fetcher)
        while len(_cache) > KEEP:
            _cache.popitem(last=False)
    _cache.move_to_end(key)
    return _cache[key]


def _parse(sheets: list[Path], fetcher: URLFetcher) -> Parsed:
    """Each stylesheet as the guarded reader read it (``CSS(filename=)`` would open the
    file itself, following any symlink); ``base_url`` keeps its ``url()``s relative to it."""
    fonts = FontFaces()
    root = getattr(fetcher, "root")  # noqa: B009 — a ProjectFetcher: the project folder
    return fonts, [CSS(string=guarded_read.read_text(p, root), base_url=p.resolve().as_uri(),
                       url_fetcher=fetcher, font_config=fonts) for p in sheets]


def _self_contained(html: str) -> bool:
    lowered = html.lower()
    return "<style" not in lowered and "<link" not in lowered


def _stamp(sheets: list[Path], files: Collection[Path]) -> tuple | None:
    """What the parsed result depends on: the sheets, what they @import and the fonts
    they load, by stat. None (do not reuse) when a file was modified just now."""
    now = time.time()
    stamp: list[tuple] = [tuple(str(s) for s in sheets)]
    for path in sorted(set(files) | {s.resolve() for s in sheets}):
        try:
            st = path.stat()
        except OSError:
            stamp.append((str(path), None))
            continue
        if now - st.st_mtime_ns / 1e9 < RACY_SECONDS:
            return None
        stamp.append((str(path), st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino))
    return tuple(stamp)
