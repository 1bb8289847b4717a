"""Rule 10, line and page breaks, measured on the laid-out lines.

A line of text ends only between phrases (文節, ``leaflet/source/markdown/phrasing.py``): never
inside a word, between a number and its unit, or inside a katakana word. A phrase wider
than the whole line has to break inside; that is a warning. A paragraph's last line
holds at least four characters. No page but the last is less than two-thirds full,
unless the block that starts the next page is kept whole and would not have fitted (or
starts a page on purpose); the brochure's panels are laid out by design and not counted.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ..source.markdown.phrasing import MAX_JOINED, boundaries, is_katakana, splits_number
from . import thresholds as T
from .context import Context, excerpt, failed, passed
from .layout import BODY, FURIGANA, Line
from .report import Outcome

NAME = "breaks"
LABEL = "改行の位置"

PHRASE, NUMBER, KATAKANA = "文節の途中", "数字と単位", "カタカナ語"
QUOTE = 8  # characters quoted on each side of a break
FIX = ("HTML で書いた部分は文節で改行されないので普通の Markdown の文にするか、"
       "言葉を言い換えてください")


@dataclass(frozen=True)
class _Break:
    offset: int  # in the block's text
    line_start: int  # where the (visual) line that ends here starts
    line: Line


def check(ctx: Context) -> list[Outcome]:
    outcomes: list[Outcome] = []
    for block in _blocks(ctx.layout.lines):
        outcomes += _line_breaks(ctx, block)
        outcomes += _runt(ctx, block)
    outcomes += _pages(ctx)
    if any(not o.passed for o in outcomes):
        return outcomes
    message = ("文は文節の区切りでだけ改行され、段落の最後の行は"
               f"{T.LAST_LINE_CHARS_MIN}字以上、最後以外のページは3分の2以上埋まっています")
    return [passed(NAME, "文節で改行", message), *outcomes]


def _blocks(lines: list[Line]) -> Iterator[list[Line]]:
    """The lines of each paragraph (list item, heading…) in order, over page breaks."""
    block: list[Line] = []
    for line in lines:
        if line.margin or line.absolute or line.role == FURIGANA:
            continue
        if block and line.key != block[-1].key:
            yield block
            block = []
        block.append(line)
    if block:
        yield block


def _breaks(block: list[Line]) -> Iterator[_Break]:
    """Where the block's lines end (not at a <br>), and where a phrase span wrapped."""
    position = 0
    for index, line in enumerate(block):
        start = position
        for wrap in line.wraps:
            yield _Break(position + wrap, start, line)
            start = position + wrap
        position += len(line.text)
        if index < len(block) - 1 and not line.forced:
            yield _Break(position, start, line)


def _line_breaks(ctx: Context, block: list[Line]) -> list[Outcome]:
    shown = "".join(line.text for line in block)
    # The text as written: a line's end drops the space it broke at, which BudouX needs.
    text, index = block[0].written, _align(shown, block[0].written)
    if index is None:
        text, index = shown, list(range(len(shown) + 1))
    cuts = boundaries(text)
    outcomes = []
    for cut in _breaks(block):
        offset, line_start = index[cut.offset], index[cut.line_start]
        dropped = text[index[cut.offset - 1] + 1:offset] if cut.offset else ""
        if dropped.isspace():
            continue  # broke at a space
        kind = _kind(text, offset, cuts)
        if kind is None:
            continue
        start = max((c for c in cuts if c < offset), default=0)
        end = min((c for c in cuts if c > offset), default=len(text))
        left = text[max(start, offset - QUOTE):offset]
        right = text[offset:min(end, offset + QUOTE)]
        where = ctx.where(cut.line.page, cut.line.panel, left + right, context=cut.line.block, line=cut.line.line)
        # the phrase fills the whole line and more, or is too long to be kept whole
        if start <= line_start or end - start > MAX_JOINED:
            outcomes.append(passed(
                NAME, "長い語句", f"「{left}|{right}」は1行に入りきらない長い語句なので、途中で改行しています — "
                "短い言葉に言い換えるか、区切ってよい所に「・」や読点を入れてください", warning=True, where=where))
            continue
        what = {PHRASE: "で改行されています",
                NUMBER: "で数字と単位が別の行に分かれています",
                KATAKANA: "でカタカナの言葉が途中で改行されています"}[kind]
        outcomes.append(failed(NAME, kind, where,
                               f"「{left}|{right}」{what} — 言葉の途中で行が変わると読みにくくなります。{FIX}"))
    return outcomes


