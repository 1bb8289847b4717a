"""Rule 3, missing glyphs: every character drawn must be in the character map (cmap) of
the fonts the handout loads. With system fonts hidden (``leaflet.fonts``), a character
our fonts lack is printed as an empty box; WeasyPrint only logs it while writing the
PDF, so the preflight reads the fonts' cmaps (fontTools) before anything is written."""

from __future__ import annotations

import hashlib
import unicodedata
from array import array
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from fontTools.ttLib import TTFont

from .. import guarded_read
from ..atomic import write_atomic
from ..render.fonts import cache_dir
from .context import Context, failed, passed
from .layout import Run
from .report import Outcome

NAME = "glyphs"
LABEL = "フォントにない文字"

FONT_SUFFIXES = (".ttf", ".otf", ".ttc")
# Drawn as nothing: spaces, controls, joiners, variation selectors (looked up through
# the font's format-14 subtable, not the cmap proper).
INVISIBLE_CATEGORIES = {"Zs", "Zl", "Zp", "Cc", "Cf"}


def check(ctx: Context) -> list[Outcome]:
    files = ctx.font_files or sorted(p for p in ctx.project.fonts.glob("*") if p.suffix.lower() in FONT_SUFFIXES)
    by_family: dict[str, set[Path]] = {}
    for face in ctx.faces:
        by_family.setdefault(face.family.casefold(), set()).update(face.files())
    missing: dict[str, Run] = {}
    seen: set[tuple[str, tuple[Path, ...]]] = set()
    coverage: dict[tuple[Path, ...], frozenset[int]] = {}
    for run in ctx.layout.runs:
        chosen = tuple(sorted(set().union(*(by_family.get(f.casefold(), set()) for f in run.families))
                              or files))
        if chosen not in coverage:
            coverage[chosen] = frozenset().union(*(cmap(path, ctx.project.root) for path in chosen if path.is_file()))
        for char in run.text:
            if (char, chosen) in seen or _invisible(char):
                continue
            seen.add((char, chosen))
            if ord(char) not in coverage[chosen]:
                missing.setdefault(char, run)
    drawn = {char for char, _ in seen}
    family = "・".join(dict.fromkeys(face.family for face in ctx.faces)) or "fonts/"
    if not missing:
        return [passed(NAME, f"{len(drawn)}種の文字すべて収録", f"使われた文字はすべて {family} にあります")]
    return [
        failed(NAME, f"U+{ord(char):04X}", ctx.where(run.page, run.panel, char, exact=True, line=run.line),
               f"「{char}」(U+{ord(char):04X} {unicodedata.name(char, '')}) はフォント({family})にない文字で、"
               "空の四角(□)で印刷されます。ほかの文字か言葉に置き換えてください")
        for char, run in missing.items()
    ]


def _invisible(char: str) -> bool:
    code = ord(char)
    return (unicodedata.category(char) in INVISIBLE_CATEGORIES or char in "\t\n\r"
            or 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF)


def cmap(path: Path, root: Path) -> frozenset[int]:
    stat = path.stat()
    return _cmap(str(path), str(root), stat.st_mtime_ns, stat.st_size)


# Cache file: magic and format, SHA-256 of the payload, then the code points (uint32).
# A change to how the cmap is read must change CMAP_FORMAT.
CMAP_FORMAT = b"make_pdf cmap 1\n"


@lru_cache(maxsize=32)
def _cmap(path: str, root: str, mtime_ns: int, size: int) -> frozenset[int]:
    """Code points a font file maps: once per process, and once per font content for
    all processes (reading a cmap with fontTools takes ≈0.04 s a font; every build
    worker and every ``check`` would pay it again)."""
    try:
        data = guarded_read.read_bytes(path, root, guarded_read.FONT_LIMIT)
    except guarded_read.Refused:
        return frozenset()  # the fonts rule names the file and why
    digest = hashlib.sha256(data).hexdigest()
    saved = cache_dir() / f"cmap-{digest}.bin"
    cached = _read_cached(saved)
    if cached is not None:
        return cached
    with TTFont(BytesIO(data), lazy=True, fontNumber=0) as font:
        # Placeholder glyph names: without them fontTools derives real ones from the
        # cmap first, which takes longer than reading the cmap (and we only need keys).
        font.setGlyphOrder([f"g{i}" for i in range(font["maxp"].numGlyphs)])
        found = frozenset(font.getBestCmap() or {})
    payload = array("I", sorted(found)).tobytes()
    try:
        write_atomic(saved, CMAP_FORMAT + hashlib.sha256(payload).digest() + payload)
    except OSError:
        pass  # a read-only temporary folder only costs the time
    return found


def _read_cached(saved: Path) -> frozenset[int] | None:
    """The cached code points, or None unless the file is whole and of this format."""
    try:
        data = saved.read_bytes()
    except OSError:
        return None
    head = len(CMAP_FORMAT)
    payload = data[head + 32:]
    if (not data.startswith(CMAP_FORMAT) or not payload or len(payload) % 4
            or hashlib.sha256(payload).digest() != data[head:head + 32]):
        return None
    codes = array("I")
    codes.frombytes(payload)
    return frozenset(codes)
