"""``new KIND NAME``: a new handout from the kind's starter text (in its schema)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from ..errors import UsageError
from ..project import Project, same_name
from .kinds import available, load_kind


def create(project: Project, kind_name: str, name: str, today: dt.date | None = None) -> Path:
    kinds = available(project)
    if kind_name not in kinds:
        raise UsageError(f"「{kind_name}」という種類はありません。使える種類: {', '.join(kinds)}")
    stem = re.sub(r"\.md$", "", name, flags=re.IGNORECASE)
    stem = re.sub(r"^(\./)?handouts/", "", stem)  # the path as typed from the project root, as build takes it
    parts = stem.split("/")
    if (not stem.strip() or any(not p or p != p.strip() or p.startswith(".") for p in parts)
            or "\\" in stem or parts[0] == "xl"):
        # Empty parts, spaces at either end, hidden names (not handouts), "." and "..",
        # Windows separators, and handouts/xl/ (where the XL editions' names would clash).
        raise UsageError(f"名前「{name}」は使えません。例: knee/new-faq(「/」で区切り、"
                         "先頭と末尾に空白や「.」を付けず、xl/ の下以外に)")
    target = (project.handouts / f"{stem}.md").resolve()
    if not project.contains(target) or project.handouts.resolve() not in target.parents:
        raise UsageError(f"名前「{name}」は handouts/ の中を指していません")
    existing = target if target.exists() else next(iter(same_name(target)), None)
    if existing is not None:
        raise UsageError(f"{project.rel(existing)} はもうあります。別の名前にしてください")
    kind = load_kind(project, kind_name)
    revised = (today or dt.date.today()).isoformat()
    text = kind.starter.replace("{revised}", revised)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return target
