"""Section markers: a line ``::: NAME`` starts a named section (a brochure panel, the
stretch sheet's steps…) that runs to the next marker. Which names a kind accepts, and
which it requires, is in the kind's schema.

Markers are document structure, like the front matter, so they are split off before
Markdown runs; each section is then converted on its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import HandoutError
from .frontmatter import Source
from .kinds import MAIN, Kind

MARKER = re.compile(r"^:::\s*(\S+)\s*$")
# What a mistyped marker looks like: two or four colons, full-width colons (：：：).
NEAR_MARKER = re.compile(r"^\s*(?:[:：]{2}|[:：]{4,}|：：：)\s*(\S+)\s*$")
FENCE = re.compile(r"^\s*(```|~~~)")


@dataclass
class Part:
    name: str
    first_line: int  # file line of the part's first text line
    text: str


def split_sections(kind: Kind, source: Source) -> list[Part]:
    lines = source.body.split("\n")
    markers: list[tuple[int, str]] = []
    in_fence = False
    for index, line in enumerate(lines):
        if FENCE.match(line):
            in_fence = not in_fence
        elif not in_fence and (match := MARKER.match(line)):
            markers.append((index, match[1]))
        elif not in_fence and kind.sections and (near := NEAR_MARKER.match(line)):
            raise HandoutError(source.path, source.body_line + index,
                               f"セクションの区切り「{line.strip()}」の書き方が違います",
                               f"半角のコロン3つで書いてください: ::: {near[1]}")

    if not kind.sections:
        if markers:
            index, name = markers[0]
            raise HandoutError(source.path, source.body_line + index,
                               f"この種類({kind.name})ではセクション指定「::: {name}」は使えません",
                               "この行を消してください")
        return [Part(MAIN, source.body_line, source.body)]

    names = _names(kind)
    if not markers:
        raise HandoutError(source.path, source.body_line,
                           "セクション指定(::: 名前)がありません",
                           f"本文を「::: 名前」の行で区切ってください。使える名前: {names}")
    before = "\n".join(lines[: markers[0][0]])
    if before.strip():
        offset = next(i for i, line in enumerate(lines) if line.strip())
        raise HandoutError(source.path, source.body_line + offset,
                           "最初のセクション指定(::: 名前)より前に本文があります",
                           "この文を、どれかのセクションの中へ移してください")
    parts: list[Part] = []
    seen: dict[str, int] = {}
    for number, (index, marker) in enumerate(markers):
        at = source.body_line + index
        section = kind.section_for(marker)
        if section is None:
            raise HandoutError(source.path, at, f"「::: {marker}」という名前のセクションはありません",
                               f"使える名前: {names}")
        if section.name in seen:
            raise HandoutError(source.path, at, f"セクション「{section.name}」が2回あります",
                               f"{seen[section.name]}行目のものとまとめてください")
        seen[section.name] = at
        end = markers[number + 1][0] if number + 1 < len(markers) else len(lines)
        text = "\n".join(lines[index + 1:end])
        if section.required and not re.sub(r"<!--.*?-->", "", text, flags=re.S).strip():  # a blank panel
            raise HandoutError(source.path, at, f"セクション「{section.name}」({section.label})が空です",
                               "この行の下に中身を書いてください")
        parts.append(Part(section.name, at + 1, text))
    missing = [s for s in kind.sections.values() if s.required and s.name not in seen]
    if missing:
        labels = "、".join(f"::: {s.name}({s.label})" for s in missing)
        raise HandoutError(source.path, source.body_line, f"必要なセクションがありません: {labels}",
                           "その名前の行と中身を書き足してください")
    return parts


def _names(kind: Kind) -> str:
    return ", ".join(f"{s.name}({s.label})" for s in kind.sections.values())
