"""YAML reading for the whole tool: libyaml's loader when PyYAML has it (several times
faster), and project files (clinic.yaml, readings.yaml, kind schemas) parsed once per
process while unchanged — a build renders many handouts from the same few files.
Import it lazily: an up-to-date build never parses YAML."""

from __future__ import annotations

import copy
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
YAMLError = yaml.YAMLError


def parse(text: str) -> Any:
    return yaml.load(text, Loader=LOADER)


def compose(text: str) -> yaml.Node | None:
    return yaml.compose(text, Loader=LOADER)


def read_file(path: Path) -> Any:
    """A YAML file's data (a private copy: callers may change it). Raises YAMLError."""
    st = Path(path).stat()
    return copy.deepcopy(_cached(str(path), st.st_mtime_ns, st.st_size))


@lru_cache(maxsize=64)
def _cached(path: str, mtime_ns: int, size: int) -> Any:
    return parse(Path(path).read_text(encoding="utf-8-sig"))
