"""What handouts the project has, read from front matter only (fast: no Markdown,
no WeasyPrint). Used by ``list`` and the catalog page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..build.result import Facts
from ..errors import HandoutError
from ..project import Project
from ..render.dates import japanese_date
from ..source.frontmatter import read_text, split
from ..source.kinds import available
from ..source.markdown.furigana import strip_furigana


@dataclass
class Entry:
    name: str
    file: Path
    kind: str = ""
    title: str = ""
    revised: str = ""
    error: str | None = None


def describe(project: Project, known: Mapping[str, Facts] | None = None) -> list[Entry]:
    """Every handout's kind, title and revision date. ``known``: what a build has just
    read of some handouts' front matter (by name), so they are not parsed again."""
    kinds = set(available(project))
    known = known or {}
    entries = []
    for file in project.all_handouts():
        entry = Entry(project.name_of(file), file)
        facts = known.get(entry.name)
        try:
            if facts is None or facts.kind not in kinds:  # not read yet, or an error to show with its line
                facts = _read(project, file, kinds)
            entry.kind = facts.kind
            entry.title = strip_furigana(facts.title)
            entry.revised = _date(facts.revised)
        except HandoutError as error:
            entry.error = str(error)
        except Exception as error:
            from ..failures import describe as explain
            from ..guarded_read import text_or_empty

            entry.error = explain(error, project.rel(file), text_or_empty(file, project.root), rel=project.rel)
            entry.kind = entry.title = entry.revised = ""
        entries.append(entry)
    return entries


def _read(project: Project, file: Path, kinds: set[str]) -> Facts:
    if not project.contains(file):  # a symlink leading out: never read it
        raise HandoutError(project.rel(file), None, "プロジェクトの外のファイルは読めません")
    source = split(read_text(file, project.rel(file), project.root), project.rel(file))
    facts = Facts.of(source.meta)
    if facts.kind not in kinds:  # the build would stop on it: say so here too
        raise HandoutError(project.rel(file), source.meta_lines.get("kind", 2),
                           f"kind「{facts.kind}」という種類はありません", f"使える種類: {', '.join(sorted(kinds))}")
    return facts


def _date(revised: str) -> str:
    """As printed: 2026年11月20日 (what is not a date stays as written)."""
    try:
        return japanese_date(dt.date.fromisoformat(revised))
    except ValueError:
        return revised
