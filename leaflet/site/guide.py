"""The staff guide beside the catalog: ``docs/guide/index.md`` (Japanese Markdown, read in
the repository too) is written as ``out/guide/index.html`` with its pictures, so the
catalog page can link it whether it is opened from a file share or served.

The catalog (and so the guide) is written after a build that changed something; a build
that changed nothing asks ``out_of_date`` first, so this must cost nothing then: the page
is given the newest modification time of what it is made from, and is only made again
(importing Markdown) when that differs. Light to import: no Markdown, no Jinja2 here.

Every file is read through ``guarded_read`` (the Markdown, the templates through the
``GuardedLoader``, each picture): a guide picture linked to a file outside the project is
refused unread, never copied into out/. A refusal is a ``HandoutError`` naming the file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .. import guarded_read
from ..atomic import atomic_open
from ..project import CATALOG_TEMPLATES, Project

SOURCE = Path("docs/guide")      # in the project: index.md and images/
TARGET = "guide"                 # in the output folder: index.html and images/
PAGE = "index.html"
TEMPLATE = "guide.html"          # templates/catalog/guide.html (with catalog.css)
BASE = "_page.html"              # what it extends: the head every catalog page shares
PICTURES = (".png", ".jpg", ".jpeg", ".svg")


def write_guide(project: Project, out: Path) -> Path | None:
    """Write (or keep) ``out/guide/index.html`` and its pictures; None when the project
    has no guide."""
    markdown_file = project.root / SOURCE / "index.md"
    if not guarded_read.exists(markdown_file):  # a broken link is there: read, and refused
        return None
    target = out / TARGET / PAGE
    pictures, stamp = _inputs(project)
    _copy_pictures(pictures, out / TARGET / "images", project.root)
    if target.is_file() and target.stat().st_mtime_ns == stamp:
        return target
    html = _page(guarded_read.read_text(markdown_file, project.root), project)
    with atomic_open(target, "w", encoding="utf-8", mtime_ns=stamp) as handle:
        handle.write(html)
    return target


def out_of_date(project: Project, out: Path) -> bool:
    """True when the guide in ``out`` is missing or older than what it is made from (a
    build that changed no PDF still refreshes it then). Only reads file times."""
    if not (project.root / SOURCE / "index.md").is_file():
        return False
    pictures, stamp = _inputs(project)
    target = out / TARGET / PAGE
    if not target.is_file() or target.stat().st_mtime_ns != stamp:
        return True
    copies = out / TARGET / "images"
    return any(not (copies / p.name).is_file() or (copies / p.name).stat().st_mtime_ns != p.stat().st_mtime_ns
               for p in pictures)


def _inputs(project: Project) -> tuple[list[Path], int]:
    """The guide's pictures, and the newest modification time of everything it is made from."""
    source = project.root / SOURCE
    templates = project.templates / CATALOG_TEMPLATES
    pictures = sorted(p for p in (source / "images").glob("*") if p.suffix.lower() in PICTURES)
    inputs = [source / "index.md", templates / TEMPLATE, templates / BASE, templates / "catalog.css", *pictures]
    return pictures, max(p.stat().st_mtime_ns for p in inputs if p.is_file())


def _copy_pictures(pictures: list[Path], folder: Path, root: Path) -> None:
    """Copy each picture once (it keeps its own time); remove copies whose original is gone."""
    for picture in pictures:
        copy = folder / picture.name
        mtime = picture.stat().st_mtime_ns
        if not (copy.is_file() and copy.stat().st_mtime_ns == mtime):
            data = guarded_read.read_bytes(picture, root, guarded_read.IMAGE_LIMIT)
            with atomic_open(copy, mtime_ns=mtime) as handle:
                handle.write(data)
    names = {picture.name for picture in pictures}
    for copy in folder.glob("*") if folder.is_dir() else ():
        if copy.is_file() and copy.name not in names:
            copy.unlink()


def _page(text: str, project: Project) -> str:
    import jinja2
    import markdown
    from markdown.extensions.toc import slugify_unicode
    from markupsafe import Markup

    from ..render.template_loader import GuardedLoader

    # Japanese headings keep their words as ids (#困ったときは), as GitHub makes them.
    converter = markdown.Markdown(extensions=["fenced_code", "tables", "toc"],
                                  extension_configs={"toc": {"slugify": slugify_unicode}})
    body = converter.convert(text)
    # The toc extension sets it on the converter: a list of nested dicts (name, id, children).
    tokens: list[dict[str, Any]] = getattr(converter, "toc_tokens", [])
    top: dict[str, Any] = tokens[0] if tokens else {"name": "使い方の手引き", "children": []}
    head, end, rest = body.partition("</h1>")  # the contents go under the title
    if not end:
        head, rest = "", body
    env = jinja2.Environment(loader=GuardedLoader(project.templates / CATALOG_TEMPLATES, project.root),
                             autoescape=True, undefined=jinja2.StrictUndefined)
    return env.get_template(TEMPLATE).render(
        title=top["name"], sections=[{"id": t["id"], "name": t["name"]} for t in top["children"]],
        head=Markup(head + end), body=Markup(rest))
