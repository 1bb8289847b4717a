"""Automatic furigana from the readings list (readings.yaml: 嚢腫: のうしゅ …).

The first occurrence of each listed word in a handout gets its reading, the way the
clinic's column does it; later occurrences stay plain. A word the editor already gave
furigana by hand ({嚢腫|のうしゅ}) counts as its first occurrence. The extension keeps
what it has seen across ``Markdown.reset()`` so a handout converted section by section
is treated as one text; call ``start_handout()`` between handouts.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from .furigana import ruby

SKIP = {"code", "pre", "ruby", "rt", "rp", "script", "style"}
# Furigana markup that did not parse ({嚢腫|のうしゅ left open): it stays literal text and
# is reported; ruby put inside it would turn one visible mistake into a stranger one.
_OPEN_BEFORE = re.compile(r"\{[^{}|｜\n]*\Z")
_BAR_AFTER = re.compile(r"[^{}|｜\n]*[|｜]")


class ReadingsTreeprocessor(Treeprocessor):
    def __init__(self, md: Markdown, ext: ReadingsExtension) -> None:
        super().__init__(md)
        self.ext = ext

    def run(self, root: etree.Element) -> None:
        if not self.ext.readings:
            return
        for element in root.iter("ruby"):  # hand-written furigana counts as seen
            self.ext.seen.add((element.text or "").strip())
        self._walk(root)

    def _walk(self, element: etree.Element) -> None:
        if element.tag in SKIP:
            return
        element.text = self._place(element, element.text, index=0)
        for child in list(element):
            self._walk(child)
            index = list(element).index(child) + 1
            child.tail = self._place(element, child.tail, index=index)

    def _place(self, parent: etree.Element, text: str | None, index: int) -> str | None:
        """Put ruby on first occurrences in ``text``; new elements go in at ``index``."""
        if not text:
            return text
        pattern = self.ext.pattern_for_unseen()
        if pattern is None:
            return text
        match = next((m for m in pattern.finditer(text) if not _in_broken_furigana(text, m)), None)
        if match is None:
            return text
        word = match.group(0)
        self.ext.seen.add(word)
        element = ruby(word, self.ext.readings[word])
        parent.insert(index, element)
        element.tail = self._place(parent, text[match.end():], index + 1)
        return text[: match.start()]


class ReadingsExtension(Extension):
    def __init__(self, readings: dict[str, str] | None = None, **kwargs: object) -> None:
        self.config: dict[str, list[object]] = {}
        super().__init__(**kwargs)
        self.readings = dict(readings or {})
        self.seen: set[str] = set()

    def start_handout(self) -> None:
        self.seen = set()

    def pattern_for_unseen(self) -> re.Pattern[str] | None:
        words = sorted((w for w in self.readings if w not in self.seen), key=len, reverse=True)
        return re.compile("|".join(map(re.escape, words))) if words else None

    def extendMarkdown(self, md: Markdown) -> None:
        # After inline patterns (priority 20): hand-written ruby already exists.
        md.treeprocessors.register(ReadingsTreeprocessor(md, self), "readings", 15)


def _in_broken_furigana(text: str, match: re.Match[str]) -> bool:
    """Is the word the base of a ``{base|`` left as text by the furigana pattern?"""
    return bool(_OPEN_BEFORE.search(text, 0, match.start()) and _BAR_AFTER.match(text, match.end()))
