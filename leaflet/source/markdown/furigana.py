"""Furigana: ``{漢字|かんじ}`` → ``<ruby>漢字<rp>(</rp><rt>かんじ</rt><rp>)</rp></ruby>``
(``{漢字｜かんじ}`` with the full-width bar works too).

The same syntax as Vivliostyle's VFM. ``\\{`` escapes it (Markdown's own backslash
escape runs first), and code spans are never touched. A malformed one (``{漢字|`` left
open, ``{|}`` empty) stays literal text and is logged as a warning with ``file:line``.
"""

from __future__ import annotations

import logging
import re
import xml.etree.ElementTree as etree

from markdown import Markdown
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.preprocessors import Preprocessor

from ...errors import cut

LOG = logging.getLogger("leaflet")

# The bar may be full-width too: "｜" is what a Japanese input method types.
FURIGANA_RE = r"\{([^{}|｜\n]+)[|｜]([^{}|｜\n]+)\}"
# A "{" and what follows it up to a "}" or the end of the text: ruby-like when it holds
# a bar. (One pattern with the bar in it, \{[^{}]*[|｜][^{}]*(\}|$), backtracks over
# every split of a long run of bars: a 60 KB line of "{" and "|" took a minute.)
BRACED_RE = re.compile(r"(?<!\\)\{[^{}\n]*(?:\}|$)")


def strip_furigana(text: str) -> str:
    """``{膝窩筋|しつかきん}の痛み`` → ``膝窩筋の痛み`` (PDF metadata, the catalog)."""
    return re.sub(FURIGANA_RE, lambda m: m.group(1).strip(), text)


def ruby(base: str, reading: str) -> etree.Element:
    element = etree.Element("ruby")
    element.text = base
    for tag, text in (("rp", "("), ("rt", reading), ("rp", ")")):
        etree.SubElement(element, tag).text = text
    return element


class FuriganaInlineProcessor(InlineProcessor):
    def handleMatch(self, m: re.Match[str], data: str) -> tuple[etree.Element, int, int]:
        base, reading = m.group(1).strip(), m.group(2).strip()
        return ruby(base, reading), m.start(0), m.end(0)


class MalformedFuriganaWarner(Preprocessor):
    """Warn about ruby-like text that the inline pattern will leave alone."""

    def __init__(self, md: Markdown, ext: FuriganaExtension) -> None:
        super().__init__(md)
        self.ext = ext

    def run(self, lines: list[str]) -> list[str]:
        source = self.ext.getConfig("source")
        first = int(self.ext.getConfig("first_line"))
        in_fence = False
        for number, line in enumerate(lines):
            if line.lstrip().startswith(("```", "~~~")):
                in_fence = not in_fence
            if in_fence:
                continue
            warn_malformed(re.sub(r"`[^`]*`", "", line), source, first + number)
        return lines


def warn_malformed(text: str, source: str, line: int | None) -> None:
    """Log each ruby-like piece of ``text`` that is not valid furigana (it prints as typed)."""
    for match in BRACED_RE.finditer(text):
        piece = match.group(0)
        if ("|" in piece or "｜" in piece) and not re.fullmatch(FURIGANA_RE, piece):
            LOG.warning("%s:%s: ふりがなの書き方が正しくありません「%s」 — {漢字|かんじ} の形で書いてください",
                        source, line if line is not None else "", cut(piece, 40))


class FuriganaExtension(Extension):
    def __init__(self, **kwargs: object) -> None:
        self.config = {
            "source": ["<string>", "file name used in warnings"],
            "first_line": [1, "file line of the Markdown's first line, for warnings"],
        }
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:
        # After backslash escapes (180) and code spans (190), before emphasis (60).
        md.inlinePatterns.register(FuriganaInlineProcessor(FURIGANA_RE, md), "furigana", 75)
        md.preprocessors.register(MalformedFuriganaWarner(md, self), "furigana_warn", 5)
