"""The one boundary with WeasyPrint: every import from it, every use of its private
API and every match on the text it logs is here, so an upgrade breaks in one place
(and ``tests/test_weasy_contract.py`` says what broke) instead of silently.

Importing this module imports WeasyPrint, quickly (see ``_import_quickly``), and
refuses a version we have not checked (``SUPPORTED_MAJOR``). It has no lasting side
effect: fontconfig is isolated by ``engine.prepare()``, which runs when the first font
configuration is made (``FontFaces``), not at import.

Private API used, all read-only except where noted:
- ``page._page_box``: the laid-out box tree of a page (the preflight walks it; the
  "1 / 1" page number of a one-page document is removed from its children);
- ``weasyprint.formatting_structure.boxes`` classes, ``draw.color.get_color`` and
  ``anchors.rectangle_aabb`` for the walk (``check/boxes.py``; ``check/flow.py`` also reads
  where a line ends at a ``<br>``, the line boxes inside a phrase span, and a page's first
  block's ``break_before`` / ``break_inside``);
- ``FontConfiguration._folder`` (set: where the fonts are copied) and an override of
  ``add_font_face`` (to remember which files a document loaded);
- ``text.ffi``'s Pango bindings and a text box's ``pango_layout`` (which fonts Pango
  chose for a run);
- ``Document.font_config``, and ``Document.color_profiles`` with a profile's ``src``;
- the print-shop bleed (set): a box's ``background`` (a namedtuple of layers with
  ``painting_area`` and ``clipped_boxes``) and its ``rounded_padding_box()``, the clip
  drawn for ``overflow: hidden``;
- pictures: a replaced box's ``replacement`` (set: a downsampled copy; a background
  layer's ``image``, and the page box's ``canvas_background``, set: a copy in inks), where
  ``layout.replaced.replacedbox_layout`` draws it inside its box (after object-fit),
  ``RasterImage``'s constructor, ``width``/``height``/``id`` and ``image_data.data``;
- the text of its log messages (images it could not draw, missing glyphs, a
  ``@font-face`` it could not load) and of the warning it gives when fontconfig has no
  fonts;
- ``layout.make_all_pages`` (replaced, once a render asks for a page cap, by a wrapper
  that ends after N pages) and the layout context's ``page_maker`` list;
- ``URLFetcherResponse.path`` (``None`` in ``Snapshot``: with a file name, a raster image
  is read again from that path when the PDF is written, ``images.LazyLocalImage``).
- tagged PDFs: ``pdf.add_tags`` (replaced by our structure-tree builder while a PDF is
  written), a page stream's box → MCID table ``_tags`` and its marked-content operators,
  a box's ``link_annotation``, an absolutely positioned box's placeholder (``_box``), and
  how ``style`` keys a custom property (``--pdf-artifact``).
"""

from __future__ import annotations

import atexit
import ctypes.util
import io
import logging
import shutil
import sys
import warnings
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

import pydyf
from PIL import Image as PillowImage

from ..errors import SetupError
from .engine import prepare
from .fonts import new_font_folder

SUPPORTED_MAJOR = 70  # as pinned: weasyprint>=70.0,<71
NO_FONTS_WARNING = "No fonts configured in FontConfig"  # at import: what we asked for


def _import_quickly() -> None:
    """Import WeasyPrint without searching for its libraries.

    WeasyPrint finds Pango & co. by trying Windows, macOS and Linux names in turn; cffi
    answers each miss with ``ctypes.util.find_library``, which runs ``ldconfig -p`` (and
    gcc) in subprocesses: ≈0.15 s on every start, mostly for ``libharfbuzz-vector``,
    which Debian 12 lacks. On Linux the sonames in WeasyPrint's lists load directly, and
    ``find_library`` could only return those same sonames, so during the import a miss
    may as well be a quick one. The real function is put back afterwards.
    """
    search = ctypes.util.find_library
    if sys.platform.startswith("linux"):
        ctypes.util.find_library = lambda name: None
    try:
        with warnings.catch_warnings():
            # fontconfig may already be isolated (no system fonts): that is on purpose.
            warnings.filterwarnings("ignore", message=NO_FONTS_WARNING)
            import weasyprint
    except OSError:
        ctypes.util.find_library = search
        with warnings.catch_warnings():  # not loadable by soname: search the usual way
            warnings.filterwarnings("ignore", message=NO_FONTS_WARNING)
            import weasyprint  # noqa: F401
    finally:
        ctypes.util.find_library = search


