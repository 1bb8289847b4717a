"""Get a process ready for WeasyPrint's first font configuration (idempotent).

fontconfig must see only our fonts (``fonts.isolate_fonts``) before WeasyPrint loads a
configuration, and the font copies of processes that have ended are swept away.
``weasy.FontFaces`` calls ``prepare()`` when it is made, so rendering starts ready;
importing a module never does it.
"""

from __future__ import annotations

from .fonts import isolate_fonts, sweep_font_folders

_ready = False


def prepare() -> None:
    global _ready
    if _ready:
        return
    isolate_fonts()
    sweep_font_folders()
    _ready = True
