"""Phrase-aware line breaks for large short lines (headings, titles, questions).

At 20-30 pt a heading wraps after 8-12 characters, and Japanese allows a break between
almost any two characters, so it may wrap inside a word (膝の裏が痛 / む). budoux splits
the text into phrases; each phrase becomes an inline-block ``span.phrase`` so WeasyPrint
breaks only between phrases (it supports neither ``word-break: keep-all`` nor ``<wbr>``
inside no-wrap text). Body text joins the characters of each phrase instead (joiners.py):
as spans it would lay out ten times slower.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup, escape

from .furigana import FURIGANA_RE, ruby
from .phrasing import body_breaks, boundaries

HEADINGS = ("h1", "h2", "h3", "h4")
# Elements that hold other blocks are left alone (their own paragraphs are handled).
BLOCKS = {"p", "ul", "ol", "li", "div", "section", "blockquote", "pre", "table", "dl", "h1", "h2", "h3", "h4"}
PHRASE_CLASS = "phrase"


def phrase_html(text: object) -> Markup:
    """Plain text (a title from front matter, a clinic fact) → escaped phrase spans.
    Furigana written as ``{漢字|かんじ}`` becomes ruby here too."""
    element = etree.Element("div")
    last: etree.Element | None = None
    position, source = 0, str(text or "")
    for match in re.finditer(FURIGANA_RE, source):
        _append_plain(element, last, source[position:match.start()])
        last = ruby(match.group(1).strip(), match.group(2).strip())
        element.append(last)
        position = match.end()
    _append_plain(element, last, source[position:])
    if element.text or len(element):
        wrap_phrases(element)
    inner = escape(element.text or "") + Markup("").join(
        Markup(etree.tostring(child, encoding="unicode", method="html")) for child in element)
    return Markup(inner)


def _append_plain(element: etree.Element, last: etree.Element | None, text: str) -> None:
    if last is None:
        element.text = (element.text or "") + text
    else:
        last.tail = (last.tail or "") + text


def wrap_phrases(element: etree.Element, runts: bool = False) -> None:
    """Group an element's content into phrase spans, in place.

    Boundaries fall only inside the element's own text runs; a child element (ruby,
    strong, a link) stays whole inside one phrase, with its text counted for budoux.
    ``runts``: body text (not a heading): a short last phrase joins the one before it.
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
    cuts = (body_breaks if runts else boundaries)("".join(_base_text(i) for i in items))

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
        elif item.tag in ("br", "img"):  # a forced line break ends the phrase; a picture is a block of its own
            if not len(span) and not span.text:
                element.remove(span)  # an empty inline-block would still take a line
            element.append(item)
            span = etree.SubElement(element, "span", {"class": PHRASE_CLASS})
        else:
            if position in cuts:
                span = _next_span(element, span)
            span.append(item)
            position += len(_base_text(item))
    if not len(span) and not span.text:
        element.remove(span)
    _move_edge_spaces_out(element)


def _next_span(element: etree.Element, span: etree.Element) -> etree.Element:
    """A new phrase span, unless the current one is still empty."""
    if not len(span) and not span.text:
        return span
    return etree.SubElement(element, "span", {"class": PHRASE_CLASS})


def _move_edge_spaces_out(element: etree.Element) -> None:
    """An inline-block drops white space at its edges; keep it between the spans."""
    previous: etree.Element | None = None
    for span in element:
        if span.tag != "span":
            previous = span
            continue
        if span.text and span.text[0].isspace():
            stripped = span.text.lstrip()
            gap, span.text = span.text[: len(span.text) - len(stripped)], stripped
            if previous is not None:
                previous.tail = (previous.tail or "") + gap
            else:
                element.text = (element.text or "") + gap
        holder, attr = (span[-1], "tail") if len(span) else (span, "text")
        text = getattr(holder, attr) or ""
        if text and text[-1].isspace():
            stripped = text.rstrip()
            setattr(holder, attr, stripped)
            span.tail = text[len(stripped):] + (span.tail or "")
        previous = span


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
    def __init__(self, md: Markdown, tags: tuple[str, ...]) -> None:
        super().__init__(md)
        self.tags = set(tags)

    def run(self, root: etree.Element) -> None:
        for element in list(root.iter()):
            if element.tag in self.tags and not any(c.tag in BLOCKS for c in element):
                wrap_phrases(element, runts=element.tag not in HEADINGS)


class PhrasesExtension(Extension):
    """``tags``: which elements get phrase breaks. Headings by default; a kind with
    narrow columns (the brochure) lists ``li`` and ``p`` too, in its schema."""

    def __init__(self, **kwargs: object) -> None:
        self.config = {"tags": [list(HEADINGS), "elements whose lines break between phrases only"]}
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:
        # After inline patterns (20) so ruby elements exist, after readings (15).
        md.treeprocessors.register(PhrasesTreeprocessor(md, tuple(self.getConfig("tags"))), "phrases", 10)