def check_version(version: str) -> None:
    """Refuse a WeasyPrint whose private API we have not checked."""
    major = version.split(".", 1)[0]
    if not major.isdigit() or int(major) != SUPPORTED_MAJOR:
        raise SetupError(
            f"WeasyPrint {version} には対応していません(このツールは WeasyPrint {SUPPORTED_MAJOR}.x 用です)。"
            f"make setup で決められた版を入れ直してください / WeasyPrint {version} is not supported "
            f"(make_pdf needs {SUPPORTED_MAJOR}.x): reinstall the pinned packages (make setup).")


_import_quickly()

import weasyprint  # noqa: E402

check_version(weasyprint.__version__)

import weasyprint.layout as _layout  # noqa: E402
import weasyprint.pdf as weasy_pdf  # noqa: E402
from PIL import Image as _PillowImage  # noqa: E402  (WeasyPrint's own image library)
from weasyprint import CSS, DEFAULT_OPTIONS, HTML, Document  # noqa: E402
from weasyprint.anchors import rectangle_aabb  # noqa: E402
from weasyprint.draw.color import get_color  # noqa: E402
from weasyprint.formatting_structure.boxes import (  # noqa: E402
    BlockLevelBox,
    InlineBlockBox,
    LineBox,
    MarginBox,
    TableBox,
    TextBox,
)
from weasyprint.images import RasterImage, SVGImage  # noqa: E402
from weasyprint.layout.absolute import AbsolutePlaceholder  # noqa: E402
from weasyprint.layout.replaced import replacedbox_layout  # noqa: E402
from weasyprint.text.ffi import ffi, pango  # noqa: E402
from weasyprint.text.fonts import FontConfiguration  # noqa: E402
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse  # noqa: E402

__all__ = [
    "CSS", "HTML", "BlockLevelBox", "Cap", "Document", "Face", "FatalURLFetchingError", "FontFaces", "ImageFailures",
    "InlineBlockBox", "LineBox", "MarginBox", "MarkedStream", "RasterImage", "SVGImage", "Snapshot", "TableBox",
    "TextBox", "URLFetcher", "URLFetcherResponse", "at_most", "close_all", "cmyk_profile", "color",
    "declared_artifact", "drawn_families", "drop_margin_box", "faces_of", "grow_background", "grow_overflow_clip",
    "link_annotation", "page_box", "paints_background", "picture_area", "pillow_warnings_as_errors", "placed_rasters",
    "raster_bytes", "recolour_background_rasters", "rectangle_aabb", "replace_raster", "reported_by_us",
    "structure_builder", "too_many_pixels", "unwrap",
]

LOGGER_NAME = "weasyprint"

# What WeasyPrint logs for an image it could not draw (and leaves out of the PDF): for a
# handout that is an error of ours, said in Japanese with its line, not a warning of its.
IMAGE_FAILURES = ("Failed to load image", "Failed to render SVG image", "Failed to load inline SVG")
# What it logs, while writing the PDF, for a character the fonts lack (the glyph rule
# reports it before anything is written).
MISSING_GLYPH = ".notdef glyph rendered"
# What it warns when a @font-face cannot be used (the font is then silently missing).
FONT_FACE_FAILURE = "Font-face"


# --- the laid-out document --------------------------------------------------------------


def page_box(page: Any) -> Any:
    """The root box of a laid-out page (WeasyPrint has no public API for it)."""
    return page._page_box


