"""The lines an editor reads about a build, shared by ``build``, ``watch`` and ``serve``
so each says the same thing the same way. Each line comes with whether it is an
error or warning (stderr) or progress (stdout)."""

from __future__ import annotations

from ..build import Result, Stale
from ..project import Project

Line = tuple[str, bool]  # (text, goes to stderr)


def result_lines(project: Project, result: Result) -> list[Line]:
    lines = [(f"警告: {warning}", True) for warning in result.warnings]
    if result.skipped:
        lines.append((f"対象外: {result.name}({result.skipped})", False))
    elif result.up_to_date:
        lines.append((f"最新: {result.name}(変更なし)", False))
    elif result.ok:
        made = project.rel(result.pdf) if result.pdf else result.name
        lines.append((f"作成: {made}({result.pages}ページ, {result.seconds:.1f}秒)", False))
        if result.checks is not None:
            from .show import summary  # loaded only once something was rendered

            lines.append((f"  {summary(result.checks)}", not result.passed))
    else:
        lines.append((f"エラー: {result.error}", True))
    return lines


def stale_line(project: Project, stale: Stale) -> Line:
    if stale.removed:
        return f"削除: {project.rel(stale.pdf)}(元の .md がありません)", False
    if stale.kept:
        return (f"削除しませんでした: {project.rel(stale.pdf)}(このツールが書いたふつうのファイルではありません。"
                "必要なければ手で消してください)", True)
    return f"元の .md がない PDF: {project.rel(stale.pdf)}(--clean で削除)", True


def closing_lines(results: list[Result]) -> list[Line]:
    """What went wrong overall; no lines means exit code 0."""
    lines: list[Line] = []
    failed = [r for r in results if not r.ok]
    if failed:
        built = sum(1 for r in results if r.ok and not r.skipped)
        lines.append((f"{len(failed)}件が失敗しました(ほかの {built}件は作成済み)。", True))
    rejected = [r for r in results if r.ok and not r.passed]
    if rejected:
        names = "、".join(r.name for r in rejected)
        lines.append((f"{len(rejected)}件が検査で不合格です(PDF は作成済み): {names} — "
                      "詳しくは make_pdf.py check で確認してください。", True))
    return lines
