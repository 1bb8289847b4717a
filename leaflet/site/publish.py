"""``make_pdf.py build``: the PDFs, then the catalog page brought up to date.

Light to import: a build where nothing changed loads neither the catalog's Jinja2 nor
anything that parses a handout.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from ..build import Result, Stale, build
from ..project import CATALOG_FILE, THUMBNAILS, Project


def build_with_catalog(project: Project, files: Iterable[Path], out: Path | None = None,
                       edition: str | None = None, report: Callable[[Result], None] = lambda r: None, *,
                       on_stale: Callable[[Stale], None] | None = None, **options: Any) -> list[Result]:
    """``build.build``, then ``out/index.html`` and its pictures, when anything changed."""
    stale: list[Stale] = []

    def note_stale(item: Stale) -> None:
        stale.append(item)
        if on_stale:
            on_stale(item)

    results = build(project, files, out, edition, report, on_stale=note_stale, **options)
    refresh_after_build(project, out, results, stale=bool(stale))
    return results


def refresh_after_build(project: Project, out: Path | None, results: Sequence[Result],
                        stale: bool = False) -> Path | None:
    """out/index.html lists every handout with a PDF, not only those just built. When
    nothing changed (no PDF built, none ``stale``) it is left alone, so a no-change build
    stays near-instant, unless the page or its pictures were deleted."""
    changed = stale or any(not r.up_to_date for r in results)
    folder = Path(out or project.out)
    lost = not (folder / CATALOG_FILE).is_file() or (results and not (folder / THUMBNAILS).is_dir())
    if not (changed or lost):
        return None
    from .catalog import refresh_catalog  # Jinja2 and the handouts' front matter: only now

    # What the build read of each handout's front matter: the catalog does not parse it again.
    known = {r.name: r.facts for r in results if r.facts is not None}
    return refresh_catalog(project, out, known=known)
