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

from ..check.preflight import run_checks
from ..errors import HandoutError
from ..project import Project
from ..render.page import edition_of, render, write_pdf
from ..render.weasy import engine_logger, is_engine_record, reported_by_us
from ..source.load import load
from .result import Result

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
              edition: str | None = None, explicit: bool = True, write: bool = True) -> Result:
    """Build one handout. ``explicit``: the editor named it, so an edition its kind
    does not offer is an error; in a build of everything it is skipped with a note.
    ``write=False`` renders and checks only (the ``check`` command)."""
    start = time.perf_counter()
    result = Result(source=project.rel(file), name=project.name_of(file))
    collect = _Collect()
    loggers = [LOG, engine_logger()]
    for logger in loggers:
        logger.addHandler(collect)
    try:
        handout = load(project, file)
        chosen = edition_of(handout, edition)
        if chosen not in handout.kind.editions:
            why = f"{handout.kind.label}({handout.kind.name})には「{chosen}」版がありません"
            if not explicit and "size" not in handout.meta_lines:
                result.skipped = why
                return result
            raise HandoutError(result.source, handout.meta_lines.get("size"), why,
                               f"形が決まっているため作れません。使える版: {', '.join(handout.kind.editions)}")
        rendered = render(project, handout, chosen)
        # Measure before writing: write_pdf() subsets the fonts in place. A failed check
        # still writes the PDF (the editor can look at it); the result is not "passed".
        result.checks = run_checks(project, rendered)
        result.check_failures = list(dict.fromkeys(
            result.checks.label(o.rule) for o in result.checks.failures))
        result.pages = len(rendered.document.pages)
        if write:
            target = project.pdf_for(file, out, "" if chosen == "normal" else chosen)
            write_pdf(rendered, target)
            result.pdf = target
    except HandoutError as error:
        result.error = str(error)
    except Exception as error:  # noqa: BLE001 — one handout's surprise never stops the others
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
