"""Rule 3, missing glyphs: every character drawn must be in the character map (cmap) of
the fonts the handout loads. With system fonts hidden (``leaflet.fonts``), a character
our fonts lack is printed as an empty box; WeasyPrint only logs it while writing the
PDF, so the preflight reads the fonts' cmaps (``fontfile``) before anything is written."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from .. import guarded_read
from .context import Context, failed, passed
from .fontfile import NotAFont, font_file
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
    """The code points the font maps; none for a font that is refused or unreadable (the
    fonts rule names it and says why)."""
    try:
        return font_file(path, root).codepoints
    except (guarded_read.Refused, NotAFont):
        return frozenset()
