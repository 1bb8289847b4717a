"""Stage 3, build: load → render → write, one handout at a time, each failure kept
to its own handout so the others still build and its previous PDF survives.
``build`` skips the handouts whose inputs did not change and spreads the others over
worker processes (see ``incremental`` and ``parallel``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import IMAGE_FAILURES, HandoutError
from .project import CATALOG_FILE, THUMBNAILS, Project

if TYPE_CHECKING:
    from .check import Report

LOG = logging.getLogger("leaflet")


@dataclass
class Result:
    source: str  # as shown to the editor
    name: str
    pdf: Path | None = None
    pages: int = 0
    seconds: float = 0.0
    error: str | None = None
    skipped: str | None = None  # why nothing was built (not an error)
    warnings: list[str] = field(default_factory=list)
    # WeasyPrint's own warnings that our checks and errors already report (not shown)
    engine_warnings: list[str] = field(default_factory=list)
    checks: Report | None = None  # the preflight's measurements (leaflet.check)
    # Labels of the failed check rules ([] = all passed; None = not checked). Kept in the
    # build state, so the catalog and a no-change build know it without re-checking.
    check_failures: list[str] | None = None
    up_to_date: bool = False  # nothing it depends on changed: not built again

    @property
    def ok(self) -> bool:
        """Built (or, for ``check``, rendered) without an error."""
        return self.error is None

    @property
    def passed(self) -> bool:
        """Built and every check passed (or was relaxed): exit code 0."""
        return self.ok and not self.check_failures and (self.checks is None or self.checks.passed)


# WeasyPrint warnings that our own checks and errors already say, in Japanese and with
# a file:line: a character the fonts lack (the glyph rule), an image that cannot be
# drawn (an error of the handout).
_SAID_BY_US = ("No glyph for character", ".notdef glyph rendered", *IMAGE_FAILURES)


class _Collect(logging.Handler):
    """Keep the warnings logged while one handout builds, to report them with it."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []
        self.said_by_us: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if record.name.startswith("weasyprint"):
            if message.startswith(_SAID_BY_US):
                self.said_by_us.append(message)
                return
            message = f"組版エンジン(WeasyPrint)より: {message}"
        self.messages.append(message)


def build_one(project: Project, file: Path, out: Path | None = None,
              edition: str | None = None, explicit: bool = True, write: bool = True,
              press: bool = False) -> Result:
    """Build one handout. ``explicit``: the editor named it, so an edition its kind
    does not offer is an error; in a build of everything it is skipped with a note.
    ``write=False`` renders and checks only (the ``check`` command). ``press``: the
    print-shop edition (``leaflet.pdf.press``), checked by the press rule too."""
    # Markdown and WeasyPrint load only when something is built.
    from .check import check_press, run_checks
    from .load import load
    from .pdf.press import press_settings
    from .render import edition_of, pdf_bytes, render, write_pdf

    start = time.perf_counter()
    result = Result(source=project.rel(file), name=project.name_of(file))
    collect = _Collect()
    loggers = [logging.getLogger("leaflet"), logging.getLogger("weasyprint")]
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
        rendered = render(project, handout, chosen, press=press_settings(project) if press else None)
        # Measure before writing: write_pdf() subsets the fonts in place. A failed check
        # still writes the PDF (the editor can look at it); the result is not "passed".
        result.checks = run_checks(project, rendered)
        result.pages = len(rendered.document.pages)
        data = pdf_bytes(rendered) if write or press else None
        if press and data is not None:
            check_press(project, rendered, result.checks, data)
        result.check_failures = list(dict.fromkeys(
            result.checks.label(o.rule) for o in result.checks.failures))
        if write:
            target = project.pdf_for(file, out, "" if chosen == "normal" else chosen)
            write_pdf(rendered, target, data)
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


def build(project: Project, files: Iterable[Path], out: Path | None = None,
          edition: str | None = None,
          report: Callable[[Result], None] = lambda r: None, *,
          explicit: bool = True, catalog: bool = True,
          force: bool = False, jobs: int = 1, html: bool = False, clean: bool = False,
          progress: bool | None = None, on_stale: Callable[..., None] | None = None,
          **options: Any) -> list[Result]:
    """Build what changed (everything with ``force``) in ``jobs`` processes; report each
    handout in order, up-to-date ones too. ``html``: also write the HTML beside each PDF.
    PDFs whose handout was deleted go to ``on_stale``, and are removed with ``clean``.
    ``explicit``: the handouts were named (see ``build_one``). Other ``options`` are
    passed to ``build_one`` and are part of what decides a rebuild. ``catalog``: rewrite
    out/index.html afterwards."""
    from .incremental import Session  # deps, state, workers

    stale: list[Any] = []

    def note_stale(item: Any) -> None:
        stale.append(item)
        if on_stale:
            on_stale(item)

    with Session(project, out, edition, jobs=jobs, html=html, progress=progress,
                 explicit=explicit, options=options) as session:
        results = session.build(files, report, force=force, clean=clean, on_stale=note_stale)
    # out/index.html lists every handout with a PDF, not only those just built. When
    # nothing changed it is left alone (a no-change build stays near-instant), unless
    # the page or its pictures were deleted.
    changed = stale or any(not r.up_to_date for r in results)
    folder = Path(out or project.out)
    lost = not (folder / CATALOG_FILE).is_file() or (results and not (folder / THUMBNAILS).is_dir())
    if catalog and (changed or lost):
        from .catalog import refresh_catalog
        refresh_catalog(project, out)
    return results
