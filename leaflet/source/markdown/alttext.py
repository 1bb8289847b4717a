"""Alternative text of pictures written in Markdown: ``![説明](images/x.svg)``.

HTML's ``alt=""`` means "decoration, say nothing", but Markdown writes it for a picture
whose description was simply forgotten (``![](x.svg)``). So a forgotten one loses its
``alt`` altogether (the preflight then names its line: a screen reader would have
nothing to say about it), and a picture that really is decoration says so in words:
``![装飾](x.svg)`` becomes ``alt=""`` and is left out of the PDF's reading order.
Raw HTML keeps HTML's meaning (``<img alt="">`` is decoration).
"""

from __future__ import annotations

import xml.etree.ElementTree as etree

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

DECORATIVE = "装飾"  # the alt text that marks a picture as decoration


class AltTextTreeprocessor(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        for image in root.iter("img"):
            alt = (image.get("alt") or "").strip()
            if alt == DECORATIVE:
                image.set("alt", "")
            elif not alt:
                image.attrib.pop("alt", None)


class AltTextExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        # After the inline patterns (20) made the <img> elements.
        md.treeprocessors.register(AltTextTreeprocessor(md), "alttext", 2)
