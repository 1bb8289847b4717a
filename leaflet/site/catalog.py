"""The catalog page: ``out/index.html``, one card per handout that has a PDF in out/.

A static page for the reception desk: it works when opened from a file share with no
server (everything it needs is inline; the data is the HTML itself, no JSON to fetch).
Thumbnails of each first page are rendered with pypdfium2 into ``out/.thumbs/`` and kept
until their PDF changes.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import jinja2
from markupsafe import Markup, escape

from ..atomic import write_atomic
from ..build.deps import FileHashes, unchanged
from ..build.result import Facts
from ..build.state import Record, State
from ..build.thumbnail import draw as draw_thumbnail
from ..build.thumbnail import thumbnail_path
from ..errors import HandoutError
from ..project import CATALOG_FILE, CATALOG_TEMPLATES, THUMBNAILS, Project, remove_empty_folders
from ..render.dates import japanese_date
from ..render.template_loader import GuardedLoader
from ..source.clinic import load_clinic
from ..source.kinds import load_kind
from ..source.markdown.phrasing import split_phrases
from .guide import SOURCE as GUIDE_SOURCE
from .guide import write_guide
from .inventory import describe, printed_date
from .print_guide import GUIDE, print_setting, write_print_guide

LOG = logging.getLogger("leaflet")

INDEX = CATALOG_FILE
THUMBS = THUMBNAILS
TEMPLATE_DIR = CATALOG_TEMPLATES  # a subfolder of templates/, so never taken for a kind


@dataclass(frozen=True)
class CatalogEntry:
    name: str                    # knee/faq
    title: str
    kind: str                    # faq
    kind_label: str              # よくある質問
    pages: int
    revised: str                 # 2026年11月20日, as printed
    pdf: str                     # relative to out/, POSIX
    thumbnail: str | None        # relative to out/, or None when it could not be drawn
    check: tuple[str, ...] | None = None  # None: not checked; (): passed; else failing rules
    stale: bool = False          # something the PDF is made from changed since (by content)
    problem: str | None = None   # why it cannot be built now: the error's first line (the PDF is an older one)
    xl_pdf: str | None = None    # the extra-large edition, when built
    notes: tuple[str, ...] = ()  # passed, but worth a look: "画像の解像度(160ppi)", a build warning
    print_setting: str = ""      # 両面印刷・短辺とじ・実際のサイズ(100%): see print_guide


def update_catalog(project: Project, out: Path | None = None,
                   checks: Mapping[str, Sequence[str] | None] | None = None,
                   known: Mapping[str, Facts] | None = None,
                   errors: Mapping[str, str] | None = None) -> Path:
    """Refresh thumbnails and rewrite ``out/index.html`` from what is in out/ now.
    Check results come from ``checks`` or else from the build state (``state``);
    ``known``: handouts whose front matter a build has just read (by name); ``errors``:
    handouts the build just failed on, with the error (by name)."""
    out = out or project.out
    if checks is None:
        checks = checks_from_state(out)
    return write_catalog(project, out, collect_entries(project, out, checks, known, errors))


def checks_from_state(out: Path) -> dict[str, list[str] | None]:
    """Each PDF's failed check rules as the last build recorded them (normal edition)."""
    return {record.name: record.check_failures
            for record in State.load(out).records.values() if record.edition in ("", "normal")}


def refresh_catalog(project: Project, out: Path | None = None,
                    checks: Mapping[str, Sequence[str] | None] | None = None,
                    known: Mapping[str, Facts] | None = None,
                    errors: Mapping[str, str] | None = None) -> Path | None:
    """``update_catalog`` for the end of a build: the PDFs are what matters, so a catalog
    that cannot be written is a warning, never a failed build."""
    try:
        return update_catalog(project, out, checks, known, errors)
    except Exception as error:
        from ..failures import describe

        LOG.warning("警告: 一覧ページ(%s)を書けませんでした: %s", INDEX,
                    describe(error, INDEX, rel=project.rel).removeprefix(f"{INDEX}: "))
        return None


def collect_entries(project: Project, out: Path,
                    checks: Mapping[str, Sequence[str] | None] | None = None,
                    known: Mapping[str, Facts] | None = None,
                    errors: Mapping[str, str] | None = None) -> list[CatalogEntry]:
    """One entry per handout with a PDF in ``out``; its thumbnail is made if missing or old.

    ``checks`` maps a handout name to its failing check rules (empty: passed); a name
    left out, or mapped to None, shows as not checked. Whether a PDF is current is what
    ``build`` would decide: the recorded digests of everything it was made from, not
    file times (a save with no change, a ``touch``, a checkout, is not a change).
    """
    checks = checks or {}
    errors = errors or {}
    labels: dict[str, str] = {}
    state = State.load(out)
    hashes = FileHashes(state.hashes)
    recorded = {key: (record.pages, record.pdf_mtime_ns) for key, record in state.records.items()}
    settings: dict[tuple[str, int], str] = {}
    entries = []
    for row in describe(project, known):
        pdf = project.pdf_for(row.file, out)
        xl = project.pdf_for(row.file, out, "xl")
        if not pdf.is_file():
            if not xl.is_file():
                continue
            pdf = xl  # a handout that is XL only (size: xl in its front matter)
        png = thumbnail_path(out, row.name)
        pages = draw_thumbnail(out, pdf, png, recorded.get(_rel(pdf, out), (None, 0)))
        check = checks.get(row.name)
        record = state.records.get(_rel(pdf, out))
        problem = errors.get(row.name) or row.error
        kind = row.kind or (record.kind if record else "")
        entries.append(CatalogEntry(
            name=row.name,
            title=row.title or (record.title if record else "") or row.name,
            kind=kind,
            kind_label=_kind_label(project, kind, labels),
            pages=pages,
            revised=row.revised or (printed_date(record.revised) if record else ""),
            pdf=_rel(pdf, out),
            thumbnail=_rel(png, out) if pages else None,
            check=None if check is None else tuple(check),
            stale=_stale(project, pdf, record, row.file, hashes),
            problem=first_line(problem) if problem else None,
            xl_pdf=_rel(xl, out) if xl.is_file() and xl != pdf else None,
            notes=tuple(_notes(record)) if record and check is not None and not problem else (),
            print_setting=_print_setting(project, kind, pages, settings),
        ))
    _prune_thumbnails(out, {e.thumbnail for e in entries if e.thumbnail})
    return entries


