"""The print-shop edition (``build --press`` → ``out/press/…``): what a Japanese print
shop asks for, from the same Markdown and stylesheets as the office PDF.

- PDF/X-4 (WeasyPrint's ``pdf/x-4`` variant) with a CMYK output intent: the press
  profile (``settings``: the bundled one, or the printer's own named in ``clinic.yaml``);
- every colour in inks: the stylesheets' ``device-cmyk()`` twins (see ``colour``), SVG
  pictures converted through the profile as WeasyPrint reads them, raster pictures
  once they have been downsampled to 300 ppi of their drawn size (``embed``);
- 3 mm bleed (塗り足し): the page is painted 3 mm past the paper's edge; TrimBox is
  the paper, BleedBox the paper + 3 mm; crop and fold marks (トンボ) outside that;
- fonts embedded and text kept as text, tagged (the structure tree), as in every PDF we
  write; the marks are artifacts.

The preflight runs on it as on any build, plus the press rule (``check/press.py``),
which reads the written PDF back.
"""

from __future__ import annotations

import re
import uuid
import zlib
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

import pydyf

from ..weasy import page_box, placed_rasters, raster_bytes, recolour_background_rasters, replace_raster
from . import Finisher, colour
from .bleed import extend_backgrounds
from .marks import MM, marks_stream
from .settings import BLEED_MM, Press

MARK_AREA_MM = 13.0  # beyond the bleed: the marks (10 mm) and a little paper
# PDF/X-4, tagged: the structure tree of the office PDF is kept (``tagging``; PDF/X-4
# allows it). WeasyPrint writes one variant's identification into the XMP, so a press
# file names PDF/X-4 only, not PDF/UA-1 as the office PDF does.
PDF_OPTIONS = {"pdf_variant": "pdf/x-4", "pdf_tags": True}
# The marks are printer's marks: a "Page" artifact (ISO 32000-1, 14.8.2.2.2: "production
# aids extraneous to the document itself, such as cut marks and colour bars").
ARTIFACT = (b"/Artifact <</Type /Page>> BDC\n", b"\nEMC")
REGISTRY = "http://www.color.org"


def stylesheet(press: Press, sheets: list[Path]) -> str:
    """What turns a stylesheet set into its press edition: the profile that WeasyPrint
    embeds as the output intent, the bleed, and every colour swapped for its twin."""
    return "\n".join([
        f'@color-profile device-cmyk {{ src: url("{press.profile.as_uri()}"); '
        "components: cyan, magenta, yellow, black; }",
        f"@page {{ bleed: {BLEED_MM:g}mm; }}",
        colour.press_overrides(colour.twins(sheets, press.root)),
    ])


def converter(press: Press, sheets: list[Path]) -> Callable[[Path, bytes], bytes]:
    """For the fetcher: SVG pictures come back in inks (stylesheet colours get their
    twins). Raster pictures are converted later (``pictures_in_inks``)."""
    known = {_key(t.rgb): t.cmyk for t in colour.twins(sheets, press.root) if t.rgb}

    def to_cmyk(rgb: colour.RGB) -> colour.CMYK:
        return known.get(_key(rgb)) or colour.rgb_to_cmyk(rgb, press.profile_key)

    def convert(path: Path, data: bytes) -> bytes:
        suffix = path.suffix.lower()
        if suffix == ".svg":
            return colour.svg_to_cmyk(data, to_cmyk)
        return data

    return convert


def pictures_in_inks(document: Any, press: Press) -> int:
    """Every raster picture in inks (``colour.raster_to_cmyk``), converted after it was
    downsampled: a CMYK picture is not scaled (see ``pictures``), so a phone photo
    converted as it is read would be embedded whole (41 MB for one 12-megapixel photo,
    against 65 KB in the office PDF); a ``background-image`` as it is (WeasyPrint does not
    scale those). Returns how many were converted."""
    placed: dict[int, tuple[Any, list[Any]]] = {}
    for box, image, _width, _height in placed_rasters(document):
        placed.setdefault(id(image), (image, []))[1].append(box)
    converted = 0
    for image, boxes in placed.values():
        source = raster_bytes(image)
        data = colour.raster_to_cmyk(source, press.profile_key)
        if data is not source:
            replace_raster(boxes, image, data, (image.width, image.height))
            converted += 1
    in_inks = lambda data: colour.raster_to_cmyk(data, press.profile_key)
    return converted + recolour_background_rasters(document, in_inks)


def bleed(document: Any) -> None:
    """Backgrounds that touch the paper's edge are painted into the bleed."""
    extend_backgrounds(document, BLEED_MM * 96 / 25.4)  # mm → CSS px


