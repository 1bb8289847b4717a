"""The lines an editor reads about a build, shared by ``build``, ``watch`` and ``serve``
so each says the same thing the same way. Each line comes with whether it is an
error or warning (stderr) or progress (stdout)."""

from __future__ import annotations

from .build import Result
from .incremental import Stale
from .project import Project

Line = tuple[str, bool]  # (text, goes to stderr)


def result_lines(project: Project, result: Result) -> list[Line]:
    lines = [(f"警告: {warning}", True) for warning in result.warnings]
    if result.up_to_date:
        lines.append((f"最新: {result.name}(変更なし)", False))
    elif result.ok:
        lines.append((f"作成: {project.rel(result.pdf)}({result.pages}ページ, {result.seconds:.1f}秒)", False))
    else:
        lines.append((f"エラー: {result.error}", True))
    return lines


def stale_line(project: Project, stale: Stale) -> Line:
    if stale.removed:
        return f"削除: {project.rel(stale.pdf)}(元の .md がありません)", False
    return f"元の .md がない PDF: {project.rel(stale.pdf)}(--clean で削除)", True


def failed_line(results: list[Result]) -> Line | None:
    failed = [r for r in results if not r.ok]
    if not failed:
        return None
    return f"{len(failed)}件が失敗しました(ほかの {len(results) - len(failed)}件は作成済み)。", True
