"""Crop marks (トンボ) and fold marks for the print-shop edition, drawn outside the bleed.

Japanese print shops expect "double" corner marks: at each corner an L on the bleed
lines (trim + 3 mm) and, beside it, a line on each trim line; centre marks (a cross)
on every side; and for a folded leaflet, dashed fold marks in line with each fold.
Every mark starts outside the BleedBox, so nothing of it is left on the trimmed sheet.
They are stroked in registration colour (all four inks at 100 %, so they appear on
every plate), never RGB.

Coordinates are PDF points with the origin at the trim's bottom-left corner (WeasyPrint
puts the trim there when the page has a bleed).
"""

from __future__ import annotations

from collections.abc import Iterable

MM = 72 / 25.4
LENGTH = 10 * MM  # each mark, measured outward from the bleed
WIDTH = 0.25  # pt, a hairline that still prints
CENTRE_HALF = 5 * MM  # half the centre cross bar
FOLD_LENGTH = 6 * MM
REGISTRATION = "1 1 1 1 K"  # every plate


def _num(value: float) -> str:
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _line(x0: float, y0: float, x1: float, y1: float) -> str:
    return f"{_num(x0)} {_num(y0)} m {_num(x1)} {_num(y1)} l S"


def crop_marks(width: float, height: float, bleed: float) -> list[str]:
    """Corner and centre marks for a trim of ``width`` × ``height`` pt."""
    out = bleed + WIDTH / 2  # the stroke's inner edge lies on the BleedBox, not inside it
    far = bleed + LENGTH
    lines = []
    for sx, x in ((-1, 0.0), (1, width)):
        for sy, y in ((-1, 0.0), (1, height)):
            # On the trim lines, beyond the bleed.
            lines.append(_line(x + sx * out, y, x + sx * far, y))
            lines.append(_line(x, y + sy * out, x, y + sy * far))
            # The L on the bleed lines.
            corner_x, corner_y = x + sx * out, y + sy * out
            lines.append(_line(corner_x, corner_y, x + sx * far, corner_y))
            lines.append(_line(corner_x, corner_y, corner_x, y + sy * far))
    middle_x, middle_y = width / 2, height / 2
    for sy, y in ((-1, 0.0), (1, height)):  # top and bottom centre
        lines.append(_line(middle_x, y + sy * out, middle_x, y + sy * far))
        bar = y + sy * (out + LENGTH / 2)
        lines.append(_line(middle_x - CENTRE_HALF, bar, middle_x + CENTRE_HALF, bar))
    for sx, x in ((-1, 0.0), (1, width)):  # left and right centre
        lines.append(_line(x + sx * out, middle_y, x + sx * far, middle_y))
        bar = x + sx * (out + LENGTH / 2)
        lines.append(_line(bar, middle_y - CENTRE_HALF, bar, middle_y + CENTRE_HALF))
    return lines


def fold_marks(height: float, bleed: float, folds: Iterable[float]) -> list[str]:
    """Dashed marks above and below the sheet, in line with each fold (x in pt)."""
    out = bleed + WIDTH / 2
    lines = []
    for x in folds:
        lines.append(_line(x, height + out, x, height + out + FOLD_LENGTH))
        lines.append(_line(x, -out, x, -out - FOLD_LENGTH))
    return lines


def marks_stream(width: float, height: float, bleed: float, folds: Iterable[float] = ()) -> bytes:
    """The content stream that draws every mark of one page."""
    folds = list(folds)
    parts = ["q", f"{_num(WIDTH)} w 0 J [] 0 d", REGISTRATION, *crop_marks(width, height, bleed)]
    if folds:
        parts += [f"[{_num(2 * MM)} {_num(1 * MM)}] 0 d", *fold_marks(height, bleed, folds)]
    parts.append("Q")
    return "\n".join(parts).encode("ascii")
