"""What a handout's PDF depends on, and one digest of all of it.

A PDF changes only when one of these changes: the handout's Markdown, its kind's
template, schema and stylesheets (and what they include or ``url()``), the fonts, the
images it uses, clinic.yaml and readings.yaml, the tool itself (our sources and the
installed libraries) and the build options. ``deps_of`` lists them and hashes their
bytes without importing WeasyPrint, Markdown or Jinja2, so a run where nothing
changed costs a few file reads.

The image scan is a cheap regex: it only decides *what to hash*. A path it misses
would only make a rebuild late; the real validation stays in ``load``. A referenced
file that does not exist is hashed as "missing", so creating it triggers a rebuild.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import sys
import time
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from . import __version__
from .errors import HandoutError
from .project import CLINIC_FILE, READINGS_FILE, Project, absolute

BASE_TEMPLATE = "base.html"
BASE_STYLESHEET = "base.css"  # as in render.py
FONT_SUFFIXES = {".ttf", ".otf", ".ttc", ".woff", ".woff2"}
MISSING = "missing"

# Markdown images ![alt](path "title"), raw HTML src="…" and href="…" (linked
# stylesheets, attachments), reference definitions [id]: path, and url(…) in styles.
_MD_REFS = re.compile(
    r"!\[[^\]]*\]\(\s*<?([^)\s>]+)"
    r"|\b(?:src|href)\s*=\s*[\"']([^\"']+)[\"']"
    r"|^[ ]{0,3}\[[^\]]+\]:\s*<?([^\s>]+)"
    r"|url\(\s*[\"']?([^\"')]+)",
    re.MULTILINE,
)
_CSS_REFS = re.compile(r"url\(\s*[\"']?([^\"')]+)|@import\s+[\"']([^\"']+)[\"']")
_NAME = re.compile(r"[\w-]+")  # a kind's name: no path in it
_TEMPLATE_REFS = re.compile(r"{%-?\s*(?:extends|include|import|from)\s+[\"']([^\"']+)[\"']")


class FileHashes:
    """Content digests, memoised by stat (and kept in the state file between runs), so
    only what changed is read again. A file modified in the last seconds is always
    rehashed: its mtime may not have ticked between two quick saves (git's "racily
    clean" rule)."""

    RACY_SECONDS = 2.0

    def __init__(self, known: dict[str, list[Any]] | None = None) -> None:
        self._memo: dict[str, tuple[tuple[int, ...], str]] = {}
        for path, entry in (known or {}).items():
            if isinstance(entry, list) and len(entry) == 5:
                self._memo[path] = (tuple(entry[:4]), str(entry[4]))

    def __call__(self, path: Path) -> str:
        try:
            st = path.stat()
        except OSError:
            return MISSING
        if not stat.S_ISREG(st.st_mode):
            return MISSING
        key = (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino)
        known = self._memo.get(str(path))
        if known and known[0] == key:
            return known[1]
        with open(path, "rb") as handle:
            digest = hashlib.file_digest(handle, "sha256").hexdigest()
        if time.time() - st.st_mtime_ns / 1e9 > self.RACY_SECONDS:
            self._memo[str(path)] = (key, digest)
        return digest

    def export(self) -> dict[str, list[Any]]:
        return {path: [*key, digest] for path, (key, digest) in sorted(self._memo.items())}


@dataclass
class Deps:
    """Everything one PDF is made from. ``digest`` is None when the handout cannot be
    judged (unreadable front matter, unknown kind): it is then always built, and
    the build reports why."""

    file: Path
    name: str
    edition: str | None = None
    own_edition: str | None = None  # what a build without --size makes of these inputs
    target: Path | None = None
    files: set[Path] = field(default_factory=set)
    folders: set[Path] = field(default_factory=set)  # adding a file inside counts
    inputs: dict[str, str] = field(default_factory=dict)  # project path → digest ("fonts/": listing)
    settings: dict[str, Any] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)
    digest: str | None = None

    def touched_by(self, paths: set[Path]) -> bool:
        return bool(self.files & paths) or any(f in p.parents for p in paths for f in self.folders)

    @classmethod
    def recorded(cls, project: Project, file: Path, inputs: dict[str, str]) -> "Deps":
        """What a previous build read (from the state file), for mapping changes."""
        deps = cls(absolute(file), project.name_of(file), inputs=dict(inputs))
        deps.files = {project.root / rel for rel in inputs if not rel.endswith("/")}
        deps.folders = {project.root / rel for rel in inputs if rel.endswith("/")}
        return deps


