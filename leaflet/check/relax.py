"""``relax:`` in front matter: a rule a handout is excused from, each with a written reason.
A rule is named as in the report, by its name (``contrast``) or its label (コントラスト).

A relaxed rule is still measured and reported (with the reason) but does not fail the
build. A rule name that does not exist or a blank reason is an error with its line.
"""

from __future__ import annotations

from ..errors import HandoutError
from ..source.load import Handout

FIELD = "relax"


def relaxations(handout: Handout, labels: dict[str, str]) -> dict[str, str]:
    """Rule name → reason, validated against the registered rules (name → label)."""
    given = handout.meta.get(FIELD) or {}
    start = handout.meta_lines.get(FIELD, 2)
    known = ", ".join(f"{name}({label})" for name, label in labels.items())
    by_label = {label: rule for rule, label in labels.items()}  # コントラスト: contrast
    reasons = {}
    for written, reason in given.items():
        line = _line_of_key(handout.text, str(written), start)
        name = by_label.get(str(written), written)
        if name not in labels:
            raise HandoutError(handout.shown, line, f"relax の「{name}」という検査はありません",
                               f"使える名前: {known}")
        if not isinstance(reason, str) or not reason.strip():
            raise HandoutError(handout.shown, line, f"relax の {name}({labels[name]})に理由が書かれていません",
                               f"緩める理由を書いてください(例: {name}: 写真の上の白文字。"
                               "同じ内容を裏面に黒で載せています)")
        reasons[str(name)] = reason.strip()
    return reasons


def _line_of_key(text: str, key: str, start: int) -> int:
    """The line of ``key:`` inside the relax block (which starts at line ``start``)."""
    lines = text.split("\n")
    for number in range(start, len(lines) + 1):
        stripped = lines[number - 1].strip()
        if number > start and stripped in ("---", "..."):
            break
        if stripped.startswith((f"{key}:", f'"{key}":', f"'{key}':")) or f"{{{key}:" in stripped \
                or f" {key}:" in stripped:
            return number
    return start
