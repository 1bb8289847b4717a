"""Make the project's fonts the only ones WeasyPrint can see.

WeasyPrint draws a character our fonts lack in whatever system font has it (DejaVu
Sans, say) without a warning. Pointing fontconfig at a configuration with no font
directories leaves only the faces loaded by ``@font-face``, so a missing glyph shows
up as missing (and the preflight reports it) instead of in a stranger's typeface.
This must run before WeasyPrint is imported: it builds its font map at import time.
"""

from __future__ import annotations

import os
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


def cache_dir() -> Path:
    """This user's scratch folder for what can always be made again (fontconfig's cache,
    fonts' character maps); never the project, never the output."""
    cache = Path(tempfile.gettempdir()) / f"make_pdf-fontconfig-{os.getuid()}"
    cache.mkdir(mode=0o700, exist_ok=True)
    return cache


def isolate_fonts() -> None:
    cache = cache_dir()
    config = cache / "fonts.conf"
    text = EMPTY_CONFIG.format(cache=cache)
    if not config.is_file() or config.read_text() != text:
        write_atomic(config, text)  # several worker processes may get here at once
    os.environ["FONTCONFIG_FILE"] = str(config)
    # WeasyPrint warns that fontconfig has no fonts: that is exactly what we asked for.
    warnings.filterwarnings("ignore", message="No fonts configured in FontConfig")
