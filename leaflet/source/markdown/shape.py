"""A section's shape, as its kind's schema asks (``shape: list``, ``item_images: 1``):
the stretch sheet's steps are a list, one picture a step. A section with no list at all
is an error on its first line (the steps would print as loose text with no numbers); a
note beside the list is fine; an item without its picture is a warning (the sheet
still prints, but reads worse).
"""

from __future__ import annotations

import logging
import re
import xml.etree.ElementTree as etree

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from markdown.util import HTML_PLACEHOLDER_RE

from ...errors import HandoutError
from .sourcelines import element_line, raw_block

LOG = logging.getLogger("leaflet")
LISTS = ("ol", "ul")


class ShapeTreeprocessor(Treeprocessor):
    def __init__(self, md: Markdown, ext: ShapeExtension) -> None:
        super().__init__(md)
        self.ext = ext

    def run(self, root: etree.Element) -> None:
        cfg = self.ext.getConfig
        shape, images = cfg("shape"), int(cfg("item_images"))
        source, label, first = str(cfg("source")), str(cfg("label")), int(cfg("first_line"))
        stash = self.md.htmlStash.rawHtmlBlocks
        if shape == "list" and not any(block.tag in LISTS or _raw_list(block, stash) for block in root):
            start = next(iter(root), None)
            raise HandoutError(source, first if start is None else _line(start, first),
                               f"「{label}」は番号付きリストで書いてください",
                               "手順ごとに「1. 」「2. 」で始まる行にし、説明はその行の続きに字下げして書いてください")
        if images < 0:
            return
        for number, item in enumerate((li for lst in root if lst.tag in LISTS for li in lst), 1):
            count = sum(1 for _ in item.iter("img")) + _raw_images(item, stash)
            if count != images:
                found = "画像がありません" if count == 0 else f"画像が{count}枚あります"
                LOG.warning("%s:%s: 「%s」の%d番目に%s — 1項目に画像を%d枚にしてください"
                            "(例: ![説明](images/step%d.svg))",
                            source, _line(item, first), label, number, found, images, number)


def _line(element: etree.Element, first: int) -> int:
    """The element's source line, or its first descendant's (a loose list item's text is
    in a paragraph inside it), or the section's first line."""
    return next((line for e in element.iter() if (line := element_line(e)) is not None), first)


def _raw_list(block: etree.Element, stash: list) -> bool:
    """A raw HTML block holding an <ol> or <ul> (allowed like any raw HTML)."""
    index = raw_block(block)
    return index is not None and bool(re.search(r"<(ol|ul)[\s>]", str(stash[index]), re.IGNORECASE))


def _raw_images(item: etree.Element, stash: list) -> int:
    """<img> tags written as raw HTML inside a list item (still placeholders here)."""
    text = "".join(item.itertext())
    return sum(len(re.findall(r"<img[\s>/]", str(stash[int(n)]), re.IGNORECASE))
               for n in HTML_PLACEHOLDER_RE.findall(text))


class ShapeExtension(Extension):
    def __init__(self, **kwargs: object) -> None:
        self.config = {
            "shape": ["", "what the section must be: '' (anything) or 'list'"],
            "item_images": [-1, "images each list item should have (-1: no rule)"],
            "label": ["", "the section's name for messages"],
            "source": ["<string>", "file name used in messages"],
            "first_line": [1, "file line of the section's first line"],
        }
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:
        # After the inline patterns (20: images exist) and the source lines (30).
        md.treeprocessors.register(ShapeTreeprocessor(md, self), "shape", 4)
