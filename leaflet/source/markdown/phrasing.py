"""Where a line of Japanese may end: between BudouX phrases (文節), never inside a word.

BudouX cuts text into phrases with a small model trained on news text. On leaflet text
it may still cut where no reader would: inside a number (202|6年), between a number and
its counter (20|秒), between a prefix and its number (約|3割), inside a katakana word or
a Latin abbreviation, before 、。」 (kinsoku) or after 「, and inside words written in
kana (痛みを|が|まんして, うなが|す新しい, しゃが|み込む). Those cuts are joined here (a cut is
only ever removed, never added, so every break is still a BudouX boundary), and every
caller (heading spans, body text, the catalog page, the preflight) agrees on one set of
break points.
"""

from __future__ import annotations

import re
from functools import lru_cache

import budoux

# Characters a line may not start with (kinsoku): BudouX may put one at a phrase start.
NO_LINE_START = ("、。,.，．!?！？:;：；)）]］}｝」』】〕〉》ー・ゝゞ々"
                 "ぁぃぅぇぉっゃゅょゎ")
# Characters a line may not end with: an opening bracket stays with what it opens.
NO_LINE_END = "(（[［{｛「『【〔〈《“‘"
# Prefixes that belong to the number after them (約3割, 第2週, 毎1回).
NUMBER_PREFIXES = "約第計毎各全"
# A last line shorter than this (characters, punctuation included) is a runt
# (the same figure as the preflight's LAST_LINE_CHARS_MIN, which a test compares).
RUNT_CHARS = 4
# A phrase longer than this is not kept whole: it may break anywhere (the check warns).
# Kept whole, only ``overflow-wrap`` could break it where it is wider than the line, and
# WeasyPrint 70 does that in time quadratic in its length (12,000 characters: 3 s).
MAX_JOINED = 24

_DIGIT = re.compile(r"[0-9０-９]")
# A number ends the phrase: "20", "5," (before "000"), "2〜" (before "3回").
_NUMBER_END = re.compile(r"[0-9０-９][,.，．〜~\-–]?$")
# A number and a space, before a unit written in Latin letters: "3 " (before "mm").
_NUMBER_SPACE = re.compile(r"[0-9０-９]\s+$")
_LATIN_UNIT = re.compile(r"[A-Za-zµμ%°℃]")
# A number and its counter, when another number follows: 1日|3回, 2026年|11月.
_COUNTED_END = re.compile(r"[0-9０-９][^\s0-9０-９、。,.!?！？)）」]{1,2}$")


@lru_cache(maxsize=1)
def _parser() -> budoux.Parser:
    return budoux.load_default_japanese_parser()


def split_phrases(text: str) -> list[str]:
    """BudouX phrases, joined wherever the cut between two would split a word, a
    number and its unit, or break a kinsoku rule. ``"".join`` gives ``text`` back."""
    phrases: list[str] = []
    previous = ""
    for phrase in _parser().parse(text):
        if phrases and keep_together(previous, phrase):
            phrases[-1] += phrase
        else:
            phrases.append(phrase)
        previous = phrase
    return phrases


def keep_together(before: str, after: str) -> bool:
    """Must the cut between two adjacent BudouX phrases not become a line break?"""
    if not before or not after:
        return True
    last, first = before[-1], after[0]
    if len(before) == 1 and is_hiragana(last) or len(after) == 1 and is_hiragana(first):
        return True  # a lone kana is a word cut in two: 痛みを|が|まんして, 重だる|い
    if is_hiragana(last) and len(after) > 1 and is_hiragana(first) and first not in "おご" \
            and _is_kanji(after[1]):
        return True  # a verb's ending cut off: うなが|す新しい, しゃが|み込む (not お|茶, ご|案内)
    if first in NO_LINE_START or last in NO_LINE_END:
        return True
    if is_katakana(last) and is_katakana(first):
        return True  # リハビリテーショ|ン
    if _is_word_char(last) and _is_word_char(first):
        return True  # MR|I, PR|P
    return splits_number(before, after)


def splits_number(before: str, after: str) -> bool:
    """Would a break between these split a number from its counter, unit or prefix, or
    a count of counts? 20|秒, 3 |mm, 5,|000, 2〜|3回, 約|3割, 1日|3回."""
    if _NUMBER_END.search(before):
        return True
    if _NUMBER_SPACE.search(before):
        return bool(_LATIN_UNIT.match(after))  # 3 |mm, but not 3-4 |ひざビル (an address)
    if not _DIGIT.match(after):
        return False
    return bool(_COUNTED_END.search(before)) or before[-1:] in tuple(NUMBER_PREFIXES)


def is_katakana(char: str) -> bool:
    """A katakana letter or the long-vowel mark (not the middle dot ・, which may end a line)."""
    code = ord(char)
    return (0x30A1 <= code <= 0x30FF and char != "・") or 0x31F0 <= code <= 0x31FF or 0xFF66 <= code <= 0xFF9F


def is_hiragana(char: str) -> bool:
    return "\u3041" <= char <= "\u309f"


def _is_kanji(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf" or char in "々〆"


def _is_word_char(char: str) -> bool:
    return char.isascii() and char.isalnum() or "Ａ" <= char <= "ｚ" or "０" <= char <= "９"


def boundaries(text: str) -> set[int]:
    """Character offsets where a new phrase starts (never 0)."""
    offsets, position = set(), 0
    for phrase in split_phrases(text)[:-1]:
        position += len(phrase)
        offsets.add(position)
    return offsets


def body_breaks(text: str) -> set[int]:
    """Where a line of body text may end: phrase boundaries, less those that would leave
    fewer than ``RUNT_CHARS`` characters on the paragraph's last line (a runt)."""
    cuts = sorted(boundaries(text))
    end = len(text.rstrip())
    while cuts and len(text[cuts[-1]:end].strip()) < RUNT_CHARS:
        cuts.pop()
    return set(cuts)
