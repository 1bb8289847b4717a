"""Stage 1, load: a handout file → validated front matter + HTML for each section."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import markdown

from ..errors import HandoutError
from ..names import RESERVED_TOP, case_twins, name_problem
from ..project import Project, same_name
from .frontmatter import Source, read_text, split
from .kinds import Kind, resolve_kind, validate_meta
from .markdown import (
    EXTENSIONS,
    AssetsExtension,
    FuriganaExtension,
    IndentedTextExtension,
    JoinersExtension,
    ListIndentExtension,
    ListStartExtension,
    PhrasesExtension,
    ReadingsExtension,
    ShapeExtension,
    SourceLinesExtension,
    TypedListsExtension,
)
from .markdown.furigana import warn_malformed
from .markdown.placeholders import PlaceholdersExtension, placeholder_in, refuse
from .sections import split_sections

BASE_EXTENSIONS = ["sane_lists"]
# bench/run.py only: body text without word joiners, to measure what phrase breaks cost.
PLAIN_BREAKS_ENV = "MAKE_PDF_BENCH_PLAIN_BREAKS"


@dataclass
class Handout:
    file: Path  # absolute
    shown: str  # relative to the project, for messages
    name: str  # relative to handouts/, without .md
    kind: Kind
    meta: dict[str, Any]
    sections: dict[str, str]  # section name → HTML
    text: str  # the whole file, normalised
    meta_lines: dict[str, int]  # front-matter key → file line


def load(project: Project, file: Path, source: Source | None = None) -> Handout:
    """A handout, validated and converted. ``source``: the file already read and split
    (by the build's render plan), so the front matter is parsed once per build."""
    shown = project.rel(file)
    if not project.contains(file):  # a symlink to somewhere else
        raise HandoutError(shown, None, "プロジェクトの外のファイルは読めません",
                           "リンクではなく、ファイルそのものを handouts/ に置いてください")
    name = project.name_of(file)
    if name.split("/")[0].casefold() == RESERVED_TOP:
        raise HandoutError(shown, None,
                           f"handouts/{name.split('/')[0]}/ は使えません(特大版の出力先 out/xl/ と重なります)",
                           "別のフォルダ名にしてください")
    if problem := name_problem(name):
        raise HandoutError(shown, None, problem, "ファイル名(フォルダ名)を変えてください")
    twins = same_name(Path(file))
    if len(twins) > 1:  # both would write the same PDF, one over the other
        raise HandoutError(shown, None, "同じ名前の原稿が2つあります: " + "、".join(project.rel(t) for t in twins),
                           "どちらかの名前を変えるか、古い方を消してください")
    clash = case_twins(project.handouts, name)
    if len(clash) > 1:  # one PDF on a shared drive that ignores case
        raise HandoutError(shown, None, "大文字・小文字だけが違う名前の原稿があります: "
                           + "、".join(f"handouts/{twin}.md" for twin in clash),
                           "Windows や Mac の共有フォルダでは同じ名前になり、PDF が上書きされます。"
                           "どちらかの名前を変えてください")
    file = Path(file).resolve()
    if source is None:
        source = split(read_text(file, shown, project.root), shown)
    kind = resolve_kind(project, source)
    meta = validate_meta(kind, source)
    placeholders = frozenset(kind.placeholders)
    for key, value in meta.items():  # title, subtitle…: printed with furigana too
        if isinstance(value, str):
            warn_malformed(value, shown, source.meta_lines.get(key))
            if words := placeholder_in(value, placeholders):
                raise refuse(shown, source.meta_lines.get(key), words)
    furigana = FuriganaExtension(source=shown)
    unfinished = PlaceholdersExtension(placeholders=list(placeholders), source=shown)
    assets = AssetsExtension(root=str(project.root), base=str(file.parent), source=shown)
    lines = SourceLinesExtension()
    shape = ShapeExtension(source=shown)
    readings = ReadingsExtension(readings=project.readings() if meta.get("readings", True) else {})
    phrases = [PhrasesExtension(tags=list(kind.phrase_breaks))]
    if os.environ.get(PLAIN_BREAKS_ENV) != "1":
        phrases.append(JoinersExtension(skip=list(kind.phrase_breaks)))
    md = markdown.Markdown(
        extensions=[*BASE_EXTENSIONS, unfinished, TypedListsExtension(), ListIndentExtension(),
                    IndentedTextExtension(), ListStartExtension(),
                    furigana, readings, *phrases, assets,
                    lines, shape, *(EXTENSIONS[n]() for n in kind.markdown)],
        output_format="html",
    )
    sections: dict[str, str] = {}
    for part in split_sections(kind, source):
        furigana.setConfig("first_line", part.first_line)
        unfinished.setConfig("first_line", part.first_line)
        assets.setConfig("text", part.text)
        assets.setConfig("first_line", part.first_line)
        lines.setConfig("text", part.text)
        lines.setConfig("first_line", part.first_line)
        section = kind.sections.get(part.name)
        shape.setConfig("shape", (section.shape if section else None) or "")
        shape.setConfig("item_images", -1 if not section or section.item_images is None else section.item_images)
        shape.setConfig("label", section.label.split("(")[0] if section else part.name)
        shape.setConfig("first_line", part.first_line)
        sections[part.name] = md.reset().convert(part.text)
    return Handout(file, shown, project.name_of(file), kind, meta, sections, source.text, source.meta_lines)
