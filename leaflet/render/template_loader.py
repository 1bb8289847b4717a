"""Jinja2 templates read through the guarded reader.

Jinja's ``FileSystemLoader`` opens files itself and follows symlinks wherever they
lead: a ``templates/base.html`` linked to a file outside the project would be printed
in every PDF. This loader hands Jinja the bytes ``guarded_read`` read (inside the
project, a regular file, 1 MB at most), and a template that is not there is Jinja's
usual ``TemplateNotFound``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import jinja2
from jinja2.loaders import split_template_path

from .. import guarded_read


class GuardedLoader(jinja2.BaseLoader):
    def __init__(self, folder: Path, root: Path) -> None:
        self.folder = Path(folder)
        self.root = Path(root)

    def get_source(self, environment: jinja2.Environment,
                   template: str) -> tuple[str, str, Callable[[], bool]]:
        path = self.folder.joinpath(*split_template_path(template))  # refuses ".."
        try:
            text = guarded_read.read_text(path, self.root)
        except guarded_read.Refused as refused:
            if refused.code == "missing":
                raise jinja2.TemplateNotFound(template) from None
            raise
        stamp = _stamp(path)
        return text, str(path), lambda: _stamp(path) == stamp

    def list_templates(self) -> list[str]:
        return sorted(p.relative_to(self.folder).as_posix() for p in self.folder.rglob("*") if p.is_file())


def _stamp(path: Path) -> tuple[int, ...] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino
