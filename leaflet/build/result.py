"""What building (or checking) one handout gave: the typed result every later step
reads — the progress lines, the build state, the catalog. Light to import: a worker's
results are unpickled in the main process, which never loads WeasyPrint."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..check.report import Report


@dataclass(frozen=True)
class Facts:
    """What a handout's front matter says, as the state records it and the catalog lists it."""

    kind: str
    title: str  # as written (furigana markup and all)
    revised: str  # an ISO date, or what was written, or ""

    @classmethod
    def of(cls, meta: Mapping[str, Any]) -> Facts:
        """From a handout's front matter, as read (not validated)."""
        revised = meta.get("revised")
        return cls(str(meta.get("kind") or ""), str(meta.get("title") or ""),
                   revised.isoformat() if isinstance(revised, dt.date) else str(revised or ""))


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
    facts: Facts | None = None  # None: its front matter could not be read

    @property
    def ok(self) -> bool:
        """Built (or, for ``check``, rendered) without an error."""
        return self.error is None

    @property
    def passed(self) -> bool:
        """Built and every check passed (or was relaxed): exit code 0."""
        return self.ok and not self.check_failures and (self.checks is None or self.checks.passed)
