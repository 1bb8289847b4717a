"""Source lines on blocks: ``<p data-line="12">``, so the preflight can name the line a
finding comes from instead of the first place the same words occur in the file.

Python-Markdown keeps no source positions. But before its inline patterns run, every
block's text is still the Markdown as written (``**強調**``, ``{膝|ひざ}`` and all), and
blocks come in the order they are written, so each one is found by searching forward
from where the previous one started.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from typing import Any

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from markdown.util import HTML_PLACEHOLDER_RE, STX

from .typedlists import TYPED_MARKER

BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "dt", "dd", "td", "th", "pre", "blockquote"}
ATTRIBUTE = "data-line"


class SourceLinesTreeprocessor(Treeprocessor):
    def __init__(self, md: Markdown, ext: SourceLinesExtension) -> None:
        super().__init__(md)
        self.ext = ext

    def run(self, root: etree.Element) -> None:
        text = str(self.ext.getConfig("text"))
        first_line = int(self.ext.getConfig("first_line"))
        stash = self.md.htmlStash.rawHtmlBlocks
        cursor = 0
        for element in root.iter():
            if element.tag not in BLOCKS or element is root:
                continue
            raw = raw_block(element)
            if raw is not None and not isinstance(stash[raw], str):
                continue
            own = _own_text(stash[raw] if raw is not None else element.text or "")
            if not own:
                continue
            # At the start of a line (after any list, heading or quote marker), at or after
            # the line below the previous block: "はい" may also end an earlier paragraph.
            start = _find_at_line_start(text, own.split("\n", 1)[0].strip(), cursor)
            if start is None:
                continue
            line = str(first_line + text.count("\n", 0, start))
            if raw is None:
                element.set(ATTRIBUTE, line)
            else:  # raw HTML: the line goes on its first tag, which the block parser kept as text
                stash[raw] = _FIRST_TAG.sub(rf'<\1 {ATTRIBUTE}="{line}"', str(stash[raw]), 1)
            cursor = _after_lines(text, start, own.count("\n") + 1)


# What may stand between a line's start and a block's text: indent, quote, list or heading marker.
_LINE_START = re.compile(rf"[ \t]*(?:>[ \t]*)*(?:[-*+][ \t]+|\d+[.)][ \t]+|#{{1,6}}[ \t]+|{TYPED_MARKER})?")


def _find_at_line_start(text: str, needle: str, cursor: int) -> int | None:
    """Where ``needle`` first occurs at or after ``cursor`` (a line start) with only a
    marker before it on its line. A plain search and one compiled pattern: compiling a
    pattern per block cost a millisecond each, a fifth of a handout's Markdown time."""
    at = text.find(needle, cursor)
    while at >= 0:
        if _LINE_START.fullmatch(text, text.rfind("\n", 0, at) + 1, at):
            return at
        at = text.find(needle, at + 1)
    return None
_FIRST_TAG = re.compile(r"^\s*<([A-Za-z][A-Za-z0-9]*)(?=[\s>/])")


def _after_lines(text: str, start: int, count: int) -> int:
    """The offset of the line ``count`` lines below the one ``start`` is on."""
    for _ in range(count):
        newline = text.find("\n", start)
        if newline < 0:
            return len(text)
        start = newline + 1
    return start


def raw_block(element: etree.Element) -> int | None:
    """The htmlStash index when the block is a raw HTML block's placeholder."""
    match = HTML_PLACEHOLDER_RE.fullmatch((element.text or "").strip()) if not len(element) else None
    return int(match[1]) if match else None


def element_line(element: Any) -> int | None:
    """The source line recorded on an element (ours, or WeasyPrint's copy of it)."""
    value = element.get(ATTRIBUTE) if element is not None and hasattr(element, "get") else None
    return int(value) if value and str(value).isdigit() else None


def _own_text(written: object) -> str:
    """A block's own text as written, or "" (none, or an inline placeholder the block
    parser put there)."""
    own = str(written).strip()
    return "" if not own or STX in own else own


class SourceLinesExtension(Extension):
    def __init__(self, **kwargs: object) -> None:
        self.config = {
            "text": ["", "the Markdown text the blocks come from"],
            "first_line": [1, "file line of the Markdown's first line"],
        }
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:
        # Before the inline patterns (priority 20) turn the written text into markup.
        md.treeprocessors.register(SourceLinesTreeprocessor(md, self), "source_lines", 30)

