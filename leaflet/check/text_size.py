"""Rule 1, text size: body ≥14 pt, notes ≥10.5 pt, furigana ≥8 pt (so nothing but
furigana is under 9 pt). What counts as a note is listed in ``thresholds``."""

from __future__ import annotations

from . import thresholds as T
from .context import Context, excerpt, failed, passed
from .layout import BODY, FURIGANA, HEADING, NOTE, Run
from .report import Outcome

NAME = "text_size"
LABEL = "文字の大きさ"

LIMITS = {BODY: T.BODY_MIN_PT, HEADING: T.BODY_MIN_PT, NOTE: T.NOTE_MIN_PT,
          FURIGANA: T.FURIGANA_MIN_PT}
WHAT = {BODY: "本文", HEADING: "見出し", NOTE: "注記", FURIGANA: "ふりがな"}
FIX = {
    BODY: "文字を {limit:g}pt 以上にしてください(スタイルの font-size を確認)",
    HEADING: "見出しを {limit:g}pt 以上にしてください",
    NOTE: "注記も {limit:g}pt 以上にしてください",
    FURIGANA: "ふりがなを {limit:g}pt 以上にしてください(styles/base.css の rt)",
}


def check(ctx: Context) -> list[Outcome]:
    smallest: dict[str, float] = {}
    too_small: dict[tuple[str, float], Run] = {}
    for run in ctx.layout.runs:
        role = run.role
        smallest[role] = min(smallest.get(role, run.size_pt), run.size_pt)
        if run.size_pt < LIMITS[role] - T.ROUNDING:
            too_small.setdefault((role, round(run.size_pt, 1)), run)
    if not too_small:
        figure = "・".join(f"{WHAT[r]} {smallest[r]:.1f}pt" for r in (BODY, NOTE, FURIGANA) if r in smallest)
        return [passed(NAME, figure, "最も小さい文字も基準以上です"
                       f"(本文 {T.BODY_MIN_PT:g}pt・注記 {T.NOTE_MIN_PT:g}pt・ふりがな {T.FURIGANA_MIN_PT:g}pt)")]
    outcomes = []
    for (role, size), run in sorted(too_small.items(), key=lambda item: item[0][1]):
        limit = LIMITS[role]
        outcomes.append(failed(
            NAME, f"{size:.1f}pt", ctx.where_run(run),
            f"{WHAT[role]}「{excerpt(run.text)}」が {size:.1f}pt で小さすぎます"
            f"(基準 {limit:g}pt 以上)。{FIX[role].format(limit=limit)}"))
    return outcomes
