"""A kind of handout is data: ``templates/<kind>.html``, ``styles/<kind>.css`` and
``templates/<kind>.yaml`` (the front-matter schema, sections, page budget, starter text).

Adding a kind means adding those three files; no Python changes.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

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
    "url": (str,),
}
TYPE_HINTS = {
    "str": "文字列", "int": "整数(例: 20)", "bool": "true か false の値",
    "date": "日付(例: 2026-11-20)", "list": "「- 」で始まる行のリスト",
    "map": "「名前: 値」を字下げした行",
    "url": "https:// か http:// で始まるアドレス(例: https://example.org/)",
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
    # The order a reader takes the template's parts in (their data-panel names), when it
    # is not the order they are printed in: the PDF's structure tree follows it.
    reading_order: tuple[str, ...] = ()
    # How a sheet is turned over on a two-sided office printer (see render/pdf/viewer_prefs).
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
    reading_order = tuple(str(name) for name in data.get("reading_order") or ())
    unknown = [name for name in reading_order if name not in sections]
    if unknown:
        raise HandoutError(project.rel(schema_file), None,
                           f"reading_order の「{unknown[0]}」はこの種類の sections にありません",
                           f"使える名前: {', '.join(sections) or '(sections がありません)'}")
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
        reading_order=reading_order,
        duplex=_duplex(project, schema_file, data.get("duplex", "long-edge")),
        starter=data.get("starter", ""),
        placeholders=tuple(str(p).strip() for p in data.get("placeholders") or ()),
        extra={k: v for k, v in data.items() if k not in _KNOWN},
    )


_KNOWN = {"label", "fields", "sections", "pages", "markdown", "phrase_breaks", "editions", "reading_order",
          "duplex", "starter", "placeholders"}
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
    if expected in ("str", "url") and isinstance(value, (int, float, dt.date)) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str):
        text = value.strip()
        if expected == "url":
            return text
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
    return validate_fields(kind.fields, source.meta, Fields(
        path=source.path, lines=source.meta_lines, first_line=2, place="フロントマター",
        unknown=f"フロントマターの「{{name}}」はこの種類({kind.name})では使えません", fixed=("kind",)))


@dataclass(frozen=True)
class Fields:
    """Where a mapping of fields was written, for messages: the file, each key's line,
    the line to name when a key is missing, what the editor calls the place, and how an
    unknown key is said (``{name}`` is the key)."""

    path: str
    lines: Mapping[str, int]
    first_line: int
    place: str  # フロントマター, clinic.yaml
    unknown: str
    fixed: tuple[str, ...] = ()  # keys checked elsewhere (a handout's kind)


def validate_fields(fields: dict[str, dict[str, Any]], data: Mapping[str, Any], where: Fields) -> dict[str, Any]:
    """Check ``data`` against a schema's ``fields`` (type, items, required, choices,
    min/max); fill declared defaults. Used for a kind's front matter and for clinic.yaml."""
    values = dict(data)
    # An unknown key first: a misspelt required one (titel:) is better named as written.
    known = [*where.fixed, *fields]
    unknown = [k for k in values if k not in known]
    if unknown:
        name = unknown[0]
        close = difflib.get_close_matches(str(name), known, n=1, cutoff=0.6)
        guess = f"「{close[0]}」の書き間違いではありませんか。" if close else ""
        raise HandoutError(where.path, where.lines.get(name, where.first_line), where.unknown.format(name=name),
                           f"{guess}使える項目: {', '.join(known)}")
    for name, spec in fields.items():
        label = spec.get("label", name)
        line = where.lines.get(name, where.first_line)
        value = values.get(name)
        if value is None or value == "" or value == []:
            if spec.get("required"):
                if name in data:
                    raise HandoutError(where.path, line, f"{name}({label})の値がありません",
                                       f"「{name}:」の後に値を書いてください")
                raise HandoutError(where.path, where.first_line, f"{name}({label})がありません",
                                   f"{where.place}に {name}: を書いてください")
            if "default" in spec:
                values[name] = spec["default"]
            continue
        expected = spec.get("type", "str")
        if not (expected == "list" and spec.get("items") and isinstance(value, str)):
            value = values[name] = _checked(name, label, value, expected, where.path, line)
        if expected == "list" and spec.get("items"):
            if isinstance(value, str):  # one line written without "- ": a list of one
                value = [value]
            value = values[name] = [_checked(name, label, item, spec["items"], where.path, line, item=True)
                                    for item in value]
        choices = spec.get("choices")
        if choices and value not in choices:
            raise HandoutError(where.path, line, f"{name} の値「{_shown(value)}」は使えません",
                               f"使える値: {', '.join(map(str, choices))}")
        low, high = spec.get("min"), spec.get("max")
        if expected == "int" and ((low is not None and value < low) or (high is not None and value > high)):
            raise HandoutError(where.path, line, f"{name} の値 {value} は範囲外です",
                               f"{low} から {high} の間で書いてください")
    return values


def _checked(name: str, label: str, value: Any, expected: str, path: str, line: int, item: bool = False) -> Any:
    """``value`` as type ``expected`` (see ``_coerce``), or an error naming the field."""
    value = _coerce(value, expected)
    if expected == "url":
        if not isinstance(value, str) or not _web_address(value):
            raise HandoutError(path, line,
                               f"{name}({label})の値「{_shown(value)}」はホームページのアドレスではありません",
                               f"{TYPE_HINTS['url']}で書いてください")
        return value
    if not isinstance(value, TYPES[expected]) or (expected == "int" and isinstance(value, bool)):
        what = "の項目" if item else "の値"
        raise HandoutError(path, line, f"{name}({label}){what}「{_shown(value)}」の形が違います",
                           f"{TYPE_HINTS[expected]}で書いてください")
    return value


def _web_address(text: str) -> bool:
    """http(s) with a host, nothing a reader could not type (no spaces)."""
    parts = urlsplit(text)
    return parts.scheme in ("http", "https") and bool(parts.hostname) and not any(c.isspace() for c in text)
