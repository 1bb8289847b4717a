"""Helpers for the preflight tests: build a fixture handout from tests/fixtures/check/
into the throwaway project and pick out one rule's outcomes."""

from __future__ import annotations

import shutil
from pathlib import Path

from leaflet.build.pipeline import Result, build_one
from leaflet.check.report import Outcome

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "check"


def build_fixture(project, name: str, edition: str | None = None) -> Result:
    """Copy ``fixtures/check/<name>`` into the project and build it (checks run, PDF written)."""
    target = project.handouts / name
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(FIXTURES / name, target)
    return build(project, target, edition)


def build(project, path: Path, edition: str | None = None) -> Result:
    result = build_one(project, path, project.root / "out", edition)
    assert result.ok, result.error
    assert result.pdf and result.pdf.is_file()  # a failed check still writes the PDF
    return result


def outcomes(result: Result, rule: str) -> list[Outcome]:
    assert result.checks is not None
    found = [o for o in result.checks if o.rule == rule]
    assert found, f"rule {rule} reported nothing"
    return found


def failures(result: Result, rule: str) -> list[Outcome]:
    return [o for o in outcomes(result, rule) if not o.passed]


def the_pass(result: Result, rule: str) -> Outcome:
    """The single passing outcome of ``rule``."""
    found = outcomes(result, rule)
    assert [o.status for o in found] == ["pass"], [(o.status, o.message) for o in found]
    return found[0]
