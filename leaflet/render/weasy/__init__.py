"""The one boundary with WeasyPrint: every import from it, every use of its private
API and every match on the text it logs is in this package, so an upgrade breaks in one
place (and ``tests/test_weasy_contract.py`` says what broke) instead of silently. The
rest of the tool imports ``render.weasy`` (this module) only, never its submodules.

Importing it imports WeasyPrint, quickly (see ``_import_quickly``), and refuses a
version we have not checked (``SUPPORTED_MAJOR``), before any submodule touches
WeasyPrint. It has no lasting side effect: fontconfig is isolated by
``engine.prepare()``, which runs when the first font configuration is made
(``FontFaces``), not at import.

Each submodule says which private API it uses:
- ``boxes``: the laid-out box tree (the preflight's walk, page-margin boxes, colours);
- ``fonts``: the ``@font-face`` rules a document loaded, the font copies, Pango's choice;
- ``pictures``: pictures as drawn, swapped for smaller (or ink) copies; the fetcher's
  ``Snapshot``;
- ``logs``: the texts of WeasyPrint's log messages we match;
- ``cap``: layout stopped after N pages;
- ``tags``: our structure tree in place of WeasyPrint's (tagged PDFs);
- ``press``: the print-shop edition's profile and bleed.
"""

from __future__ import annotations

import ctypes.util
import sys
import warnings

from ...errors import SetupError

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

# The submodules import WeasyPrint's own modules: only now, once the version is checked.
from weasyprint import CSS, DEFAULT_OPTIONS, HTML, Document  # noqa: E402

from .boxes import (  # noqa: E402
    BlockLevelBox,
    InlineBlockBox,
    LineBox,
    MarginBox,
    TableBox,
    TextBox,
    color,
    drop_margin_box,
    get_color,
    page_box,
    rectangle_aabb,
)
from .cap import Cap, at_most  # noqa: E402
from .fonts import Face, FontFaces, close_all, drawn_families, faces_of  # noqa: E402
from .logs import (  # noqa: E402
    FONT_FACE_FAILURE,
    IMAGE_FAILURES,
    LOGGER_NAME,
    MISSING_GLYPH,
    ImageFailures,
    engine_logger,
    is_engine_record,
    pillow_warnings_as_errors,
    reported_by_us,
    too_many_pixels,
)
from .pictures import (  # noqa: E402
    FatalURLFetchingError,
    RasterImage,
    Snapshot,
    SVGImage,
    URLFetcher,
    URLFetcherResponse,
    picture_area,
    placed_rasters,
    raster_bytes,
    recolour_background_rasters,
    replace_raster,
)
from .press import Area, cmyk_profile, grow_background, grow_overflow_clip, paints_background  # noqa: E402
from .tags import MarkedStream, declared_artifact, link_annotation, structure_builder, unwrap  # noqa: E402

__all__ = [
    "CSS", "DEFAULT_OPTIONS", "FONT_FACE_FAILURE", "HTML", "IMAGE_FAILURES", "LOGGER_NAME", "MISSING_GLYPH",
    "NO_FONTS_WARNING", "SUPPORTED_MAJOR", "Area", "BlockLevelBox", "Cap", "Document", "Face",
    "FatalURLFetchingError", "FontFaces", "ImageFailures", "InlineBlockBox", "LineBox", "MarginBox", "MarkedStream",
    "RasterImage", "SVGImage", "Snapshot", "TableBox", "TextBox", "URLFetcher", "URLFetcherResponse", "at_most",
    "check_version", "close_all", "cmyk_profile", "color", "declared_artifact", "drawn_families", "drop_margin_box",
    "engine_logger", "faces_of", "get_color", "grow_background", "grow_overflow_clip", "is_engine_record",
    "link_annotation", "page_box", "paints_background", "picture_area", "pillow_warnings_as_errors",
    "placed_rasters", "raster_bytes", "recolour_background_rasters", "rectangle_aabb", "replace_raster",
    "reported_by_us", "structure_builder", "too_many_pixels", "unwrap",
]
