"""Build only what changed: state → (plan → deps) for what may have changed → build
the rest in workers → record. ``Session`` is one output folder's builder; ``build`` uses one for a single
run, ``watch`` keeps one (its file hashes and warm workers) for as long as it runs.
"""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..atomic import sweep_leftovers
from ..project import Project, absolute, remove_empty_folders
from .deps import Deps, FileHashes, deps_of, unchanged
from .parallel import Task, Workers, run
from .plan import plan_for
from .result import Facts, Result
from .state import Record, State

LOG = logging.getLogger("leaflet")


@dataclass
class Stale:
    """A PDF this tool made whose handout has been deleted."""

    pdf: Path
    removed: bool
    kept: bool = False  # --clean found no regular file of ours there (a link, a folder): left alone


class Session:
    def __init__(self, project: Project, out: Path | None = None, edition: str | None = None, *,
                 jobs: int = 1, html: bool = False, progress: bool | None = None,
                 explicit: bool = True, options: dict[str, Any] | None = None) -> None:
        self.project = project
        self.out = Path(out or project.out).resolve()
        self.edition = edition
        self.html = html
        self.progress = progress
        self.explicit = explicit
        self.options = options or {}  # extra keyword arguments for build_one
        self.workers = Workers(jobs)
        self.hashes: FileHashes | None = None  # made from the state file's on first use
        self.deps: dict[Path, Deps] = {}  # last known, for watch to map a change to handouts

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.workers.close()

    def build(self, files: Iterable[Path], report: Callable[[Result], None] = lambda r: None, *,
              force: bool = False, clean: bool = False,
              on_stale: Callable[[Stale], None] | None = None,
              on_note: Callable[[str], None] | None = None) -> list[Result]:
        """Build the handouts among ``files`` that changed (all with ``force``); report
        every one, in order, up-to-date ones too. Then deal with stale PDFs. ``on_note``
        gets what the editor should know about the run itself (a damaged state file)."""
        note = on_note or (lambda text: LOG.warning("%s", text))
        state = State.load(self.out)
        if self.hashes is None:  # once a session: what a killed run left, then the hashes
            sweep_leftovers(self.out)
            self.hashes = FileHashes(state.hashes)
        if state.problem:
            note(f"注意: {state.problem}")
        files = list(files)
        items: list[Result | Task] = []
        planned: dict[int, Deps] = {}
        for file in files:
            file = absolute(file)  # a symlink stays itself: load() refuses one leading out
            record = None if force else self._current(state, file)
            if record:
                self.deps[file] = Deps.recorded(self.project, file, record.inputs)
                items.append(Result(source=record.source, name=record.name, pdf=self.out / record.pdf,
                                    pages=record.pages, up_to_date=True, warnings=list(record.warnings),
                                    check_failures=record.check_failures,
                                    check_warnings=list(record.check_warnings),
                                    facts=Facts(record.kind, record.title, record.revised)))
            else:
                if not planned and len(files) > 1:
                    self.workers.start()  # warms up while the rest is planned
                # build_one's option ``press`` (the print-shop edition) is the plan's too.
                plan = plan_for(self.project, file, self.out, self.edition, bool(self.options.get("press")))
                deps = deps_of(self.project, plan, self.hashes, self.options)
                self.deps[file] = planned[len(items)] = deps
                items.append(Task(file, self.out, self.edition, self.html, self.explicit, self.options, plan))
        results: list[Result] = []
        try:
            for index, result in enumerate(run(self.project, items, self.workers, self.progress)):
                if index in planned and planned[index].digest and result.ok and result.pdf:
                    state.put(_record(state, planned[index], result, self.edition or ""))
                report(result)
                results.append(result)
        finally:
            stale = self._stale(state, clean)
            if planned or stale or state.problem:
                state.hashes = self.hashes.export()
                try:
                    state.save()  # also after Ctrl-C: what was built stays known
                except OSError as error:  # the PDFs are written; the next run rebuilds them
                    note(f"注意: {unsaved_state(self.project, state.path, error)}")
        for item in stale:
            if on_stale:
                on_stale(item)
        return results

    def _current(self, state: State, file: Path) -> Record | None:
        """The record of a previous build whose inputs and settings are all unchanged,
        whose PDF (and HTML, if asked for) is still there as written, and whose checks passed (a
        failed check is reported again on every build until it is fixed)."""
        for record in state.candidates(self.project.rel(file), self.edition or ""):
            if record.check_failures:
                continue
            pdf = self.out / record.pdf
            if not pdf.is_file() or (self.html and not pdf.with_suffix(".html").is_file()):
                continue
            if record.pdf_mtime_ns and _mtime_ns(pdf) != record.pdf_mtime_ns:
                continue  # not the PDF we wrote: replaced, truncated or edited since
            if record.inputs and self.hashes and unchanged(self.project, record.inputs, record.settings,
                                                           self.options, self.hashes):
                return record
        return None

    def _stale(self, state: State, clean: bool) -> list[Stale]:
        found = []
        for record in list(state.records.values()):
            if (self.project.root / record.source).is_file():
                continue
            pdf = self.out / record.pdf
            if clean:
                removed = remove_output(pdf, self.out)
                remove_output(pdf.with_suffix(".html"), self.out)
                remove_empty_folders(pdf.parent, self.out)
                state.drop(record)
                if removed or not os.path.lexists(pdf):
                    found.append(Stale(pdf, removed=True))
                else:
                    found.append(Stale(pdf, removed=False, kept=True))
                continue
            if not pdf.is_file():
                state.drop(record)  # already gone: nothing to report
                continue
            found.append(Stale(pdf, removed=False))
        return found

    def affected(self, paths: Iterable[Path]) -> list[Path]:
        """The known handouts whose PDF depends on any of ``paths``."""
        changed = {Path(p).resolve() for p in paths}
        return sorted(f for f, deps in self.deps.items() if deps.touched_by(changed) and f.is_file())


