"""Which handout names work everywhere a PDF goes.

A handout's name (``knee/faq``) becomes file names in ``out/`` (the PDF, its picture, its
HTML copy, their temporary files while being written) and a path in the catalog's
links. ``out/`` is often a shared folder read from Windows or a Mac, whose file systems
ignore case and refuse some characters. So a name is refused by ``new`` and named as an
error by ``build`` when it:

- holds a character Windows cannot store or ``serve`` will not answer for
  (``< > : " | ? * \\``, control characters), or ends in a dot or a space;
- is a device name on Windows (``CON``, ``NUL``, ``COM1``…);
- starts with the folder ``xl/`` in any case (``XL/`` is ``out/xl/``, the XL editions);
- has a part longer than ``MAX_PART_BYTES`` (file systems allow 255 bytes, and the
  temporary file's name adds about 20);
- differs from another handout's name only in case or in how a character is composed
  (``FAQ.md`` beside ``faq.md``: one file on a case-insensitive drive).
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

MAX_PART_BYTES = 200  # UTF-8 bytes of one folder or file name (about 66 Japanese characters)
_FORBIDDEN = re.compile(r'[<>:"|?*\\\x00-\x1f\x7f]')
_DEVICES = {"con", "prn", "aux", "nul", *(f"com{n}" for n in range(1, 10)), *(f"lpt{n}" for n in range(1, 10))}
RESERVED_TOP = "xl"


def name_problem(name: str) -> str | None:
    """Why the handout name ``name`` (``knee/faq``, no ``.md``) cannot be used, or None."""
    parts = name.split("/")
    if parts[0].casefold() == RESERVED_TOP:
        return f"「{parts[0]}/」は特大版の出力先(out/xl/)と重なるため使えません"
    for part in parts:
        if bad := _FORBIDDEN.search(part):
            shown = bad.group(0) if bad.group(0).isprintable() else f"U+{ord(bad.group(0)):04X}"
            return f"名前に使えない文字「{shown}」があります(Windows で扱えず、serve でも開けません)"
        if part.endswith((".", " ")):
            return f"「{part}」のように、名前の最後を「.」や空白にはできません"
        if part.split(".")[0].casefold() in _DEVICES:
            return f"「{part}」は Windows の予約された名前なので使えません"
        if len(part.encode("utf-8")) > MAX_PART_BYTES:
            return (f"名前が長すぎます(「{part[:20]}…」が {len(part.encode('utf-8'))} バイト、"
                    f"1つの名前は {MAX_PART_BYTES} バイト=日本語で約 {MAX_PART_BYTES // 3} 文字まで)")
    return None


def fold(name: str) -> str:
    """The name as a case-insensitive file system compares it."""
    return unicodedata.normalize("NFC", name).casefold()


def case_twins(top: Path, name: str) -> list[str]:
    """The handout names under ``top`` that a case-insensitive drive would take for
    ``name`` (itself included, when it exists); a list of more than one is a clash."""
    parts = name.split("/")
    folders: list[tuple[Path, str]] = [(top, "")]
    for part in parts[:-1]:
        key = fold(part)
        folders = [(folder / entry, f"{prefix}{entry}/") for folder, prefix in folders
                   for entry in _entries(folder) if fold(entry) == key and (folder / entry).is_dir()]
    key = fold(parts[-1])
    found = {f"{prefix}{entry[:-3]}" for folder, prefix in folders for entry in _entries(folder)
             if entry.lower().endswith(".md") and fold(entry[:-3]) == key}
    return sorted(found)


def _entries(folder: Path) -> list[str]:
    try:
        return [entry for entry in os.listdir(folder) if not entry.startswith(".")]
    except OSError:
        return []