def drop_margin_box(document: Document, at_keyword: str) -> None:
    """Remove a page-margin box (``@bottom-right``) from every laid-out page."""
    for page in document.pages:
        box = page_box(page)
        box.children = [c for c in box.children if getattr(c, "at_keyword", None) != at_keyword]


def color(style: Any, key: str,
          cmyk: Callable[[tuple[float, ...]], tuple[float, ...]]) -> tuple[float, float, float, float]:
    """A computed colour as sRGB red, green, blue (clamped to 0–1) and alpha. ``cmyk``
    turns a ``device-cmyk()`` colour (the print-shop edition's inks) into sRGB, as the
    press profile prints it (tinycss2 cannot convert one)."""
    colour = get_color(style, key)
    if colour.space == "device-cmyk":
        coordinates = cmyk(tuple(colour.coordinates))
    else:
        coordinates = colour.to("srgb").coordinates
    red, green, blue = (min(max(c, 0.0), 1.0) for c in coordinates)
    return red, green, blue, colour.alpha


def cmyk_profile(document: Document) -> str | None:
    """The file of the CMYK profile a laid-out document declared (``@color-profile
    device-cmyk``: the print-shop edition), None for an office document."""
    src = str(getattr(document.color_profiles.get("device-cmyk"), "src", "") or "")
    return url2pathname(urlsplit(src).path) if src.startswith("file:") else None


# --- backgrounds, for the print-shop bleed ----------------------------------------------

Area = tuple[float, float, float, float]  # x, y, width, height in CSS px


def paints_background(box: Any) -> bool:
    """A box that paints a background of its own (a colour or an image); the root
    element's is the page's, which WeasyPrint paints over the bleed already."""
    background = getattr(box, "background", None)
    if background is None or box.is_for_root_element:
        return False
    return background.color.alpha > 0 or any(layer.image is not None for layer in background.layers)


def grow_background(box: Any, grow: Callable[[Area], Area]) -> None:
    """Paint ``box``'s background over ``grow(area)`` instead (each layer's painting area
    and clip). Drawing only: the layout does not change."""
    layers = []
    for layer in box.background.layers:
        area = grow(layer.painting_area) if layer.painting_area else layer.painting_area
        clips = [(*grow(clip[:4]), *clip[4:]) for clip in layer.clipped_boxes]
        layers.append(layer._replace(painting_area=area, clipped_boxes=clips))
    box.background = box.background._replace(layers=layers)


def grow_overflow_clip(box: Any, grow: Callable[[Area], Area]) -> None:
    """Let a box that hides its overflow show what is painted within ``grow(its clip)``."""
    x, y, width, height, *radii = box.rounded_padding_box()
    grown = (*grow((x, y, width, height)), *radii)
    box.rounded_padding_box = lambda: grown  # this box's clip, for drawing only


def drawn_families(textbox: Any, cache: dict[int, str]) -> set[str]:
    """Family names of the fonts Pango chose for a text box's runs.

    WeasyPrint drops a text box's Pango layout after line breaking and rebuilds it to
    draw; we do the same, briefly (≈10 µs a box), and leave it as we found it.
    """
    layout = textbox.pango_layout
    layout.reactivate(textbox.style)
    try:
        line, _ = layout.get_first_line()
        found = set()
        run = line.runs
        while run != ffi.NULL:
            font = run.data.item.analysis.font
            key = int(ffi.cast("uintptr_t", font))
            if key not in cache:
                description = pango.pango_font_describe_with_absolute_size(font)
                cache[key] = ffi.string(pango.pango_font_description_get_family(description)).decode()
                pango.pango_font_description_free(description)
            found.add(cache[key])
            run = run.next
        return found
    finally:
        layout.deactivate()


# --- tagged PDFs (render/tagging) ---------------------------------------------------------


def unwrap(box: Any) -> Any:
    """An absolutely positioned box sits among its parent's children as a placeholder."""
    return box._box if isinstance(box, AbsolutePlaceholder) else box


