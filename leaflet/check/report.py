"""What the preflight found: one ``Outcome`` per finding (or one per rule that passed)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any


@dataclass(frozen=True)
class Where:
    """Where a finding is: page, brochure panel, and the handout line when it can be traced."""

    page: int | None = None
    panel: str | None = None  # the panel's name (data-panel), e.g. inside-left
    panel_label: str | None = None  # as the editor knows it, e.g. 中面・左
    source: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        parts = []
        if self.page:
            parts.append(f"{self.page}ページ")
        if self.panel:
            parts.append(f"{self.panel_label}({self.panel})" if self.panel_label else self.panel)
        if self.source and self.line:
            parts.append(f"{self.source}:{self.line}")
        return " ".join(parts)

    def as_dict(self) -> dict[str, Any]:
        return {"page": self.page, "panel": self.panel, "file": self.source if self.line else None,
                "line": self.line, "text": str(self)}


@dataclass(frozen=True)
class Outcome:
    rule: str  # the rule's name, as written under ``relax:``
    passed: bool
    figure: str  # the measured figure: "8.0pt", "2.3:1", "U+2695", "+2行(9.5mm)"
    where: Where | None
    message: str  # what is wrong and what to do, in Japanese
    relaxed_reason: str | None = None
    warning: bool = False  # passed, but worth a look (e.g. an image under 300 ppi)

    @property
    def fails(self) -> bool:
        """Does this outcome fail the handout? (A relaxed rule never does.)"""
        return not self.passed and not self.relaxed_reason

    @property
    def status(self) -> str:
        if not self.passed:
            return "relaxed" if self.relaxed_reason else "fail"
        return "warn" if self.warning else "pass"

    def as_dict(self, label: str) -> dict[str, Any]:
        return {"rule": self.rule, "label": label, "status": self.status, "passed": self.passed,
                "figure": self.figure, "where": self.where.as_dict() if self.where else None,
                "message": self.message, "relaxed_reason": self.relaxed_reason}


@dataclass
class Report:
    """Every outcome for one rendered handout, rules in their registered order."""

    source: str
    outcomes: list[Outcome] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)  # rule name → Japanese label

    def __iter__(self) -> Iterator[Outcome]:
        return iter(self.outcomes)

    def __len__(self) -> int:
        return len(self.outcomes)

    @property
    def passed(self) -> bool:
        return not any(o.fails for o in self.outcomes)

    @property
    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.fails]

    @property
    def rules(self) -> list[str]:
        return list(dict.fromkeys(o.rule for o in self.outcomes))

    def label(self, rule: str) -> str:
        return self.labels.get(rule, rule)

    def relax(self, reasons: dict[str, str]) -> None:
        """Mark the outcomes of relaxed rules with the written reason."""
        self.outcomes = [replace(o, relaxed_reason=reasons[o.rule]) if o.rule in reasons else o
                         for o in self.outcomes]
