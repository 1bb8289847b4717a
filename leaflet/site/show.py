"""The preflight's reports for people (a table per handout, a summary line for ``build``)
and for machines (JSON). Text for editors is Japanese."""

from __future__ import annotations

import json
import unicodedata
from typing import TYPE_CHECKING, Any

from ..check.report import Outcome, Report

if TYPE_CHECKING:
    from ..build.result import Result

STATUS = {"pass": "合格", "warn": "注意", "fail": "不合格", "relaxed": "緩和"}
STYLE = {"pass": "green", "warn": "yellow", "fail": "bold red", "relaxed": "cyan"}
HEADERS = ("項目", "結果", "測定値", "場所")


def summary(report: Report) -> str:
    """One line for ``build``: ``検査: 9項目すべて合格`` or what failed, with its figure."""
    count = len(report.rules)
    if not report.passed:
        first: dict[str, Outcome] = {}
        for outcome in report.failures:
            first.setdefault(outcome.rule, outcome)
        named = "、".join(f"{report.label(rule)}({o.figure})" for rule, o in first.items())
        return f"検査: 不合格 — {named}"
    notes = [f"注意 {report.label(o.rule)}({o.figure})" for o in report if o.status == "warn"]
    notes += [f"緩和 {report.label(rule)}" for rule in
              dict.fromkeys(o.rule for o in report if o.status == "relaxed")]
    if notes:
        return f"検査: {count}項目合格({'、'.join(notes)})"
    return f"検査: {count}項目すべて合格"


def heading(result: Result) -> str:
    if result.skipped:
        return f"{result.source}: 対象外({result.skipped})"
    if result.checks is None:
        return f"{result.source}: エラー"
    failed = len({o.rule for o in result.checks.failures})
    state = f"不合格({len(result.checks.rules)}項目中 {failed}項目)" if failed else "合格"
    return f"{result.source}: {state}"


def rows(report: Report) -> list[tuple[str, str, str, str, str, str]]:
    """(label, status, figure, where, message, status key) for each outcome."""
    out = []
    for outcome in report:
        message = outcome.message
        if outcome.relaxed_reason:
            message = f"{message}(緩和の理由: {outcome.relaxed_reason})"
        out.append((report.label(outcome.rule), STATUS[outcome.status], outcome.figure,
                    str(outcome.where or ""), message, outcome.status))
    return out


def plain(result: Result) -> str:
    """A table in plain text, aligned for Japanese (full-width characters count twice)."""
    lines = [heading(result)]
    if result.skipped:
        return lines[0]
    if result.checks is None:
        lines.append(f"  エラー: {result.error}")
        return "\n".join(lines)
    table = [HEADERS, *(row[:4] for row in rows(result.checks))]
    widths = [max(_width(row[i]) for row in table) for i in range(3)]
    details = rows(result.checks)
    for index, row in enumerate(table):
        cells = [_pad(cell, widths[i]) for i, cell in enumerate(row[:3])] + [row[3]]
        lines.append("  " + "  ".join(cells).rstrip())
        if index and details[index - 1][5] != "pass":
            lines.append("      → " + details[index - 1][4])
    lines += [f"  警告: {warning}" for warning in result.warnings]
    return "\n".join(lines)


def rich_table(result: Result) -> Any:
    """The same table for a terminal, with colours (rich)."""
    from rich.table import Table
    from rich.text import Text

    table = Table(title=heading(result), title_justify="left", show_lines=False)
    for header in (*HEADERS, "内容"):
        table.add_column(header, overflow="fold")
    if result.skipped:
        return table
    if result.checks is None:
        table.add_row("—", Text("エラー", style="bold red"), "", "", str(result.error))
        return table
    for label, status, figure, where, message, key in rows(result.checks):
        table.add_row(label, Text(status, style=STYLE[key]), figure, where,
                      Text(message, style="dim" if key == "pass" else ""))
    for warning in result.warnings:  # from the Markdown: a malformed furigana, say
        table.add_row("原稿", Text("警告", style=STYLE["warn"]), "", "", warning)
    return table


def as_json(results: list[Result]) -> str:
    handouts = []
    for result in results:
        report = result.checks
        handouts.append({
            "source": result.source,
            "name": result.name,
            "passed": result.passed,
            "pages": result.pages,
            "error": result.error,
            "skipped": result.skipped,
            "warnings": result.warnings,
            "checks": [o.as_dict(report.label(o.rule)) for o in report] if report else [],
        })
    return json.dumps({"passed": all(r.passed for r in results), "handouts": handouts},
                      ensure_ascii=False, indent=2)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
