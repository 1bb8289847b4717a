"""Build handouts in worker processes, report them in a stable order.

The workers (``workers``) start warm from a ``forkserver`` and are watched one by one:
a worker that dies or hangs costs only its own handout. Results are yielded in the
order they were asked for, whatever order they finish in, so the output reads the
same on every run; a progress bar (rich, on stderr) advances as they finish when there
is a terminal and more than one to build.

One handout, or ``--jobs 1``, is built in this process when this is the main thread
(its time limit is a timer signal, which only the main thread receives); on any other
thread (``serve``'s watcher) it goes to a worker, where the limits hold.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..limits import Limits
from ..project import Project
from .plan import Plan
from .result import Result
from .workers import Workers

__all__ = ["Task", "Workers", "progress_bar", "run", "run_task"]


@dataclass(frozen=True)
class Task:
    file: Path
    out: Path
    edition: str | None = None
    html: bool = False  # also write the rendered HTML beside the PDF
    explicit: bool = True  # the handout was named (see build_one); not part of the digest
    options: dict[str, Any] = field(default_factory=dict)  # more keyword arguments for build_one
    plan: Plan | None = None  # made by the main process: the worker does not parse again
    limits: Limits = field(default_factory=Limits.from_env)  # read here, in the main process


def run_task(project: Project, task: Task) -> Result:
    """Build one handout (and its --html copy and catalog picture). Never raises, but
    for Ctrl-C: a failure is the result's error."""
    from .pipeline import build_one  # the whole renderer: only where a handout is built

    return build_one(project, task.file, task.out, task.edition, task.explicit, plan=task.plan,
                     html=task.html, thumbnail=True, limits=task.limits, **task.options)


def _names(project: Project) -> Callable[[Task], tuple[str, str]]:
    return lambda task: (project.rel(task.file), project.name_of(task.file))


def run(project: Project, items: Sequence[Result | Task], workers: Workers,
        progress: bool | None = None) -> Iterator[Result]:
    """Yield one Result per item, in order: a Result passes through (a handout that
    was up to date), a Task is built, here or in a worker."""
    tasks = [t for t in items if isinstance(t, Task)]
    show = progress if progress is not None else (len(tasks) > 1 and sys.stderr.isatty())
    here = threading.current_thread() is threading.main_thread()
    with progress_bar(len(tasks), show) as advance:
        if here and (workers.jobs == 1 or len(tasks) <= 1):
            for item in items:
                if isinstance(item, Task):
                    item = run_task(project, item)
                    advance(item.name)
                yield item
            return
        try:
            yield from _in_workers(project, items, workers, advance)
        except BaseException:
            workers.close(wait=False)  # interrupted: the idle workers go too
            raise


def _in_workers(project: Project, items: Sequence[Result | Task], workers: Workers,
                advance: Callable[[str], None]) -> Iterator[Result]:
    tasks = [(i, item) for i, item in enumerate(items) if isinstance(item, Task)]
    finished = workers.map(run_task, project, tasks, _names(project))
    done: dict[int, Result] = {}
    for i, item in enumerate(items):
        if isinstance(item, Result):
            yield item
            continue
        while i not in done:
            index, result = next(finished)
            done[index] = result
            advance(result.name)
        yield done.pop(i)


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
