"""What the renderer is told about an edition (light: the build's plans are made
without importing the renderer)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Edition:
    """How a handout is dressed, as the build's render plan decided it: the edition
    (``normal``, ``xl``) and the stylesheets WeasyPrint gets, in order; ``files`` are
    every stylesheet the edition could use and what they import (fonts, images; the
    press profile), whose change makes a parsed stylesheet stale. ``press``: made for a
    print shop (``render.pdf.press``) in the inks of this profile."""

    name: str
    stylesheets: tuple[Path, ...]
    files: frozenset[Path] = frozenset()
    press: Path | None = None  # the print-shop edition (build --press): its CMYK profile
