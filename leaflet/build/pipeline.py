"""One handout, start to finish: load → render → check → write, each failure kept to
its own handout so the others still build and its previous PDF survives.

This module loads the whole pipeline (Markdown, Jinja2, WeasyPrint): it is imported
where a handout is actually built — a worker process, ``check``, ``watch`` — never by
what only decides what to build.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from ..atomic import write_atomic
from ..check.preflight import check_pdf, run_checks
from ..errors import HandoutError
from ..project import CATALOG_FILE, Project
from ..render.page import Rendered, pdf_bytes, render, write_pdf
from ..render.standalone import standalone_html
from ..render.weasy import engine_logger, is_engine_record, reported_by_us
from ..source.load import Handout, load
from .plan import NORMAL, Plan, plan_for
from .result import Result
from .thumbnail import make_thumbnail

LOG = logging.getLogger("leaflet")


class _Collect(logging.Handler):
    """Keep the warnings logged while one handout builds, to report them with it."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []
        self.said_by_us: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if is_engine_record(record):
            if reported_by_us(message):
                self.said_by_us.append(message)
                return
            message = f"組版エンジン(WeasyPrint)より: {message}"
        self.messages.append(message)


def build_one(project: Project, file: Path, out: Path | None = None,
              edition: str | None = None, explicit: bool = True, write: bool = True, *,
              plan: Plan | None = None, html: bool = False, thumbnail: bool = False,
              press: bool = False) -> Result:
    """Build one handout into ``out`` (default: the project's out/). ``explicit``: the
    editor named it, so an edition its kind does not offer is an error; in a build of
    everything it is skipped with a note. ``write=False`` renders and checks only (the
    ``check`` command). ``plan``: made already (by the build that decided to rebuild);
    ``html``: also write the HTML beside the PDF; ``thumbnail``: draw the catalog's
    picture of a normal edition. One render serves all of them. ``press``: the
    print-shop edition (``render.pdf.press``; a given ``plan`` says so itself), also
    checked by the press rule, which reads its PDF."""
    start = time.perf_counter()
    result = Result(source=project.rel(file), name=project.name_of(file))
    collect = _Collect()
    loggers = [LOG, engine_logger()]
    for logger in loggers:
        logger.addHandler(collect)
    try:
        plan = plan or plan_for(project, file, out, edition, press)
        result.facts = plan.facts
        handout = load(project, file, plan.source)
        assert plan.edition is not None and plan.target is not None, "a handout that loads is planned"
        chosen = plan.edition.name
        if chosen not in handout.kind.editions:
            why = f"{handout.kind.label}({handout.kind.name})には「{chosen}」版がありません"
            if not explicit and "size" not in handout.meta_lines:
                result.skipped = why
                return result
            raise HandoutError(result.source, handout.meta_lines.get("size"), why,
                               f"形が決まっているため作れません。使える版: {', '.join(handout.kind.editions)}")
        rendered = render(project, handout, plan.edition)
        # Measure before writing: write_pdf() subsets the fonts in place. A failed check
        # still writes the PDF (the editor can look at it); the result is not "passed".
        result.checks = run_checks(project, rendered)
        result.pages = len(rendered.document.pages)
        data = None
        if rendered.press:  # the press rule reads the PDF as it will be written (check: in memory)
            data = pdf_bytes(rendered)
            check_pdf(project, rendered, result.checks, data)
        result.check_failures = list(dict.fromkeys(
            result.checks.label(o.rule) for o in result.checks.failures))
        if write:
            write_pdf(rendered, plan.target, data)
            result.pdf = plan.target
            _html_beside(rendered, plan.target, html, Path(out or project.out))
            # The office PDF of the normal edition is the catalog card's picture.
            if thumbnail and chosen == NORMAL and not rendered.press:
                make_thumbnail(Path(out or project.out), result.name, plan.target)
    except HandoutError as error:
        result.error = str(error)
    except Exception as error:
        LOG.debug("unexpected error in %s", result.source, exc_info=True)
        result.error = (f"{result.source}: 予期しないエラーです({type(error).__name__}: {str(error)[:200]})"
                        " — この原稿か、その種類のテンプレート・設定ファイルの直前の変更を確認してください")
    finally:
        for logger in loggers:
            logger.removeHandler(collect)
    result.warnings = collect.messages
    result.engine_warnings = collect.said_by_us
    result.seconds = time.perf_counter() - start
    return result


def _html_beside(rendered: Rendered, pdf: Path, wanted: bool, out: Path) -> None:
    """``--html``: the HTML beside the PDF; without it, one left by an earlier ``--html``
    is removed (it would show the old text), never the catalog page itself."""
    target = pdf.with_suffix(".html")
    if wanted:
        write_atomic(target, standalone_html(rendered))
    elif target != out / CATALOG_FILE:
        target.unlink(missing_ok=True)


def render_handout(project: Project, file: Path, edition: str | None = None) -> Rendered:
    """Load and lay out one handout as a build would: no checks, nothing written (for
    warming a process up, and for tests). Raises ``HandoutError`` for bad input."""
    plan = plan_for(project, file, edition=edition)
    handout: Handout = load(project, file, plan.source)
    assert plan.edition is not None
    return render(project, handout, plan.edition)