def unchanged(project: Project, inputs: dict[str, str], settings: dict[str, Any],
              options: dict[str, Any] | None, hashes: FileHashes) -> bool:
    """Would a PDF made from ``inputs`` under ``settings`` be made the same now? The
    fast path of an up-to-date run: a stat per input, no parsing, no scanning. (The
    set of inputs can only change when one of them does.)"""
    now = {**settings, "tool": tool_fingerprint(), "options": options or {}}
    if "SOURCE_DATE_EPOCH" in settings:
        now["SOURCE_DATE_EPOCH"] = os.environ.get("SOURCE_DATE_EPOCH")
    if _plain(now) != _plain(settings):
        return False
    return all(_input(project, rel, hashes) == digest for rel, digest in inputs.items())


def _input(project: Project, rel: str, hashes: FileHashes) -> str:
    if rel.endswith("/"):  # a folder: the names in it
        folder = project.root / rel
        names = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")) if folder.is_dir() else []
        return hashlib.sha256("\n".join(names).encode()).hexdigest()
    return hashes(project.root / rel)


def _plain(value: Any) -> Any:
    return json.loads(json.dumps(value, sort_keys=True, default=str))


def deps_of(project: Project, file: Path, out: Path | None = None, edition: str | None = None,
            hashes: FileHashes | None = None, options: dict[str, Any] | None = None) -> Deps:
    from .frontmatter import read_text, split  # YAML: only when something changed
    from .kinds import COMMON_SCHEMA

    hashes = hashes or FileHashes()
    file = absolute(file)
    deps = Deps(file, project.name_of(file))
    deps.files = {file, project.root / CLINIC_FILE, project.root / READINGS_FILE}
    try:
        shown = project.rel(file)
        source = split(read_text(file, shown), shown)
    except (HandoutError, OSError):
        return deps  # load reports what is wrong
    meta = source.meta
    kind = meta.get("kind")
    schemas = [project.templates / COMMON_SCHEMA, project.templates / f"{kind}.yaml"]
    if not (isinstance(kind, str) and _NAME.fullmatch(kind) and (project.templates / f"{kind}.html").is_file()):
        return deps  # load says which kinds exist
    # Same rule as render.edition_of: the command line wins over front matter, then
    # the schema's default (validation is load's job; here we only need the value).
    deps.own_edition = str(meta.get("size") or _default(schemas, "size") or "normal")
    deps.edition = str(edition or deps.own_edition)
    deps.target = project.pdf_for(file, out, "" if deps.edition == "normal" else deps.edition)
    deps.meta = {k: meta[k] for k in ("title", "kind", "revised") if meta.get(k) is not None}

    deps.files |= set(schemas)
    templates = _templates(project, [BASE_TEMPLATE, f"{kind}.html"])
    deps.files |= templates
    deps.files |= _stylesheets(project, kind, deps.edition)
    deps.files |= _fonts(project)
    deps.folders = {project.fonts}
    deps.files |= _references(project, source.body, file.parent)
    for template in templates:  # an <img src> in a template resolves like the handout's own
        deps.files |= _references(project, _read(template), file.parent)
    if (options or {}).get("press"):  # the print-shop edition: its colour profile
        from .pdf.press import profile_path
        try:
            deps.files.add(profile_path(project))
        except HandoutError:
            pass  # a broken clinic.yaml: the build says where

    deps.settings = {"tool": tool_fingerprint(), "edition": deps.edition, "options": options or {}}
    if not meta.get("revised"):  # then the PDF's date comes from the environment
        deps.settings["SOURCE_DATE_EPOCH"] = os.environ.get("SOURCE_DATE_EPOCH")
    rels = [project.rel(p) for p in deps.files] + [project.rel(f) + "/" for f in deps.folders]
    deps.inputs = {rel: _input(project, rel, hashes) for rel in sorted(rels)}
    deps.digest = hashlib.sha256(json.dumps([deps.settings, deps.inputs], sort_keys=True,
                                            default=str).encode()).hexdigest()
    return deps


