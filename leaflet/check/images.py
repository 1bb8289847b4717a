"""Rule 7, images: a raster image printed at its placed size needs 300 ppi to look sharp
(a warning under 300, a failure under 150). Vector images (SVG) always pass."""

from __future__ import annotations

from . import thresholds as T
from .context import Context, failed, passed
from .layout import Image
from .report import Outcome

NAME = "images"
LABEL = "画像の解像度"

PX_PER_INCH = 96  # CSS px


def check(ctx: Context) -> list[Outcome]:
    images = ctx.layout.images
    raster = [image for image in images if image.pixels]
    vector = len(images) - len(raster)
    outcomes = []
    for image in raster:
        assert image.pixels
        value = ppi(image)
        where = ctx.where(image.page, image.panel, image.src or None, exact=True, line=image.line)
        name = image.src.rsplit("/", 1)[-1] or "(名前なし)"
        placed = f"{image.width * T.MM_PER_PX:.0f}×{image.height * T.MM_PER_PX:.0f}mm"
        size = f"{image.pixels[0]}×{image.pixels[1]}画素を {placed}"
        if value < T.IMAGE_PPI_MIN:
            outcomes.append(failed(
                NAME, f"{value:.0f}ppi", where,
                f"画像「{name}」は{size}に広げていて {value:.0f}ppi しかなく、ぼやけて印刷されます"
                f"(基準 {T.IMAGE_PPI_GOOD}ppi、{T.IMAGE_PPI_MIN}ppi 未満は不可)。"
                "画素数の多い画像に替えるか、SVG にしてください"))
        elif value < T.IMAGE_PPI_GOOD:
            outcomes.append(passed(
                NAME, f"{value:.0f}ppi",
                f"画像「{name}」は{size}に広げていて {value:.0f}ppi です(目安 {T.IMAGE_PPI_GOOD}ppi 以上)。"
                "できれば画素数の多い画像に替えてください", warning=True, where=where))
    if any(not o.passed for o in outcomes):
        return outcomes
    if not raster:
        return [passed(NAME, f"写真なし(SVG {vector}点)" if vector else "画像なし", "解像度を測る画像はありません")]
    lowest = min(ppi(image) for image in raster)
    return outcomes or [passed(NAME, f"最低 {lowest:.0f}ppi",
                               f"写真 {len(raster)}点すべて {T.IMAGE_PPI_GOOD}ppi 以上です")]


def ppi(image: Image) -> float:
    """Pixels per inch at the placed size (the lower of width and height)."""
    assert image.pixels
    across = image.pixels[0] / (image.width / PX_PER_INCH) if image.width else float("inf")
    down = image.pixels[1] / (image.height / PX_PER_INCH) if image.height else float("inf")
    return min(across, down)