def write_catalog(project: Project, out: Path, entries: Sequence[CatalogEntry],
                  now: dt.datetime | None = None) -> Path:
    """Write ``out/index.html`` atomically (a server never sends half a page)."""
    env = jinja2.Environment(
        loader=GuardedLoader(project.templates / TEMPLATE_DIR, project.root),
        autoescape=True, trim_blocks=True, lstrip_blocks=True,
        undefined=jinja2.StrictUndefined)
    env.filters["url"] = lambda path: quote(path)
    env.filters["phrases"] = _phrases
    kinds: dict[str, dict[str, object]] = {}
    for entry in entries:
        kinds.setdefault(entry.kind, {"kind": entry.kind, "label": entry.kind_label, "count": 0})
        kinds[entry.kind]["count"] += 1  # type: ignore[operator]
    now = now or dt.datetime.now()
    try:
        staff_guide = write_guide(project, out)
    except (OSError, jinja2.TemplateError, HandoutError) as error:  # the PDFs' list matters more
        LOG.warning("使い方の手引き(%s)を書けませんでした: %s", GUIDE_SOURCE, error)
        staff_guide = None
    html = env.get_template(INDEX).render(
        staff_guide=staff_guide.relative_to(out).as_posix() if staff_guide else None,
        entries=entries,
        kinds=sorted(kinds.values(), key=lambda k: str(k["kind"])),
        clinic=load_clinic(project).get("name", ""),
        generated=f"{japanese_date(now.date())} {now:%H:%M}",
        guide=GUIDE,
    )
    target = out / INDEX
    write_atomic(target, html)
    write_print_guide(project, out, env)
    return target


def _prune_thumbnails(out: Path, keep: set[str]) -> None:
    """Remove thumbnails whose PDF is gone, so out/ holds no stale pictures."""
    folder = out / THUMBS
    if not folder.is_dir():
        return
    stale = [png for png in folder.rglob("*.png") if _rel(png, out) not in keep]
    for png in stale:  # not while rglob walks: removing its folders would break the walk
        png.unlink(missing_ok=True)
        remove_empty_folders(png.parent, folder)


# --- small helpers ------------------------------------------------------------------


def _kind_label(project: Project, kind: str, cache: dict[str, str]) -> str:
    if kind not in cache:
        try:
            cache[kind] = load_kind(project, kind).label
        except (KeyError, HandoutError):
            cache[kind] = kind or "種類不明"
    return cache[kind]


def _print_setting(project: Project, kind: str, pages: int, cache: dict[tuple[str, int], str]) -> str:
    if (kind, pages) not in cache:
        try:
            cache[(kind, pages)] = print_setting(load_kind(project, kind), pages)
        except (KeyError, HandoutError):
            cache[(kind, pages)] = ""
    return cache[(kind, pages)]


def _phrases(text: str) -> Markup:
    """Allow line breaks only between phrases (BudouX), so a title wraps as 「膝の裏の/ストレッチ」,
    never inside a word; the page sets ``word-break: keep-all``."""
    return Markup("<wbr>").join(escape(phrase) for phrase in split_phrases(text))


def _stale(project: Project, pdf: Path, record: Record | None, source: Path, hashes: FileHashes) -> bool:
    """Would ``build`` make this PDF again? From the record of the build that wrote it:
    the content of its inputs and its settings (a ``touch`` is no change). A PDF with no
    record (the state was deleted) is judged by file times, as well as can be."""
    try:
        if record is None or not record.inputs:
            return pdf.stat().st_mtime_ns < source.stat().st_mtime_ns
        if record.pdf_mtime_ns and pdf.stat().st_mtime_ns != record.pdf_mtime_ns:
            return True  # not the PDF that build wrote
    except OSError:
        return True
    return not unchanged(project, record.inputs, record.settings, record.settings.get("options"), hashes)


def _notes(record: Record) -> list[str]:
    """What the last build said is worth a look: rules that warned, with their figure,
    then its other warnings (their first line, without the file name)."""
    said = [note.split(" — ")[0].split(": ", 1)[-1] for note in record.warnings]
    return [*record.check_warnings, *said]


def first_line(error: str) -> str:
    """An error's first line (what and where; the fix follows on the build's line)."""
    return error.strip().split("\n", 1)[0]


def _rel(path: Path, out: Path) -> str:
    return path.relative_to(out).as_posix()