def declared_artifact(box: Any) -> bool:
    """The stylesheet said ``--pdf-artifact: yes`` (inherited, like any custom property)."""
    try:  # how WeasyPrint 70 keys it; computed on first use, so .get() would miss it
        return getattr(box.style["__pdf_artifact"][0], "value", None) == "yes"
    except (KeyError, IndexError, TypeError):  # not declared, or declared empty
        return False


class MarkedStream:
    """A page painted with tags on: each text box is ``/Span``, each picture ``/Figure <</MCID n>>
    BDC`` … ``EMC`` in its operator list (not a mark in a group with opacity: that has its own)."""

    def __init__(self, stream: Any) -> None:
        self.mcids: dict[Any, int] = {box: int(mark["mcid"]) for box, mark in stream._tags.items()}
        self._ops: list[Any] = stream.stream
        self._at = {op["MCID"]: i for i, op in enumerate(self._ops) if isinstance(op, dict) and "MCID" in op}

    def retag(self, mcid: int, tag: str | None = None, **properties: Any) -> None:
        """Add ``properties`` to a mark's, or make it ``/tag <<properties>>`` (an artifact)."""
        if (i := self._at.get(mcid)) is not None and tag:
            self._ops[i - 1: i + 1] = [f"/{tag}", pydyf.Dictionary(properties)]
        elif i is not None:
            self._ops[i].update(properties)


@contextmanager
def structure_builder(build: Callable[[Any, list[MarkedStream]], None]) -> Iterator[None]:
    """Let ``build(pdf, pages)`` make the structure tree of the tagged PDFs written in the block,
    in place of WeasyPrint's, which empties the box → MCID tables before a ``finisher`` runs."""
    original = weasy_pdf.add_tags
    weasy_pdf.add_tags = lambda pdf, _doc, _version, streams: build(pdf, [MarkedStream(s) for s in streams])
    try:
        yield
    finally:
        weasy_pdf.add_tags = original


def link_annotation(box: Any) -> Any:
    return getattr(box, "link_annotation", None)  # the /Annot written for a link's box, or None


# --- pictures ------------------------------------------------------------------------------


def picture_area(box: Any) -> tuple[float, float, float, float]:
    """Where a replaced box draws its picture: width, height, left, top (px). With
    ``object-fit: contain`` a portrait photo fills only the middle of a landscape box."""
    width, height, left, top = replacedbox_layout(box)
    return width, height, left, top


def placed_rasters(document: Document) -> Iterator[tuple[Any, RasterImage, float, float]]:
    """Each laid-out box that draws a raster picture: (box, image, drawn width, height)."""
    stack = [page_box(page) for page in document.pages]
    while stack:
        box = stack.pop()
        image = getattr(box, "replacement", None)
        if isinstance(image, RasterImage):
            width, height, _left, _top = picture_area(box)
            yield box, image, width, height
        stack.extend(getattr(box, "children", ()))


def raster_bytes(image: RasterImage) -> bytes:
    """The encoded picture WeasyPrint would embed."""
    return image.image_data.data


def replace_raster(boxes: list[Any], image: RasterImage, data: bytes, pixels: tuple[int, int]) -> None:
    """Draw ``data`` (an encoded picture of ``pixels``) in place of ``image`` in ``boxes``."""
    copy = _raster(image, data, f"{pixels[0]}x{pixels[1]}")
    for box in boxes:
        box.replacement = copy


def _raster(image: RasterImage, data: bytes, tag: str) -> RasterImage:
    return RasterImage(PillowImage.open(io.BytesIO(data)), f"{image.id}-{tag}", data, options=DEFAULT_OPTIONS)


BACKGROUNDS = ("background", "canvas_background")  # a box's; the page's (from the root element's)


