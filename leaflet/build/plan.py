"""The render plan: how one handout will be built, decided once from its front matter,
its kind and the options — the edition, the stylesheets (and what they import), the
templates, the PDF's path. The dependency record (``deps``) and the renderer both read
it, so what a PDF is recorded to depend on is what it was made from.

Making a plan reads and splits the handout once; the build hands the parsed front
matter on (to the worker, to ``load``), so it is parsed once per handout per build.
A handout that cannot be planned (unreadable, an unknown kind) gets an incomplete plan:
it is always built, and ``load`` says what is wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .. import guarded_read
from ..errors import HandoutError
from ..project import Project, absolute
from ..render.edition import Edition
from ..render.pdf.settings import profile_path
from .references import stylesheet_closure, template_closure
from .result import Facts

if TYPE_CHECKING:
    from ..source.frontmatter import Source
    from ..source.kinds import Kind

BASE_TEMPLATE = "base.html"
BASE_STYLESHEET = "base.css"
NORMAL = "normal"


@dataclass(frozen=True)
class Plan:
    file: Path  # absolute, symlinks not followed
    name: str  # knee/faq
    source: Source | None = None  # the file read and split; None: unreadable (load says why)
    kind: Kind | None = None  # None: not a kind that exists (load says which do)
    edition: Edition | None = None  # the edition to build and its stylesheets
    own_edition: str | None = None  # what a build without --size makes of this handout
    target: Path | None = None  # the PDF
    templates: frozenset[Path] = frozenset()  # the kind's template and all it extends or includes
    schemas: frozenset[Path] = frozenset()  # templates/_common.yaml and the kind's

    @property
    def facts(self) -> Facts | None:
        """What its front matter says, for the state and the catalog."""
        return None if self.source is None else Facts.of(self.source.meta)


def plan_for(project: Project, file: Path, out: Path | None = None, edition: str | None = None,
             press: bool = False) -> Plan:
    """The plan for building ``file`` into ``out`` (``edition``: from the command line;
    ``press``: the print-shop edition, in the inks of the press profile). Never raises:
    a handout this cannot judge gets an incomplete plan, and its build says what is wrong."""
    file = absolute(file)
    try:
        return _plan_for(project, file, out, edition, press)
    except Exception:
        return Plan(file, project.name_of(file))


def _plan_for(project: Project, file: Path, out: Path | None, edition: str | None, press: bool) -> Plan:
    # YAML and the kinds: only once something is to be built, never in a no-change run.
    from ..source.frontmatter import read_text, split
    from ..source.kinds import COMMON_SCHEMA, available, load_kind

    plan = Plan(file, project.name_of(file))
    if not project.contains(file):  # a symlink leading out: never read (load refuses it)
        return plan
    shown = project.rel(file)
    try:
        source = split(read_text(file, shown, project.root), shown)
    except HandoutError:  # unreadable, refused (a FIFO, too large…), or not front matter
        return plan
    name = source.meta.get("kind")
    if not isinstance(name, str) or name not in available(project):
        return Plan(file, plan.name, source)
    try:
        kind = load_kind(project, name)
    except HandoutError:
        return Plan(file, plan.name, source)
    # The command line wins over front matter, then the schema's default (validating the
    # value is load's job).
    spec = kind.fields.get("size")
    default = spec.get("default") if isinstance(spec, dict) else None
    own = str(source.meta.get("size") or default or NORMAL)
    chosen = str(edition or own)
    candidates = [project.styles / BASE_STYLESHEET, kind.stylesheet]
    if chosen != NORMAL:  # styles/xl.css, styles/<kind>.xl.css
        candidates += [project.styles / f"{chosen}.css", project.styles / f"{kind.name}.{chosen}.css"]
    profile = profile_path(project) if press else None
    inside = {profile} if profile and project.contains(profile) else set()  # else: render refuses it
    dressed = Edition(chosen, tuple(s for s in candidates if guarded_read.exists(s)),  # a FIFO: refused when read
                      frozenset(stylesheet_closure(project, candidates)) | inside, profile)
    return Plan(file, plan.name, source, kind, dressed, own,
                project.pdf_for(file, out, "" if chosen == NORMAL else chosen),
                frozenset(template_closure(project, [BASE_TEMPLATE, kind.template])),
                frozenset({project.templates / COMMON_SCHEMA, project.templates / f"{kind.name}.yaml"}))
