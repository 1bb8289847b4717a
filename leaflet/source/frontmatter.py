"""Read a handout file: UTF-8 text, YAML front matter, Markdown body.

Front matter is the block between a first line ``---`` and the next ``---`` (or ``...``).
Every error names the line an editor has to look at.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .. import guarded_read, yamlfile
from ..errors import HandoutError

FENCE = "---"


@dataclass
class Source:
    """A handout file split into its parts."""

    path: str  # as shown to the editor (relative to the project)
    meta: dict[str, Any]
    meta_lines: dict[str, int]  # front-matter key → line, for pointing at a bad value
    body: str
    body_line: int  # line number of the body's first line in the file
    text: str = ""  # the whole file, decoded and normalised (for finding lines)


def read_text(file: Path, shown: str, root: Path) -> str:
    """Read through the guarded reader (inside ``root``, a regular file, at most 1 MB),
    decode as UTF-8 (a BOM is fine) and normalise CRLF/CR line endings."""
    text = guarded_read.read_text(file, root, guarded_read.TEXT_LIMIT, shown=shown)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def split(text: str, shown: str) -> Source:
    if not text.strip():
        raise HandoutError(
            shown, 1, "ファイルが空です",
            "1行目に --- で始まるフロントマター(kind と title)を書いてください",
        )
    lines = text.split("\n")
    if lines[0].strip() != FENCE:
        raise HandoutError(
            shown, 1, "フロントマターがありません",
            "1行目を --- にして、kind: と title: を書き、--- で閉じてください",
        )
    end = next((i for i in range(1, len(lines)) if lines[i].strip() in (FENCE, "...")), None)
    if end is None:
        raise HandoutError(
            shown, 1, "フロントマターが閉じていません",
            "kind: や title: の後に --- だけの行を入れてください",
        )
    _check_colons(lines[1:end], shown)
    yaml_text = _quote_furigana_values("\n".join(lines[1:end]))
    try:
        node = yamlfile.compose(yaml_text)
        meta = yamlfile.parse(yaml_text)
    except yamlfile.YAMLError as error:
        _refuse_forgotten_close(lines, end, shown, yaml_failed=True)
        line, problem, fix = yamlfile.explain(error)
        raise HandoutError(shown, 1 if line is None else line + 2,
                           f"フロントマターの YAML に誤りがあります({problem})", fix) from None
    except ValueError:  # a date that does not exist: 2026-02-30
        raise HandoutError(shown, _bad_value_line(yaml_text),
                           "フロントマターの日付が正しくありません(その日付はありません)",
                           "2026-11-20 のように、実在する年-月-日で書いてください") from None
    _refuse_forgotten_close(lines, end, shown, yaml_failed=False)
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise HandoutError(shown, 2, "フロントマターは「名前: 値」の形で書いてください",
                           "例: title: 膝の裏が痛いとき")
    meta_lines = {}
    if isinstance(node, yaml.MappingNode):
        meta_lines = {str(k.value): k.start_mark.line + 2 for k, _ in node.value}
    meta = {str(k): _plain(v) for k, v in meta.items()}
    return Source(shown, meta, meta_lines, "\n".join(lines[end + 1:]), end + 2, text)


# A heading ("## 質問"; a "# " line is a YAML comment) or a section marker: Markdown only.
_MARKDOWN_ONLY = re.compile(r"#{2,6}\s|:::")
_BODY_LINE = re.compile(r"(#{2,6}\s|:::|[*+]\s|\d+\.\s|!\[|\{[^{}\n]+[|｜])|[^\s:#\-\[{\"'][^:]*$")
_KEY_LINE = re.compile(r"\s*[A-Za-z_][\w-]*\s*:(\s|$)")  # front-matter names are ASCII


def _refuse_forgotten_close(lines: list[str], end: int, shown: str, yaml_failed: bool) -> None:
    """The closing --- forgotten, and a later --- rule in the body closed the front matter
    instead: YAML reads the headings in between as comments and drops them without a word
    (or gives up on the text). Told by a line that is Markdown with no ``key:`` line after
    it: a heading or section marker after a blank line, or, when YAML failed, one anywhere,
    or any line that reads as Markdown after a blank line."""
    blank = False
    # The last key line: the lines before it are followed by one (linear, not a search of
    # the rest for every line: 20,000 comment lines took minutes).
    last_key = max((i for i in range(1, end) if _KEY_LINE.match(lines[i])), default=0)
    for i in range(1, end):
        line = lines[i]
        if not line.strip():
            blank = True
            continue
        if i < last_key:
            continue
        markdown_only = bool(_MARKDOWN_ONLY.match(line))
        if (markdown_only and (blank or yaml_failed)) or (yaml_failed and blank and _BODY_LINE.match(line)):
            raise HandoutError(
                shown, i + 1, "フロントマターが閉じていません(この行から本文のようです)",
                f"この行の前({i}行目)に --- だけの行を入れてください",
            )


# key: {膝窩|しっか}の痛み — YAML would read the "{" as the start of a mapping.
_FURIGANA_VALUE = re.compile(r"^(\s*[^\s:#'\"][^:]*:\s+)(\{[^{}\n]*[|｜][^\n]*?)(\s+#.*)?$")


def _quote_furigana_values(yaml_text: str) -> str:
    """Quote a plain value that starts with furigana, so that it reads as the text it is
    (editors write ``title: {膝窩|しっか}の痛み`` and should not need to know YAML)."""
    def quote(match: re.Match[str]) -> str:
        return f"{match[1]}'{match[2].replace(chr(39), chr(39) * 2)}'{match[3] or ''}"

    return "\n".join(_FURIGANA_VALUE.sub(quote, line) for line in yaml_text.split("\n"))


_FULL_WIDTH_COLON = re.compile(r"^\s*(?:- )?([A-Za-z_][\w-]*)\s*：")
_FULL_WIDTH_SPACE = re.compile(r"^[ \t]*(?:- )?([A-Za-z_][\w-]*)(\u3000*):(\u3000?)")
_NO_SPACE = re.compile(r"^\s*(?:- )?([A-Za-z_][\w-]*):(?=[^\s:/])")


def _check_colons(lines: list[str], shown: str) -> None:
    """The slips YAML reports worst (on another line, in English, or not at all): a
    full-width colon or space from the Japanese input method, no space after the colon."""
    for number, line in enumerate(lines, 2):
        if match := _FULL_WIDTH_COLON.match(line):
            raise HandoutError(shown, number, f"「{match[1]}：」の「：」が全角です",
                               f"半角の「:」と空白にしてください: {match[1]}: …")
        if (match := _FULL_WIDTH_SPACE.match(line)) and (match[2] or match[3]):
            where = "の前" if match[2] else "の後"
            raise HandoutError(shown, number, f"「{match[1]}:」の「:」{where}の空白が全角です",
                               f"全角の空白を消して、「:」の後に半角の空白を入れてください: {match[1]}: …")
        if line[:1] == "\u3000" or line.lstrip(" \t")[:1] == "\u3000":
            raise HandoutError(shown, number, "行の頭に全角の空白があります",
                               "フロントマターの行の頭は半角の空白で字下げするか、字下げしないでください")
        if match := _NO_SPACE.match(line):
            raise HandoutError(shown, number, f"「{match[1]}:」の後に空白がありません",
                               f"「:」の後に半角の空白を入れてください: {match[1]}: …")


def _bad_value_line(yaml_text: str) -> int:
    """The file line of the first date-like value that is not a real date."""
    for number, line in enumerate(yaml_text.split("\n"), 2):
        match = re.search(r":\s*(\d{4}-\d{1,2}-\d{1,2})\s*$", line)
        if match:
            try:
                dt.date(*map(int, match[1].split("-")))
            except ValueError:
                return number
    return 2


def _plain(value: Any) -> Any:
    """Dates stay dates; everything else as YAML gave it."""
    if isinstance(value, dt.datetime):
        return value.date()
    return value