def _align(shown: str, written: str) -> list[int] | None:
    """Where each character of the lines' text (run together) is in the text as written,
    plus its end; None when they differ by more than white space (generated content)."""
    index, j = [], 0
    for char in shown:
        while j < len(written) and written[j] != char and written[j].isspace():
            j += 1
        if j >= len(written) or written[j] != char:
            return None
        index.append(j)
        j += 1
    return [*index, len(written.rstrip())]


def _kind(text: str, offset: int, cuts: set[int]) -> str | None:
    """What a line break at ``offset`` splits, or None when it falls between phrases."""
    if offset in cuts or not 0 < offset < len(text):
        return None
    before, after = text[offset - 1], text[offset]
    if before.isspace() or after.isspace():
        return None
    if splits_number(text[:offset], text[offset:]):
        return NUMBER
    if is_katakana(before) and is_katakana(after):
        return KATAKANA
    if _latin(before) and _latin(after):
        return None  # Latin text breaks at spaces, which the line's end drops
    return PHRASE


def _latin(char: str) -> bool:
    return char.isascii() and not char.isspace()


def _runt(ctx: Context, block: list[Line]) -> list[Outcome]:
    last = block[-1]
    if last.role != BODY or len(block) < 2 or block[-2].forced:
        return []
    chars = len("".join(last.text.split()))
    if chars >= T.LAST_LINE_CHARS_MIN:
        return []
    return [failed(
        NAME, f"最後の行 {chars}字", ctx.where(last.page, last.panel, last.text, context=last.block, line=last.line),
        f"段落の最後の行が「{last.text.strip()}」の {chars}字だけです(基準 {T.LAST_LINE_CHARS_MIN}字以上) — "
        f"文を少し短くするか書き足して、最後の行を {T.LAST_LINE_CHARS_MIN}字以上にしてください")]


def _pages(ctx: Context) -> list[Outcome]:
    """Under-filled pages: failures, or warnings when what follows could not fit."""
    layout = ctx.layout
    outcomes: list[Outcome] = []
    panelled = {panel.page for panel in layout.panels}
    for page in layout.pages[:-1]:
        if page.number in panelled:
            continue
        height = page.content_bottom - page.content_top
        bottom = layout.drawn_bottom.get(page.number, page.content_top)
        fill = (bottom - page.content_top) / height
        if fill >= T.PAGE_FILL_MIN:
            continue
        space = page.content_bottom - bottom
        following = layout.top_blocks.get(page.number + 1)
        empty_mm = round(space * T.MM_PER_PX)
        if following and (following.forced or (following.kept and following.height > space)):
            why = ("で改ページする決まりです" if following.forced else
                   f"({round(following.height * T.MM_PER_PX)}mm)は分けずに組む決まりで、入りきりません")
            outcomes.append(passed(
                NAME, f"{page.number}ページ目 {fill:.0%}",
                f"{page.number}ページ目の下に {empty_mm}mm 空いていますが、次の「{excerpt(following.text)}」{why}",
                warning=True, where=ctx.where(page.number)))
            continue
        outcomes.append(failed(
            NAME, f"{page.number}ページ目 {fill:.0%}", ctx.where(page.number),
            f"{page.number}ページ目が {fill:.0%} しか埋まっていません(下に {empty_mm}mm の空き、"
            f"基準 {T.PAGE_FILL_MIN:.0%}以上) — 次のページの初めの大きな図や表を小さくするか、"
            "文章を足してページを埋めてください"))
    return outcomes
