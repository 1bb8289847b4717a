"""Preflight: legibility measured on the laid-out pages, before the PDF is written.

``run_checks`` measures the very ``Document`` that ``render`` laid out and ``write_pdf``
writes (no second render). Each rule is one module with ``NAME``, ``LABEL`` and
``check(ctx) -> list[Outcome]``; adding a rule is one module plus one line in ``RULES``.
Thresholds live in ``thresholds``.
"""

from __future__ import annotations

from types import ModuleType

from ..project import Project
from ..render.page import Rendered
from ..render.weasy import faces_of
from . import (
    breaks,
    contact,
    contrast,
    fonts,
    furigana,
    glyphs,
    images,
    lines,
    overflow,
    overlap,
    safe_area,
    tagging,
    text_size,
)
from .boxes import measure
from .context import Context, failed
from .relax import relaxations
from .report import Outcome, Report, Where

RULES: list[ModuleType] = [text_size, contrast, glyphs, overflow, safe_area, lines, images, overlap, fonts, furigana,
                           breaks, tagging, contact]
LABELS = {rule.NAME: rule.LABEL for rule in RULES}

__all__ = ["LABELS", "RULES", "Outcome", "Report", "Where", "run_checks"]


def run_checks(project: Project, rendered: Rendered) -> Report:
    """Measure a rendered handout against every rule. Raises ``HandoutError`` for a bad
    ``relax:`` in its front matter."""
    handout = rendered.handout
    reasons = relaxations(handout, LABELS)
    document = rendered.document
    ctx = Context(project, handout, rendered.edition, document, measure(document), faces_of(document),
                  stopped=rendered.stopped)
    report = Report(handout.shown, labels=LABELS)
    for rule in RULES:
        try:
            report.outcomes.extend(rule.check(ctx))
        except Exception as error:
            report.outcomes.append(failed(rule.NAME, "—", None,
                                          f"この検査を実行できませんでした({type(error).__name__}: {error})"))
    report.relax(reasons)
    return report
