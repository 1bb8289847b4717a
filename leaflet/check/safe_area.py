"""Rule 5, safe area: no text within 5 mm of the paper's edge, where office printers
cannot print. Measured on each text run's drawn box (CSS transforms applied)."""

from __future__ import annotations

from . import thresholds as T
from .context import Context, excerpt, failed, passed
from .layout import Run
from .overflow import TOLERANCE as OVERFLOW_TOLERANCE
from .report import Outcome

NAME = "safe_area"
LABEL = "紙の端の余白"

SIDES = ("上", "下", "左", "右")


def check(ctx: Context) -> list[Outcome]:
    pages = {page.number: page for page in ctx.layout.pages}
    panels = {(panel.page, panel.name): panel for panel in ctx.layout.panels}
    nearest = float("inf")
    worst: dict[tuple[int, str | None], tuple[float, str, Run]] = {}
    for run in ctx.layout.runs:
        panel = panels.get((run.page, run.panel or ""))
        if panel and not run.absolute and run.y1 > panel.limit + OVERFLOW_TOLERANCE:
            continue  # past its panel's foot: the overflow rule reports it (and it is clipped)
        page = pages[run.page]
        gaps = (run.y0, page.height - run.y1, run.x0, page.width - run.x1)
        gap = min(gaps) * T.MM_PER_PX
        side = SIDES[gaps.index(min(gaps))]
        nearest = min(nearest, gap)
        if gap < T.SAFE_AREA_MM - T.ROUNDING:
            key = (run.page, run.panel)
            if key not in worst or gap < worst[key][0]:
                worst[key] = (gap, side, run)
    if not worst:
        figure = f"最小 {nearest:.1f}mm" if ctx.layout.runs else "文字なし"
        return [passed(NAME, figure, f"すべての文字が紙の端から {T.SAFE_AREA_MM:g}mm 以上離れています")]
    outcomes = []
    for gap, side, run in worst.values():
        place = (f"紙の{side}端から {gap:.1f}mm のところにあります" if gap >= 0
                 else f"紙の{side}端から {-gap:.1f}mm 外にはみ出しています")
        outcomes.append(failed(
            NAME, f"{gap:.1f}mm", ctx.where_run(run),
            f"「{excerpt(run.text)}」が{place}(基準 {T.SAFE_AREA_MM:g}mm 以上)。"
            "家庭やオフィスのプリンターでは欠けて印刷されます。余白を広げるか、文を減らしてください"))
    return outcomes
