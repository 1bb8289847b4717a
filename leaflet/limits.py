"""Bounds on one handout's build, so that no input can hang or exhaust the machine.

- **Time**: a handout that takes longer than ``seconds`` (wall clock) is stopped with a
  named error. In the process that builds it, a timer signal (``SIGALRM``) raises
  ``TimeLimit`` between two Python steps, and keeps firing every second in case one
  is swallowed; a worker that still does not answer (stuck inside C code) is killed by
  the main process a little later (``parallel``).
- **Memory**: each worker process may use at most ``memory_mb`` more address space
  than it had when it started (``RLIMIT_AS``); past that, allocation fails
  (``MemoryError``, a named error) or the worker dies and its handout is named. The
  main process is never limited.
- **Pages**: layout stops past ``PAGE_FACTOR`` times the kind's page budget (see
  ``render.bounds``); the overflow rule still says how far over it is.
- **Input**: every file read is capped by the guarded reader (``guarded_read``).

``MAKE_PDF_TIME_LIMIT`` (seconds) and ``MAKE_PDF_MEMORY_LIMIT`` (MB) change the first
two; the README lists them all.
"""

from __future__ import annotations

import os
import resource
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

TIME_ENV = "MAKE_PDF_TIME_LIMIT"
MEMORY_ENV = "MAKE_PDF_MEMORY_LIMIT"
SECONDS = 120.0  # a one-page handout takes 1–3 s; a busy machine may be ten times slower
MEMORY_MB = 2048  # a 2-page FAQ needs ~150 MB; 3,500 pages of one took 1.9 GB
PAGE_FACTOR = 4  # layout stops after max(4 × budget, budget + 3) pages
KILL_GRACE = 15.0  # seconds past the limit before a silent worker is killed


@dataclass(frozen=True)
class Limits:
    seconds: float = SECONDS
    memory_mb: int = MEMORY_MB
    grace: float = KILL_GRACE  # then a worker that has not answered is killed

    @classmethod
    def from_env(cls) -> Limits:
        return cls(seconds=_number(TIME_ENV, SECONDS), memory_mb=int(_number(MEMORY_ENV, MEMORY_MB)))


def _number(name: str, default: float) -> float:
    try:
        value = float(os.environ.get(name, ""))
    except ValueError:
        return default
    return value if value > 0 else default


def page_cap(budget: int) -> int:
    """How many pages are laid out at most for a kind of ``budget`` pages."""
    return max(PAGE_FACTOR * budget, budget + 3)


class TimeLimit(BaseException):
    """The handout's build ran out of time. A BaseException, so that no library's
    ``except Exception`` mistakes it for a failure of its own and carries on."""

    def __init__(self, seconds: float) -> None:
        super().__init__(seconds)
        self.seconds = seconds


_expired: list[float] = []  # the limit that ran out, while its block is still running


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise ``TimeLimit`` in this thread after ``seconds``. Signals reach only the main
    thread: elsewhere this does nothing (``parallel`` builds in a worker then).

    A library may catch the exception and carry on (WeasyPrint logs any failure while
    drawing an SVG and draws the rest): the timer fires again every second, and
    ``check_time()`` (called before a PDF is kept) raises it again, so a build that ran
    out of time never ends as a success."""
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expired(signum: int, frame: Any) -> None:
        _expired[:] = [seconds]
        raise TimeLimit(seconds)

    previous = signal.signal(signal.SIGALRM, expired)
    _expired.clear()
    signal.setitimer(signal.ITIMER_REAL, seconds, 1.0)  # and again every second
    try:
        yield
        check_time()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        _expired.clear()


def check_time() -> None:
    """Raise ``TimeLimit`` if the current build's time ran out, even if what it
    interrupted swallowed the exception."""
    if _expired:
        raise TimeLimit(_expired[0])


_spent: list[bool] = []


def mark_spent() -> None:
    """This process ran out of time or memory in the middle of a library: whatever state
    it left is not to be trusted with another handout (a worker then retires)."""
    _spent[:] = [True]


def spent() -> bool:
    return bool(_spent)


def can_time_out_here() -> bool:
    return threading.current_thread() is threading.main_thread()


def limit_memory(memory_mb: int) -> None:
    """Cap this process's address space at what it uses now plus ``memory_mb``
    (for worker processes only)."""
    used = _address_space()
    if used is None:
        return
    cap = used + memory_mb * 1024 * 1024
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))


def _address_space() -> int | None:
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[0]) * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        return None
