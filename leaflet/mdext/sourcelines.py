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

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from markdown.util import HTML_PLACEHOLDER_RE, STX

BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "dt", "dd", "td", "th", "pre", "blockquote"}
ATTRIBUTE = "data-line"


class SourceLinesTreeprocessor(Treeprocessor):
    def __init__(self, md: Markdown, ext: SourceLinesExtension) -> None:
        super().__init__(md)
        self.ext = ext

    def run(self, root: etree.Element) -> None:
        text = str(self.ext.getConfig("text"))
        first_line = int(self.ext.getConfig("first_line"))
        cursor = 0
        for element in root.iter():
            if element.tag not in BLOCKS or element is root:
                continue
            raw = _raw_block(element)
            if raw is not None and not isinstance(self.md.htmlStash.rawHtmlBlocks[raw], str):
                continue
            written = _first_line(self.md.htmlStash.rawHtmlBlocks[raw] if raw is not None
                                  else element.text or "")
            if not written:
                continue
            found = text.find(written, cursor)
            if found < 0:
                continue
            line = str(first_line + text.count("\n", 0, found))
            if raw is None:
                element.set(ATTRIBUTE, line)
            else:  # raw HTML: the line goes on its first tag, which the block parser kept as text
                html = str(self.md.htmlStash.rawHtmlBlocks[raw])
                self.md.htmlStash.rawHtmlBlocks[raw] = _FIRST_TAG.sub(rf'<\1 {ATTRIBUTE}="{line}"', html, 1)
            cursor = found + len(written)


_PLACEHOLDER = HTML_PLACEHOLDER_RE  # STX wzxhzdk:N ETX
_FIRST_TAG = re.compile(r"^\s*<([A-Za-z][A-Za-z0-9]*)(?=[\s>/])")


def _raw_block(element: etree.Element) -> int | None:
    """The htmlStash index when the block is a raw HTML block's placeholder."""
    match = _PLACEHOLDER.fullmatch((element.text or "").strip()) if not len(element) else None
    return int(match[1]) if match else None


def _first_line(written: object) -> str:
    """The first line of a block's own text as written, or "" (none, or an inline
    placeholder the block parser put there)."""
    own = str(written).strip()
    if not own or STX in own:
        return ""
    return own.split("\n", 1)[0].strip()


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

