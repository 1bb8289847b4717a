"""``watch``: one warm process rebuilds, on every save, only the handouts the saved
file affects, and says what it did.

WeasyPrint is imported once, at start; the file hashes and worker processes live as
long as the watcher, so a one-page handout goes from save to PDF in about the time
WeasyPrint takes to lay it out. The project folder is watched as a whole (an editor
that saves by renaming a new file over the old one would leave a watch on the file
itself blind) and the output folder, caches and editor droppings are filtered out.
A change maps to handouts through their dependencies (``deps``); each is then built
only if its digest really changed. Errors are reported and the watch goes on.
"""

from __future__ import annotations

import gc
import logging
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

from watchfiles import Change, DefaultFilter
from watchfiles import watch as watch_changes

from ..build.incremental import Session, Stale
from ..build.result import Result
from ..project import Project, is_hidden, is_markdown
from .messages import Line, result_lines, stale_line

STEP_MS = 15  # quiet time that ends a burst of events (an editor's save is a few syscalls)
LIVE_MS = 200  # longest wait for the OS watch to start; later, an idle step (cheap)
PACKAGE = Path(__file__).resolve().parent.parent


def _print(line: Line) -> None:
    print(line[0], file=sys.stderr if line[1] else sys.stdout, flush=True)


class _ProjectFilter(DefaultFilter):
    """Files that can matter: not the output, not caches, not editors' temporary files."""

    def __init__(self, out: Path) -> None:
        super().__init__(ignore_paths=[str(out)])

    def __call__(self, change: Change, path: str) -> bool:
        name = Path(path).name
        return super().__call__(change, path) and not name.startswith(".#") and name != "4913"


def watch(project: Project, out: Path | None = None,
          on_built: Callable[[list[Result]], object] | None = None,
          stop_event: threading.Event | None = None, *,
          edition: str | None = None, jobs: int = 1,
          say: Callable[[Line], None] = _print, started: threading.Event | None = None) -> None:
    """Build what is out of date, then rebuild on every change until ``stop_event`` is
    set or Ctrl-C. ``on_built`` gets the results of each rebuild (``serve`` reloads
    the page with it); ``say`` gets each line to show; ``started`` is set once the
    first build is done (or the watch ended before it)."""
    out = Path(out or project.out).resolve()
    logging.getLogger("watchfiles").setLevel(logging.ERROR)  # it says "stopping watch" in English
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _interrupt)  # `kill` stops as cleanly as Ctrl-C
    # explicit=False: in a watch of everything, an edition a kind lacks is skipped.
    with Session(project, out, edition, jobs=jobs, progress=False, explicit=False) as session:
        try:
            batches = watch_changes(project.root, watch_filter=_ProjectFilter(out),
                                    stop_event=stop_event, step=STEP_MS, raise_interrupt=False,
                                    rust_timeout=LIVE_MS, yield_on_timeout=True)
            # The first step returns once the OS watch is in place (after LIVE_MS at most).
            # From then on a save is queued even while we build, so one made during the
            # first build is not lost; that build reads everything as it is after this.
            # (watchfiles drops events in the instant a timeout step ends, ~0.1 µs in
            # every LIVE_MS: a risk we take for a watch that is known to be live.)
            if next(batches, None) is not None:  # None: stopped (or Ctrl-C) before it started
                _run(session, batches, say, on_built, started)
        except KeyboardInterrupt:
            pass
        finally:
            if started:
                started.set()
    say(("監視を終了しました。", False))


def _run(session: Session, batches: Iterator[set[tuple[Change, str]]], say: Callable[[Line], None],
         on_built: Callable[[list[Result]], object] | None, started: threading.Event | None) -> None:
    project = session.project
    _warm_up(project)
    say(("監視を始めます(Ctrl-C で終了)。", False))
    _rebuild(session, project.all_handouts(), say, on_built, stale=True)
    if started:
        started.set()
    say((f"監視中: {project.root}", False))
    for changes in batches:
        if not changes:
            continue  # a timeout step: nothing happened
        try:
            _on_changes(session, changes, say, on_built)
        except BaseException as error:
            if isinstance(error, (KeyboardInterrupt, SystemExit, GeneratorExit)):
                raise
            say((f"エラー: {trouble(project, error)}", True))


def trouble(project: Project, error: BaseException) -> str:
    """A failure outside any one handout's build (the state file, the catalog, the
    folder watch), in the words ``failures`` uses."""
    from ..failures import describe

    return describe(error, "変更の処理", rel=project.rel).replace("変更の処理: ", "変更を処理できませんでした: ", 1)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _warm_up(project: Project) -> None:
    """Import WeasyPrint and lay out one handout in memory, so that the first save does
    not pay for the imports and WeasyPrint's first-use set-up; then move what exists
    now out of the garbage collector's way (fewer, shorter pauses while rebuilding)."""
    from ..build.pipeline import render_handout
    from ..limits import Limits, can_time_out_here, time_limit

    # Off the main thread (serve) the builds run in workers: nothing to warm here, and
    # no timer signal would bound a render that hangs.
    for file in project.all_handouts()[:1] if can_time_out_here() else []:
        try:
            with time_limit(Limits.from_env().seconds):
                render_handout(project, file).document.write_pdf()
        except BaseException as error:
            if isinstance(error, (KeyboardInterrupt, SystemExit)):
                raise
    gc.collect()
    gc.freeze()


def _on_changes(session: Session, changes: set[tuple[Change, str]], say: Callable[[Line], None],
                on_built: Callable[[list[Result]], object] | None) -> None:
    project = session.project
    paths = {Path(p).resolve() for _, p in changes}
    if any(PACKAGE in p.parents and p.suffix == ".py" for p in paths):
        say(("プログラム(leaflet/)が変わりました。watch を起動し直してください。", True))
        return
    handouts = project.handouts.resolve()
    # A new folder's files may be written before the OS watch on that folder exists:
    # look inside every folder that appeared.
    paths |= {md.resolve() for p in paths if handouts in p.parents and p.is_dir()
              for md in p.rglob("*") if is_markdown(md)}
    touched = {p for p in paths if is_markdown(p) and handouts in p.parents
               and not is_hidden(p.relative_to(handouts))}
    files = sorted({p for p in touched if p.is_file()} | set(session.affected(paths)))
    deleted = any(not p.exists() for p in touched)
    if not files and not deleted:
        return
    say((f"変更: {', '.join(sorted(project.rel(p) for p in paths))}", False))
    _rebuild(session, files, say, on_built, stale=deleted)


def _rebuild(session: Session, files: list[Path], say: Callable[[Line], None],
             on_built: Callable[[list[Result]], object] | None, stale: bool) -> None:
    project = session.project

    def report(result: Result) -> None:
        for line in result_lines(project, result):
            say(line)

    def on_stale(item: Stale) -> None:
        if stale:
            say(stale_line(project, item))

    results = session.build(files, report, on_stale=on_stale, on_note=lambda text: say((text, True)))
    if on_built and results:
        on_built(results)
