"""Write a file so that readers see the old version or the new one, never half of one:
a temporary file in the same folder, renamed over the target. A failure leaves the
previous file untouched (a broken handout never destroys its last good PDF)."""

from __future__ import annotations

import os
import tempfile
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
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
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
