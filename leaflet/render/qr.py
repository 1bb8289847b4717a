"""The clinic's web address as a QR code: a vector image (SVG in a ``data:`` URI, drawn by
WeasyPrint as paths, never a raster) with its 4-module quiet zone built in.

The stylesheet gives the image a fixed size (``QR_SIZE_MM``, quiet zone included), so a
longer address makes finer modules instead of moving the layout. Version 1 (21 modules) is
never used: at that size its symbol would be under 20 mm.
"""

from __future__ import annotations

import base64
import io
from functools import lru_cache

from markupsafe import Markup, escape

QUIET_ZONE = 4  # modules of white around the symbol, as ISO/IEC 18004 asks
MIN_VERSION = 2  # 25 modules: 27 mm with its quiet zone leaves a 20.5 mm symbol
QR_SIZE_MM = 27  # the image in the stylesheets (.qr), quiet zone included
DARK = "#000000"  # full black on white: the best contrast a phone's camera can get


@lru_cache(maxsize=16)
def qr_svg(url: str) -> bytes:
    """The SVG of ``url``'s QR code (error correction M, or better when it fits)."""
    import segno  # only when a clinic has a web address

    code = segno.make(url, error="m", micro=False)
    if code.version < MIN_VERSION:  # type: ignore[operator]
        code = segno.make(url, error="m", micro=False, version=MIN_VERSION)
    buffer = io.BytesIO()
    code.save(buffer, kind="svg", border=QUIET_ZONE, dark=DARK, light="#ffffff", omitsize=True,
              xmldecl=False, svgns=True, svgclass=None, lineclass=None)
    return buffer.getvalue()


def qr_image(url: object, alt: str = "ホームページのQRコード", css_class: str = "qr") -> Markup:
    """An ``<img>`` of the QR code, for the templates (the ``qr`` filter)."""
    data = base64.b64encode(qr_svg(str(url))).decode("ascii")
    return Markup(f'<img class="{escape(css_class)}" alt="{escape(alt)}" '
                  f'src="data:image/svg+xml;base64,{data}">')
