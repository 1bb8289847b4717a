"""Write a file so that readers see the old version or the new one, never half of one:
a temporary file in the same folder, renamed over the target. A failure leaves the
previous file untouched (a broken handout never destroys its last good PDF).

The temporary file (``.NAME.XXXXXXXX.tmp``) is locked while it is written; a run that
was killed leaves it unlocked, and the next run removes it (``sweep_leftovers``).
"""

from __future__ import annotations

import fcntl
import os
import stat
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any


@contextmanager
def atomic_open(target: Path, mode: str = "wb", *, mtime_ns: int | None = None,
                **open_args: Any) -> Iterator[IO[Any]]:
    """``with atomic_open(path) as handle: ...``; renamed into place on success.
    ``mtime_ns``: give the new file this modification time (before it appears)."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=TEMP_SUFFIX)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # released when closed, or when this process dies
        with os.fdopen(fd, mode, **open_args) as handle:
            yield handle
        os.chmod(tmp, 0o644)
        if mtime_ns is not None:
            os.utime(tmp, ns=(mtime_ns, mtime_ns))
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_atomic(target: Path, data: str | bytes) -> None:
    if isinstance(data, str):
        with atomic_open(target, "w", encoding="utf-8") as handle:
            handle.write(data)
    else:
        with atomic_open(target) as handle:
            handle.write(data)


TEMP_SUFFIX = ".tmp"
LEFTOVER_SECONDS = 10.0  # younger temporary files may be another run's, just created


def sweep_leftovers(folder: Path) -> int:
    """Remove the temporary files that killed runs left in ``folder`` (and below): our
    names only, regular files only, none that a live writer holds locked. Returns how
    many were removed."""
    removed = 0
    now = time.time()
    try:
        candidates = list(Path(folder).rglob(f".*{TEMP_SUFFIX}"))
    except OSError:
        return 0
    for path in candidates:
        try:
            st = path.lstat()
            if not stat.S_ISREG(st.st_mode) or now - st.st_mtime < LEFTOVER_SECONDS:
                continue
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            path.unlink()
            removed += 1
        except OSError:  # locked: being written now
            continue
        finally:
            os.close(fd)
    return removed