def recolour_background_rasters(document: Document, convert: Callable[[bytes], bytes]) -> int:
    """Paint each raster ``background-image`` as ``convert(its bytes)``; how many."""
    copies: dict[int, RasterImage] = {}
    stack = [page_box(page) for page in document.pages]
    while stack:
        box = stack.pop()
        for name in BACKGROUNDS:
            if (background := getattr(box, name, None)) is None:
                continue
            layers = []
            for layer in background.layers:
                if isinstance(image := layer.image, RasterImage):
                    if id(image) not in copies:
                        copies[id(image)] = _raster(image, convert(raster_bytes(image)), "ink")
                    layer = layer._replace(image=copies[id(image)])
                layers.append(layer)
            setattr(box, name, background._replace(layers=layers))
        stack.extend(getattr(box, "children", ()))
    return len(copies)


# --- fonts --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Face:
    """One ``@font-face`` rule a document loaded."""

    family: str
    weight: object  # as WeasyPrint parsed it: 400, 700, "bold"…
    style: str
    sources: tuple[tuple[str, str], ...]  # (type, url) pairs from ``src``

    def files(self) -> list[Path]:
        """Local files named by ``src: url(...)`` (``local()`` and remote URLs are not)."""
        found = []
        for kind, url in self.sources:
            parts = urlsplit(url or "")
            if kind == "external" and parts.scheme == "file":
                found.append(Path(url2pathname(unquote(parts.path))))
        return found


class FontFaces(FontConfiguration):
    """A font configuration that records every ``@font-face`` rule it is given (the
    preflight reads the source files: missing glyphs, only the project's own fonts), and
    keeps its copies of the fonts where we can remove them.

    WeasyPrint copies each face (9 MB for ours) into ``self._folder``, made on first use
    in /tmp and removed only by ``__del__``, which never runs for a configuration still
    cached when a worker process ends with ``os._exit``. Ours is a folder in our scratch
    folder, locked by this process, and removed by ``close()`` (see ``fonts``).
    """

    _folder: Path | None

    def __init__(self) -> None:
        prepare()  # fontconfig must see only our fonts before a configuration loads it
        super().__init__()
        self.faces: list[Face] = []
        self.failed: list[str] = []  # families WeasyPrint could not load (it only warns)
        self._folder, self._lock = new_font_folder()
        if not _open:
            atexit.register(close_all)
        _open.add(self)

    def close(self) -> None:
        """Remove the copies of the fonts now. Only once no document uses them."""
        folder, self._folder = self._folder, None
        if folder:
            shutil.rmtree(folder, ignore_errors=True)
            self._lock.close()

    def add_font_face(self, rule_descriptors: dict[str, Any], url_fetcher: Any) -> Any:
        self.faces.append(Face(
            family=str(rule_descriptors.get("font_family", "")),
            weight=rule_descriptors.get("font_weight", "normal"),
            style=str(rule_descriptors.get("font_style", "normal")),
            sources=tuple((str(kind), str(url)) for kind, url in rule_descriptors.get("src", ())),
        ))
        watch = _FontFaceFailures()
        engine_logger().addHandler(watch)
        try:
            return super().add_font_face(rule_descriptors, url_fetcher)
        finally:
            engine_logger().removeHandler(watch)
            if watch.failed:
                self.failed.append(str(rule_descriptors.get("font_family", "")))


class _FontFaceFailures(logging.Handler):  # notices FONT_FACE_FAILURE while a face loads
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.failed = False

    def emit(self, record: logging.LogRecord) -> None:
        if str(record.msg).startswith(FONT_FACE_FAILURE):
            self.failed = True


_open: weakref.WeakSet[FontFaces] = weakref.WeakSet()


def close_all() -> None:
    """Remove every font copy this process made: at exit, where ``__del__`` may not run
    (objects still referenced at shutdown, a worker ending with ``os._exit``)."""
    for faces in list(_open):
        faces.close()


def faces_of(document: Document) -> list[Face]:
    """The ``@font-face`` rules a rendered document loaded (none unless it was given a
    ``FontFaces``)."""
    return list(getattr(document.font_config, "faces", []))


# --- what it logs -------------------------------------------------------------------------


