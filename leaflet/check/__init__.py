"""Preflight: legibility measured on the laid-out pages, before the PDF is written.

``run_checks`` measures the very ``Document`` that ``render`` laid out and ``write_pdf``
writes (no second render). Each rule is one module with ``NAME``, ``LABEL`` and
``check(ctx) -> list[Outcome]``; adding a rule is one module plus one line in ``RULES``.
Thresholds live in ``thresholds``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from ..engine import prepare
from ..project import Project

prepare()  # before WeasyPrint is first imported (idempotent)

from . import contrast, fonts, furigana, glyphs, images, lines, overflow, press, safe_area, text_size  # noqa: E402
from .boxes import measure  # noqa: E402
from .context import Context, failed  # noqa: E402
from .relax import relaxations  # noqa: E402
from .report import Outcome, Report, Where  # noqa: E402

if TYPE_CHECKING:
    from ..build import Result
    from ..render import Rendered

RULES: list[ModuleType] = [text_size, contrast, glyphs, overflow, safe_area, lines, images, fonts, furigana]
# Rules that read the written PDF, for the editions that need them (the print-shop one).
PDF_RULES: list[ModuleType] = [press]
LABELS = {rule.NAME: rule.LABEL for rule in RULES}
ALL_LABELS = {**LABELS, **{rule.NAME: rule.LABEL for rule in PDF_RULES}}  # what relax: may name

__all__ = ["LABELS", "PDF_RULES", "RULES", "Outcome", "Report", "Where", "check_handouts", "check_press",
           "run_checks"]


def run_checks(project: Project, rendered: "Rendered") -> Report:
    """Measure a rendered handout against every rule. Raises ``HandoutError`` for a bad
    ``relax:`` in its front matter."""
    handout = rendered.handout
    reasons = relaxations(handout, ALL_LABELS)
    document = rendered.document
    ctx = Context(project, handout, rendered.edition, document, measure(document),
                  list(getattr(document.font_config, "faces", [])))
    report = Report(handout.shown, labels=LABELS)
    for rule in RULES:
        try:
            report.outcomes.extend(rule.check(ctx))
        except Exception as error:  # noqa: BLE001  (a bug in one rule must not stop the build)
            report.outcomes.append(failed(rule.NAME, "—", None,
                                          f"この検査を実行できませんでした({type(error).__name__}: {error})"))
    report.relax(reasons)
    return report


def check_press(project: Project, rendered: "Rendered", report: Report, data: bytes) -> None:
    """Add the press rule's outcomes (read from the written PDF ``data``) to ``report``."""
    from ..render import stylesheets

    paper = [(page.width * 0.75, page.height * 0.75) for page in rendered.document.pages]
    sheets = stylesheets(project, rendered.handout, rendered.edition)
    try:
        outcomes = press.check(data, paper, sheets, project.rel)
    except Exception as error:  # noqa: BLE001  (as in run_checks)
        outcomes = [failed(press.NAME, "—", None, f"この検査を実行できませんでした({type(error).__name__}: {error})")]
    report.outcomes.extend(outcomes)
    report.labels[press.NAME] = press.LABEL
    report.relax(relaxations(rendered.handout, ALL_LABELS))


def check_handouts(project: Project, files: Iterable[Path], edition: str | None = None,
                   explicit: bool = True,
                   report: Callable[["Result"], None] = lambda r: None, press: bool = False) -> list["Result"]:
    """Render and check each handout without writing a PDF (``make_pdf.py check``);
    ``press``: the print-shop edition (its PDF is made in memory for the press rule)."""
    from ..build import build_one

    results = []
    for file in files:
        result = build_one(project, file, edition=edition, explicit=explicit, write=False, press=press)
        report(result)
        results.append(result)
    return results
