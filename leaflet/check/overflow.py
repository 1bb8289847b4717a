"""Rule 4, overflow: the kind's page budget (templates/<kind>.yaml ``pages``) and every
fixed-size panel. WeasyPrint never splits a brochure panel (an inline-block): text that
does not fit is laid out past the panel's foot and clipped, so it is measured here and
reported as "over by N lines", never left to be cut off silently."""

from __future__ import annotations

import math
import re

from . import thresholds as T
from .context import Context, excerpt, failed, passed
from .layout import Line, Run
from .report import Outcome

NAME = "overflow"
LABEL = "はみ出し"

TOLERANCE = 0.5  # px; sub-pixel rounding is not an overflow


def check(ctx: Context) -> list[Outcome]:
    layout = ctx.layout
    low, high = ctx.handout.kind.pages
    high += T.EDITION_EXTRA_PAGES.get(ctx.edition, 0)
    count = len(layout.pages)
    outcomes = []
    if count > high:
        outcomes.append(_too_many_pages(ctx, high))
    elif count < low:
        outcomes.append(failed(NAME, f"{count}/{low}ページ", ctx.where(count),
                               f"{ctx.handout.kind.label}は {low}ページ必要ですが、{count}ページしかありません。"
                               "内容を書き足してください"))
    for panel in layout.panels:
        lines = [line for line in _flow(layout.lines) if line.page == panel.page and line.panel == panel.name]
        over = [line for line in lines if line.bottom > panel.limit + TOLERANCE]
        if over:
            excess = max(line.bottom for line in over) - panel.limit
            cut = next((line for line in over if line.ink_bottom > panel.limit), over[0])
            outcomes.append(_over(ctx, excess, panel.pitch, _worded(cut, over),
                                  f"「{ctx.where(panel=panel.name).panel_label or panel.name}」の面"))
    for panel in layout.panels:
        wide = [run for run in layout.runs if run.page == panel.page and run.panel == panel.name
                and (run.x1 > panel.right + TOLERANCE or run.x0 < panel.left - TOLERANCE)]
        if wide:
            run = max(wide, key=lambda r: max(r.x1 - panel.right, panel.left - r.x0))
            mm = max(run.x1 - panel.right, panel.left - run.x0) * T.MM_PER_PX
            label = ctx.where(panel=panel.name).panel_label or panel.name
            # The outer panels' outer side is the paper's edge, not a fold.
            same_page = [p for p in layout.panels if p.page == panel.page]
            rightwards = run.x1 - panel.right >= panel.left - run.x0
            outer = panel.right >= max(p.right for p in same_page) if rightwards \
                else panel.left <= min(p.left for p in same_page)
            where = ("紙の右端" if rightwards else "紙の左端") if outer else "折り目の向こう"
            outcomes.append(failed(NAME, f"横に {mm:.1f}mm", ctx.where_run(run),
                                   f"「{label}」の面の横幅に入りきらず、{_too_wide(run, where, mm)}"))
    for page in layout.pages[:high]:
        lines = [line for line in _flow(layout.lines) if line.page == page.number and not line.panel]
        over = [line for line in lines if line.bottom > page.content_bottom + TOLERANCE]
        if over:
            excess = max(line.bottom for line in over) - page.content_bottom
            cut = next((line for line in over if line.ink_bottom > page.content_bottom), over[0])
            outcomes.append(_over(ctx, excess, layout.body_pitch, _worded(cut, over),
                                  f"{page.number}ページ目の本文"))
    if outcomes:
        return outcomes
    figure = f"{count}ページ(上限 {high})"
    panels = f"、{len(layout.panels)}面すべて収まっています" if layout.panels else ""
    return [passed(NAME, figure, f"ページ数は範囲内です{panels}")]


