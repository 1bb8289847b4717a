"""Build handouts in worker processes, report them in a stable order.

Workers come from a ``forkserver`` that imports WeasyPrint once: each worker starts
warm, and none is forked from a process that has other threads (the watcher's).
Results are yielded in the order they were asked for, whatever order they finish
in, so the output reads the same on every run; a progress bar (rich, on stderr)
advances as they finish when there is a terminal and more than one to build.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..project import Project
from ..render.fonts import cache_dir
from .plan import Plan
from .result import Result

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing.context import BaseContext

WARM_MODULES = ["leaflet.build.pipeline"]  # WeasyPrint, Jinja2, Markdown: imported once


@dataclass(frozen=True)
class Task:
    file: Path
    out: Path
    edition: str | None = None
    html: bool = False  # also write the rendered HTML beside the PDF
    explicit: bool = True  # the handout was named (see build_one); not part of the digest
    options: dict[str, Any] = field(default_factory=dict)  # more keyword arguments for build_one
    plan: Plan | None = None  # made by the main process: the worker does not parse again


def run_task(project: Project, task: Task) -> Result:
    from .pipeline import build_one  # the whole renderer: only where a handout is built

    return build_one(project, task.file, task.out, task.edition, task.explicit, plan=task.plan,
                     html=task.html, thumbnail=True, **task.options)


class Workers:
    """A pool of warm worker processes, made on first use and kept (watch reuses it)."""

    def __init__(self, jobs: int) -> None:
        self.jobs = max(1, jobs)
        self._pool: ProcessPoolExecutor | None = None

    def start(self) -> None:
        """Start the fork server importing WeasyPrint now, while the caller goes on
        deciding what to build (it does not wait)."""
        if self.jobs > 1:
            from multiprocessing import forkserver

            self._context()
            forkserver.ensure_running()

    @staticmethod
    def _context() -> BaseContext:
        import multiprocessing  # only when there is work for several processes

        cache_dir()  # made here (if it must be private), so workers share it and this process removes it
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(WARM_MODULES)
        return context

    def pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            from concurrent.futures import ProcessPoolExecutor

            self._pool = ProcessPoolExecutor(self.jobs, mp_context=self._context(),
                                             initializer=_worker_setup, initargs=(os.getpid(),))
        return self._pool

    def close(self, wait: bool = True) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=wait, cancel_futures=True)
            self._pool = None


def _worker_setup(main: int) -> None:
    """In each worker as it starts (it has WeasyPrint already; the main process never does)."""
    from multiprocessing.util import Finalize

    from ..render.weasy import close_all

    # Ctrl-C is for the main process, which stops the run; no traceback per worker.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A worker ends with os._exit (no atexit): multiprocessing's own exit hook cleans up.
    Finalize(None, close_all, exitpriority=0)
    # A worker blocks on its task queue for ever if the main process is killed outright
    # (it holds both ends of the pipe): leave when the main process is gone.
    threading.Thread(target=_exit_without, args=(main,), daemon=True).start()


def _exit_without(main: int) -> None:
    while True:
        time.sleep(1.0)
        try:
            os.kill(main, 0)
        except (ProcessLookupError, PermissionError):  # gone (or its number reused by another user)
            from ..render.weasy import close_all  # in the worker, where it is loaded already

            close_all()
            os._exit(0)


def run(project: Project, items: Sequence[Result | Task], workers: Workers,
        progress: bool | None = None) -> Iterator[Result]:
    """Yield one Result per item, in order: a Result passes through (a handout that
    was up to date), a Task is built, here or in a worker."""
    tasks = [t for t in items if isinstance(t, Task)]
    show = progress if progress is not None else (len(tasks) > 1 and sys.stderr.isatty())
    with progress_bar(len(tasks), show) as advance:
        if workers.jobs == 1 or len(tasks) <= 1:
            for item in items:
                if isinstance(item, Task):
                    item = run_task(project, item)
                    advance(item.name)
                yield item
            return
        try:
            yield from _in_workers(project, items, workers.pool(), advance)
        except BaseException:
            workers.close(wait=False)  # a broken or interrupted pool is not reused
            raise


def _in_workers(project: Project, items: Sequence[Result | Task], pool: ProcessPoolExecutor,
                advance: Callable[[str], None]) -> Iterator[Result]:
    from concurrent.futures import FIRST_COMPLETED, Future, wait

    futures: dict[int, Future[Result]] = {
        i: pool.submit(run_task, project, item) for i, item in enumerate(items) if isinstance(item, Task)}
    names = {f: project.name_of(items[i].file) for i, f in futures.items()}  # type: ignore[union-attr]
    pending = set(futures.values())
    for i, item in enumerate(items):
        if isinstance(item, Result):
            yield item
            continue
        future = futures[i]
        while not future.done() or future in pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for finished in done:
                advance(names[finished])
        yield future.result()


@contextmanager
def progress_bar(total: int, show: bool) -> Iterator[Callable[[str], None]]:
    """``advance(name)`` after each handout. The bar is transient and on stderr; lines
    printed meanwhile appear above it (rich redirects stdout while it is live)."""
    if not show:
        yield lambda name: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("作成中"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
               TextColumn("{task.description}"))
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("", total=total)
        yield lambda name: bar.update(task, advance=1, description=name)
