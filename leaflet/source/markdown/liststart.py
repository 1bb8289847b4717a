"""A numbered list that starts at 3 prints 3, 4, … (``3. 三つ目`` / ``③三つ目``).

Python-Markdown writes ``<ol start="3">``, which WeasyPrint 70 ignores (its stylesheet
resets the list counter to 0 for every ``ol``): the list would print 1, 2. The counter
is reset explicitly on the element instead. (An ``<ol start>`` written as raw HTML needs
``style="counter-reset: list-item 2"`` written beside it.)
"""

from __future__ import annotations

import xml.etree.ElementTree as etree

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor


class ListStartTreeprocessor(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        for element in root.iter("ol"):
            start = element.get("start", "")
            if start.lstrip("-").isdigit() and int(start) != 1:
                rule = f"counter-reset: list-item {int(start) - 1}"
                style = element.get("style")
                element.set("style", f"{style.rstrip('; ')}; {rule}" if style else rule)


class ListStartExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        md.treeprocessors.register(ListStartTreeprocessor(md), "list_start", 5)
