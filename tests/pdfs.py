"""Reading PDFs back for assertions (pdfplumber for text and geometry, pypdfium2 for
pixels). Positions are in PDF points, origin top-left as pdfplumber gives them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pdfplumber
from pdfminer.pdftypes import resolve1

MM = 72 / 25.4  # points per millimetre


def page_sizes_mm(pdf_path: Path) -> list[tuple[float, float]]:
    with pdfplumber.open(pdf_path) as pdf:
        return [(round(p.width / MM), round(p.height / MM)) for p in pdf.pages]


def text_of(pdf_path: Path) -> str:
    with pdfplumber.open(pdf_path) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def chars(pdf_path: Path) -> list[dict[str, Any]]:
    """Every drawn character, with ``page`` (1-based) added."""
    out = []
    with pdfplumber.open(pdf_path) as pdf:
        for number, page in enumerate(pdf.pages, 1):
            for char in page.chars:
                out.append({**char, "page": number})
    return out


def _fonts(pdf_path: Path) -> Iterator[dict[str, Any]]:
    with pdfplumber.open(pdf_path) as pdf:
        for page in pdf.pages:
            resources = resolve1(page.page_obj.resources) or {}
            for font in (resolve1(resources.get("Font")) or {}).values():
                yield resolve1(font)


def fonts(pdf_path: Path) -> dict[str, bool]:
    """Base font name (subset prefix removed) → embedded?"""
    found: dict[str, bool] = {}
    for font in _fonts(pdf_path):
        name = resolve1(font.get("BaseFont")).name.split("+", 1)[-1]
        descriptor_owner = font
        if "DescendantFonts" in font:
            descriptor_owner = resolve1(resolve1(font["DescendantFonts"])[0])
        descriptor = resolve1(descriptor_owner.get("FontDescriptor")) or {}
        embedded = any(k in descriptor for k in ("FontFile", "FontFile2", "FontFile3"))
        found[name] = found.get(name, True) and embedded
    return found


def metadata(pdf_path: Path) -> dict[str, str]:
    with pdfplumber.open(pdf_path) as pdf:
        info = {k: (v.decode() if isinstance(v, bytes) else str(v)) for k, v in pdf.metadata.items()}
        lang = resolve1(pdf.doc.catalog.get("Lang"))
        info["Lang"] = lang.decode() if isinstance(lang, bytes) else str(lang)
        return info


def find_text(pdf_path: Path, needle: str) -> list[dict[str, Any]]:
    """Where a run of characters occurs: page, x0, x1, top, bottom, size of its first char."""
    hits = []
    with pdfplumber.open(pdf_path) as pdf:
        for number, page in enumerate(pdf.pages, 1):
            for found in page.search(needle, regex=False, return_chars=True):
                first = found["chars"][0]
                hits.append({"page": number, "x0": found["x0"], "x1": found["x1"],
                             "top": found["top"], "bottom": found["bottom"], "size": first["size"],
                             "fontname": first["fontname"]})
    return hits
