"""FAQ structure: each ``## question`` and the blocks after it become one
``<section class="qa">`` (question ``h2.q``, answer ``div.a``) so the stylesheet can keep
a question together with its answer across a page break.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor


class QaTreeprocessor(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        children = list(root)
        for child in children:
            root.remove(child)
        answer: etree.Element | None = None
        for child in children:
            if child.tag == "h2":
                section = etree.SubElement(root, "section", {"class": "qa"})
                section.tail = "\n"
                child.set("class", "q")
                section.append(child)
                answer = etree.SubElement(section, "div", {"class": "a"})
            elif answer is not None:
                answer.append(child)
            else:
                root.append(child)


class QaExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        md.treeprocessors.register(QaTreeprocessor(md), "qa", 5)
