"""Nested lists indented as people (and CommonMark) indent them.

Python-Markdown nests a list, or continues a list item after a blank line, only when
the line is indented by four spaces. Editors indent by two (``- a`` / ``  - b``) or to
the item's text (``1. a`` / ``   1. b``), and then a nested list prints flat, its numbers
run on (1, 2, 3, 4 instead of 1, 1, 2, 2), and a second paragraph of a step ends the
list and restarts its numbering. This preprocessor re-indents list lines to what
Python-Markdown expects, deciding nesting the CommonMark way: a line belongs to an item
when it is indented at least as far as the item's text.

Only lines whose meaning changes are touched: nested item lines, and the lines of a
paragraph that continues an item after a blank line. A line right under an item's text
(``1. ![写真](a.jpg)`` / ``   説明``) is a continuation either way and is left alone.
The line count never changes (other extensions report ``file:line``).
"""

from __future__ import annotations

import re

from markdown import Markdown
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor
from markdown.util import STX

ITEM = re.compile(r"^( *)([-*+]|\d{1,9}\.)( +|$)(.*)$")
RULE = re.compile(r"^ {0,3}([-*_])( *\1){2,} *$")  # "- - -" is a horizontal rule, not an item
TAB = 4  # Python-Markdown's tab_length


class ListIndentPreprocessor(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        stack: list[int] = []  # the text column of each open item, outermost first
        previous = "blank"  # what the line before was: blank, item or text
        paragraph: int | None = None  # depth of the continuing paragraph being re-indented
        for line in lines:
            if not line.strip():
                out.append(line)
                previous, paragraph = "blank", None
                continue
            indent = len(line) - len(line.lstrip(" "))
            item = ITEM.match(line)
            if item and not RULE.match(line):
                while stack and indent < stack[-1]:
                    stack.pop()
                marker, spaces, rest = item.group(2), len(item.group(3)), item.group(4)
                # Trailing spaces stay: two of them are a hard line break (``**見出し**  ``).
                out.append(" " * (TAB * len(stack)) + (f"{marker} {rest}" if rest else marker))
                # The item's text starts after the marker's spaces (more than four: after one).
                stack.append(indent + len(marker) + (spaces if 1 <= spaces <= 4 and rest else 1))
                previous, paragraph = "item", None
                continue
            if previous == "blank" and not line.lstrip().startswith(STX):
                while stack and indent < stack[-1]:
                    stack.pop()
                paragraph = len(stack) if stack else None
            if paragraph:
                out.append(" " * (TAB * paragraph) + line.lstrip(" "))
            else:
                out.append(line)
            previous = "text"
        return out


class ListIndentExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        # After raw HTML is stashed (20) and furigana warnings (5) have counted lines, after
        # lines typed as lists (typedlists, 4) have become Markdown lists.
        md.preprocessors.register(ListIndentPreprocessor(md), "list_indent", 3)
