"""Stage 2, render: Jinja2 fills the kind's template, WeasyPrint lays it out.

``render`` returns the laid-out ``Document``; the preflight measures that same object
and ``write_pdf`` writes it, so a handout is laid out exactly once.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from .atomic import atomic_open
from .errors import IMAGE_FAILURES, HandoutError, line_of
from .engine import prepare
from .load import Handout
from .mdext.assets import LINK_SCHEMES, link_line
from .mdext.furigana import strip_furigana
from .mdext.phrases import phrase_html
from .pdf import chain
from .pdf.viewer_prefs import duplex_for, viewer_preferences
from .project import Project
from .render_dates import japanese_date, source_date

prepare()

from weasyprint import CSS, HTML, Document  # noqa: E402  (after prepare)

from .fetcher import MISSING, ProjectFetcher, RefusedURL  # noqa: E402
from .pdf.press import PDF_OPTIONS as PRESS_OPTIONS  # noqa: E402
from .pdf.press import Press  # noqa: E402
from .sheets import parsed  # noqa: E402

BASE_STYLESHEET = "base.css"
PAGE_NUMBER_BOX = "@bottom-right"


@dataclass
class Rendered:
    handout: Handout
    html: str
    document: Document
    edition: str
    press: Press | None = None  # the print-shop edition's settings (build --press)


def edition_of(handout: Handout, requested: str | None) -> str:
    """``normal`` or ``xl``: the command line wins over front matter."""
    return requested or str(handout.meta.get("size") or "normal")


@lru_cache(maxsize=8)
def _environment(templates: Path) -> Environment:
    env = Environment(
        loader=FileSystemLoader(templates),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["jdate"] = japanese_date
    env.filters["phrases"] = phrase_html
    env.filters["plain"] = strip_furigana
    env.globals["source_date"] = source_date
    return env


def render_html(project: Project, handout: Handout, edition: str = "normal", press: bool = False) -> str:
    env = _environment(project.templates)
    template = env.get_template(handout.kind.template)
    return template.render(
        handout=handout,
        meta=handout.meta,
        sections={name: Markup(html) for name, html in handout.sections.items()},
        clinic=project.clinic(),
        kind=handout.kind,
        edition=edition,
        press=press,  # the print-shop edition: no office fold ticks (it gets fold marks)
        stylesheets=stylesheets(project, handout, edition),
    )


def stylesheets(project: Project, handout: Handout, edition: str) -> list[Path]:
    """base.css, the kind's stylesheet, then the edition's: styles/xl.css and
    styles/<kind>.xl.css, when they exist."""
    sheets = [project.styles / BASE_STYLESHEET, handout.kind.stylesheet]
    if edition != "normal":
        sheets += [project.styles / f"{edition}.css",
                   project.styles / f"{handout.kind.name}.{edition}.css"]
    return [s for s in sheets if s.is_file()]


def render(project: Project, handout: Handout, edition: str = "normal",
           html: str | None = None, press: Press | None = None) -> Rendered:
    """``press``: lay out the print-shop edition (CMYK, bleed; see ``leaflet.pdf.press``)."""
    html = html if html is not None else render_html(project, handout, edition, press is not None)
    sheets = stylesheets(project, handout, edition)
    fetcher = ProjectFetcher(project.root, press.converter(sheets) if press else None)
    profiles: dict = {}  # @color-profile rules (the press profile), read into here
    with _resource_errors(handout):
        fonts, css = parsed(project, sheets, fetcher, html)
        if press:
            css = [*css, CSS(string=press.stylesheet(sheets), url_fetcher=fetcher, font_config=fonts,
                             color_profiles=profiles)]
        document = HTML(string=html, base_url=handout.file.parent.as_uri() + "/",
                        url_fetcher=fetcher).render(stylesheets=css, font_config=fonts,
                                                    color_profiles=profiles)
    _refuse_outside_links(project, handout, document)
    if len(document.pages) == 1:
        _drop_margin_box(document, PAGE_NUMBER_BOX)  # "1 / 1" says nothing
    if press:
        press.bleed(document)
    return Rendered(handout, html, document, edition, press)


def _drop_margin_box(document: Document, at_keyword: str) -> None:
    # WeasyPrint has no public API for this; the page box is private.
    for page in document.pages:
        box = page._page_box
        box.children = [c for c in box.children if getattr(c, "at_keyword", None) != at_keyword]


def pdf_bytes(rendered: Rendered) -> bytes:
    """The PDF, with what we add to WeasyPrint's (``leaflet.pdf``): office printing
    presets, and for the print-shop edition PDF/X-4, boxes and marks. Attachments and
    SVG images are fetched only now, so errors are watched here too."""
    duplex = duplex_for(rendered.handout.kind.duplex, len(rendered.document.pages))
    press = rendered.press
    finisher = chain(viewer_preferences(duplex), press.finisher(rendered.handout.shown) if press else None)
    with _resource_errors(rendered.handout):
        return rendered.document.write_pdf(finisher=finisher, **(PRESS_OPTIONS if press else {}))


def write_pdf(rendered: Rendered, target: Path, data: bytes | None = None) -> None:
    """Write atomically: a failed write never leaves a half-written or missing PDF."""
    data = pdf_bytes(rendered) if data is None else data
    with atomic_open(target) as handle:
        handle.write(data)


class _Errors(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if str(record.msg).startswith(IMAGE_FAILURES):
            self.records.append(record)


@contextmanager
def _resource_errors(handout: Handout) -> Iterator[None]:
    """Turn a refused URL, or an image WeasyPrint could not load, into a HandoutError
    that names the file and line."""
    errors = _Errors()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(errors)
    try:
        yield
    except RefusedURL as refused:
        missing = refused.reason == MISSING
        raise HandoutError(handout.shown, _written_line(handout.text, refused.url),
                           f"{refused.reason}「{refused.url}」",
                           "ファイル名と置き場所(このファイルからの相対パス)を確認してください" if missing
                           else "handouts/ の中のファイルを相対パスで指定してください") from None
    finally:
        logger.removeHandler(errors)
    if errors.records:
        record = errors.records[0]
        url = str(record.args[0]) if record.args else ""
        name = url.rsplit("/", 1)[-1]
        if not name or not url.startswith(("file:", "http:", "https:", "data:")):
            # An <svg> written in the handout itself: WeasyPrint names the folder it is
            # in, or gives its own exception text, not a file.
            raise HandoutError(handout.shown, line_of(handout.text, "<svg"), "文中に書いた SVG 図を描けません",
                               "SVG の中で参照するファイルは handouts/ の中に置いて相対パスで書くか、"
                               "図を .svg ファイルにして ![説明](図.svg) で入れてください")
        raise HandoutError(handout.shown, _written_line(handout.text, url),
                           f"画像「{name}」を描けません",
                           "ファイルが壊れていないか、形式(PNG・JPEG・SVG)と中で参照しているファイルを確認してください")


def _refuse_outside_links(project: Project, handout: Handout, document: Document) -> None:
    """A link in raw HTML (Markdown links are checked when loading) to a local file
    outside the project, or with a scheme a leaflet has no use for (``javascript:``):
    printed web links are harmless, but not ones that leak paths or run code."""
    for page in document.pages:
        for kind, target, _rect, _box in page.links:
            if kind not in ("external", "attachment") or not isinstance(target, str):
                continue
            parts = urlsplit(target)
            if parts.scheme == "file":
                if project.contains(Path(url2pathname(parts.path))):
                    continue
                problem = "はプロジェクトの外を指しています"
            elif parts.scheme in LINK_SCHEMES:
                continue
            else:
                problem = "は使えない種類のリンクです"
            raise HandoutError(handout.shown, _written_line(handout.text, target),
                               f"リンク「{target}」{problem}",
                               "http(s)・mailto・tel のリンクか、handouts/ の中のファイルを相対パスで書いてください")


def _written_line(text: str, url: str) -> int | None:
    """The line where the editor wrote ``url``: WeasyPrint gives it resolved
    (``/etc/hosts`` comes back as ``file:///etc/hosts``), so try what was typed too."""
    path = unquote(urlsplit(url).path)
    for written in (url, path, path.rsplit("/", 1)[-1]):
        if written and (line := link_line(text, written, 1)) is not None:
            return line
    return None
