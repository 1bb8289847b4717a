"""``new KIND NAME``: a new handout from the kind's starter text (in its schema)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from ..errors import UsageError, cut
from ..failures import os_fix, os_problem
from ..names import case_twins, name_problem
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
            or "\\" in stem):
        # Empty parts, spaces at either end, hidden names (not handouts), "." and "..",
        # Windows separators, and handouts/xl/ (where the XL editions' names would clash).
        raise UsageError(f"名前「{name}」は使えません。例: knee/new-faq(「/」で区切り、"
                         "先頭と末尾に空白や「.」を付けず、xl/ の下以外に)")
    if problem := name_problem(stem):
        raise UsageError(f"名前「{cut(name, 60)}」は使えません: {problem}")
    clash = [twin for twin in case_twins(project.handouts, stem) if twin != stem]
    if clash:
        raise UsageError(f"handouts/{clash[0]}.md と大文字・小文字だけが違う名前です"
                         "(Windows や Mac の共有フォルダでは同じ名前になります)。別の名前にしてください")
    target = (project.handouts / f"{stem}.md").resolve()
    if not project.contains(target) or project.handouts.resolve() not in target.parents:
        raise UsageError(f"名前「{name}」は handouts/ の中を指していません")
    existing = target if target.exists() else next(iter(same_name(target)), None)
    if existing is not None:
        raise UsageError(f"{project.rel(existing)} はもうあります。別の名前にしてください")
    kind = load_kind(project, kind_name)
    revised = (today or dt.date.today()).isoformat()
    text = kind.starter.replace("{revised}", revised)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "x", encoding="utf-8") as handle:  # never over a file made meanwhile
            handle.write(text)
    except OSError as error:
        raise UsageError(f"{project.rel(target)} を作れません({os_problem(error)})。{os_fix(error)}") from None
    return target
