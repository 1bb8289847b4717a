"""Office printing presets read back from the PDF: /ViewerPreferences per kind (duplex
from the kind's schema, one page simplex, actual size, title shown) and the brochure's
fold ticks (on by default, off with a clinic.yaml setting)."""

from __future__ import annotations

import pdfplumber
import pikepdf
import pytest

from leaflet.build.pipeline import build_one
from leaflet.errors import HandoutError
from leaflet.source.kinds import load_kind

from .conftest import FOURTH_KIND, write_stretch
from .pdfs import MM


def prefs(pdf_path) -> dict[str, str]:  # type: ignore[no-untyped-def]
    with pikepdf.open(pdf_path) as pdf:
        return {str(k): str(v) for k, v in pdf.Root.ViewerPreferences.items()}


@pytest.mark.parametrize("name, pages, duplex", [
    ("knee/back-of-knee", 2, "/DuplexFlipShortEdge"),  # the tri-fold
    ("knee/faq", 2, "/DuplexFlipLongEdge"),
    ("knee/chair-stretch", 1, "/Simplex"),
])
def test_bundled_pdfs_carry_print_presets(bundled, name, pages, duplex):
    with pikepdf.open(bundled[name]) as pdf:
        assert len(pdf.pages) == pages
    assert prefs(bundled[name]) == {"/PrintScaling": "/None", "/Duplex": duplex, "/DisplayDocTitle": "True"}


def test_xl_stretch_of_two_pages_flips_on_the_long_edge(bundled_xl):
    with pikepdf.open(bundled_xl["knee/chair-stretch"]) as pdf:
        assert len(pdf.pages) == 2
    assert prefs(bundled_xl["knee/chair-stretch"])["/Duplex"] == "/DuplexFlipLongEdge"


def test_a_one_page_faq_is_simplex(project, write):
    file = write("short.md", "---\nkind: faq\ntitle: 短い質問集\nrevised: 2026-11-20\n---\n\n## 質問\n\n答え。\n")
    result = build_one(project, file, project.root / "out")
    assert result.pages == 1
    assert prefs(result.pdf)["/Duplex"] == "/Simplex"


def test_duplex_is_data_in_the_kinds_schema(project, write):
    for path, text in FOURTH_KIND.items():
        (project.root / path).write_text(text.replace("pages: {min: 1, max: 1}", "pages: {min: 1, max: 2}")
                                         + ("duplex: short-edge\n" if path.endswith(".yaml") else ""),
                                         encoding="utf-8")
    assert load_kind(project, "poster").duplex == "short-edge"
    assert load_kind(project, "faq").duplex == "long-edge"
    file = write("p.md", "---\nkind: poster\ntitle: ポスター\nrevised: 2026-11-20\nslogan: 標語\n---\n\n本文\n\n"
                 + '<div style="break-before: page">2ページ目</div>\n')
    result = build_one(project, file, project.root / "out")
    assert result.ok, result.error
    assert result.pages == 2
    assert prefs(result.pdf)["/Duplex"] == "/DuplexFlipShortEdge"


def test_a_wrong_duplex_value_names_the_schema_line(project):
    schema = project.templates / "faq.yaml"
    schema.write_text(schema.read_text(encoding="utf-8").replace("duplex: long-edge", "duplex: both-sides"),
                      encoding="utf-8")
    line = schema.read_text(encoding="utf-8").splitlines().index(
        next(s for s in schema.read_text(encoding="utf-8").splitlines() if s.startswith("duplex:"))) + 1
    with pytest.raises(HandoutError) as error:
        load_kind(project, "faq")
    assert str(error.value).startswith(f"templates/faq.yaml:{line}: duplex の値「both-sides」は使えません — 使える値: short-edge")


# --- fold ticks ------------------------------------------------------------------------

BROCHURE = """\
---
kind: brochure
title: 三つ折り
revised: 2026-11-20
---

::: flap

折り込み

::: inside-left

左

::: inside-middle

中央

::: inside-right

右
"""


def ticks(pdf_path) -> list[list[tuple[float, float, float]]]:  # type: ignore[no-untyped-def]
    """Per page: short vertical marks (x mm, top mm, bottom mm) near the top or bottom edge."""
    pages = []
    with pdfplumber.open(pdf_path) as pdf:
        for page in pdf.pages:
            found = []
            for shape in page.rects + page.lines:
                height = (shape["bottom"] - shape["top"]) / MM
                width = (shape["x1"] - shape["x0"]) / MM
                if 3 < height < 5 and width < 0.5:
                    found.append((round(shape["x0"] / MM), round(shape["top"] / MM, 1),
                                  round(shape["bottom"] / MM, 1)))
            pages.append(sorted(set(found)))  # a stroke may be listed as a rect and a line
    return pages


def test_the_brochure_has_fold_ticks_in_the_printable_area(project, write):
    result = build_one(project, write("b.md", BROCHURE), project.root / "out")
    assert result.passed, result.check_failures  # ticks are not taken for text or overflow
    outside, inside = ticks(result.pdf)
    assert [x for x, _, _ in outside] == [97, 97, 197, 197]  # top and bottom; flap | back | cover
    assert [x for x, _, _ in inside] == [100, 100, 200, 200]
    for _x, top, bottom in outside + inside:
        near_top = top == pytest.approx(5, abs=0.1) and bottom == pytest.approx(9, abs=0.1)
        near_bottom = top == pytest.approx(201, abs=0.1) and bottom == pytest.approx(205, abs=0.1)
        assert near_top or near_bottom  # 5-9 mm from the edge: printable, clear of text (13 mm)


def test_a_clinic_can_turn_the_fold_ticks_off(project, write):
    clinic = project.root / "clinic.yaml"
    clinic.write_text(clinic.read_text(encoding="utf-8") + "fold_ticks: false\n", encoding="utf-8")
    result = build_one(project, write("b.md", BROCHURE), project.root / "out")
    assert ticks(result.pdf) == [[], []]


def test_the_stretch_sheet_has_no_ticks(project, write):
    result = build_one(project, write_stretch(write, "s.md"), project.root / "out")
    assert ticks(result.pdf) == [[]]