def _record(state: State, deps: Deps, result: Result, requested: str) -> Record:
    assert deps.plan and deps.plan.edition and result.pdf  # a digest: the plan was complete
    edition = deps.plan.edition.name
    facts = deps.plan.facts or Facts("", "", "")
    # The command lines this PDF answers: its edition named with --size, and no --size
    # when that is the handout's own edition (the same inputs and settings, the same bytes).
    answers = {edition} | ({""} if edition == deps.plan.own_edition else set())
    return Record(
        name=result.name, source=result.source, pdf=state.key(result.pdf), edition=edition,
        digest=deps.digest or "", pages=result.pages, pdf_mtime_ns=_mtime_ns(result.pdf),
        title=facts.title, kind=facts.kind, revised=facts.revised,
        requested=sorted(answers | {requested}), inputs=deps.inputs, settings=deps.settings,
        warnings=list(result.warnings), check_failures=result.check_failures,
        check_warnings=list(result.check_warnings),
    )


def remove_output(path: Path, out: Path) -> bool:
    """Delete ``path`` if it is a regular file inside the output folder (not a link,
    not a folder, not reached through a linked folder). ``--clean`` deletes only what
    the tool wrote there, whatever a damaged state file says."""
    try:
        if not absolute(path).is_relative_to(absolute(out)):
            return False
        if not path.parent.resolve().is_relative_to(Path(out).resolve()):
            return False
        if not stat.S_ISREG(path.lstat().st_mode):
            return False
        path.unlink()
    except (OSError, ValueError):
        return False
    return True


def unsaved_state(project: Project, path: Path, error: OSError) -> str:
    from ..failures import os_problem

    return (f"{project.rel(path)} を保存できませんでした({os_problem(error)})。"
            "作った PDF はそのまま使えます。次回はすべて作り直します")


def _mtime_ns(pdf: Path | None) -> int:
    try:
        return pdf.stat().st_mtime_ns if pdf else 0
    except OSError:
        return 0
