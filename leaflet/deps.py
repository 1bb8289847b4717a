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
from .frontmatter import read_text, split
from .kinds import COMMON_SCHEMA, resolve_kind, validate_meta
from .project import CLINIC_FILE, READINGS_FILE, Project

BASE_TEMPLATE = "base.html"
BASE_STYLESHEET = "base.css"  # as in render.py
FONT_SUFFIXES = {".ttf", ".otf", ".ttc", ".woff", ".woff2"}
MISSING = "missing"

# Markdown images ![alt](path "title"), raw HTML src="…", reference definitions
# [id]: path, and url(…) in inline styles.
_MD_REFS = re.compile(
    r"!\[[^\]]*\]\(\s*<?([^)\s>]+)"
    r"|\bsrc\s*=\s*[\"']([^\"']+)[\"']"
    r"|^[ ]{0,3}\[[^\]]+\]:\s*<?([^\s>]+)"
    r"|url\(\s*[\"']?([^\"')]+)",
    re.MULTILINE,
)
_CSS_REFS = re.compile(r"url\(\s*[\"']?([^\"')]+)|@import\s+[\"']([^\"']+)[\"']")
_TEMPLATE_REFS = re.compile(r"{%-?\s*(?:extends|include|import|from)\s+[\"']([^\"']+)[\"']")


class FileHashes:
    """Content digests, memoised by stat so a long-lived watcher rehashes only what
    changed. A file modified in the last seconds is always rehashed: its mtime may
    not have ticked between two quick saves (git's "racily clean" rule)."""

    RACY_SECONDS = 2.0

    def __init__(self) -> None:
        self._memo: dict[Path, tuple[tuple[int, ...], str]] = {}

    def __call__(self, path: Path) -> str:
        try:
            st = path.stat()
        except OSError:
            return MISSING
        if not stat.S_ISREG(st.st_mode):
            return MISSING
        key = (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino)
        known = self._memo.get(path)
        if known and known[0] == key:
            return known[1]
        with open(path, "rb") as handle:
            digest = hashlib.file_digest(handle, "sha256").hexdigest()
        if time.time() - st.st_mtime_ns / 1e9 > self.RACY_SECONDS:
            self._memo[path] = (key, digest)
        return digest


@dataclass
class Deps:
    """Everything one PDF is made from. ``digest`` is None when the handout cannot be
    judged (unreadable front matter, unknown kind): it is then always built, and
    the build reports why."""

    file: Path
    name: str
    edition: str | None = None
    target: Path | None = None
    files: set[Path] = field(default_factory=set)
    folders: set[Path] = field(default_factory=set)  # anything added inside counts
    settings: dict[str, Any] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)
    digest: str | None = None

    def touched_by(self, paths: set[Path]) -> bool:
        return bool(self.files & paths) or any(f in p.parents for p in paths for f in self.folders)


def deps_of(project: Project, file: Path, out: Path | None = None, edition: str | None = None,
            hashes: FileHashes | None = None, options: dict[str, Any] | None = None) -> Deps:
    hashes = hashes or FileHashes()
    file = Path(file).resolve()
    deps = Deps(file, project.name_of(file))
    deps.files = {file, project.root / CLINIC_FILE, project.root / READINGS_FILE}
    try:
        shown = project.rel(file)
        source = split(read_text(file, shown), shown)
        kind = resolve_kind(project, source)
        meta = validate_meta(kind, source)
    except (HandoutError, OSError):
        return deps  # load reports what is wrong
    # Same rule as render.edition_of: the command line wins over front matter.
    deps.edition = edition or str(meta.get("size") or "normal")
    deps.target = project.pdf_for(file, out, "" if deps.edition == "normal" else deps.edition)
    deps.meta = {k: meta.get(k) for k in ("title", "kind", "revised") if meta.get(k) is not None}
    deps.meta["kind"] = kind.name

    deps.files |= {project.templates / COMMON_SCHEMA, project.templates / f"{kind.name}.yaml"}
    templates = _templates(project, [BASE_TEMPLATE, kind.template])
    deps.files |= templates
    deps.files |= _stylesheets(project, kind.name, deps.edition)
    deps.files |= _fonts(project)
    deps.folders = {project.fonts}
    deps.files |= _references(project, source.body, file.parent)
    for template in templates:  # an <img src> in a template resolves like the handout's own
        deps.files |= _references(project, _read(template), file.parent)

    deps.settings = {"tool": tool_fingerprint(), "edition": deps.edition, "options": options or {}}
    if not meta.get("revised"):  # then the PDF's date comes from the environment
        deps.settings["SOURCE_DATE_EPOCH"] = os.environ.get("SOURCE_DATE_EPOCH")
    deps.digest = _digest(project, deps.files, deps.settings, hashes)
    return deps


def _digest(project: Project, files: set[Path], settings: dict[str, Any], hashes: FileHashes) -> str:
    h = hashlib.sha256(json.dumps(settings, sort_keys=True, default=str).encode())
    for path in sorted(files):
        h.update(f"\n{project.rel(path)}\0{hashes(path)}".encode())
    return h.hexdigest()


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
    found: set[Path] = set()
    todo = [project.styles / n for n in names]
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
    return found


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
