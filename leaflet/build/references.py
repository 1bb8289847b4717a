"""Which project files a stylesheet, a template or a handout's Markdown refers to, read
with cheap regexes (no CSS parser, no Jinja2, no Markdown): they only decide what a
rebuild depends on. A path missed here would only make a rebuild late; the real
validation is the renderer's."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .. import guarded_read
from ..errors import HandoutError
from ..project import Project

# Markdown images ![alt](path "title"), raw HTML src="…" and href="…" (linked
# stylesheets, attachments), reference definitions [id]: path, and url(…) in styles.
_MD_REFS = re.compile(
    r"!\[[^\]]*\]\(\s*<?([^)\s>]+)"
    r"|\b(?:src|href)\s*=\s*[\"']([^\"']+)[\"']"
    r"|^[ ]{0,3}\[[^\]]+\]:\s*<?([^\s>]+)"
    r"|url\(\s*[\"']?([^\"')]+)",
    re.MULTILINE,
)
_CSS_REFS = re.compile(r"url\(\s*[\"']?([^\"')]+)|@import\s+[\"']([^\"']+)[\"']")
_TEMPLATE_REFS = re.compile(r"{%-?\s*(?:extends|include|import|from)\s+[\"']([^\"']+)[\"']")


def template_closure(project: Project, names: list[str]) -> set[Path]:
    """The templates and everything they extend, include or import."""
    found: set[Path] = set()
    todo = list(names)
    while todo:
        path = (project.templates / todo.pop()).resolve()
        if path in found or not project.contains(path):
            continue
        found.add(path)
        todo += _TEMPLATE_REFS.findall(read(project, path))
    return found


def stylesheet_closure(project: Project, sheets: list[Path]) -> set[Path]:
    """The stylesheets and every project file they @import or url() (fonts, images)."""
    found: set[Path] = set()
    todo = list(sheets)
    while todo:
        path = todo.pop().resolve()
        if path in found or not project.contains(path):
            continue
        found.add(path)
        if path.suffix == ".css":  # not the fonts and images it points to
            for groups in _CSS_REFS.findall(read(project, path)):
                todo += [p for p in (_local(project, ref, path.parent) for ref in groups if ref) if p]
    return found


def markup_references(project: Project, text: str, base: Path) -> set[Path]:
    """The project files Markdown or HTML ``text`` points to, relative to ``base``, and
    what the stylesheets among them import."""
    found = set()
    for groups in _MD_REFS.findall(text):
        for ref in groups:
            path = _local(project, ref, base) if ref else None
            if path:
                found.add(path)
    # A linked stylesheet brings what it @imports and url()s (fonts, images).
    return found | stylesheet_closure(project, [p for p in found if p.suffix == ".css"])


def _local(project: Project, ref: str, base: Path) -> Path | None:
    """A project file a reference points to; None for URLs, anchors and anything
    outside the project (which we never read)."""
    if "{" in ref:  # a Jinja2 expression in a template, not a file name
        return None
    parts = urlsplit(ref.strip())
    if parts.scheme or parts.netloc or not parts.path:
        return None
    try:
        path = (base / unquote(parts.path)).resolve()
    except (ValueError, OSError, RuntimeError):  # a NUL in the name, a link loop
        return None
    return path if project.contains(path) else None


def read(project: Project, path: Path) -> str:
    """A project file's text for the scan, through the guarded reader ("" if refused)."""
    try:
        return guarded_read.read_bytes(path, project.root).decode("utf-8", errors="replace")
    except HandoutError:
        return ""
