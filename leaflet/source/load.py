"""Stage 1, load: a handout file → validated front matter + HTML for each section."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import markdown

from ..errors import HandoutError
from ..project import Project, same_name
from .frontmatter import Source, read_text, split
from .kinds import Kind, resolve_kind, validate_meta
from .markdown import (
    EXTENSIONS,
    AssetsExtension,
    FuriganaExtension,
    IndentedTextExtension,
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
    if project.name_of(file).split("/")[0] == "xl":
        raise HandoutError(shown, None, "handouts/xl/ は使えません(特大版の出力先 out/xl/ と重なります)",
                           "別のフォルダ名にしてください")
    twins = same_name(Path(file))
    if len(twins) > 1:  # both would write the same PDF, one over the other
        raise HandoutError(shown, None, "同じ名前の原稿が2つあります: " + "、".join(project.rel(t) for t in twins),
                           "どちらかの名前を変えるか、古い方を消してください")
    file = Path(file).resolve()
    if source is None:
        source = split(read_text(file, shown), shown)
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
    md = markdown.Markdown(
        extensions=[*BASE_EXTENSIONS, unfinished, TypedListsExtension(), ListIndentExtension(),
                    IndentedTextExtension(), ListStartExtension(),
                    furigana, readings, PhrasesExtension(tags=list(kind.phrase_breaks)), assets,
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
