"""Warm worker processes, one handout at a time each, watched by the main process.

Each worker is a process of its own with a pipe to the main process, started from a
``forkserver`` that has imported WeasyPrint (so it starts warm, and is never forked
from a process with other threads). Because the main process knows which handout each
worker is building, a worker that dies (the kernel's out-of-memory killer, a C library
aborting when its memory limit is reached) or that stops answering (stuck inside C code,
where the time limit's signal cannot reach Python) costs exactly that handout a named
error; the worker is replaced and every other handout still builds. (A
``ProcessPoolExecutor`` breaks as a whole when one worker dies, and cannot say whose
handout killed it.)

Inside a worker: Ctrl-C is ignored (the main process stops the run), the address space
is capped (``limits.limit_memory``), and the handout's own time limit applies
(``build_one``). A worker leaves when its pipe closes, so it never outlives the main
process.
"""

from __future__ import annotations

import signal
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from ..failures import describe, worker_died
from ..limits import Limits, TimeLimit, limit_memory, spent
from .result import Result

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.context import BaseContext

    from ..project import Project

WARM_MODULES = ["leaflet.build.pipeline"]  # WeasyPrint, Jinja2, Markdown: imported once
STOP_SECONDS = 2.0  # a worker asked to leave has this long before it is killed

Job = Callable[[Any, Any], Result]  # (project, task) → Result, run in the worker


class _Worker:
    def __init__(self, context: Any, limits: Limits) -> None:  # a forkserver context
        here, there = context.Pipe()
        self.process = context.Process(target=_serve, args=(there, limits.memory_mb), daemon=True)
        self.process.start()
        there.close()  # the worker holds the only other end: its death is our EOF
        self.conn: Connection = here
        self.index = -1  # the task it is building
        self.deadline = 0.0

    def stop(self, wait: bool) -> None:
        try:
            if wait:
                self.conn.send(None)
                self.process.join(STOP_SECONDS)
        except (OSError, ValueError):
            pass
        if self.process.is_alive():
            self.process.kill()
            self.process.join(STOP_SECONDS)
        self.conn.close()


class Workers:
    """Up to ``jobs`` worker processes, started on first use and kept (``watch`` reuses
    them between saves)."""

    def __init__(self, jobs: int, limits: Limits | None = None) -> None:
        self.jobs = max(1, jobs)
        self.limits = limits or Limits.from_env()
        self._idle: list[_Worker] = []

    def start(self) -> None:
        """Start the fork server importing WeasyPrint now, while the caller goes on
        deciding what to build (it does not wait), if workers will be used."""
        import threading
        from multiprocessing import forkserver

        if self.jobs == 1 and threading.current_thread() is threading.main_thread():
            return

        self._context()
        forkserver.ensure_running()

    @staticmethod
    def _context() -> BaseContext:
        import multiprocessing  # only when there is work for another process

        from ..render.fonts import cache_dir

        cache_dir()  # made here (if it must be private), so workers share it and this process removes it
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(WARM_MODULES)
        return context

    def close(self, wait: bool = True) -> None:
        idle, self._idle = self._idle, []
        for worker in idle:
            worker.stop(wait)

    def map(self, job: Job, project: Project, tasks: Sequence[tuple[int, Any]],
            name: Callable[[Any], tuple[str, str]]) -> Iterator[tuple[int, Result]]:
        """``job(project, task)`` for each ``(index, task)``, in workers; yields
        ``(index, result)`` as each finishes. ``name(task)`` → (source, name) for the
        result of a worker that died or timed out."""
        from multiprocessing.connection import wait

        context = self._context()
        todo = deque(tasks)
        running: list[_Worker] = []
        by_index = dict(tasks)
        try:
            while todo or running:
                while todo and len(running) < self.jobs:
                    index, task = todo.popleft()
                    worker = self._idle.pop() if self._idle else _Worker(context, self.limits)
                    try:
                        worker.conn.send((job, project, task))
                    except (OSError, ValueError):  # it died while idle: another one
                        worker.stop(wait=False)
                        todo.appendleft((index, task))
                        continue
                    except Exception as error:
                        self._idle.append(worker)
                        source, shown = name(task)
                        yield index, Result(source=source, name=shown, error=describe(error, source))
                        continue
                    worker.index, worker.deadline = index, time.monotonic() + self.limits.seconds + self.limits.grace
                    running.append(worker)
                soonest = min(w.deadline for w in running)
                handles = [h for w in running for h in (w.conn, w.process.sentinel)]
                ready = set(wait(handles, timeout=max(0.0, soonest - time.monotonic())))
                now = time.monotonic()
                for worker in list(running):
                    if worker.conn in ready or worker.process.sentinel in ready:
                        running.remove(worker)
                        yield worker.index, self._collect(worker, name(by_index[worker.index]))
                    elif worker.deadline <= now:
                        running.remove(worker)
                        worker.stop(wait=False)  # stuck where the time limit's signal cannot reach
                        source, shown = name(by_index[worker.index])
                        yield worker.index, Result(source=source, name=shown,
                                                   error=describe(TimeLimit(self.limits.seconds), source))
        finally:
            for worker in running:
                worker.stop(wait=False)  # interrupted: what they were building is abandoned

    def _collect(self, worker: _Worker, names: tuple[str, str]) -> Result:
        """The result a worker sent, or an error naming the handout if it died."""
        try:
            answer = worker.conn.recv() if worker.conn.poll() else None
        except (EOFError, OSError):
            answer = None
        if isinstance(answer, tuple) and len(answer) == 2 and isinstance(answer[0], Result):
            result, keep = answer
            if keep:
                self._idle.append(worker)
            else:  # it ran out of time or memory: a fresh one for the next handout
                worker.stop(wait=True)
            return result
        worker.process.join(STOP_SECONDS)
        worker.stop(wait=False)
        source, name = names
        return Result(source=source, name=name,
                      error=worker_died(source, worker.process.exitcode, self.limits.memory_mb))


def _serve(conn: Connection, memory_mb: int) -> None:
    """A worker: build what the main process sends until the pipe closes. (It has
    WeasyPrint already, from the fork server; the main process never loads it.)"""
    from multiprocessing.util import Finalize

    from ..render.weasy import close_all  # in the worker, where it is loaded already

    # Ctrl-C is for the main process, which stops the run; no traceback per worker.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A worker ends with os._exit (no atexit): multiprocessing's own exit hook cleans up.
    Finalize(None, close_all, exitpriority=0)
    limit_memory(memory_mb)
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):  # the main process is gone
            break
        if message is None:
            break
        job, project, task = message
        result = job(project, task)
        keep = not spent()
        try:
            conn.send((result, keep))
        except (OSError, ValueError):
            break
        except Exception as error:
            conn.send((Result(source=result.source, name=result.name,
                              error=describe(error, result.source)), keep))
        if not keep:
            break
    conn.close()
