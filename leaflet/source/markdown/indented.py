"""A line indented by a tab or four spaces is text, not program code.

In Markdown such a block is a code block: set in one unwrapped line that runs off the
page. A leaflet has no code, and an editor indents for other reasons (a paragraph
indent, text pasted from Word, a continuation that lost its list), so the block is
parsed again without its indentation: a paragraph, or a heading or list if it reads as
one. Indented lines that belong to a list item are the list's (Python-Markdown's list
processors see them first).
"""

from __future__ import annotations

import xml.etree.ElementTree as etree

from markdown import Markdown
from markdown.blockprocessors import BlockProcessor
from markdown.extensions import Extension


class IndentedTextProcessor(BlockProcessor):
    def test(self, parent: etree.Element, block: str) -> bool:
        return block.startswith(" " * self.tab_length)

    def run(self, parent: etree.Element, blocks: list[str]) -> None:
        block = blocks.pop(0)
        blocks.insert(0, "\n".join(line.lstrip(" ") for line in block.split("\n")))


class IndentedTextExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        # In place of the code block processor (same priority: after list items' own
        # indented blocks, 90).
        md.parser.blockprocessors.deregister("code")
        md.parser.blockprocessors.register(IndentedTextProcessor(md.parser), "indented_text", 80)
