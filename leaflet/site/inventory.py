"""What handouts the project has, read from front matter only (fast: no Markdown,
no WeasyPrint). Used by ``list`` and the catalog page."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import HandoutError
from ..source.frontmatter import read_text, split
from ..source.markdown.furigana import strip_furigana
from ..project import Project
from ..render.dates import japanese_date


@dataclass
class Entry:
    name: str
    file: Path
    kind: str = ""
    title: str = ""
    revised: str = ""
    error: str | None = None


def describe(project: Project) -> list[Entry]:
    from ..source.kinds import available

    kinds = set(available(project))
    entries = []
    for file in project.all_handouts():
        entry = Entry(project.name_of(file), file)
        text = ""
        try:
            if not project.contains(file):  # a symlink leading out: never read it
                raise HandoutError(project.rel(file), None, "プロジェクトの外のファイルは読めません")
            text = read_text(file, project.rel(file), project.root)
            source = split(text, project.rel(file))
            entry.kind = str(source.meta.get("kind", ""))
            entry.title = strip_furigana(str(source.meta.get("title", "")))
            entry.revised = japanese_date(source.meta.get("revised"))
            if entry.kind not in kinds:  # the build would stop on it: say so here too
                raise HandoutError(project.rel(file), source.meta_lines.get("kind", 2),
                                   f"kind「{entry.kind}」という種類はありません",
                                   f"使える種類: {', '.join(sorted(kinds))}")
        except HandoutError as error:
            entry.error = str(error)
        except Exception as error:  # noqa: BLE001 — one odd handout never hides the others
            from ..failures import describe

            entry.error = describe(error, project.rel(file), text, rel=project.rel)
            entry.kind = entry.title = entry.revised = ""
        entries.append(entry)
    return entries
