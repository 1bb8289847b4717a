"""Lists as they are typed in Japanese or pasted from Word: lines starting with ・ ● ○ ■
□ ◆ ◇, with ① ②, (1) (2), 1) 2) or full-width １．２． become a Markdown list instead of
running together into one paragraph. So does a Markdown list written straight under a
line of text (``注意:`` / ``- 一つ目``), which Python-Markdown would also merge into the
paragraph above.

Two or more such lines in a row (blank lines between them allowed, text lines right
under one belonging to it) make a list; a single line is left as written, since one
``・`` or ``(1)`` can start an ordinary sentence. Bullets become ``- ``, numbers ``N. ``
with the number as typed, so the list prints with the kind's own markers and its
numbering starts where the editor's did. A blank line is added in front of a list that
follows a line of text (outside a list), which leaves the lines after it shifted: this
runs after the extensions that report lines from what they are given.
"""

from __future__ import annotations

import re

from markdown import Markdown
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

BULLETS = "・●○◆◇■□▪•◦"
_DIGITS = "[0-9０-９]{1,3}"
# What starts a typed list line, for other extensions (source lines) to skip over too.
TYPED_MARKER = (rf"(?:[{BULLETS}]|[①-⑳]|[(（]{_DIGITS}[)）]|{_DIGITS}[)）]|[０-９]{{1,3}}[.．]|[0-9]{{1,3}}．)"
                r"[ \u3000]*")
_TYPED = re.compile(rf"^( *)({TYPED_MARKER})(\S.*)$")
_MARKDOWN = re.compile(r"^( *)([-*+]|\d{1,9}\.)( +)(\S.*)$")
MIN_LINES = 2


def _classify(line: str) -> tuple[str, int, str, str] | None:
    """(family, indent, the line as Markdown, kind of marker) for a list line, else None."""
    typed = _TYPED.match(line)
    if typed:
        indent, marker, text = len(typed.group(1)), typed.group(2).strip(" \u3000"), typed.group(3)
        if marker[0] in BULLETS:
            return f"bullet{marker[0]}", indent, f"{' ' * indent}- {text}", "typed"
        if "①" <= marker[0] <= "⑳":
            number, shape = ord(marker[0]) - ord("①") + 1, "①"
        else:  # int() reads full-width digits too; "(1)" and "1)" are different lists
            number, shape = int("".join(c for c in marker if c.isdigit())), re.sub(r"[0-9０-９]+", "N", marker)
        return f"number{shape}", indent, f"{' ' * indent}{number}. {text}", "typed"
    plain = _MARKDOWN.match(line)
    if plain:
        family = "md-bullet" if plain.group(2) in "-*+" else "md-number"
        return family, len(plain.group(1)), line, "markdown"
    return None


class TypedListsPreprocessor(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        marks = [_classify(line) for line in lines]
        # Whether another item of the same list shape comes later: a line with none cannot
        # start a list of two, and is not scanned from (which kept a long run of items at
        # ever deeper indents from costing quadratic time).
        later: list[bool] = [False] * len(lines)
        seen: set[tuple[str, int]] = set()
        for position in range(len(lines) - 1, -1, -1):
            mark = marks[position]
            if mark is not None:
                later[position] = (mark[0], mark[1]) in seen
                seen.add((mark[0], mark[1]))
        out: list[str] = []
        index = 0
        while index < len(lines):
            run = self._run(lines, marks, index) if later[index] else None
            if not run:
                out.append(lines[index])
                index += 1
                continue
            family, indent, end = run
            before = out[-1] if out else ""
            above = _classify(before)
            if indent == 0 and before.strip() and (above is None and not before.startswith(" ")
                                                   or above is not None and above[1] == 0):
                out.append("")  # under a line of text or another list: Markdown needs a blank line between
            for position in range(index, end):
                mark = marks[position]
                out.append(mark[2] if mark and mark[0] == family and mark[1] == indent else lines[position])
            index = end
        return out

    @staticmethod
    def _run(lines: list[str], marks: list, start: int) -> tuple[str, int, int] | None:
        """A list starting at ``start``: (family, indent, index after its last line), when
        it has at least ``MIN_LINES`` items and needs rewriting (typed markers, or
        Markdown ones right under a line of text)."""
        first = marks[start]
        if first is None:
            return None
        family, indent, _, kind = first
        above = marks[start - 1] if start else None
        if kind == "markdown" and (start == 0 or not lines[start - 1].strip()
                                   or above is not None and (above[0] == family or above[1] != indent)):
            return None  # an ordinary Markdown list (or its next item): nothing to do
        items, end, position = 0, start, start
        while position < len(lines):
            mark = marks[position]
            if mark is not None and mark[0] == family and mark[1] == indent:
                items += 1
                end = position + 1
            elif mark is not None and mark[1] <= indent:
                break  # another kind of list at this level
            elif not lines[position].strip():
                pass  # blank lines between items
            elif lines[position - 1].strip() and position > start:
                end = position + 1  # a line right under an item's text belongs to it
            else:
                break
            position += 1
        return (family, indent, end) if items >= MIN_LINES else None


class TypedListsExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        # After raw HTML is stashed (20) and furigana warnings (5) have counted lines (this
        # may add a blank line); before nested lists are re-indented (list_indent, 3).
        md.preprocessors.register(TypedListsPreprocessor(md), "typed_lists", 4)
