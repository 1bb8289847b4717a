"""A kind of handout is data: ``templates/<kind>.html``, ``styles/<kind>.css`` and
``templates/<kind>.yaml`` (the front-matter schema, sections, page budget, starter text).

Adding a kind means adding those three files; no Python changes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import guarded_read, yamlfile
from ..errors import HandoutError, cut, line_of
from ..project import Project
from .frontmatter import Source

COMMON_SCHEMA = "_common.yaml"
MAIN = "main"  # the section that holds a body without section markers

TYPES: dict[str, tuple[type, ...]] = {
    "str": (str,),
    "int": (int,),
    "bool": (bool,),
    "date": (dt.date,),
    "list": (list,),
    "map": (dict,),
}
TYPE_HINTS = {
    "str": "文字列", "int": "整数(例: 20)", "bool": "true か false",
    "date": "日付(例: 2026-11-20)", "list": "「- 」で始まる行のリスト",
    "map": "「名前: 値」を字下げした行",
}


@dataclass(frozen=True)
class Section:
    name: str
    label: str
    required: bool
    aliases: tuple[str, ...] = ()
    # What its Markdown must look like: "list" (a list and nothing else, e.g. the steps
    # of a stretch) and how many images each list item should have (warned, not refused).
    shape: str | None = None
    item_images: int | None = None


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    template: str
    stylesheet: Path
    fields: dict[str, dict[str, Any]]
    sections: dict[str, Section]
    pages: tuple[int, int]
    markdown: tuple[str, ...] = ()
    phrase_breaks: tuple[str, ...] = ("h1", "h2", "h3", "h4")
    editions: tuple[str, ...] = ("normal",)
    # How a sheet is turned over on a two-sided office printer (see leaflet/pdf/viewer_prefs).
    duplex: str = "long-edge"
    starter: str = ""
    # Lines of the starter that are only examples: a handout still holding one is unfinished.
    placeholders: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    def section_for(self, marker: str) -> Section | None:
        for section in self.sections.values():
            if marker == section.name or marker in section.aliases:
                return section
        return None


def available(project: Project) -> list[str]:
    return sorted(
        p.stem for p in project.templates.glob("*.yaml")
        if not p.name.startswith("_") and (project.templates / f"{p.stem}.html").is_file()
    )


def load_kind(project: Project, name: str) -> Kind:
    schema_file = project.templates / f"{name}.yaml"
    if name not in available(project):
        raise KeyError(name)
    common = _read(project, project.templates / COMMON_SCHEMA)
    data = _read(project, schema_file)
    fields = {**common.get("fields", {}), **data.get("fields", {})}
    sections = {
        sname: Section(sname, spec.get("label", sname), bool(spec.get("required")),
                       tuple(spec.get("aliases", ())), spec.get("shape"), spec.get("item_images"))
        for sname, spec in (data.get("sections") or {}).items()
    }
    pages = data.get("pages", {})
    return Kind(
        name=name,
        label=data.get("label", name),
        template=f"{name}.html",
        stylesheet=project.styles / f"{name}.css",
        fields=fields,
        sections=sections,
        pages=(int(pages.get("min", 1)), int(pages.get("max", 1))),
        markdown=tuple(data.get("markdown", ())),
        phrase_breaks=tuple(data.get("phrase_breaks", ("h1", "h2", "h3", "h4"))),
        editions=tuple(data.get("editions", ("normal",))),
        duplex=_duplex(project, schema_file, data.get("duplex", "long-edge")),
        starter=data.get("starter", ""),
        placeholders=tuple(str(p).strip() for p in data.get("placeholders") or ()),
        extra={k: v for k, v in data.items() if k not in _KNOWN},
    )


_KNOWN = {"label", "fields", "sections", "pages", "markdown", "phrase_breaks", "editions", "duplex", "starter",
          "placeholders"}
DUPLEX = ("short-edge", "long-edge", "simplex")


def _duplex(project: Project, schema_file: Path, value: Any) -> str:
    if value not in DUPLEX:
        line = line_of(guarded_read.text_or_empty(schema_file, project.root), "duplex:")
        raise HandoutError(project.rel(schema_file), line, f"duplex の値「{value}」は使えません",
                           f"使える値: {', '.join(DUPLEX)}(両面印刷で短辺とじ/長辺とじ/片面)")
    return str(value)


def _read(project: Project, path: Path) -> dict[str, Any]:
    if not guarded_read.exists(path):
        return {}
    try:
        return yamlfile.read_file(path, project.root) or {}
    except yamlfile.YAMLError as error:
        line, problem, fix = yamlfile.explain(error)
        raise HandoutError(project.rel(path), None if line is None else line + 1,
                           f"種類の定義ファイルの YAML に誤りがあります({problem})", fix) from None


def resolve_kind(project: Project, source: Source) -> Kind:
    """The handout's kind, or an error listing the kinds that exist."""
    kinds = available(project)
    name = source.meta.get("kind")
    line = source.meta_lines.get("kind", 2)
    if name is None or name == "":
        raise HandoutError(source.path, 2, "kind(種類)がありません",
                           f"フロントマターに kind: を書いてください(使える種類: {', '.join(kinds)})")
    if str(name) not in kinds:
        raise HandoutError(source.path, line, f"kind「{_shown(name)}」という種類はありません",
                           f"使える種類: {', '.join(kinds)}")
    return load_kind(project, str(name))


