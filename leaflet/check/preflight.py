"""Preflight: legibility measured on the laid-out pages, before the PDF is written.

``run_checks`` measures the very ``Document`` that ``render`` laid out and ``write_pdf``
writes (no second render). Each rule is one module with ``NAME``, ``LABEL`` and
``check(ctx) -> list[Outcome]``; adding a rule is one module plus one line in ``RULES``.
Thresholds live in ``thresholds``. The print-shop edition is also checked by the rules
in ``PDF_RULES``, which read the PDF as written (``check_pdf``).
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
    press,
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
# Rules that read the written PDF, for the edition that needs them (the print-shop one).
PDF_RULES: list[ModuleType] = [press]
ALL_LABELS = {**LABELS, **{rule.NAME: rule.LABEL for rule in PDF_RULES}}  # what relax: may name

__all__ = ["ALL_LABELS", "LABELS", "PDF_RULES", "RULES", "Outcome", "Report", "Where", "check_pdf", "run_checks"]


def run_checks(project: Project, rendered: Rendered) -> Report:
    """Measure a rendered handout against every rule. Raises ``HandoutError`` for a bad
    ``relax:`` in its front matter."""
    handout = rendered.handout
    reasons = relaxations(handout, ALL_LABELS)
    document = rendered.document
    ctx = Context(project, handout, rendered.edition, document, measure(document), faces_of(document),
                  stopped=rendered.stopped)
    report = Report(handout.shown, labels=dict(LABELS))  # its own: check_pdf may add to it
    for rule in RULES:
        try:
            report.outcomes.extend(rule.check(ctx))
        except Exception as error:
            report.outcomes.append(failed(rule.NAME, "—", None,
                                          f"この検査を実行できませんでした({type(error).__name__}: {error})"))
    report.relax(reasons)
    return report


def check_pdf(project: Project, rendered: Rendered, report: Report, data: bytes) -> None:
    """Add the outcomes of the print-shop edition's press rule, read from the PDF
    ``data`` written from ``rendered``, to ``report``."""
    paper = [(page.width * 0.75, page.height * 0.75) for page in rendered.document.pages]  # CSS px → pt
    try:
        outcomes = press.check(data, paper, list(rendered.stylesheets), project)
    except Exception as error:
        outcomes = [failed(press.NAME, "—", None, f"この検査を実行できませんでした({type(error).__name__}: {error})")]
    report.outcomes.extend(outcomes)
    report.labels[press.NAME] = press.LABEL  # listed only where it ran
    report.relax(relaxations(rendered.handout, ALL_LABELS))
