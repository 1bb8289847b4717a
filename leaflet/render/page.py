"""Stage 2, render: Jinja2 fills the kind's template, WeasyPrint lays it out.

``render`` returns the laid-out ``Document``; the preflight measures that same object
and ``write_pdf`` writes it, so a handout is laid out exactly once. Every PDF is tagged
(``tagging/``); what we add to the PDF WeasyPrint writes (printing presets; the
print-shop edition's PDF/X-4, inks, bleed and marks) is in ``pdf/``.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from jinja2 import Environment, select_autoescape
from markupsafe import Markup

from ..atomic import atomic_open
from ..errors import HandoutError, line_of
from ..limits import check_time
from ..project import Project
from ..source.clinic import load_clinic
from ..source.load import Handout
from ..source.markdown.assets import LINK_SCHEMES, link_line
from ..source.markdown.furigana import strip_furigana
from ..source.markdown.phrases import phrase_html
from .dates import japanese_date, source_date
from .edition import Edition
from .embed import shrink_pictures
from .fetcher import MISSING, ProjectFetcher, RefusedURL, shorten
from .fontslim import drop_unused_font_tables
from .pdf import chain
from .pdf import press as print_shop
from .pdf.settings import Press, press_settings
from .pdf.viewer_prefs import duplex_for, viewer_preferences
from .qr import qr_image
from .sheets import parsed
from .tagging import write_tagged
from .template_loader import GuardedLoader
from .weasy import (
    CSS,
    HTML,
    Document,
    FatalURLFetchingError,
    ImageFailures,
    at_most,
    drop_margin_box,
    engine_logger,
    pillow_warnings_as_errors,
    too_many_pixels,
)

PAGE_NUMBER_BOX = "@bottom-right"


@dataclass
class Rendered:
    handout: Handout
    html: str
    document: Document
    edition: str
    stylesheets: tuple[Path, ...] = ()
    stopped: bool = False  # layout was stopped at the page cap: there is more than this
    press: Press | None = None  # the print-shop edition's settings (build --press)


@lru_cache(maxsize=8)
def _environment(templates: Path, root: Path) -> Environment:
    env = Environment(
        loader=GuardedLoader(templates, root),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["jdate"] = japanese_date
    env.filters["phrases"] = phrase_html
    env.filters["plain"] = strip_furigana
    env.filters["qr"] = qr_image
    env.globals["source_date"] = source_date
    return env


def render_html(project: Project, handout: Handout, edition: Edition) -> str:
    env = _environment(project.templates, project.root)
    template = env.get_template(handout.kind.template)
    return template.render(
        handout=handout,
        meta=handout.meta,
        sections={name: Markup(html) for name, html in handout.sections.items()},
        clinic=load_clinic(project),
        kind=handout.kind,
        edition=edition.name,
        press=edition.press is not None,  # the print-shop edition: no office fold ticks (it gets fold marks)
        stylesheets=list(edition.stylesheets),
    )


def render(project: Project, handout: Handout, edition: Edition, html: str | None = None,
           max_pages: int | None = None) -> Rendered:
    """Lay out a handout; with ``max_pages``, stop there (``Rendered.stopped``). An
    ``edition`` with a press profile is the print-shop one (its colours in inks, its
    backgrounds painted into the bleed: see ``pdf.press``)."""
    press = press_settings(project) if edition.press else None
    html = html if html is not None else render_html(project, handout, edition)
    sheets = list(edition.stylesheets)
    fetcher = ProjectFetcher(project.root, print_shop.converter(press, sheets) if press else None)
    profiles: dict[str, Any] = {}  # @color-profile rules (the press profile), read into here
    with _resource_errors(handout), at_most(max_pages) as cap:
        fonts, css = parsed(sheets, edition.files, fetcher, html)
        if press:
            css = [*css, CSS(string=print_shop.stylesheet(press, sheets), url_fetcher=fetcher, font_config=fonts,
                             color_profiles=profiles)]
        document = HTML(string=html, base_url=handout.file.parent.as_uri() + "/",
                        url_fetcher=fetcher).render(stylesheets=css, font_config=fonts, color_profiles=profiles)
    if fonts.failed:  # also when the stylesheets were parsed (and warned) for an earlier handout
        raise HandoutError(handout.shown, None, f"フォント「{fonts.failed[0]}」を読み込めません"
                           "(@font-face の src のファイルが壊れているか、フォントではありません)",
                           "fonts/ のフォントファイルと、styles/ の @font-face の src を確認してください")
    _refuse_outside_links(project, handout, document)
    if len(document.pages) == 1:
        drop_margin_box(document, PAGE_NUMBER_BOX)  # "1 / 1" says nothing
    if press:
        print_shop.bleed(document)
    return Rendered(handout, html, document, edition.name, edition.stylesheets, stopped=bool(cap and cap.reached),
                    press=press)


def pdf_bytes(rendered: Rendered) -> bytes:
    """The PDF, tagged (``tagging``: structure tree, reading order, furigana as Ruby),
    with what we add to WeasyPrint's (``pdf/``): office printing presets, and for the
    print-shop edition PDF/X-4, boxes and marks; fonts slimmed (``fontslim``).
    Attachments and SVG images are fetched only now, so errors are watched here too."""
    shrink_pictures(rendered.document)  # 300 ppi at the size each picture is drawn
    press = rendered.press
    if press:
        print_shop.pictures_in_inks(rendered.document, press)  # then in inks
    duplex = duplex_for(rendered.handout.kind.duplex, len(rendered.document.pages))
    finisher = chain(viewer_preferences(duplex),
                     print_shop.finisher(press, rendered.handout.shown) if press else None,
                     drop_unused_font_tables)
    buffer = io.BytesIO()
    with _resource_errors(rendered.handout):
        write_tagged(rendered.document, buffer, rendered.handout.kind.reading_order,
                     finisher=finisher, **(print_shop.PDF_OPTIONS if press else {}))
        check_time()  # an SVG cut short by the time limit: keep the previous PDF
    return buffer.getvalue()


def write_pdf(rendered: Rendered, target: Path, data: bytes | None = None) -> None:
    """Write atomically: a failed write never leaves a half-written or missing PDF.
    ``data``: the PDF made already (``pdf_bytes``: the press rule reads it first)."""
    data = pdf_bytes(rendered) if data is None else data
    with atomic_open(target) as handle:
        handle.write(data)


@contextmanager
def _resource_errors(handout: Handout) -> Iterator[None]:
    """Turn a refused URL, or an image WeasyPrint could not load, into a HandoutError
    that names the file and line."""
    failures = ImageFailures()
    logger = engine_logger()
    logger.addHandler(failures)
    try:
        with pillow_warnings_as_errors():  # Pillow only warns, in English, below twice its pixel limit
            yield
    except RefusedURL as refused:
        if refused.hint:
            fix = refused.hint
        elif refused.reason == MISSING:
            fix = "ファイル名と置き場所(このファイルからの相対パス)を確認してください"
        elif refused.url.startswith("data:"):
            fix = "「data:image/png;base64,…」の形で書くか、画像をファイルにして相対パスで指定してください"
        else:
            fix = "handouts/ の中のファイルを相対パスで指定してください"
        raise HandoutError(handout.shown, _written_line(handout.text, refused.url),
                           f"{refused.reason}「{refused.shown}」", fix) from None
    except FatalURLFetchingError as fatal:  # the fetcher failed in a way of WeasyPrint's own
        if _caused_by(fatal, MemoryError):  # a picture too big to decode under the worker's limit
            raise MemoryError from None
        url = str(fatal).removeprefix('Error fetching "').removesuffix('"')
        raise HandoutError(handout.shown, _written_line(handout.text, url), f"読み込めません「{shorten(url)}」",
                           "ファイル名・URL の書き方と、@import が循環していないかを確認してください") from None
    finally:
        logger.removeHandler(failures)
    first = failures.first
    if first and too_many_pixels(failures.records[0]):
        raise HandoutError(handout.shown, _written_line(handout.text, first),
                           f"画像「{shorten(first.rsplit('/', 1)[-1])}」の画素数が多すぎます(約 8,900 万画素まで)",
                           "写真を縮小して(長い辺 3000 画素程度に)保存し直してください")
    if first == "":  # an <svg> written in the handout itself
        raise HandoutError(handout.shown, line_of(handout.text, "<svg"), "文中に書いた SVG 図を描けません",
                           "SVG の中で参照するファイルは handouts/ の中に置いて相対パスで書くか、"
                           "図を .svg ファイルにして ![説明](図.svg) で入れてください")
    if first is not None:
        raise HandoutError(handout.shown, _written_line(handout.text, first),
                           f"画像「{first.rsplit('/', 1)[-1]}」を描けません",
                           "ファイルが壊れていないか、形式(PNG・JPEG・SVG)と中で参照しているファイルを確認してください")


def _caused_by(error: BaseException, kind: type[BaseException]) -> bool:
    seen: BaseException | None = error
    for _ in range(20):  # a chain of causes is short; never loop on a cycle
        if seen is None:
            return False
        if isinstance(seen, kind):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


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
    raw = urlsplit(url).path
    path = unquote(raw)
    for written in (url, path, path.rsplit("/", 1)[-1], raw.rsplit("/", 1)[-1]):
        if written and (line := link_line(text, written, 1)) is not None:
            return line
    return None
