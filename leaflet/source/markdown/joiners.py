"""Body text breaks only between phrases: U+2060 WORD JOINER between the characters of a phrase.

Japanese lets a line end between almost any two characters, so 16-20 pt body text
wrapped by Pango ends lines inside words (筋力ト/レーニング, 20/秒). WeasyPrint supports
neither ``word-break: keep-all`` nor ``<wbr>``; making each phrase an inline-block span
(as headings do, ``phrases.py``) lays body text out ten times slower. A word joiner
forbids a break on either side of it (UAX #14, LB11) and is otherwise nothing: Pango
draws no glyph for it and no PDF text extractor returns it (measured with pdfplumber,
pypdfium2 and pdftotext), so copied text is the source text. It costs about 8 % of
layout time, 1-4 % of a whole build (bench/run.py, figure g).

A joiner goes between any two characters of one phrase (``phrasing.body_breaks``: the
last line of a paragraph also keeps at least four characters). Ruby, code and images
are atomic: a joiner is put beside them when they sit inside a phrase, since WeasyPrint
treats an inline-block like an ideograph, a break opportunity on either side. A phrase
wider than the whole line still breaks inside (``overflow-wrap: break-word`` in base.css).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass, field

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from markdown.util import ETX, STX

from .phrasing import MAX_JOINED, body_breaks

WORD_JOINER = "\u2060"

# Elements whose own text is body text (their inline content is joined). Headings and
# the kind's ``phrase_breaks`` elements are set as phrase spans instead.
CONTAINERS = {"div", "p", "li", "dd", "dt", "td", "th", "blockquote", "section", "figcaption",
              "caption", "summary", "article", "aside", "header", "footer", "details"}
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
# Inline elements whose text flows with the text around them: joined through.
INLINE = {"strong", "em", "b", "i", "u", "s", "a", "span", "small", "mark", "sub", "sup", "abbr",
          "q", "del", "ins", "cite", "dfn", "kbd", "var", "samp", "time", "data", "bdi", "bdo"}
# Anything else that is not a block is atomic (ruby, code, img): left whole, joined beside.
BLOCKS = CONTAINERS | HEADINGS | {"ul", "ol", "dl", "table", "thead", "tbody", "tfoot", "tr", "pre",
                                  "hr", "figure", "nav", "form", "fieldset", "main"}
# Python-Markdown's placeholders (raw inline HTML, backslash escapes): never split one.
_PLACEHOLDER = re.compile(f"{STX}[^{ETX}]*{ETX}|.", re.DOTALL)
OBJECT = "\ufffc"  # what a placeholder counts as when phrases are found


def visible(text: str) -> str:
    """Text as a reader sees (and copies) it: without the joiners."""
    return text.replace(WORD_JOINER, "")


@dataclass
class _Slot:
    """A text or tail of an element: where joiners can be written."""

    owner: etree.Element
    attr: str  # "text" or "tail"
    units: list[str]  # characters, a placeholder as one unit
    out: list[str] = field(default_factory=list)


@dataclass
class _Atom:
    """Something a joiner cannot go inside (ruby, code, an image, a <br> in a link)."""

    text: str  # what it contributes to the phrase text (a ruby's base)


def join_phrases(element: etree.Element) -> None:
    """Put word joiners inside the phrases of ``element``'s own inline text, in place.
    Runs are cut at block children and ``<br>`` (each run is its own paragraph)."""
    for run in _runs(element):
        if _join_run(run):
            element.set("class", " ".join(filter(None, [element.get("class"), UNBREAKABLE_CLASS])))


# Latin letters, digits or symbols this long with no space (a pasted hash, a line of
# "|"): its block keeps ``overflow-wrap: normal`` (base.css), so the run stays one line,
# is reported by the overflow rule, and costs no quadratic layout.
_UNBREAKABLE = re.compile(r"[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]{200,}")
UNBREAKABLE_CLASS = "unbreakable"


def _runs(element: etree.Element) -> list[list[_Slot | _Atom]]:
    runs: list[list[_Slot | _Atom]] = [[]]
    runs[-1].append(_slot(element, "text"))
    for child in element:
        if child.tag in BLOCKS or child.tag == "br":
            runs.append([])
        else:
            _flatten(child, runs[-1])
        runs[-1].append(_slot(child, "tail"))
    return runs


def _flatten(element: etree.Element, run: list[_Slot | _Atom]) -> None:
    if element.tag in INLINE:
        run.append(_slot(element, "text"))
        for child in element:
            if child.tag == "br" or child.tag in BLOCKS:
                run.append(_Atom(""))
            else:
                _flatten(child, run)
            run.append(_slot(child, "tail"))
    elif element.tag == "ruby":
        run.append(_Atom(element.text or ""))
    else:
        run.append(_Atom("".join(element.itertext())))


def _slot(owner: etree.Element, attr: str) -> _Slot:
    return _Slot(owner, attr, _PLACEHOLDER.findall(getattr(owner, attr) or ""))


def _join_run(run: list[_Slot | _Atom]) -> bool:
    """Join the run's phrases; True when it holds an unbreakable run (``_UNBREAKABLE``)."""
    text = "".join(_units_text(item.units) if isinstance(item, _Slot) else item.text for item in run)
    solid = [i for i, char in enumerate(text) if not char.isspace()]
    if not solid:
        return False
    breaks = body_breaks(text)
    # Gaps that must not break: inside the text (white space at either end stays
    # collapsible: a joiner beside it would print it, e.g. after a step's picture).
    first, last = solid[0], solid[-1]
    edges = [first, *sorted(b for b in breaks if first < b <= last), last + 1]
    free = {gap for a, b in zip(edges, edges[1:]) if b - a > MAX_JOINED for gap in range(a + 1, b)}

    def joined(gap: int) -> bool:
        return first < gap <= last and gap not in breaks and gap not in free

    position = 0  # characters of ``text`` laid down so far
    last_slot: _Slot | None = None  # the latest text slot: where a joiner before an atom goes
    for item in run:
        if isinstance(item, _Slot):
            last_slot = item
            for unit in item.units:
                if joined(position) and (not item.out or item.out[-1] != WORD_JOINER):
                    item.out.append(WORD_JOINER)
                item.out.append(unit)
                position += 1
        else:
            if joined(position) and last_slot is not None \
                    and (not last_slot.out or last_slot.out[-1] != WORD_JOINER):
                last_slot.out.append(WORD_JOINER)
            position += len(item.text)
    for item in run:
        if isinstance(item, _Slot) and item.out != item.units:
            setattr(item.owner, item.attr, "".join(item.out))
    return _UNBREAKABLE.search(text) is not None


def _units_text(units: list[str]) -> str:
    return "".join(OBJECT if len(unit) > 1 else unit for unit in units)


class JoinersTreeprocessor(Treeprocessor):
    def __init__(self, md: Markdown, skip: tuple[str, ...]) -> None:
        super().__init__(md)
        self.skip = set(skip) | HEADINGS

    def run(self, root: etree.Element) -> None:
        for element in list(root.iter()):
            if element.tag in CONTAINERS and element.tag not in self.skip:
                join_phrases(element)


class JoinersExtension(Extension):
    """``skip``: elements set as phrase spans by ``PhrasesExtension`` (the kind's
    ``phrase_breaks``); every other block's text is joined."""

    def __init__(self, **kwargs: object) -> None:
        self.config = {"skip": [[], "elements left to PhrasesExtension"]}
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:
        # Last of all, after Python-Markdown's own unescape (0): every ruby exists, every
        # text is final, and nothing after it reads text (joiners would get in the way).
        md.treeprocessors.register(JoinersTreeprocessor(md, tuple(self.getConfig("skip"))), "joiners", -1)
