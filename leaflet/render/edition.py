"""What the renderer is told about an edition (light: the build's plans are made
without importing the renderer)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Edition:
    """How a handout is dressed, as the build's render plan decided it: the edition
    (``normal``, ``xl``) and the stylesheets WeasyPrint gets, in order; ``files`` are
    every stylesheet the edition could use and what they import (fonts, images), whose
    change makes a parsed stylesheet stale."""

    name: str
    stylesheets: tuple[Path, ...]
    files: frozenset[Path] = frozenset()