def finisher(press: Press, identity: str) -> Finisher:
    """Names the output condition, sets the page boxes and draws the marks.
    ``identity``: what the PDF is made from (the handout), for a stable DocumentID."""

    def finish(document: Any, pdf: pydyf.PDF) -> None:
        _stable_document_id(pdf, identity)
        _gradients_in_inks(pdf, press.profile_key)
        for intent in pdf.catalog.get("OutputIntents") or []:
            _embed_as_is(pdf, intent["DestOutputProfile"], press.data)
            intent["OutputConditionIdentifier"] = pydyf.String(press.condition)
            intent["OutputCondition"] = pydyf.String(press.description)
            intent["RegistryName"] = pydyf.String(REGISTRY)
            intent["Info"] = pydyf.String(press.description)
        save = pydyf.Stream([b"q"])
        pdf.add_object(save)
        pages = [o for o in pdf.objects if isinstance(o, pydyf.Dictionary) and o.get("Type") == "/Page"]
        for page, laid_out in zip(pages, document.pages):
            width, height = laid_out.width * 0.75, laid_out.height * 0.75  # CSS px → pt
            bleed, area = BLEED_MM * MM, (BLEED_MM + MARK_AREA_MM) * MM
            page["TrimBox"] = pydyf.Array([0, 0, width, height])
            page["BleedBox"] = pydyf.Array([-bleed, -bleed, width + bleed, height + bleed])
            page["MediaBox"] = pydyf.Array([-area, -area, width + area, height + area])
            drawn = marks_stream(width, height, bleed, folds(laid_out))
            marks = pydyf.Stream([b"Q\n" + ARTIFACT[0] + drawn + ARTIFACT[1]], compress=True)
            pdf.add_object(marks)
            page["Contents"] = pydyf.Array([save.reference, page["Contents"], marks.reference])

    return finish


def _gradients_in_inks(pdf: pydyf.PDF, profile: str) -> None:
    """WeasyPrint 70 writes gradient stops (CSS and SVG) as RGB triples, also into a
    shading it declares DeviceCMYK (the output intent's space): convert them."""
    def convert(function: Any) -> None:
        if not isinstance(function, dict):
            return
        for key in ("C0", "C1"):
            values = function.get(key)
            if values is not None and len(values) == 3:
                function[key] = pydyf.Array(colour.rgb_to_cmyk(tuple(float(v) for v in values), profile))
        for child in function.get("Functions") or []:
            convert(child)

    for obj in pdf.objects:
        if isinstance(obj, dict) and "ShadingType" in obj and obj.get("ColorSpace") == "/DeviceCMYK":
            convert(obj.get("Function"))


_RANDOM_ID = re.compile(rb"xmp\.did:[0-9a-f-]{36}")


def _stable_document_id(pdf: pydyf.PDF, identity: str) -> None:
    """WeasyPrint writes a random XMP DocumentID into PDF/X-4 metadata; the same input
    must give the same bytes, so it is derived from the handout instead."""
    reference = pdf.catalog.get("Metadata")
    if not reference:
        return
    stream = pdf.objects[int(reference.split()[0])]
    stable = f"xmp.did:{uuid.uuid5(uuid.NAMESPACE_URL, 'make_pdf:' + identity)}".encode()
    stream.stream = [_RANDOM_ID.sub(stable, bytes(part)) for part in stream.stream]


def _embed_as_is(pdf: pydyf.PDF, reference: bytes, profile: bytes) -> None:
    """The profile stream holds the file's own bytes, compressed once per process:
    WeasyPrint writes lcms's re-serialisation of it (a changed file, which the zlib
    licence asks to mark) and compresses its megabyte at every write (0.4 s a PDF)."""
    stream = pdf.objects[int(reference.split()[0])]
    stream.stream = [_compressed(profile)]
    stream.compress = False
    stream.extra["Filter"] = "/FlateDecode"


@lru_cache(maxsize=2)
def _compressed(profile: bytes) -> bytes:
    return zlib.compress(profile, 6)  # level 9: 0.6 % smaller, 3.5x slower


def _key(rgb: colour.RGB | None) -> tuple[int, ...]:
    return tuple(round(c * 255) for c in rgb or ())


def folds(page: Any) -> list[float]:
    """Where a folded leaflet folds, in pt from the left: the edges between its panels
    (``data-panel`` boxes side by side), as laid out."""
    edges: set[float] = set()

    def walk(box: Any) -> None:
        element = getattr(box, "element", None)
        if element is not None and element.get("data-panel") and getattr(box, "element_tag", "") == "section":
            edges.add(round(box.position_x * 0.75, 2))
            edges.add(round((box.position_x + box.margin_width()) * 0.75, 2))
            return
        for child in getattr(box, "children", []):
            walk(child)

    walk(page_box(page))
    width = page.width * 0.75
    return sorted(x for x in edges if 1 < x < width - 1)
