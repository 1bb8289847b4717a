"""Press rule (印刷所用 PDF): the print-shop edition as a print shop's preflight sees it.

Unlike the other rules it reads the PDF that was written (with pikepdf), since colour
spaces, page boxes and the output intent exist only there:
- no RGB anywhere: no ``rg``/``RG`` operator and no RGB colour space used in a page's
  content, a form or pattern (SVG pictures), an annotation's appearance; no RGB image,
  shading or transparency group; no RGB annotation colour;
- TrimBox exactly the paper, BleedBox the paper + 3 mm on every side, MediaBox around it;
- a PDF/X output intent (GTS_PDFX) with a 4-component (CMYK) profile, and the PDF/X-4
  version in the metadata.
An RGB colour that a stylesheet wrote without a CMYK twin is named with its file:line.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported where used: only the press edition pays for pikepdf (≈25 ms)
    import pikepdf

from ..project import Project
from ..render.pdf.colour import untwinned
from ..render.pdf.settings import BLEED_MM
from .report import Outcome, Where

NAME = "press"
LABEL = "印刷所用の形式"

MM = 72 / 25.4
TOLERANCE = 0.05  # pt
RGB_SPACES = {"/DeviceRGB", "/CalRGB"}
RGB_OPERATORS = {"rg", "RG"}
SPACE_OPERATORS = {"cs", "CS"}


def check(data: bytes, paper: list[tuple[float, float]], sheets: list[Path], project: Project) -> list[Outcome]:
    """``paper``: each page's size as laid out (pt); ``sheets``: the stylesheets used,
    to name a colour written without a twin (at its ``file:line`` in ``project``)."""
    import pikepdf

    outcomes: list[Outcome] = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        rgb = list(_rgb_uses(pdf))
        if rgb:
            pages = sorted({page for page, _ in rgb})
            kinds = sorted({what for _, what in rgb})
            written = untwinned(sheets, project.root)
            hint = ("、".join(f"{project.rel(u.sheet)}:{u.line} の {u.text}" for u in written[:3])
                    + " に CMYK の対(--名前-cmyk: device-cmyk(…))を書いてください") if written else (
                "原稿の HTML に書いた色(style=\"color: …\" など)をやめ、"
                "スタイルシートの色(var(--accent) など)を使ってください")
            outcomes.append(Outcome(NAME, False, f"RGB {len(rgb)}か所", Where(page=pages[0]),
                                    f"RGB の色が残っています({'・'.join(kinds)}、{len(pages)}ページ)。{hint}"))
        problems = list(_box_problems(pdf, paper)) + list(_intent_problems(pdf))
        for page, message in problems:
            outcomes.append(Outcome(NAME, False, "—", Where(page=page) if page else None, message))
    if not outcomes:
        outcomes.append(Outcome(NAME, True, "CMYK・塗り足し3mm・PDF/X-4", None,
                                "すべての色が CMYK で、仕上がり・塗り足しの枠と出力インテントがそろっています"))
    return outcomes


def _rgb_uses(pdf: pikepdf.Pdf) -> Iterator[tuple[int, str]]:
    """(page, what) for every use of RGB the page can print."""
    import pikepdf

    for number, page in enumerate(pdf.pages, 1):
        seen: set[int] = set()
        yield from ((number, what) for what in _content(page.obj, seen))
        for annot in page.obj.get("/Annots") or []:
            colour = annot.get("/C")
            if colour is not None and len(colour) == 3:
                yield number, "注釈の色"
            for appearance in (annot.get("/AP") or {}).values():
                for stream in (appearance.values() if isinstance(appearance, pikepdf.Dictionary) else [appearance]):
                    yield from ((number, what) for what in _content(stream, seen))


def _content(holder: Any, seen: set[int]) -> Iterator[str]:
    """RGB in a content stream (a page, form or pattern) and its resources, recursively."""
    import pikepdf

    if holder.objgen != (0, 0):
        if holder.objgen in seen:
            return
        seen.add(holder.objgen)
    resources = holder.get("/Resources") or pikepdf.Dictionary()
    group = holder.get("/Group")
    if group is not None and _is_rgb(group.get("/CS")):
        yield "透明グループ"
    spaces = resources.get("/ColorSpace") or pikepdf.Dictionary()
    try:
        instructions = pikepdf.parse_content_stream(holder)
    except pikepdf.PdfError:
        instructions = []
    for instruction in instructions:
        operands, op = instruction.operands, str(instruction.operator)
        if op in RGB_OPERATORS:
            yield "文字や線の色"
        elif op in SPACE_OPERATORS and operands:
            name = str(operands[0])
            if _is_rgb(spaces.get(name) if name in spaces else pikepdf.Name(name)):
                yield "文字や線の色"
    for _name, xobject in (resources.get("/XObject") or {}).items():
        if xobject.get("/Subtype") == "/Image":
            if _is_rgb(xobject.get("/ColorSpace")):
                yield "画像"
        elif xobject.get("/Subtype") == "/Form":
            yield from _content(xobject, seen)
    for _name, pattern in (resources.get("/Pattern") or {}).items():
        if pattern.get("/PatternType") == 1:
            yield from _content(pattern, seen)
        elif _bad_shading(pattern.get("/Shading")):
            yield "グラデーション"
    for _name, shading in (resources.get("/Shading") or {}).items():
        if _bad_shading(shading):
            yield "グラデーション"


def _bad_shading(shading: Any) -> bool:
    """An RGB gradient, or one whose colours have three values in a CMYK space."""
    import pikepdf

    if shading is None:
        return False
    space = shading.get("/ColorSpace")
    if _is_rgb(space):
        return True
    wanted = {"/DeviceCMYK": 4, "/DeviceGray": 1}.get(str(space)) if isinstance(space, pikepdf.Name) else None
    return wanted is not None and any(n != wanted for n in _outputs(shading.get("/Function")))


def _outputs(function: Any) -> Iterator[int]:
    import pikepdf

    if function is None or not isinstance(function, pikepdf.Dictionary):
        return
    for key in ("/C0", "/C1"):
        if key in function:
            yield len(function[key])
    for child in function.get("/Functions") or []:
        yield from _outputs(child)


def _is_rgb(space: Any) -> bool:
    import pikepdf

    if space is None:
        return False
    if isinstance(space, pikepdf.Name):
        return str(space) in RGB_SPACES
    if isinstance(space, pikepdf.Array) and len(space) > 0:
        family = str(space[0])
        if family in RGB_SPACES:
            return True
        if family == "/ICCBased":
            return int(space[1].get("/N", 0)) == 3
        if family == "/Indexed":
            return _is_rgb(space[1])
        if family in ("/Separation", "/DeviceN"):
            return _is_rgb(space[2])
    return False


def _box_problems(pdf: pikepdf.Pdf, paper: list[tuple[float, float]]) -> Iterator[tuple[int, str]]:
    bleed = BLEED_MM * MM
    for number, (page, (width, height)) in enumerate(zip(pdf.pages, paper), 1):
        trim, bleed_box, media = (_box(page.obj.get(key)) for key in ("/TrimBox", "/BleedBox", "/MediaBox"))
        if trim is None or not _near(trim, (0, 0, width, height), origin_free=True):
            yield number, (f"仕上がり枠(TrimBox)が紙の大きさ {width / MM:.0f}×{height / MM:.0f}mm と違います"
                           f"({_mm(trim)})")
            continue
        x0, y0, x1, y1 = trim
        wanted = (x0 - bleed, y0 - bleed, x1 + bleed, y1 + bleed)
        if bleed_box is None or not _near(bleed_box, wanted):
            yield number, f"塗り足しの枠(BleedBox)が仕上がりの外側 {BLEED_MM:g}mm になっていません({_mm(bleed_box)})"
        elif media is None or not (media[0] <= wanted[0] + TOLERANCE and media[1] <= wanted[1] + TOLERANCE
                                   and media[2] >= wanted[2] - TOLERANCE and media[3] >= wanted[3] - TOLERANCE):
            yield number, "用紙の枠(MediaBox)が塗り足しより小さくなっています"


def _intent_problems(pdf: pikepdf.Pdf) -> Iterator[tuple[int | None, str]]:
    intents = [i for i in pdf.Root.get("/OutputIntents") or [] if i.get("/S") == "/GTS_PDFX"]
    if not intents:
        yield None, "出力インテント(GTS_PDFX)がありません。印刷所が色を再現できません"
    elif int(_get(intents[0].get("/DestOutputProfile"), "/N", 0)) != 4:
        yield None, "出力インテントのプロファイルが CMYK(4色)ではありません"
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        version = str(meta.get("pdfxid:GTS_PDFXVersion", ""))
    if not version.startswith("PDF/X-4"):
        yield None, f"PDF/X-4 の版の記録がありません({version or 'なし'})"


def _get(holder: Any, key: str, default: Any) -> Any:
    return holder.get(key, default) if holder is not None else default


def _box(value: Any) -> tuple[float, float, float, float] | None:
    if value is None or len(value) != 4:
        return None
    x0, y0, x1, y1 = (float(v) for v in value)
    return (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))


def _near(box: tuple[float, ...], wanted: tuple[float, ...], origin_free: bool = False) -> bool:
    if origin_free:  # the trim may sit anywhere on the sheet; its size is what counts
        return abs((box[2] - box[0]) - wanted[2]) < TOLERANCE and abs((box[3] - box[1]) - wanted[3]) < TOLERANCE
    return all(abs(a - b) < TOLERANCE for a, b in zip(box, wanted))


def _mm(box: tuple[float, ...] | None) -> str:
    if box is None:
        return "なし"
    return f"{(box[2] - box[0]) / MM:.1f}×{(box[3] - box[1]) / MM:.1f}mm"