def _default(schemas: list[Path], field: str) -> Any:
    """A field's default in the kind's schema, else in _common.yaml."""
    for schema in reversed(schemas):
        spec = (_schema(schema).get("fields") or {}).get(field)
        if isinstance(spec, dict) and "default" in spec:
            return spec["default"]
    return None


def _schema(path: Path) -> dict[str, Any]:
    from . import yamlfile

    try:
        data = yamlfile.read_file(path)
    except (OSError, yamlfile.YAMLError):
        return {}
    return data if isinstance(data, dict) else {}


def _templates(project: Project, names: list[str]) -> set[Path]:
    """The kind's template and everything it extends, includes or imports."""
    found: set[Path] = set()
    todo = list(names)
    while todo:
        path = (project.templates / todo.pop()).resolve()
        if path in found or not project.contains(path):
            continue
        found.add(path)
        todo += _TEMPLATE_REFS.findall(_read(path))
    return found


def _stylesheets(project: Project, kind: str, edition: str) -> set[Path]:
    """Every stylesheet render.stylesheets() may pass, existing or not (creating one
    counts as a change), plus their @import and url() targets."""
    names = [BASE_STYLESHEET, f"{kind}.css"]
    if edition != "normal":
        names += [f"{edition}.css", f"{kind}.{edition}.css"]
    return stylesheet_closure(project, [project.styles / n for n in names])


def stylesheet_closure(project: Project, sheets: list[Path]) -> set[Path]:
    """The stylesheets and every project file they @import or url() (fonts, images)."""
    found: set[Path] = set()
    todo = list(sheets)
    while todo:
        path = todo.pop().resolve()
        if path in found or not project.contains(path):
            continue
        found.add(path)
        if path.suffix == ".css":  # not the fonts and images it points to
            for groups in _CSS_REFS.findall(_read(path)):
                todo += [p for p in (_local(project, ref, path.parent) for ref in groups if ref) if p]
    return found


def _fonts(project: Project) -> set[Path]:
    if not project.fonts.is_dir():
        return set()
    return {p.resolve() for p in project.fonts.rglob("*") if p.suffix.lower() in FONT_SUFFIXES}


def _references(project: Project, text: str, base: Path) -> set[Path]:
    found = set()
    for groups in _MD_REFS.findall(text):
        for ref in groups:
            path = _local(project, ref, base) if ref else None
            if path:
                found.add(path)
    # A linked stylesheet brings what it @imports and url()s (fonts, images).
    return found | stylesheet_closure(project, [p for p in found if p.suffix == ".css"])


def _local(project: Project, ref: str, base: Path) -> Path | None:
    """A project file a reference points to; None for URLs, anchors and anything
    outside the project (which we never read)."""
    if "{" in ref:  # a Jinja2 expression in a template, not a file name
        return None
    parts = urlsplit(ref.strip())
    if parts.scheme or parts.netloc or not parts.path:
        return None
    path = (base / unquote(parts.path)).resolve()
    return path if project.contains(path) else None


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


@lru_cache(maxsize=1)
def tool_fingerprint() -> str:
    """Our version and sources, the Python version and the installed distributions:
    upgrading WeasyPrint or editing the package rebuilds everything. Computed once per
    process, so a long-lived watcher records the code it actually runs."""
    h = hashlib.sha256(f"{__version__} {sys.version_info[:2]}".encode())
    package = Path(__file__).resolve().parent
    for source in sorted(package.rglob("*.py")):
        h.update(f"\n{source.relative_to(package)}\0".encode() + source.read_bytes())
    spec = find_spec("weasyprint")  # finds, does not import
    if spec and spec.origin:
        site = Path(spec.origin).parent.parent
        h.update("\n".join(sorted(p.name for p in site.glob("*.dist-info"))).encode())
    return h.hexdigest()