def engine_logger() -> logging.Logger:
    return logging.getLogger(LOGGER_NAME)


def is_engine_record(record: logging.LogRecord) -> bool:
    return record.name == LOGGER_NAME or record.name.startswith(LOGGER_NAME + ".")


def reported_by_us(message: str) -> bool:
    """A WeasyPrint warning that our own checks and errors already say, in Japanese and
    with a file:line: a character the fonts lack (the glyph rule), an image that cannot
    be drawn (an error of the handout)."""
    return message.startswith((MISSING_GLYPH, FONT_FACE_FAILURE, *IMAGE_FAILURES))


class ImageFailures(logging.Handler):
    """Collects WeasyPrint's errors for images it could not draw (while rendering or
    writing); ``first`` is the URL of the first one, "" when it names no file (an
    ``<svg>`` written in the page), None when there was none."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if str(record.msg).startswith(IMAGE_FAILURES):
            self.records.append(record)

    @property
    def first(self) -> str | None:
        if not self.records:
            return None
        args = self.records[0].args
        url = str(args[0]) if isinstance(args, tuple) and args else ""
        # An inline <svg>: WeasyPrint names the folder it is in, or gives its own
        # exception text, not a file.
        if not url.rsplit("/", 1)[-1] or not url.startswith(("file:", "http:", "https:", "data:")):
            return ""
        return url


def too_many_pixels(record: logging.LogRecord) -> bool:
    """An image failure caused by Pillow's decompression-bomb guard."""
    error = record.args[-1] if isinstance(record.args, tuple) and record.args else None
    while isinstance(error, BaseException):
        if isinstance(error, (_PillowImage.DecompressionBombError, _PillowImage.DecompressionBombWarning)):
            return True
        error = error.__cause__ or error.__context__
    return False


@contextmanager
def pillow_warnings_as_errors() -> Iterator[None]:
    """Pillow only warns (in English, on stderr) for an image between its pixel limit and
    twice that: here such an image fails to load like a larger one, and is named."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", _PillowImage.DecompressionBombWarning)
        yield


class Snapshot(URLFetcherResponse):
    """Bytes the fetcher read, with no file behind them as far as WeasyPrint can tell:
    given a file name, WeasyPrint reads a JPEG or PNG again by that path when it writes
    the PDF, and embeds whatever the path holds by then."""

    @property
    def path(self) -> None:
        return None


# --- the page cap -------------------------------------------------------------------------


@dataclass
class Cap:
    pages: int
    reached: bool = False  # there was more to lay out


_cap: ContextVar[Cap | None] = ContextVar("page_cap", default=None)
_make_all_pages = _layout.make_all_pages


def _bounded(context: Any, root_box: Any, html: Any, pages: list[Any]) -> Iterator[Any]:
    """``make_all_pages``, ending after the cap's pages. The page maker's next entry says
    whether there was more (``resume_at``); it is marked as needing no second pass."""
    cap = _cap.get()
    made = _make_all_pages(context, root_box, html, pages)
    if cap is None:
        yield from made
        return
    for number, page in enumerate(made, 1):
        yield page
        if number >= cap.pages:
            following = context.page_maker[number] if number < len(context.page_maker) else None
            if following is not None and following[0] is not None:
                cap.reached = True
                following[-1]["content_changed"] = following[-1]["pages_wanted"] = False
                del context.page_maker[number + 1:]
            made.close()
            return


@contextmanager
def at_most(pages: int | None) -> Iterator[Cap | None]:
    """Renders in this block stop after ``pages`` pages (WeasyPrint lays out every page a
    document needs: a 5 MB FAQ became 3,502 pages in five minutes and 1.9 GB);
    ``cap.reached`` tells whether the document was longer."""
    if pages is None:
        yield None
        return
    if _layout.make_all_pages is not _bounded:
        _layout.make_all_pages = _bounded  # a no-op for renders without a cap
    cap = Cap(pages)
    token = _cap.set(cap)
    try:
        yield cap
    finally:
        _cap.reset(token)
