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
import stat
import sys
import time
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path, PurePosixPath
from typing import Any

from .. import __version__, guarded_read
from ..project import CLINIC_FILE, READINGS_FILE, Project, absolute
from .plan import Plan
from .references import markup_references, read

FONT_SUFFIXES = {".ttf", ".otf", ".ttc", ".woff", ".woff2"}
MISSING = "missing"
REFUSED = "refused"  # outside the project, or not readable: never hashed


class FileHashes:
    """Content digests, memoised by stat (and kept in the state file between runs), so
    only what changed is read again. A file modified in the last seconds is always
    rehashed: its mtime may not have ticked between two quick saves (git's "racily
    clean" rule)."""

    RACY_SECONDS = 2.0

    def __init__(self, known: dict[str, list[Any]] | None = None) -> None:
        self._memo: dict[str, tuple[tuple[int, ...], str]] = {}
        for path, entry in (known or {}).items():
            if (isinstance(path, str) and isinstance(entry, list) and len(entry) == 5
                    and all(type(n) is int for n in entry[:4]) and isinstance(entry[4], str)):
                self._memo[path] = (tuple(entry[:4]), entry[4])

    def __call__(self, path: Path, root: Path) -> str:
        """The digest of ``path``, a file inside ``root``; ``MISSING`` when there is no
        regular file, ``refused:…`` when the guarded reader will not read it (then the
        handout is built, and its build says why)."""
        if not _inside(path, root):
            return REFUSED
        try:
            st = path.stat()
        except (OSError, ValueError):
            return MISSING
        if not stat.S_ISREG(st.st_mode):
            return MISSING
        key = (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino)
        known = self._memo.get(str(path))
        if known and known[0] == key:
            return known[1]
        try:
            data = guarded_read.read_bytes(path, root, guarded_read.limit_for(path))
        except guarded_read.Refused as refused:
            return f"{REFUSED}:{refused.code}"
        digest = hashlib.sha256(data).hexdigest()
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
    plan: Plan | None = None  # None: recorded by an earlier build (see ``recorded``)
    files: set[Path] = field(default_factory=set)
    folders: set[Path] = field(default_factory=set)  # adding a file inside counts
    inputs: dict[str, str] = field(default_factory=dict)  # project path → digest ("fonts/": listing)
    settings: dict[str, Any] = field(default_factory=dict)
    digest: str | None = None

    def touched_by(self, paths: set[Path]) -> bool:
        return bool(self.files & paths) or any(f in p.parents for p in paths for f in self.folders)

    @classmethod
    def recorded(cls, project: Project, file: Path, inputs: dict[str, str]) -> Deps:
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
    path = project_path(project, rel)
    if path is None:  # a forged or damaged record: "/", "/etc/shadow", "../x"
        return REFUSED
    if rel.endswith("/"):  # a folder: the names in it
        names = sorted(p.relative_to(path).as_posix() for p in path.rglob("*")) if path.is_dir() else []
        return hashlib.sha256("\n".join(names).encode()).hexdigest()
    return hashes(path, project.root)


def project_path(project: Project, rel: str) -> Path | None:
    """The project file a recorded input names: a relative path that stays inside the
    project (symlinks resolved), or None."""
    if not isinstance(rel, str) or not rel or "\x00" in rel or "\\" in rel or rel.startswith("/"):
        return None
    if ".." in PurePosixPath(rel).parts:
        return None
    path = project.root / rel
    return path if _inside(path, project.root) else None


def _inside(path: Path, root: Path) -> bool:
    try:
        Path(path).resolve().relative_to(Path(root).resolve())
    except (ValueError, OSError, RuntimeError):
        return False
    return True


def _plain(value: Any) -> Any:
    return json.loads(json.dumps(value, sort_keys=True, default=str))


def deps_of(project: Project, plan: Plan, hashes: FileHashes | None = None,
            options: dict[str, Any] | None = None) -> Deps:
    """Everything ``plan``'s PDF is made from, with digests."""
    hashes = hashes or FileHashes()
    deps = Deps(plan.file, plan.name, plan=plan)
    deps.files = {plan.file, project.root / CLINIC_FILE, project.root / READINGS_FILE}
    if plan.edition is None or plan.kind is None or plan.source is None:
        return deps  # load reports what is wrong
    deps.files |= plan.schemas | plan.templates
    deps.files |= plan.edition.files  # every stylesheet it may use (creating one counts) and their imports
    deps.files |= _fonts(project)
    deps.folders = {project.fonts}
    deps.files |= markup_references(project, plan.source.body, plan.file.parent)
    for template in plan.templates:  # an <img src> in a template resolves like the handout's own
        deps.files |= markup_references(project, read(project, template), plan.file.parent)

    deps.settings = {"tool": tool_fingerprint(), "edition": plan.edition.name, "options": options or {}}
    if not plan.source.meta.get("revised"):  # then the PDF's date comes from the environment
        deps.settings["SOURCE_DATE_EPOCH"] = os.environ.get("SOURCE_DATE_EPOCH")
    rels = [project.rel(p) for p in deps.files] + [project.rel(f) + "/" for f in deps.folders]
    deps.inputs = {rel: _input(project, rel, hashes) for rel in sorted(rels)}
    deps.digest = hashlib.sha256(json.dumps([deps.settings, deps.inputs], sort_keys=True,
                                            default=str).encode()).hexdigest()
    return deps


def _fonts(project: Project) -> set[Path]:
    if not project.fonts.is_dir():
        return set()
    return {p.resolve() for p in project.fonts.rglob("*") if p.suffix.lower() in FONT_SUFFIXES}


@lru_cache(maxsize=1)
def tool_fingerprint() -> str:
    """Our version and sources, the Python version and the installed distributions:
    upgrading WeasyPrint or editing the package rebuilds everything. Computed once per
    process, so a long-lived watcher records the code it actually runs."""
    h = hashlib.sha256(f"{__version__} {sys.version_info[:2]}".encode())
    package = Path(__file__).resolve().parent.parent
    for source in sorted(package.rglob("*.py")):
        h.update(f"\n{source.relative_to(package)}\0".encode() + source.read_bytes())
    spec = find_spec("weasyprint")  # finds, does not import
    if spec and spec.origin:
        site = Path(spec.origin).parent.parent
        h.update("\n".join(sorted(p.name for p in site.glob("*.dist-info"))).encode())
    return h.hexdigest()
