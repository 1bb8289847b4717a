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
from typing import Any

from .errors import HandoutError
from .project import Project

LOG = logging.getLogger("leaflet")


@dataclass
class Result:
    source: str  # as shown to the editor
    name: str
    pdf: Path | None = None
    pages: int = 0
    seconds: float = 0.0
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    up_to_date: bool = False  # nothing it depends on changed: not built again

    @property
    def ok(self) -> bool:
        return self.error is None


class _Collect(logging.Handler):
    """Keep the warnings logged while one handout builds, to report them with it."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def build_one(project: Project, file: Path, out: Path | None = None,
              edition: str | None = None) -> Result:
    from .load import load  # Markdown and WeasyPrint load only when something is built
    from .render import edition_of, render, write_pdf

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
            raise HandoutError(result.source, handout.meta_lines.get("size"),
                               f"{handout.kind.label}({handout.kind.name})には「{chosen}」版がありません",
                               f"使える版: {', '.join(handout.kind.editions)}")
        rendered = render(project, handout, chosen)
        target = project.pdf_for(file, out, "" if chosen == "normal" else chosen)
        write_pdf(rendered, target)
        result.pdf, result.pages = target, len(rendered.document.pages)
    except HandoutError as error:
        result.error = str(error)
    finally:
        for logger in loggers:
            logger.removeHandler(collect)
    result.warnings = collect.messages
    result.seconds = time.perf_counter() - start
    return result


def build(project: Project, files: Iterable[Path], out: Path | None = None,
          edition: str | None = None,
          report: Callable[[Result], None] = lambda r: None, *,
          force: bool = False, jobs: int = 1, html: bool = False, clean: bool = False,
          progress: bool | None = None, on_stale: Callable[..., None] | None = None,
          **options: Any) -> list[Result]:
    """Build what changed (everything with ``force``) in ``jobs`` processes; report each
    handout in order, up-to-date ones too. ``html``: also write the HTML beside each PDF.
    PDFs whose handout was deleted go to ``on_stale``, and are removed with ``clean``.
    Other ``options`` are passed to ``build_one``."""
    from .incremental import Session  # deps, state, workers

    with Session(project, out, edition, jobs=jobs, html=html, progress=progress, options=options) as session:
        return session.build(files, report, force=force, clean=clean, on_stale=on_stale)
