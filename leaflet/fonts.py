"""Make the project's fonts the only ones WeasyPrint can see.

WeasyPrint draws a character our fonts lack in whatever system font has it (DejaVu
Sans, say) without a warning. Pointing fontconfig at a configuration with no font
directories leaves only the faces loaded by ``@font-face``, so a missing glyph shows
up as missing (and the preflight reports it) instead of in a stranger's typeface.
This must run before WeasyPrint is imported: it builds its font map at import time.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import warnings
from pathlib import Path

from .atomic import write_atomic

EMPTY_CONFIG = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<!-- make_pdf: no system fonts; faces come only from @font-face in styles/. -->
<fontconfig>
  <cachedir>{cache}</cachedir>
</fontconfig>
"""


FONT_COPIES = "fonts-"  # + pid + "-" + random: WeasyPrint's copies of @font-face files


def cache_dir() -> Path:
    """This user's scratch folder for what can always be made again (fontconfig's cache,
    fonts' character maps, WeasyPrint's font copies); never the project or the output."""
    cache = Path(tempfile.gettempdir()) / f"make_pdf-{os.getuid()}"
    cache.mkdir(mode=0o700, exist_ok=True)
    return cache


def new_font_folder() -> Path:
    """A folder for one font configuration's copies of the fonts, named by this process.

    WeasyPrint copies every @font-face file (9 MB for ours) into a new temporary folder
    and removes it only in ``FontConfiguration.__del__``, which never runs in a worker
    process that ends with ``os._exit``: every parallel build leaked 9 MB a handout.
    Named by process, a folder left behind by a killed process is found and removed."""
    return Path(tempfile.mkdtemp(prefix=f"{FONT_COPIES}{os.getpid()}-", dir=cache_dir()))


def sweep_font_folders() -> None:
    """Remove the font copies of processes that have ended."""
    for folder in cache_dir().glob(f"{FONT_COPIES}*"):
        try:
            pid = int(folder.name[len(FONT_COPIES):].split("-")[0])
        except ValueError:
            continue
        if not _running(pid):
            shutil.rmtree(folder, ignore_errors=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's: not ours to judge
    return True


def isolate_fonts() -> None:
    cache = cache_dir()
    config = cache / "fonts.conf"
    text = EMPTY_CONFIG.format(cache=cache)
    if not config.is_file() or config.read_text() != text:
        write_atomic(config, text)  # several worker processes may get here at once
    os.environ["FONTCONFIG_FILE"] = str(config)
    # WeasyPrint warns that fontconfig has no fonts: that is exactly what we asked for.
    warnings.filterwarnings("ignore", message="No fonts configured in FontConfig")
