"""What the preflight reads in a font file: the code points its cmap maps (the glyphs
rule), its embedding permission and whether it has outlines (the fonts rule).

Read once per font, not once per rule and process: the facts are kept in memory for the
process and in the scratch cache (``cache_dir``) for later ones, keyed by the file's
identity as git's index keys a file (real path, device, inode, size, modification and
change times) rather than by its content. Reading and hashing BIZ UDPGothic's two
4.6 MB faces, twice, cost every build process ≈40 ms. A user can set a file's
modification time back but not its change time, so an edited or replaced font is read
again. A cached font is still refused when its real path is outside the project, as
``guarded_read`` refuses it before reading.
"""

from __future__ import annotations

import hashlib
import os
import struct
from array import array
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from .. import guarded_read
from ..atomic import write_atomic
from ..render.fonts import cache_dir

OUTLINES = ("glyf", "CFF ", "CFF2")
# Cache file: magic and format, SHA-256 of the payload, then fsType (uint16), outlines
# (uint8) and the code points (uint32). A change to what is read must change FORMAT.
FORMAT = b"make_pdf font 1\n"
_HEAD = struct.Struct("<HB")


@dataclass(frozen=True)
class FontFile:
    codepoints: frozenset[int]
    fs_type: int
    has_outlines: bool


class NotAFont(ValueError):
    """fontTools could not read the file as a font."""


def font_file(path: Path | str, root: Path | str) -> FontFile:
    """The facts of the font at ``path``; ``guarded_read.Refused`` for a file outside
    ``root`` (or not a regular file), ``NotAFont`` for one that is not a font."""
    real = guarded_read.real_path_inside(path, root)
    try:
        st = os.stat(real)
    except OSError:
        guarded_read.read_bytes(path, root, guarded_read.FONT_LIMIT)  # raises, naming why
        raise
    return _facts((real, st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns), str(path), str(root))


def cache_file(key: tuple[object, ...]) -> Path:
    return cache_dir() / f"font-{hashlib.sha256(repr(key).encode()).hexdigest()}.bin"


@lru_cache(maxsize=32)
def _facts(key: tuple[object, ...], path: str, root: str) -> FontFile:
    saved = cache_file(key)
    cached = _read_cached(saved)
    if cached is not None:
        return cached
    facts = _read_font(guarded_read.read_bytes(path, root, guarded_read.FONT_LIMIT))
    payload = _HEAD.pack(facts.fs_type, facts.has_outlines) + array("I", sorted(facts.codepoints)).tobytes()
    try:
        write_atomic(saved, FORMAT + hashlib.sha256(payload).digest() + payload)
    except OSError:
        pass  # a read-only temporary folder only costs the time
    return facts


def _read_font(data: bytes) -> FontFile:
    from fontTools.ttLib import TTFont

    try:
        with TTFont(BytesIO(data), lazy=True, fontNumber=0) as font:
            fs_type = font["OS/2"].fsType if "OS/2" in font else 0
            has_outlines = any(tag in font for tag in OUTLINES)
            # Placeholder glyph names: without them fontTools derives real ones from the
            # cmap first, which takes longer than reading the cmap (we only need keys).
            font.setGlyphOrder([f"g{i}" for i in range(font["maxp"].numGlyphs)])
            codepoints = frozenset(font.getBestCmap() or {})
    except Exception as error:  # fontTools raises many kinds for a damaged file
        raise NotAFont(str(error)) from error
    return FontFile(codepoints, fs_type, has_outlines)


def _read_cached(saved: Path) -> FontFile | None:
    """The cached facts, or None unless the file is whole and of this format."""
    try:
        data = saved.read_bytes()
    except OSError:
        return None
    start = len(FORMAT) + 32
    payload = data[start:]
    if (not data.startswith(FORMAT) or len(payload) < _HEAD.size or (len(payload) - _HEAD.size) % 4
            or hashlib.sha256(payload).digest() != data[len(FORMAT):start]):
        return None
    fs_type, outlines = _HEAD.unpack_from(payload)
    codes = array("I")
    codes.frombytes(payload[_HEAD.size:])
    return FontFile(frozenset(codes), fs_type, bool(outlines))
