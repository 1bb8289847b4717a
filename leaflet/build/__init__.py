"""Stage 4, build: what to rebuild, one handout at a time or in worker processes.

``build`` skips the handouts whose inputs did not change and spreads the others over
worker processes (``incremental``, ``parallel``); ``pipeline.build_one`` builds one.
Writing the catalog page is the site's job, after a build (``site.catalog``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from ..project import Project
from .incremental import Session, Stale
from .result import Result

__all__ = ["Result", "Stale", "build"]


def build(project: Project, files: Iterable[Path], out: Path | None = None,
          edition: str | None = None,
          report: Callable[[Result], None] = lambda r: None, *,
          explicit: bool = True, force: bool = False, jobs: int = 1, html: bool = False,
          clean: bool = False, progress: bool | None = None,
          on_stale: Callable[[Stale], None] | None = None,
          on_note: Callable[[str], None] | None = None, **options: Any) -> list[Result]:
    """Build what changed (everything with ``force``) in ``jobs`` processes; report each
    handout in order, up-to-date ones too. ``html``: also write the HTML beside each PDF.
    PDFs whose handout was deleted go to ``on_stale``, and are removed with ``clean``;
    ``on_note`` gets what the editor should know about the run itself (a damaged state).
    ``explicit``: the handouts were named (see ``pipeline.build_one``). Other ``options``
    are passed to ``build_one`` and are part of what decides a rebuild."""
    with Session(project, out, edition, jobs=jobs, html=html, progress=progress,
                 explicit=explicit, options=options) as session:
        return session.build(files, report, force=force, clean=clean, on_stale=on_stale, on_note=on_note)
