"""Make the project's fonts the only ones WeasyPrint can see.

WeasyPrint draws a character our fonts lack in whatever system font has it (DejaVu
Sans, say) without a warning. Pointing fontconfig at a configuration with no font
directories leaves only the faces loaded by ``@font-face``, so a missing glyph shows
up as missing (and the preflight reports it) instead of in a stranger's typeface.
This must run before WeasyPrint makes its first font configuration (``engine.prepare``).
"""

from __future__ import annotations

import atexit
import fcntl
import os
import shutil
import stat
import tempfile
import time
from contextlib import suppress
from functools import cache
from pathlib import Path
from typing import IO

from ..atomic import write_atomic

EMPTY_CONFIG = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<!-- make_pdf: no system fonts; faces come only from @font-face in styles/. -->
<fontconfig>
  <cachedir>{cache}</cachedir>
</fontconfig>
"""


FONT_COPIES = "fonts-"  # + pid + "-" + random: WeasyPrint's copies of @font-face files


SCRATCH_ENV = "MAKE_PDF_SCRATCH"  # a private scratch folder, handed to worker processes


@cache
def cache_dir() -> Path:
    """This user's scratch folder for what can always be made again (fontconfig's cache,
    fonts' character maps, WeasyPrint's font copies); never the project or the output.

    Its name in the shared temporary folder is predictable, so it is used only if it is
    a real folder of ours that nobody else can write to: a planted one could point
    fontconfig at system fonts or hide missing glyphs. Otherwise this process makes a
    private one (nothing cached is then shared between runs), passes it on to its worker
    processes and removes it at exit."""
    shared = Path(tempfile.gettempdir()) / f"make_pdf-{os.getuid()}"
    with suppress(OSError):
        shared.mkdir(mode=0o700)
    for candidate in (os.environ.get(SCRATCH_ENV), shared):
        if candidate and _private(Path(candidate)):
            return Path(candidate)
    private = Path(tempfile.mkdtemp(prefix="make_pdf-private-"))
    os.environ[SCRATCH_ENV] = str(private)
    atexit.register(shutil.rmtree, private, True)
    return private


def _private(folder: Path) -> bool:
    try:
        st = folder.lstat()
    except OSError:
        return False
    return stat.S_ISDIR(st.st_mode) and st.st_uid == os.getuid() and not st.st_mode & 0o077


LOCK = "in-use.lock"  # held (flock) by the process using the folder, for as long as it lives
UNLOCKED_GRACE = 60.0  # seconds a folder may exist before its lock does


def new_font_folder() -> tuple[Path, IO[bytes]]:
    """A folder for one font configuration's copies of the fonts, and the open lock file
    that marks it as in use (keep it open; closing it releases the folder).

    WeasyPrint copies every @font-face file (9 MB for ours) into a new temporary folder
    and removes it only in ``FontConfiguration.__del__``, which never runs for a
    configuration still cached when a worker process ends with ``os._exit``. The lock
    dies with the process however it ends, so a folder left behind is recognised and
    removed by the next run (``sweep_font_folders``) — also across PID namespaces, where
    a process number would say nothing.

    The folder is made under a hidden name, locked, and only then renamed to the name a
    sweep looks for: another process sweeping at that moment can never find it unlocked
    (it once did, between the lock file's creation and its locking, and removed a live
    folder: "FileNotFoundError: …/make_pdf-0/fonts-…")."""
    staging = Path(tempfile.mkdtemp(prefix=f".{FONT_COPIES}{os.getpid()}-", dir=cache_dir()))
    lock = open(staging / LOCK, "wb")  # noqa: SIM115 — held for the folder's lifetime
    fcntl.flock(lock, fcntl.LOCK_EX)
    folder = staging.with_name(staging.name.removeprefix("."))
    staging.rename(folder)  # the open lock moves with it
    return folder, lock


def sweep_font_folders() -> None:
    """Remove the font copies whose process has ended (nobody holds their lock), and
    folders a process was killed while making (hidden, older than a minute)."""
    for staging in cache_dir().glob(f".{FONT_COPIES}*"):
        with suppress(OSError):
            if time.time() - staging.stat().st_mtime > UNLOCKED_GRACE:
                shutil.rmtree(staging, ignore_errors=True)
    for folder in cache_dir().glob(f"{FONT_COPIES}*"):
        try:
            with open(folder / LOCK, "rb") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                shutil.rmtree(folder, ignore_errors=True)
        except BlockingIOError:
            continue  # in use
        except FileNotFoundError:  # not locked yet, or by an older version
            with suppress(OSError):
                if time.time() - folder.stat().st_mtime > UNLOCKED_GRACE:
                    shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            continue


def isolate_fonts() -> None:
    cache = cache_dir()
    config = cache / "fonts.conf"
    text = EMPTY_CONFIG.format(cache=cache)
    if not config.is_file() or config.read_text() != text:
        write_atomic(config, text)  # several worker processes may get here at once
    os.environ["FONTCONFIG_FILE"] = str(config)
