"""``make_pdf.py check``: render and measure each handout, write nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from ..project import Project
from .pipeline import build_one
from .result import Result


def check_handouts(project: Project, files: Iterable[Path], edition: str | None = None,
                   explicit: bool = True,
                   report: Callable[[Result], None] = lambda r: None, press: bool = False) -> list[Result]:
    """Render and check each handout without writing a PDF; ``press``: the print-shop
    edition (its PDF is made in memory for the press rule)."""
    results = []
    for file in files:
        result = build_one(project, file, edition=edition, explicit=explicit, write=False, press=press)
        report(result)
        results.append(result)
    return results
