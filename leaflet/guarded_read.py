"""The one way the tool reads a file: handouts, images, stylesheets, templates, kind
schemas, fonts, colour profiles, clinic.yaml, the build state and the PDFs it wrote.

A file is read only when all of this holds, checked in this order, before the first
byte is read:

- its path, symlinks resolved, is inside the folder it belongs to (the project; the
  output folder for what the tool wrote), so a link leading out is refused unread;
- it is opened without following a last-moment symlink and without blocking
  (``O_NOFOLLOW | O_NONBLOCK``), and the *opened* file is checked again: still inside
  the folder (``/proc/self/fd``), a regular file (a FIFO, ``/dev/zero`` or a folder
  named ``x.md`` is refused, never read), not over the size limit;
- it is read once, at most ``limit + 1`` bytes, and callers use those bytes (nothing
  re-reads the path later: WeasyPrint gets the bytes, not the file name).

Every refusal is a ``HandoutError`` naming the file, in Japanese, with what to do.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from .errors import HandoutError

MB = 1024 * 1024
TEXT_LIMIT = 1 * MB  # a handout, a template, a stylesheet, a YAML file
IMAGE_LIMIT = 40 * MB  # a phone's photo is 3–12 MB
FONT_LIMIT = 64 * MB  # BIZ UDPGothic is 4.6 MB a face; a CJK collection can be 20+
OUTPUT_LIMIT = 256 * MB  # the build state, a PDF the tool wrote
PROFILE_LIMIT = 16 * MB  # a printer's CMYK ICC profile: ours is 1.0 MB, a shop's rarely over 5
PROFILE_SUFFIXES = {".icc", ".icm"}
FONT_SUFFIXES = {".ttf", ".otf", ".ttc", ".woff", ".woff2"}
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp", ".tif", ".tiff", ".svg"}

_FLAGS = (os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
          | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0))


class Refused(HandoutError):
    """A file the tool will not read. ``code``: outside, missing, special, folder,
    too_large, denied, bad_name, unreadable."""

    def __init__(self, shown: str, code: str, message: str, hint: str = "") -> None:
        super().__init__(shown, None, message, hint)
        self.code = code

    def __reduce__(self) -> tuple[type[Refused], tuple[str, str, str, str]]:
        return Refused, (self.path, self.code, self.message, self.hint)


def limit_for(path: Path | str) -> int:
    """The size limit of a file the renderer fetches, by its kind."""
    suffix = Path(path).suffix.lower()
    if suffix in FONT_SUFFIXES:
        return FONT_LIMIT
    if suffix in IMAGE_SUFFIXES:
        return IMAGE_LIMIT
    if suffix in PROFILE_SUFFIXES:
        return PROFILE_LIMIT
    return TEXT_LIMIT


def shown_path(path: Path | str, root: Path | str) -> str:
    """``path`` relative to ``root`` (symlinks not followed) when inside it."""
    try:
        return Path(os.path.abspath(path)).relative_to(os.path.abspath(root)).as_posix()
    except ValueError:
        return str(path)


def read_bytes(path: Path | str, root: Path | str, limit: int = TEXT_LIMIT, *,
               shown: str | None = None) -> bytes:
    """The bytes of ``path``, a regular file inside ``root``; ``Refused`` otherwise."""
    shown = shown or shown_path(path, root)
    real = real_path_inside(path, root, shown=shown)
    top = os.path.realpath(root)
    try:
        fd = os.open(real, _FLAGS)
    except OSError as error:
        raise _refusal(shown, error) from None
    try:
        st = os.fstat(fd)
        opened = _opened_path(fd)
        if opened is not None and not _inside(opened, top):
            raise _outside(shown)  # swapped for a link after the check above
        if opened is None and not _same_file(real, st):
            raise _outside(shown)
        if stat.S_ISDIR(st.st_mode):
            raise Refused(shown, "folder", "ファイルではなくフォルダです",
                          "フォルダの名前を変えるか(.md で終わらない名前に)、ファイルを指定してください")
        if not stat.S_ISREG(st.st_mode):
            raise Refused(shown, "special", "ふつうのファイルではありません(名前付きパイプやデバイスなど)",
                          "ふつうのファイルに置き換えてください")
        if st.st_size > limit:
            raise _too_large(shown, st.st_size, limit)
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(1 * MB, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:  # grew while being read
            raise _too_large(shown, size, limit)
        return b"".join(chunks)
    except OSError as error:
        raise _refusal(shown, error) from None
    finally:
        os.close(fd)


def real_path_inside(path: Path | str, root: Path | str, *, shown: str | None = None) -> str:
    """``path`` with symlinks resolved, when that is inside ``root``; ``Refused`` otherwise.
    The first check ``read_bytes`` makes; alone, for a caller that trusts what it cached
    of a file (by its identity) but must not trust a link leading out of the project."""
    shown = shown or shown_path(path, root)
    text = os.fspath(path)
    if "\x00" in text:
        raise Refused(shown.replace("\x00", "%00"), "bad_name", "ファイル名に使えない文字(NUL)があります",
                      "ファイル名を英数字や日本語だけにしてください")
    try:
        real = os.path.realpath(text)
    except (OSError, ValueError):
        raise Refused(shown, "bad_name", "ファイル名を読み取れません", "短く、ふつうの名前にしてください") from None
    if not _inside(real, os.path.realpath(root)):
        raise _outside(shown)
    return real


def read_text(path: Path | str, root: Path | str, limit: int = TEXT_LIMIT, *,
              shown: str | None = None) -> str:
    """``read_bytes`` decoded as UTF-8 (a BOM is fine); bad UTF-8 is an error with its line."""
    shown = shown or shown_path(path, root)
    data = read_bytes(path, root, limit, shown=shown)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise HandoutError(shown, data.count(b"\n", 0, error.start) + 1, "UTF-8 ではない文字があります",
                           "エディタで文字コードを UTF-8 にして保存し直してください") from None


def exists(path: Path | str) -> bool:
    """Something is there (a broken link or a FIFO too): then it is read, and refused
    with a reason, rather than silently skipped as ``is_file()`` would."""
    return os.path.lexists(path)


def text_or_empty(path: Path | str, root: Path | str) -> str:
    """A file's text (bad UTF-8 replaced), or "" when it is refused: for finding the line
    of an error, never for building."""
    try:
        return read_bytes(path, root).decode("utf-8", errors="replace")
    except HandoutError:
        return ""


def _inside(path: str, top: str) -> bool:
    return path == top or path.startswith(top.rstrip(os.sep) + os.sep)


def _opened_path(fd: int) -> str | None:
    """Where the opened file really is (Linux); None when the system cannot say."""
    try:
        target = os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        return None
    return target if target.startswith("/") else None


def _same_file(real: str, st: os.stat_result) -> bool:
    try:
        now = os.stat(real)
    except OSError:
        return False
    return (now.st_dev, now.st_ino) == (st.st_dev, st.st_ino)


def _outside(shown: str) -> Refused:
    return Refused(shown, "outside", "プロジェクトの外のファイルは読めません",
                   "リンクではなく、ファイルそのものをプロジェクトの中に置いてください")


def _too_large(shown: str, size: int, limit: int) -> Refused:
    return Refused(shown, "too_large", f"ファイルが大きすぎます({size / MB:.1f} MB、上限 {limit / MB:.0f} MB)",
                   "分けるか、小さくしてください")


def _refusal(shown: str, error: OSError) -> Refused:
    code = error.errno
    if code in (errno.ENOENT, errno.ENOTDIR):
        return Refused(shown, "missing", "ファイルが見つかりません",
                       "ファイル名と置き場所を確認してください")
    if code == errno.ELOOP:  # O_NOFOLLOW met a link put there after the check
        return _outside(shown)
    if code in (errno.EACCES, errno.EPERM):
        return Refused(shown, "denied", "ファイルを読む権限がありません",
                       "ファイルの権限(読み取り)を確認してください")
    if code == errno.ENAMETOOLONG:
        return Refused(shown, "bad_name", "ファイル名が長すぎます", "短い名前にしてください")
    if code == errno.EISDIR:
        return Refused(shown, "folder", "ファイルではなくフォルダです", "ファイルを指定してください")
    return Refused(shown, "unreadable", f"ファイルを読めません({error.strerror or error})",
                   "ファイルが壊れていないか、ほかのプログラムが使っていないか確認してください")
