"""What we add to the PDF WeasyPrint writes, in WeasyPrint's ``finisher`` hook (the
pydyf document just before it is serialised: no second pass over the file).

- ``viewer_prefs``: office printing presets in every PDF (duplex, no "fit to page");
- ``press``: the print-shop edition (``build --press``): PDF/X-4, CMYK, bleed, crop marks;
  ``settings``: its profile and output condition (light: the build's plans read it);
- ``colour``: CMYK profiles and conversions (stylesheet twins, SVG and raster pictures);
- ``bleed``: backgrounds that touch the paper's edge painted past it;
- ``marks``: crop and fold marks drawn outside the trim.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Finisher = Callable[[Any, Any], None]  # (weasyprint Document, pydyf.PDF) -> None


def chain(*steps: Finisher | None) -> Finisher:
    """One finisher that runs ``steps`` in order (None steps are left out)."""
    todo = [step for step in steps if step]

    def finish(document: Any, pdf: Any) -> None:
        for step in todo:
            step(document, pdf)

    return finish