def _coerce(value: Any, expected: str) -> Any:
    """What an editor meant: a quoted "20" or "2026-11-20" is the number or the date
    (Python's int() also reads full-width digits: "２０"); a number or date given
    for text is that text."""
    if expected == "str" and isinstance(value, (int, float, dt.date)) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str):
        text = value.strip()
        if expected == "int" and text.isdigit():
            return int(text)
        if expected == "date":
            try:
                return dt.date.fromisoformat(text)
            except ValueError:
                return value
    return value


SHOWN = 60  # characters of a value quoted in a message


def _shown(value: Any) -> str:
    """A value as the editor wrote it in YAML (true, not True), cut to a quotable length
    (printing a whole list of 40,000 items would be a line of 280,000 characters)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)) and len(value) > SHOWN:  # not str() of all of it
        value = list(value)[:SHOWN] if isinstance(value, list) else dict(list(value.items())[:SHOWN])
    return cut(str(value), SHOWN)


def validate_meta(kind: Kind, source: Source) -> dict[str, Any]:
    """Check front matter against the kind's schema; fill declared defaults."""
    meta = dict(source.meta)
    # An unknown key first: a misspelt required one (titel:) is better named as written.
    unknown = [k for k in meta if k not in kind.fields and k != "kind"]
    if unknown:
        name = unknown[0]
        raise HandoutError(source.path, source.meta_lines.get(name, 2),
                           f"フロントマターの「{name}」はこの種類({kind.name})では使えません",
                           f"使える項目: {', '.join(['kind', *kind.fields])}")
    for name, spec in kind.fields.items():
        label = spec.get("label", name)
        line = source.meta_lines.get(name, 2)
        value = meta.get(name)
        if value is None or value == "":
            if spec.get("required"):
                if name in source.meta:
                    raise HandoutError(source.path, line, f"{name}({label})の値がありません",
                                       f"「{name}:」の後に値を書いてください")
                raise HandoutError(source.path, 2, f"{name}({label})がありません",
                                   f"フロントマターに {name}: を書いてください")
            if "default" in spec:
                meta[name] = spec["default"]
            continue
        expected = spec.get("type", "str")
        value = meta[name] = _coerce(value, expected)
        if not isinstance(value, TYPES[expected]) or (expected == "int" and isinstance(value, bool)):
            raise HandoutError(source.path, line, f"{name}({label})の値「{_shown(value)}」の形が違います",
                               f"{TYPE_HINTS[expected]}で書いてください")
        choices = spec.get("choices")
        if choices and value not in choices:
            raise HandoutError(source.path, line, f"{name} の値「{_shown(value)}」は使えません",
                               f"使える値: {', '.join(map(str, choices))}")
        low, high = spec.get("min"), spec.get("max")
        if expected == "int" and ((low is not None and value < low) or (high is not None and value > high)):
            raise HandoutError(source.path, line, f"{name} の値 {value} は範囲外です",
                               f"{low} から {high} の間で書いてください")
    return meta
