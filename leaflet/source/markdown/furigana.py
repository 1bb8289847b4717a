"""Furigana: ``{漢字|かんじ}`` → ``<ruby>漢字<rp>(</rp><rt>かんじ</rt><rp>)</rp></ruby>``.

The same syntax as Vivliostyle's VFM. What a Japanese input method types works too: the
full-width bar and braces (``｛穿刺｜せんし｝``, in any mix with the ASCII ones). ``\\{``
escapes it (Markdown's own backslash escape runs first), and code spans are never
touched. A malformed one (``{漢字|`` left open, ``{|}`` empty) stays literal text and is
logged as a warning with ``file:line``; so is a near miss that prints as typed: another
separator (``{穿刺/せんし}``), other brackets (``[穿刺|せんし]``, ``(穿刺|せんし)``) or no
bar at all (``{理学療法士りがくりょうほうし}``: kanji, then more hiragana than kanji).
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

# Braces and bar may be full-width too: "｛｜｝" is what a Japanese input method types.
FURIGANA_RE = r"[{｛]([^{}｛｝|｜\n]+)[|｜]([^{}｛｝|｜\n]+)[}｝]"
# A "{" and what follows it up to a "}" or the end of the text: ruby-like when it holds
# a bar. (One pattern with the bar in it, \{[^{}]*[|｜][^{}]*(\}|$), backtracks over
# every split of a long run of bars: a 60 KB line of "{" and "|" took a minute.)
BRACED_RE = re.compile(r"(?<!\\)[{｛][^{}｛｝\n]*(?:[}｝]|$)")
_KANJI = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々〆ヶ"
_KANA = "ぁ-ゖァ-ヺー"
# Near misses, each printed as typed. Found in two steps so that a long line costs linear
# time: a bracketed piece of at most SPAN characters, then what is inside it. Only a base
# with kanji and a reading in kana count, so ordinary braces and brackets are left alone.
SPAN = 80
_BRACED = re.compile(rf"(?<!\\)[{{｛]([^{{}}｛｝\n]{{1,{SPAN}}})[}}｝]")
_BRACKETED = re.compile(rf"[\[［【(（]([^\[\]［］【】()（）\n]{{1,{SPAN}}})[\]］】)）](?!\()")
_OTHER_SEPARATOR = re.compile(rf"(.*[{_KANJI}].*?)\s*[/／:：,、・]\s*([{_KANA}]+)")
_BAR = re.compile(rf"(.*[{_KANJI}].*?)\s*[|｜]\s*([{_KANA}]+)")
_NO_BAR = re.compile(rf"([{_KANJI}]+)([ぁ-ゖ]+)")


def near_misses(text: str) -> list[tuple[str, str, str, str]]:
    """Ruby-like pieces of ``text`` that will print as typed: (the piece, what is wrong,
    base, reading)."""
    found = []
    for match in _BRACED.finditer(text):
        inside = match.group(1)
        if "|" in inside or "｜" in inside:
            continue  # furigana, or malformed (warned as such)
        if other := _OTHER_SEPARATOR.fullmatch(inside):
            found.append((match.group(0), "区切りが「|」ではありません", other.group(1).strip(), other.group(2)))
        elif (bare := _NO_BAR.fullmatch(inside)) and len(bare.group(2)) > len(bare.group(1)):
            # {理学療法士りがくりょうほうし}; not {痛み}, a kanji and its okurigana
            found.append((match.group(0), "「|」がありません", bare.group(1), bare.group(2)))
    for match in _BRACKETED.finditer(text):
        if bar := _BAR.fullmatch(match.group(1)):
            found.append((match.group(0), "かっこが { } ではありません", bar.group(1).strip(), bar.group(2)))
    return found


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
    at = line if line is not None else ""
    for match in BRACED_RE.finditer(text):
        piece = match.group(0)
        if ("|" in piece or "｜" in piece) and not re.fullmatch(FURIGANA_RE, piece):
            LOG.warning("%s:%s: ふりがなの書き方が正しくありません「%s」 — {漢字|かんじ} の形で書いてください",
                        source, at, cut(piece, 40))
    for piece, wrong, base, reading in near_misses(text):
        LOG.warning("%s:%s: 「%s」はふりがなになりません(%s) — ふりがなを付けるなら {%s|%s} と書いてください",
                    source, at, cut(piece, 40), wrong, base, reading)


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
