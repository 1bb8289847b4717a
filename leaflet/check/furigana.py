"""Rule 9, furigana overlap: a reading must touch no other text. WeasyPrint has no ruby
layout; ours lifts the reading into the line's leading (styles/base.css), which only
holds where line-height is at least 1.6, so a block set tighter (a title, a raw-HTML
paragraph) draws the reading over the line above. Measured on the runs' boxes."""

from __future__ import annotations

from . import thresholds as T
from .context import Context, excerpt, failed, passed
from .layout import FURIGANA, Run
from .report import Outcome

NAME = "furigana"
LABEL = "ふりがなの重なり"


def _overlap(a: Run, b: Run) -> float:
    """How far two boxes overlap vertically, in px, when they also overlap sideways."""
    if a.page != b.page or a.x1 <= b.x0 + T.OVERLAP_PX or b.x1 <= a.x0 + T.OVERLAP_PX:
        return 0.0
    return max(0.0, min(a.y1, b.y1) - max(a.y0, b.y0))


def check(ctx: Context) -> list[Outcome]:
    readings = [run for run in ctx.layout.runs if run.role == FURIGANA]
    others = [run for run in ctx.layout.runs if run.role != FURIGANA]
    if not readings:
        return [passed(NAME, "ふりがななし", "ふりがなはありません")]
    outcomes = []
    for reading in readings:
        hit = max(others, key=lambda run: _overlap(reading, run), default=None)
        depth = _overlap(reading, hit) if hit else 0.0
        if hit is None or depth <= T.OVERLAP_PX:
            continue
        pt = depth * T.PT_PER_PX
        outcomes.append(failed(
            NAME, f"{pt:.1f}pt", ctx.where_run(reading),
            f"ふりがな「{reading.text}」が「{excerpt(hit.text)}」に {pt:.1f}pt 重なっています。"
            "ふりがなのある見出しや段落は行間(line-height)を 1.6 以上にするか、"
            "ふりがなが2行目に来ないよう文を短くしてください"))
    if outcomes:
        return outcomes
    return [passed(NAME, f"重なりなし({len(readings)}か所)", "ふりがなはどの文字にも重なっていません")]
