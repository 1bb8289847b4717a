"""Phrase-aware line breaks for large short lines (headings, titles, questions).

At 20-30 pt a heading wraps after 8-12 characters, and Japanese allows a break between
almost any two characters, so it may wrap inside a word (膝の裏が痛 / む). budoux splits
the text into phrases; each phrase becomes an inline-block ``span.phrase`` so WeasyPrint
breaks only between phrases (it supports neither ``word-break: keep-all`` nor ``<wbr>``
inside no-wrap text). Body paragraphs keep normal line breaking.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree
from functools import lru_cache

import budoux
from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup, escape

HEADINGS = {"h1", "h2", "h3", "h4"}
PHRASE_CLASS = "phrase"


@lru_cache(maxsize=1)
def _parser() -> budoux.Parser:
    return budoux.load_default_japanese_parser()


def boundaries(text: str) -> set[int]:
    """Character offsets where a new phrase starts (never 0)."""
    offsets, position = set(), 0
    for phrase in _parser().parse(text)[:-1]:
        position += len(phrase)
        offsets.add(position)
    return offsets


def phrase_html(text: str) -> Markup:
    """Plain text (a title from front matter) → escaped HTML of phrase spans."""
    if not text:
        return Markup("")
    return Markup("").join(
        Markup('<span class="phrase">{}</span>').format(escape(p)) for p in _parser().parse(text)
    )


def wrap_phrases(element: etree.Element) -> None:
    """Group an element's content into phrase spans, in place.

    Boundaries fall only inside the element's own text runs; a child element (ruby,
    strong, a link) stays whole inside one phrase, with its text counted for budoux.
    """
    items: list[str | etree.Element] = []
    if element.text:
        items.append(element.text)
    for child in list(element):
        items.append(child)
        if child.tail:
            items.append(child.tail)
            child.tail = None
        element.remove(child)
    element.text = None
    cuts = boundaries("".join(_base_text(i) for i in items))

    span = etree.SubElement(element, "span", {"class": PHRASE_CLASS})
    position = 0
    for item in items:
        if isinstance(item, str):
            start = 0
            for offset in range(len(item)):
                if position + offset in cuts:
                    _append_text(span, item[start:offset])
                    span = _next_span(element, span)
                    start = offset
            _append_text(span, item[start:])
            position += len(item)
        else:
            if position in cuts:
                span = _next_span(element, span)
            span.append(item)
            position += len(_base_text(item))


def _next_span(element: etree.Element, span: etree.Element) -> etree.Element:
    """A new phrase span, unless the current one is still empty."""
    if not len(span) and not span.text:
        return span
    return etree.SubElement(element, "span", {"class": PHRASE_CLASS})


def _base_text(item: str | etree.Element) -> str:
    if isinstance(item, str):
        return item
    if item.tag == "ruby":
        return item.text or ""
    return "".join(item.itertext())


def _append_text(span: etree.Element, text: str) -> None:
    if not text:
        return
    if len(span):
        last = span[-1]
        last.tail = (last.tail or "") + text
    else:
        span.text = (span.text or "") + text


class PhrasesTreeprocessor(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            if element.tag in HEADINGS:
                wrap_phrases(element)


class PhrasesExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        # After inline patterns (20) so ruby elements exist, after readings (15).
        md.treeprocessors.register(PhrasesTreeprocessor(md), "phrases", 10)
