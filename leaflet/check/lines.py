"""Rule 6, line length and pitch, for body lines (not headings, notes, furigana or large
text): at most 40 characters a line (30 in the XL edition), and a line pitch of at least
1.5 × the font size."""

from __future__ import annotations

import math
import unicodedata

from . import thresholds as T
from .context import Context, excerpt, failed, passed
from .layout import BODY, Line
from .report import Outcome

NAME = "lines"
LABEL = "行の長さと行間"


def check(ctx: Context) -> list[Outcome]:
    limit = T.LINE_CHARS_MAX.get(ctx.edition, T.LINE_CHARS_MAX["normal"])
    # Body lines: not headings, notes or furigana, and not display text (the hold
    # time's big digits). "Large" starts above the document's own body size, so the XL
    # edition's 20 pt body counts as body.
    large = max(T.LARGE_TEXT_PT, ctx.layout.body_size_pt + 1)
    body = [line for line in ctx.layout.lines
            if line.role == BODY and not line.margin and line.size_pt < large - T.ROUNDING]
    if not body:
        return [passed(NAME, "本文の行なし")]
    outcomes = []
    longest = max(body, key=length)
    if length(longest) > limit:
        over = [line for line in body if length(line) > limit]
        others = f"ほか {len(over) - 1}行も長すぎます。" if len(over) > 1 else ""
        outcomes.append(failed(
            NAME, f"{length(longest)}字", ctx.where_line(longest),
            f"1行が {length(longest)}字あります「{excerpt(longest.text)}」(基準 {limit}字以下)。"
            f"{others}長い行は目で追いにくくなります。スタイルで段の幅を狭くするか、文字を大きくしてください"))
    tight: dict[tuple[float, float], Line] = {}
    for line in body:
        if line.pitch < T.LINE_PITCH_MIN - T.ROUNDING:
            tight.setdefault((round(line.size_pt, 1), round(line.pitch, 2)), line)
    for (size, pitch), line in sorted(tight.items(), key=lambda item: item[0][1]):
        outcomes.append(failed(
            NAME, f"行送り {pitch:.2f}倍", ctx.where_line(line),
            f"「{excerpt(line.text)}」の行送りが文字の大きさ({size:.1f}pt)の {pitch:.2f}倍しかありません"
            f"(基準 {T.LINE_PITCH_MIN:g}倍以上)。スタイルの line-height を {T.LINE_PITCH_MIN:g} 以上にしてください"))
    if outcomes:
        return outcomes
    loosest = min(line.pitch for line in body)
    return [passed(NAME, f"最長 {length(longest)}字・行送り {loosest:.2f}倍以上",
                   f"本文の行は {limit}字以下、行送りは {T.LINE_PITCH_MIN:g}倍以上です")]


def length(line: Line) -> int:
    """Characters on the line as Japanese typesetting counts them (字): a full-width
    character is one, a half-width one (Latin letters, digits) half; spaces not counted."""
    halves = sum(2 if unicodedata.east_asian_width(char) in "WFA" else 1
                 for char in line.text if not char.isspace())
    return math.ceil(halves / 2)
