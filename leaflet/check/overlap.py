"""Rule 10, pictures drawn over something: a picture must not cover text, a rule (a
border: the dividers between steps, a frame) or another picture. Each kind's stylesheet
gives pictures a slot they fit whatever their shape; this catches what escapes it (a
size or position written in raw HTML, a second picture in a one-picture slot, a
stylesheet of one's own).

Measured on where the picture is drawn (after ``object-fit``), not its box. A background
is only in the way when it covers part of the picture: one that holds the whole picture
is what it is drawn on. CSS background images are painted under their box's content, so
only ``<img>`` pictures are checked.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import thresholds as T
from .context import Context, excerpt, failed, passed
from .layout import FILL, Image, Run, Shape
from .report import Outcome

NAME = "overlap"
LABEL = "画像の重なり"


@dataclass(frozen=True)
class _Hit:
    depth: float  # px: the smaller side of the overlapping area
    what: str  # what the picture is drawn over, in words


def check(ctx: Context) -> list[Outcome]:
    layout = ctx.layout
    pictures = [image for image in layout.images if not image.background]
    outcomes = []
    for index, picture in enumerate(pictures):
        hits = [_Hit(depth, f"文字「{excerpt(run.text)}」") for run in layout.runs
                if run.page == picture.page and (depth := _depth(picture, _rect_of_run(run))) > 0]
        hits += [_Hit(depth, _shape_words(shape)) for shape in layout.shapes
                 if shape.page == picture.page and (depth := _depth(picture, _rect_of_shape(shape))) > 0
                 and not (shape.what == FILL and _holds(shape, picture))]
        hits += [_Hit(depth, f"画像「{_name(other)}」") for other in pictures[index + 1:]
                 if other.page == picture.page and (depth := _depth(picture, _rect(other))) > 0]
        if not hits:
            continue
        worst = max(hits, key=lambda hit: hit.depth)
        mm = worst.depth * T.MM_PER_PX
        more = f"(ほか{len(hits) - 1}か所)" if len(hits) > 1 else ""
        where = ctx.where(picture.page, picture.panel, picture.src or None, exact=True, line=picture.line)
        two = "画像を1枚ずつ別の段落や手順に分けるか、" if worst.what.startswith("画像") else ""
        outcomes.append(failed(
            NAME, f"{mm:.1f}mm", where,
            f"画像「{_name(picture)}」が{worst.what}に {mm:.1f}mm 重なっています{more}。{two}"
            "画像を小さくしてください。HTML で大きさや位置を指定しているなら、その指定を外せば"
            "画像は決まった枠に収まります"))
    if outcomes:
        return outcomes
    if not pictures:
        return [passed(NAME, "画像なし", "重なりを調べる画像はありません")]
    return [passed(NAME, f"重なりなし(画像 {len(pictures)}点)", "画像はどれも文字・線・ほかの画像に重なっていません")]


Rect = tuple[float, float, float, float]


def _rect(image: Image) -> Rect:
    return image.left, image.top, image.right, image.bottom


def _rect_of_run(run: Run) -> Rect:
    return run.x0, run.y0, run.x1, run.y1


def _rect_of_shape(shape: Shape) -> Rect:
    return shape.x0, shape.y0, shape.x1, shape.y1


def _depth(picture: Image, other: Rect) -> float:
    """How far the picture reaches over ``other`` (px): the shortest move that would part
    them, so a photo running 20 mm past a thin divider counts 20 mm, not the line's
    width. 0 when they only touch or are within the tolerance."""
    x0, y0, x1, y1 = _rect(picture)
    if min(x1, other[2]) - max(x0, other[0]) <= 0 or min(y1, other[3]) - max(y0, other[1]) <= 0:
        return 0.0
    depth = min(x1 - other[0], other[2] - x0, y1 - other[1], other[3] - y0)
    return depth if depth > T.PICTURE_OVERLAP_MM / T.MM_PER_PX else 0.0


def _holds(shape: Shape, picture: Image) -> bool:
    """A background the whole picture is drawn on (the paper of a box), not one that
    reaches over part of it."""
    tolerance = T.PICTURE_OVERLAP_MM / T.MM_PER_PX
    return (shape.x0 <= picture.left + tolerance and shape.y0 <= picture.top + tolerance
            and shape.x1 >= picture.right - tolerance and shape.y1 >= picture.bottom - tolerance)


def _shape_words(shape: Shape) -> str:
    return "色の付いた枠" if shape.what == FILL else "線(区切り線や枠)"


def _name(image: Image) -> str:
    return image.src.rsplit("/", 1)[-1] or "(名前なし)"
