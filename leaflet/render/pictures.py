"""What happens to a raster picture's bytes before it is embedded, as pure functions of
bytes → bytes with a cache:

- ``upright``: a phone stores a portrait photo as landscape pixels plus an EXIF tag
  saying "turn me"; the pixels are turned once here, so WeasyPrint does not decode and
  re-encode the whole 12-megapixel photo on every render (it would turn it too).
- ``downsample``: a picture with more pixels than 300 ppi at its placed size needs is
  scaled to that size: three phone photos made an 7 MB stretch sheet, 50 KB after.

Both keep the format (JPEG stays JPEG, anything else becomes PNG, alpha kept) and drop
the metadata (a phone's EXIF holds where the photo was taken). Same bytes in, same bytes
out: the results are cached in the per-user scratch folder, keyed by the content's
digest and the size asked for, each file named with its own digest so a torn or edited
file is recomputed. Anything Pillow cannot read (an SVG, a broken file) or should not be
touched (CMYK JPEG, whose inversion WeasyPrint reads from the original's markers) is
returned as it came: WeasyPrint reports what it cannot draw.
"""

from __future__ import annotations

import hashlib
import io
import math
import os
from collections.abc import Callable
from contextlib import suppress
from functools import cache
from pathlib import Path

from PIL import Image, ImageOps

from ..atomic import write_atomic
from .fonts import cache_dir

PPI = 300  # what a picture needs at its placed size to print sharp
SLACK = 1.1  # a picture with less than this much more than it needs is left alone
JPEG_QUALITY = 90  # of a downsampled photo: artefacts under what 300 ppi can show
UPRIGHT_QUALITY = 95  # of a turned photo (it is usually downsampled again afterwards)
ORIENTATION = 0x0112  # the EXIF tag
FORMAT = "1"  # part of every cache key: bump when these functions' output changes
CACHE_FOLDER = "pictures"
CACHE_LIMIT = 256 * 1024 * 1024  # bytes kept; the least recently used go first


def upright(data: bytes) -> bytes:
    """``data`` with its EXIF orientation applied to the pixels (and no EXIF left), or
    ``data`` itself when there is nothing to turn."""
    image = _open(data)
    if image is None or image.getexif().get(ORIENTATION, 1) in (1, None) or image.mode == "CMYK":
        return data
    return _cached(data, "upright", lambda: _encode(ImageOps.exif_transpose(image), image.format,
                                                    UPRIGHT_QUALITY))


def needed(placed: tuple[float, float]) -> tuple[int, int]:
    """Pixels a picture placed at ``placed`` (CSS px: 1/96 in) needs for ``PPI``."""
    return tuple(max(1, math.ceil(side / 96 * PPI)) for side in placed)  # type: ignore[return-value]


def target_size(pixels: tuple[int, int], placed: tuple[float, float]) -> tuple[int, int] | None:
    """The size to scale a picture of ``pixels`` to when placed at ``placed`` (CSS px),
    keeping its shape; None when it has no more than ``SLACK`` × what it needs."""
    want = needed(placed)
    scale = max(want[0] / pixels[0], want[1] / pixels[1])
    if scale * SLACK >= 1:
        return None
    return max(1, math.ceil(pixels[0] * scale)), max(1, math.ceil(pixels[1] * scale))


def downsample(data: bytes, size: tuple[int, int]) -> bytes:
    """``data`` scaled to ``size`` pixels (width, height), or ``data`` itself when it is
    not a raster picture Pillow can read, or already that small."""
    image = _open(data)
    if image is None or image.mode == "CMYK" or (image.width <= size[0] and image.height <= size[1]):
        return data

    def scaled() -> bytes:
        source = image
        if source.format in ("JPEG", "MPO"):  # decode at 1/2, 1/4 or 1/8 when that is still enough
            source.draft("L" if source.mode == "L" else "RGB", size)
        if source.mode not in ("RGB", "RGBA", "L", "LA"):  # palette, 16-bit: resize needs full colour
            source = source.convert("RGBA" if source.has_transparency_data else "RGB")
        return _encode(source.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0), image.format, JPEG_QUALITY)

    return _cached(data, f"{size[0]}x{size[1]}", scaled)


def _open(data: bytes) -> Image.Image | None:
    try:
        image = Image.open(io.BytesIO(data))
    except Exception:
        return None
    return image


def _encode(image: Image.Image, source_format: str | None, quality: int) -> bytes:
    out = io.BytesIO()
    if source_format in ("JPEG", "MPO") and image.mode in ("RGB", "L"):
        image.save(out, "JPEG", quality=quality)
    else:
        if image.mode not in ("RGB", "RGBA", "L", "LA"):
            image = image.convert("RGBA" if image.has_transparency_data else "RGB")
        image.save(out, "PNG")
    return out.getvalue()


def _cached(data: bytes, what: str, make: Callable[[], bytes]) -> bytes:
    key = f"{hashlib.sha256(data).hexdigest()[:32]}-{what}-v{FORMAT}"
    folder = _folder()
    for path in folder.glob(f"{key}-*"):
        with suppress(OSError):
            cached = path.read_bytes()
            if path.name.endswith(f"-{_digest(cached)}"):
                os.utime(path)  # recently used
                return cached
            path.unlink()  # torn or edited: made again
    try:
        result = make()
    except Exception:
        return data
    with suppress(OSError):  # a full or read-only scratch folder costs time, not the build
        path = folder / f"{key}-{_digest(result)}"
        write_atomic(path, result)
        _trim(folder, keep=path)
    return result


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


@cache
def _folder() -> Path:
    folder = cache_dir() / CACHE_FOLDER
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def _trim(folder: Path, keep: Path) -> None:
    """Keep the cache under ``CACHE_LIMIT``: the least recently used files go first,
    never the one just made."""
    entries = []
    for path in folder.iterdir():
        if path == keep:
            continue
        with suppress(OSError):
            st = path.stat()
            entries.append((st.st_mtime_ns, st.st_size, path))
    total = sum(size for _, size, _ in entries) + keep.stat().st_size
    for _, size, path in sorted(entries):
        if total <= CACHE_LIMIT:
            break
        with suppress(OSError):
            path.unlink()
            total -= size