def _too_wide(run: Run, where: str, mm: float) -> str:
    """What runs over the side and why, in the words of the one who can fix it."""
    text = excerpt(run.text.strip())
    if (run.box.element_tag or "").endswith("::marker"):
        return (f"リストの{'番号' if any(c.isdigit() for c in text) else '記号'}「{text}」が{where}へ{mm:.1f}mm"
                "はみ出しています(切れて印刷されます)。リストの左の余白が足りません。HTML や CSS でリストの余白"
                "(padding)を指定しているならその指定を外し、番号が3けたになる長いリストは分けてください")
    if run.box.style["white_space"] in ("pre", "nowrap"):
        return (f"「{text}」が{where}へ{mm:.1f}mmはみ出しています(切れて印刷されます)。"
                "<pre> や white-space で改行しない書き方になっているので、その HTML を外して"
                "ふつうの段落にしてください")
    return (f"「{text}」が{where}へ{mm:.1f}mmはみ出しています(切れて印刷されます)。"
            "長い英数字やURLは途中で改行できないので、短くするか分けて書いてください")


# A list item's marker is laid out as a line of its own: "•", "1.", "①".
_MARKER = re.compile(r"\s*([•◦▪‣・●○■□*\-–]|\d+[.)]|[①-⑳])?\s*")


def _worded(line: Line, lines: list[Line]) -> Line:
    """``line``, or if it is only a list marker the next line with words: the one an
    editor can find in the handout."""
    if not _MARKER.fullmatch(line.text):
        return line
    after = lines[lines.index(line) + 1:] if line in lines else []
    return next((other for other in after if not _MARKER.fullmatch(other.text)), line)


def _flow(lines: list[Line]) -> list[Line]:
    """Lines in the normal flow: not page margins, not absolutely positioned."""
    return [line for line in lines if not line.margin and not line.absolute]


def _too_many_pages(ctx: Context, high: int) -> Outcome:
    """Measure the spill in this render: how much content the extra pages hold."""
    layout = ctx.layout
    extra = layout.pages[high:]
    height = 0.0
    first: Line | None = None
    for page in extra:
        bottom = layout.drawn_bottom.get(page.number, page.content_top)
        height += max(0.0, bottom - page.content_top)
        lines = [line for line in _flow(layout.lines) if line.page == page.number]
        first = first or (_worded(lines[0], lines) if lines else None)
    n = max(1, math.ceil(height / layout.body_pitch - 0.01)) if layout.body_pitch else 0
    where = ctx.where_line(first) if first else ctx.where(high + 1)
    quoted = f"「{excerpt(first.text)}」から後ろが" if first else ""
    if ctx.stopped:  # only the first pages were laid out: the figure is a lower bound
        return failed(NAME, f"+{n}行以上", where,
                      f"{ctx.handout.kind.label}は {high}ページまでですが、長すぎるため {len(layout.pages)}ページで"
                      f"組版を止めました。{quoted}{high + 1}ページ目以降に少なくとも約{n}行分"
                      f"({height * T.MM_PER_PX:.0f}mm)はみ出しています。"
                      "本文を大きく減らすか、いくつかの原稿に分けてください")
    return failed(NAME, f"+{n}行 {height * T.MM_PER_PX:.0f}mm", where,
                  f"{ctx.handout.kind.label}は {high}ページまでですが {len(layout.pages)}ページになり、"
                  f"{quoted}{high + 1}ページ目に約{n}行分({height * T.MM_PER_PX:.0f}mm)はみ出しています。"
                  f"本文を{n}行ほど減らすか、文を短くしてください")


def _over(ctx: Context, excess: float, pitch: float, line: Line, what: str) -> Outcome:
    n = max(1, math.ceil(excess / pitch - 0.01)) if pitch else 1
    mm = excess * T.MM_PER_PX
    return failed(NAME, f"+{n}行 {mm:.1f}mm", ctx.where_line(line),
                  f"{what}に入りきらず、「{excerpt(line.text)}」から下が約{n}行({mm:.1f}mm)はみ出しています"
                  f"(下の余白や紙の外にかかり、切れて印刷されます)。本文を{n}行減らすか、段落を分けてください")
