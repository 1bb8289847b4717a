"""What building (or checking) one handout gave: the typed result every later step
reads — the progress lines, the build state, the catalog. Light to import: a worker's
results are unpickled in the main process, which never loads WeasyPrint."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..check.report import Report


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
