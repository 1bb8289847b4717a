"""Any exception met while building one handout, as the one Japanese line an editor can
act on: ``where: what — how to fix it``.

The build keeps each failure to its handout (``build_one`` catches everything but
Ctrl-C); this module says what the failure means. Errors of our own
(``HandoutError``) already say it; the others are the ways the machine or the
libraries give up: a full disk, a read-only or unreadable file, input nested too deep
for Python, a number too large for WeasyPrint, memory, time.
"""

from __future__ import annotations

import errno
import re
from collections.abc import Callable
from typing import Any

from .errors import HandoutError, cut

MAX_DETAIL = 200  # characters of a library's own (English) text quoted in a message

# What an OSError means, and what to do about it, by errno.
_OS_PROBLEMS: dict[int, tuple[str, str]] = {
    errno.ENOSPC: ("空き容量が足りません", "不要なファイルを消して空きを作ってから、もう一度実行してください"),
    errno.EDQUOT: ("使える容量の上限に達しました", "不要なファイルを消して空きを作ってから、もう一度実行してください"),
    errno.EROFS: ("読み取り専用の場所なので書き込めません", "書き込めるフォルダを --out に指定してください"),
    errno.EACCES: ("権限がありません", "ファイルやフォルダの権限(読み書き)を確認してください"),
    errno.EPERM: ("権限がありません", "ファイルやフォルダの権限(読み書き)を確認してください"),
    errno.ENAMETOOLONG: ("名前が長すぎます", "ファイル名やフォルダ名を短くしてください"),
    errno.EISDIR: ("同じ名前のフォルダがあります", "そのフォルダの名前を変えるか、別の名前にしてください"),
    errno.ENOTDIR: ("途中の名前がフォルダではなくファイルです", "同じ名前のファイルがないか確認してください"),
    errno.EMFILE: ("開いているファイルが多すぎます", "ほかのプログラムを閉じて、もう一度実行してください"),
    errno.ENFILE: ("開いているファイルが多すぎます", "ほかのプログラムを閉じて、もう一度実行してください"),
    errno.EIO: ("読み書きの途中でエラーが起きました(ディスクの不調の可能性)",
                "ディスクやネットワークドライブの状態を確認してください"),
    errno.ELOOP: ("リンクが循環しています", "シンボリックリンクを確認してください"),
    errno.ENOENT: ("ファイルやフォルダが見つかりません", "名前と置き場所を確認してください"),
}


def os_problem(error: OSError) -> str:
    return _OS_PROBLEMS.get(error.errno or 0, (f"読み書きできません({error.strerror or error})", ""))[0]


def os_fix(error: OSError) -> str:
    return _OS_PROBLEMS.get(error.errno or 0, ("", "ファイルやフォルダの状態を確認してください"))[1]


def describe(error: BaseException, source: str, text: str = "", rel: Callable[[Any], str] = str) -> str:
    """The line for ``error``, met while building the handout ``source`` (whose
    Markdown is ``text``). ``rel`` shows a file name as the editor knows it."""
    from .limits import TimeLimit

    if isinstance(error, HandoutError):
        return str(error) if error.path == source else f"{source}: {error}"
    if isinstance(error, TimeLimit):
        return (f"{source}: 時間がかかりすぎるため中止しました({error.seconds:.0f}秒の上限)"
                " — 原稿を短くするか分けてください。とても長い行、深い入れ子、大きな画像がないかも確認してください")
    if isinstance(error, RecursionError):
        line = _deepest_line(text)
        return str(HandoutError(source, line, "入れ子が深すぎます(引用の >、リストの字下げ、HTML のタグなど)",
                                "入れ子を浅くしてください(10段程度まで)"))
    if isinstance(error, (OverflowError, ZeroDivisionError)) and (
            isinstance(error, OverflowError) or _huge_number_line(text)):
        line = _huge_number_line(text)
        return str(HandoutError(source, line, "数値が大きすぎて組版できません(CSS の width:1e30px など)",
                                "大きさは mm・pt・% などの実際の値で書いてください"))
    if isinstance(error, MemoryError):
        return (f"{source}: メモリが足りなくなったため中止しました"
                " — 原稿を短くするか分け、画像を小さくしてください")
    reason, url = getattr(error, "reason", None), getattr(error, "url", None)
    if isinstance(reason, str) and isinstance(url, str):
        # the fetcher's refusal, met outside the render that turns it into a HandoutError
        return str(HandoutError(source, None, f"{reason}「{url}」",
                                "handouts/ の中のファイルを相対パスで指定してください"))
    if isinstance(error, OSError):
        name = f"{rel(error.filename)}: " if error.filename else ""
        return f"{source}: {name}{os_problem(error)} — {os_fix(error)}"
    detail = cut(f"{type(error).__name__}: {error}", MAX_DETAIL)
    return (f"{source}: 予期しないエラーです({detail})"
            " — この原稿か、その種類のテンプレート・設定ファイルの直前の変更を確認してください")


def worker_died(source: str, exitcode: int | None, memory_mb: int) -> str:
    """A worker process ended while building ``source`` (killed, crashed)."""
    how = "強制終了されました" if exitcode == -9 else f"異常終了しました(終了コード {exitcode})"
    return (f"{source}: 作成中に処理が{how}。メモリ不足の可能性があります(上限 {memory_mb:,} MB)"
            " — 原稿を短くするか分け、画像を小さくしてください")


def _deepest_line(text: str) -> int | None:
    """The first line that nests deeply: many ``>`` quote markers or many tags."""
    for number, line in enumerate(text.split("\n"), 1):
        stripped = line.lstrip()
        quotes = len(stripped) - len(stripped.lstrip("> "))
        if quotes >= 40 or len(line) - len(stripped) >= 200 or any(line.count(c) >= 100 for c in "<[{"):
            return number
    return None


_HUGE = re.compile(r"\d(?:\.\d*)?e\+?\d{2,}|\d{16,}", re.IGNORECASE)


def _huge_number_line(text: str) -> int | None:
    match = _HUGE.search(text)
    return None if match is None else text.count("\n", 0, match.start()) + 1
