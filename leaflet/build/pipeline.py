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
from ..check.thresholds import EDITION_EXTRA_PAGES
from ..errors import HandoutError, cut
from ..failures import describe, os_problem
from ..guarded_read import text_or_empty
from ..limits import Limits, TimeLimit, mark_spent, page_cap, time_limit
from ..project import CATALOG_FILE, Project
from ..render.page import Rendered, pdf_bytes, render, write_pdf
from ..render.standalone import standalone_html
from ..render.weasy import engine_logger, is_engine_record, reported_by_us
from ..source.load import Handout, load
from .plan import NORMAL, Plan, plan_for
from .result import Result
from .thumbnail import make_thumbnail

LOG = logging.getLogger("leaflet")


MAX_WARNINGS = 20  # a handout with 60,000 slips gets 20 lines and a count, not 60,000
MAX_WARNING = 300  # characters


class _Collect(logging.Handler):
    """Keep the warnings logged while one handout builds, to report them with it."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []
        self.said_by_us: list[str] = []
        self.more = 0  # warnings past MAX_WARNINGS, counted only

    def emit(self, record: logging.LogRecord) -> None:
        message = cut(record.getMessage(), MAX_WARNING)
        if is_engine_record(record):
            if reported_by_us(message):
                if len(self.said_by_us) < MAX_WARNINGS:
                    self.said_by_us.append(message)
                return
            message = f"組版エンジン(WeasyPrint)より: {message}"
        if len(self.messages) < MAX_WARNINGS:
            self.messages.append(message)
        else:
            self.more += 1

    def warnings(self) -> list[str]:
        if not self.more:
            return self.messages
        return [*self.messages, f"ほかに警告が {self.more:,} 件あります(最初の {MAX_WARNINGS} 件だけを表示しました)"]


def build_one(project: Project, file: Path, out: Path | None = None,
              edition: str | None = None, explicit: bool = True, write: bool = True, *,
              plan: Plan | None = None, html: bool = False, thumbnail: bool = False,
              limits: Limits | None = None, press: bool = False) -> Result:
    """Build one handout into ``out`` (default: the project's out/). ``explicit``: the
    editor named it, so an edition its kind does not offer is an error; in a build of
    everything it is skipped with a note. ``write=False`` renders and checks only (the
    ``check`` command). ``plan``: made already (by the build that decided to rebuild);
    ``html``: also write the HTML beside the PDF; ``thumbnail``: draw the catalog's
    picture of a normal edition. One render serves all of them. ``press``: the
    print-shop edition (``render.pdf.press``; a given ``plan`` says so itself), also
    checked by the press rule, which reads its PDF.

    Nothing but Ctrl-C leaves this function: every failure, whatever raised it, is the
    result's ``error``, one Japanese line (``failures``). ``limits`` bound the time it
    may take (on the main thread; ``workers`` time a worker) and the pages laid out."""
    start = time.perf_counter()
    result = Result(source=project.rel(file), name=project.name_of(file))
    limits = limits or Limits.from_env()
    collect = _Collect()
    loggers = [LOG, engine_logger()]
    for logger in loggers:
        logger.addHandler(collect)
    try:
        with time_limit(limits.seconds):
            _build(project, file, out, edition, explicit, write, plan, html, thumbnail, press, result)
    except BaseException as error:
        if isinstance(error, (KeyboardInterrupt, SystemExit, GeneratorExit)):
            raise
        if not isinstance(error, HandoutError):
            LOG.debug("unexpected error in %s", result.source, exc_info=True)
        if isinstance(error, (TimeLimit, MemoryError, RecursionError)):
            mark_spent()
        result.error = describe(error, result.source, text_or_empty(file, project.root), project.rel)
        result.pdf = None
    finally:
        for logger in loggers:
            logger.removeHandler(collect)
    result.warnings = collect.warnings()
    result.engine_warnings = collect.said_by_us
    result.seconds = time.perf_counter() - start
    return result


def _build(project: Project, file: Path, out: Path | None, edition: str | None, explicit: bool,
           write: bool, plan: Plan | None, html: bool, thumbnail: bool, press: bool, result: Result) -> None:
    plan = plan or plan_for(project, file, out, edition, press)
    result.facts = plan.facts
    handout = load(project, file, plan.source)
    assert plan.edition is not None and plan.target is not None, "a handout that loads is planned"
    chosen = plan.edition.name
    if chosen not in handout.kind.editions:
        why = f"{handout.kind.label}({handout.kind.name})には「{chosen}」版がありません"
        if not explicit and "size" not in handout.meta_lines:
            result.skipped = why
            return
        raise HandoutError(result.source, handout.meta_lines.get("size"), why,
                           f"形が決まっているため作れません。使える版: {', '.join(handout.kind.editions)}")
    budget = handout.kind.pages[1] + EDITION_EXTRA_PAGES.get(chosen, 0)
    rendered = render(project, handout, plan.edition, max_pages=page_cap(budget))
    # Measure before writing: write_pdf() subsets the fonts in place. A failed check
    # still writes the PDF (the editor can look at it); the result is not "passed".
    result.checks = run_checks(project, rendered)
    data = None
    if rendered.press and not rendered.stopped:  # the press rule reads the PDF as it will be written
        data = pdf_bytes(rendered)
        check_pdf(project, rendered, result.checks, data)
    result.check_failures = list(dict.fromkeys(
        result.checks.label(o.rule) for o in result.checks.failures))
    result.check_warnings = list(dict.fromkeys(
        f"{result.checks.label(o.rule)}({o.figure})" for o in result.checks if o.status == "warn"))
    result.pages = len(rendered.document.pages)
    if rendered.stopped:  # a PDF of the first pages only would mislead: none is written
        over = next((o for o in result.checks.failures if o.rule == "overflow"), None)
        raise HandoutError(result.source, over.where.line if over and over.where else None,
                           over.message if over else f"長すぎるため {result.pages}ページで組版を止めました",
                           "" if over else "本文を減らすか、いくつかの原稿に分けてください")
    if write:
        write_pdf(rendered, plan.target, data)
        result.pdf = plan.target
        _html_beside(rendered, plan.target, html, Path(out or project.out))
        # The office PDF of the normal edition is the catalog card's picture.
        if thumbnail and chosen == NORMAL and not rendered.press:
            try:
                make_thumbnail(Path(out or project.out), result.name, plan.target)
            except Exception as error:
                reason = os_problem(error) if isinstance(error, OSError) else type(error).__name__
                LOG.warning("%s: 一覧ページ用の縮小画像を作れませんでした(%s)", result.source, reason)


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
    return render(project, handout, plan.edition, max_pages=page_cap(handout.kind.pages[1]))
