"""Rule 2, contrast: each text run's colour against the background actually behind it
(paper, page, panel and box backgrounds composited), as a WCAG 2 contrast ratio.
Background images are not looked at: text on a photo cannot be measured this way."""

from __future__ import annotations

import math

from . import thresholds as T
from .context import Context, excerpt, failed, passed
from .layout import RGB, Run
from .report import Outcome

NAME = "contrast"
LABEL = "コントラスト"


def check(ctx: Context) -> list[Outcome]:
    lowest = math.inf
    low: dict[tuple[str, str, float], tuple[float, Run]] = {}
    for run in ctx.layout.runs:
        ratio = contrast_ratio(run.color, run.background)
        lowest = min(lowest, ratio)
        need = required(run)
        if ratio < need - T.ROUNDING:
            key = (hex_colour(run.color), hex_colour(run.background), need)
            if key not in low or ratio < low[key][0]:
                low[key] = (ratio, run)
    if not low:
        figure = f"最低 {_floor(lowest):.1f}:1" if ctx.layout.runs else "文字なし"
        return [passed(NAME, figure, f"すべての文字が基準以上です(本文 {T.CONTRAST_MIN:g}:1、"
                                     f"大きな文字 {T.CONTRAST_LARGE_MIN:g}:1)")]
    return [
        failed(NAME, f"{_floor(ratio):.1f}:1", ctx.where_run(run),
               f"「{excerpt(run.text)}」の文字色 {colour} と背景 {background} のコントラストが "
               f"{_floor(ratio):.1f}:1 しかありません(基準 {need:g}:1 以上)。"
               "文字の色を濃くするか、背景を薄くしてください")
        for (colour, background, need), (ratio, run) in sorted(low.items(), key=lambda i: i[1][0])
    ]


def required(run: Run) -> float:
    large = run.size_pt >= T.LARGE_TEXT_PT - T.ROUNDING or (
        run.bold and run.size_pt >= T.LARGE_BOLD_TEXT_PT - T.ROUNDING)
    return T.CONTRAST_LARGE_MIN if large else T.CONTRAST_MIN


def contrast_ratio(a: RGB, b: RGB) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def luminance(colour: RGB) -> float:
    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    red, green, blue = (linear(c) for c in colour)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def hex_colour(colour: RGB) -> str:
    return "#" + "".join(f"{round(c * 255):02x}" for c in colour)


def _floor(ratio: float) -> float:
    """6.98:1 is shown as 6.9:1, never rounded up to look like it passes 7:1."""
    return math.floor(ratio * 10) / 10
