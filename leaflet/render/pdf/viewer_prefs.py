"""Office printing presets: ``/ViewerPreferences`` in every PDF.

Print dialogs (Acrobat Reader, Chrome's and Edge's viewers, macOS Preview for some
keys) take their defaults from these, so a clinic worker who just presses 印刷 gets:
- ``/PrintScaling /None``: actual size. "Fit to page" shrinks an A4 sheet by about 3 %
  and moves the tri-fold's folds off the panel edges;
- ``/Duplex``: how the sheet is turned over, from the kind's schema (``duplex:`` in
  templates/<kind>.yaml). The tri-fold is flipped on the short edge (with the usual
  long-edge default its inside prints upside down); a portrait leaflet of two pages on
  the long edge; a one-page PDF is one-sided (``/Simplex``), whatever the kind says;
- ``/DisplayDocTitle``: the viewer's title bar shows the leaflet's title, not "faq.pdf".
"""

from __future__ import annotations

from typing import Any

import pydyf

DUPLEX_NAMES = {
    "short-edge": "/DuplexFlipShortEdge",
    "long-edge": "/DuplexFlipLongEdge",
    "simplex": "/Simplex",
}


def duplex_for(kind_duplex: str, pages: int) -> str:
    """The kind's choice (``short-edge``, ``long-edge``, ``simplex``); one page is simplex."""
    return "simplex" if pages <= 1 else kind_duplex


def viewer_preferences(duplex: str) -> Any:
    """A finisher that sets the catalog's ``/ViewerPreferences``."""

    def finish(document: Any, pdf: pydyf.PDF) -> None:
        # The tagging wrote /DisplayDocTitle here already (it runs while the PDF is
        # written, before any finisher): add to the dictionary, never replace it.
        preferences = pdf.catalog.get("ViewerPreferences")
        if not isinstance(preferences, pydyf.Dictionary):
            preferences = pdf.catalog["ViewerPreferences"] = pydyf.Dictionary()
        preferences.update({
            "PrintScaling": "/None",
            "Duplex": DUPLEX_NAMES[duplex],
            "DisplayDocTitle": "true",
        })

    return finish
