"""Get a process ready for WeasyPrint before it is first imported (idempotent).

Two things must happen first: fontconfig must see only our fonts (``fonts``), and
WeasyPrint's C libraries should load without a detour through ``ctypes.util``.
WeasyPrint tries several names per library (Windows, macOS and Linux spellings), and
cffi answers each miss by calling ``ctypes.util.find_library``, which on Linux runs
``ldconfig -p`` (and gcc, ld) in subprocesses: about 0.25 s on every start, most of it
for ``libharfbuzz-vector``, which Debian 12 does not ship. On Linux the sonames in
WeasyPrint's lists (``libpango-1.0.so.0``…) load directly, and ``find_library`` could
only return those same sonames, so during the import a miss may as well be a quick one.
"""

from __future__ import annotations

import sys

from .fonts import isolate_fonts, sweep_font_folders


def prepare() -> None:
    isolate_fonts()
    sweep_font_folders()
    if sys.platform.startswith("linux") and "weasyprint" not in sys.modules:
        _import_without_library_search()


def _import_without_library_search() -> None:
    import ctypes.util

    search = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        import weasyprint  # noqa: F401
    except OSError:
        pass  # not loadable by soname: the caller's own import searches the usual way
    finally:
        ctypes.util.find_library = search
