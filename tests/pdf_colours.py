"""Reading colour back from a PDF for the press tests, independently of the press rule:
every colour operator and colour space a page can print, with pikepdf."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pikepdf

MM = 72 / 25.4


def operators(holder: Any) -> Iterator[tuple[str, list[Any]]]:
    for operands, operator in pikepdf.parse_content_stream(holder):
        yield str(operator), list(operands)


def streams(pdf: pikepdf.Pdf) -> Iterator[tuple[int, Any]]:
    """(page, content holder) for each page and every form and pattern it uses."""
    for number, page in enumerate(pdf.pages, 1):
        todo, seen = [page.obj], set()
        while todo:
            holder = todo.pop()
            if holder.objgen != (0, 0) and holder.objgen in seen:
                continue
            seen.add(holder.objgen)
            yield number, holder
            resources = holder.get("/Resources") or {}
            for group in ("/XObject", "/Pattern"):
                for child in (resources.get(group) or {}).values():
                    if child.get("/Subtype") == "/Form" or child.get("/PatternType") == 1:
                        todo.append(child)


def rgb_names(pdf: pikepdf.Pdf) -> list[str]:
    """Every object that names /DeviceRGB or /CalRGB, or an ICC profile of 3 components
    (colour spaces, images, shadings, groups), in the whole file."""
    found = []
    for obj in pdf.objects:
        text = repr(obj) if not isinstance(obj, pikepdf.Stream) else repr(obj.stream_dict)
        if "/DeviceRGB" in text or "/CalRGB" in text:
            found.append(text[:120])
        if isinstance(obj, pikepdf.Stream) and obj.stream_dict.get("/N") == 3:
            found.append("ICC profile with 3 components")
    return found


def strokes_after(holder: Any, colour_op: str, colour: list[float]) -> list[tuple[float, float, float, float]]:
    """Line segments (x0, y0, x1, y1) stroked while ``colour_op`` ``colour`` is set."""
    segments, current, active = [], None, False
    for op, operands in operators(holder):
        if op == colour_op:
            active = [round(float(v), 3) for v in operands] == colour
        elif op in ("RG", "G", "SCN", "SC") and active:
            active = False
        elif op == "m":
            current = tuple(float(v) for v in operands)
        elif op == "l" and current is not None:
            end = tuple(float(v) for v in operands)
            if active:
                segments.append((*current, *end))
            current = end
    return segments


def open_pdf(path: Path) -> pikepdf.Pdf:
    return pikepdf.open(path)
