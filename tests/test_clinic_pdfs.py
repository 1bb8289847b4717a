"""A clinic's own contact facts on the printed leaflets, read back from the PDFs: the sample
handouts built with a clinic that fills in every field (tests/fixtures/clinic-full/), in
both editions; the QR code decoded from a 300 dpi render and measured; the brochure's back
panel with room for the editor's back section; the contact rule both ways."""

from __future__ import annotations

import shutil
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
import pytest
import zxingcpp
from PIL import Image

from leaflet.build import build
from leaflet.build.pipeline import build_one
from leaflet.project import Project

from .conftest import FIXTURES, copy_project, write_stretch
from .pdfs import MM, find_text, text_of

# Every sample handout built twice more (both editions) with a full clinic: make test-slow, and CI.
pytestmark = pytest.mark.slow

FULL_CLINIC = FIXTURES / "clinic-full" / "clinic.yaml"
PHONE = "011-000-0000"
URL = "https://example.org/clinic"
DPI = 300
PX_PER_MM = DPI / 25.4


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The sample handouts with the clinic that fills in every field."""
    project = copy_project(tmp_path_factory.mktemp("full") / "proj", with_handouts=True)
    shutil.copy(FULL_CLINIC, project.root / "clinic.yaml")
    return project


@pytest.fixture(scope="module")
def built(full: Project) -> dict[tuple[str, str], object]:
    """(name, edition) → build result, both editions of every sample handout."""
    results = {}
    for edition in ("normal", "xl"):
        for result in build(full, full.all_handouts(), edition=edition, explicit=False):
            if not result.skipped:
                results[(result.name, edition)] = result
    return results


def test_every_sample_handout_builds_in_both_editions_and_passes_every_check(built):
    assert sorted(built) == [("knee/back-of-knee", "normal"), ("knee/chair-stretch", "normal"),
                             ("knee/chair-stretch", "xl"), ("knee/faq", "normal"), ("knee/faq", "xl")]
    for key, result in built.items():
        assert result.ok, (key, result.error)
        statuses = {o.rule: o.status for o in result.checks}
        assert set(statuses.values()) == {"pass"}, (key, [(o.rule, o.figure, o.message) for o in result.checks
                                                          if o.status != "pass"])
        assert statuses["contact"] == "pass"


def test_the_phone_number_is_on_every_page_of_every_pdf(built):
    for key, result in built.items():
        with pdfplumber.open(result.pdf) as pdf:
            brochure = key[0] == "knee/back-of-knee"
            pages = pdf.pages[:1] if brochure else pdf.pages  # the brochure: its back panel
            for number, page in enumerate(pages, 1):
                assert PHONE in (page.extract_text() or ""), (key, number)


def test_footers_carry_phone_hours_and_web_address_inside_the_safe_area(built):
    for key in [("knee/faq", "normal"), ("knee/faq", "xl"), ("knee/chair-stretch", "normal"),
                ("knee/chair-stretch", "xl")]:
        pdf = built[key].pdf
        phone = find_text(pdf, f"電話 {PHONE}")
        hours = find_text(pdf, "平日 9:00〜18:00 / 土曜 9:00〜12:00")
        url = find_text(pdf, URL)
        with pdfplumber.open(pdf) as document:
            pages = len(document.pages)
            height = document.pages[0].height
        assert len(phone) == len(hours) == len(url) == pages, key
        for hit in phone + hours + url:
            assert hit["top"] > height - 30 * MM, (key, hit)  # in the foot of the page
            assert height - hit["bottom"] >= 5 * MM, (key, hit)  # clear of the paper's edge
        assert all(h["fontname"].endswith("Bold") for h in find_text(pdf, PHONE)), key


def test_the_footers_fit_the_extra_large_layouts(built):
    """The stretch sheet's hold time stays on the front beside the steps, under three
    footer lines; the FAQ's wide page takes two footer lines and keeps to three pages."""
    with pdfplumber.open(built[("knee/chair-stretch", "xl")].pdf) as pdf:
        front = pdf.pages[0].extract_text()
        assert "伸ばしたまま" in front and "数えます" in front
        assert "期待できること" in pdf.pages[1].extract_text()
    faq = built[("knee/faq", "xl")].pdf
    with pdfplumber.open(faq) as pdf:
        assert len(pdf.pages) == 3
    phone, url = find_text(faq, PHONE), find_text(faq, URL)
    assert all(u["top"] - p["top"] < 8 * MM for p, u in zip(phone, url))  # the next line, not two below


def test_the_back_panel_carries_every_fact(built):
    pdf = built[("knee/back-of-knee", "normal")].pdf
    with pdfplumber.open(pdf) as document:
        back = document.pages[0].crop((97 * MM, 0, 197 * MM, 210 * MM)).extract_text().replace("\n", "")
        cover = document.pages[0].crop((197 * MM, 0, 297 * MM, 210 * MM)).extract_text().replace("\n", "")
    for fact in ["札幌ひざのセルクリニック", "ご相談・ご予約", "MRI検査のご予約", PHONE, "平日 9:00〜18:00",
                 "土曜 9:00〜12:00", "札幌市中央区北1条西2丁目", "3-4 ひざビル1階", "西18丁目駅から徒歩2分",
                 "長引く腰痛などの慢性の痛み", URL, "2026年12月5日 改訂"]:
        assert fact in back, fact
    assert "院長 川上 公誠(整形外科専門医)" in cover
    phone, = find_text(pdf, PHONE)
    assert phone["size"] > 19.9  # the fact a patient acts on, in large type


# --- the QR code -------------------------------------------------------------------------


def render(pdf: Path, page: int = 0) -> Image.Image:
    document = pdfium.PdfDocument(pdf)
    try:
        return document[page].render(scale=DPI / 72).to_pil().convert("L")
    finally:
        document.close()


def symbol(image: Image.Image) -> tuple[str, tuple[int, int, int, int], float]:
    """The one QR code in ``image``: its text, its box in px and its module size in px
    (the top-left finder pattern is 7 modules wide)."""
    found = zxingcpp.read_barcodes(image)
    assert len(found) == 1, [f.text for f in found]
    corners = found[0].position
    xs = [corners.top_left.x, corners.top_right.x, corners.bottom_left.x, corners.bottom_right.x]
    ys = [corners.top_left.y, corners.top_right.y, corners.bottom_left.y, corners.bottom_right.y]
    x0, y0, x1, y1 = min(xs), min(ys), max(xs), max(ys)
    row = y0 + 2
    run = 0
    while image.getpixel((x0 + run, row)) < 128:
        run += 1
    return found[0].text, (x0, y0, x1, y1), run / 7


@pytest.mark.parametrize("key", [("knee/chair-stretch", "normal"), ("knee/chair-stretch", "xl"),
                                 ("knee/back-of-knee", "normal")])
def test_the_qr_code_decodes_to_the_exact_url_at_20_mm_with_a_quiet_zone(built, key):
    image = render(built[key].pdf)
    text, (x0, y0, x1, y1), module = symbol(image)
    assert text == URL
    assert (x1 - x0) / PX_PER_MM >= 20 and (y1 - y0) / PX_PER_MM >= 20
    assert module / PX_PER_MM >= 0.6  # ~0.8 mm: a phone camera reads it at arm's length
    # The quiet zone: 4 modules of white paper all round (1 px of anti-aliasing allowed).
    quiet = round(4 * module)
    band = image.crop((x0 - quiet, y0 - quiet, x1 + quiet + 1, y1 + quiet + 1))
    inner = (quiet - 1, quiet - 1, band.width - quiet + 1, band.height - quiet + 1)
    for x in range(band.width):
        for y in range(band.height):
            if not (inner[0] <= x < inner[2] and inner[1] <= y < inner[3]):
                assert band.getpixel((x, y)) > 200, (key, x, y)
    # And clear of the paper's edge, where office printers cannot print.
    assert min(x0, y0, image.width - x1, image.height - y1) / PX_PER_MM >= 5


def test_the_qr_code_is_vector_and_faq_has_none(built):
    for key, result in built.items():
        with pdfplumber.open(result.pdf) as pdf:
            assert all(not page.images for page in pdf.pages), key  # no raster image anywhere
    assert zxingcpp.read_barcodes(render(built[("knee/faq", "normal")].pdf)) == []


def test_without_a_url_there_is_no_qr_code_and_the_title_has_the_full_width(tmp_path):
    project = copy_project(tmp_path / "proj")
    shutil.copy(FULL_CLINIC, project.root / "clinic.yaml")
    text = FULL_CLINIC.read_text(encoding="utf-8").replace(f"url: {URL}\n", "")
    (project.root / "clinic.yaml").write_text(text, encoding="utf-8")
    shutil.copytree(FIXTURES / "sample" / "handouts", project.handouts, dirs_exist_ok=True)
    result = build_one(project, project.handouts / "knee" / "chair-stretch.md")
    assert result.passed, result.checks and [o.message for o in result.checks.failures]
    assert zxingcpp.read_barcodes(render(result.pdf)) == []
    assert URL not in text_of(result.pdf) and PHONE in text_of(result.pdf)


# --- the back panel's room for the editor's back section -----------------------------------

BROCHURE = """\
---
kind: brochure
title: 膝の裏が痛いとき
revised: 2026-11-20
---

::: flap

折り込みの面です。

::: inside-left

左の面です。

::: inside-middle

中央の面です。

::: inside-right

右の面です。

::: back

{back}
"""
BACK_LINE = "気になることがあれば相談を。"  # 14 characters: one line of the panel


@pytest.fixture
def full_project(project):
    shutil.copy(FULL_CLINIC, project.root / "clinic.yaml")
    return project


def test_the_full_clinic_leaves_room_for_three_lines_of_the_back_section(full_project, write):
    path = write("b.md", BROCHURE.format(back="".join([BACK_LINE] * 3)))
    result = build_one(full_project, path)
    assert result.passed, [o.message for o in result.checks.failures]
    lines = [h for h in find_text(result.pdf, "気になることがあれば") if h["page"] == 1]
    assert len(lines) == 3 and all(97 * MM < h["x0"] < 197 * MM for h in lines)
    url, = find_text(result.pdf, URL)
    assert url["top"] > max(h["bottom"] for h in lines)  # the card follows the note


def test_a_back_section_too_long_for_the_full_clinic_is_an_overflow_of_the_back_panel(full_project, write):
    path = write("b.md", BROCHURE.format(back="".join([BACK_LINE] * 6)))
    result = build_one(full_project, path)
    failures = result.checks.failures
    assert [o.rule for o in failures] == ["overflow"]
    assert failures[0].where.panel == "back"
    assert failures[0].message.endswith("この面の原稿(::: back)を3行減らすか、clinic.yaml のクリニック情報"
                                        "(ご相談・ご予約の内容、診療内容など)を短くしてください")


def test_a_clinic_card_too_long_for_the_back_panel_says_to_shorten_clinic_yaml(project, write):
    text = FULL_CLINIC.read_text(encoding="utf-8")
    text = text.replace("menu:\n", "menu:\n" + "".join(f"  - 相談{i}のご案内\n" for i in range(8)))
    (project.root / "clinic.yaml").write_text(text, encoding="utf-8")
    result = build_one(project, write("b.md", BROCHURE.replace("::: back\n\n{back}\n", "")))
    failure, = result.checks.failures
    assert failure.rule == "overflow" and failure.where.panel == "back"
    assert "clinic.yaml のクリニック情報" in failure.message


# --- rule contact: an invitation to get in touch needs a way to do it ------------------------

FAQ = """\
---
kind: faq
title: よくある質問
revised: 2026-11-20
---

## ご相談はいつでもどうぞ

答えです。
"""


def contact(result):
    outcome, = [o for o in result.checks if o.rule == "contact"]
    return outcome


def test_a_consultation_heading_with_no_phone_or_url_is_a_warning_at_its_line(project, write):
    text = (project.root / "clinic.yaml").read_text(encoding="utf-8")
    assert "\nphone:" not in text and "\nurl:" not in text  # the sample clinic: as the column gives it
    result = build_one(project, write("q.md", FAQ))
    outcome = contact(result)
    assert outcome.status == "warn" and result.passed  # a warning: the PDF is still good
    assert outcome.figure == "電話・ホームページなし"
    assert outcome.where.line == 7
    assert "clinic.yaml に phone:(電話番号)か url:(ホームページ)を書いてください" in outcome.message


def test_the_sample_brochure_warns_about_its_consultation_heading(project, write):
    shutil.copytree(FIXTURES / "sample" / "handouts", project.handouts, dirs_exist_ok=True)
    outcome = contact(build_one(project, project.handouts / "knee" / "back-of-knee.md"))
    assert outcome.status == "warn" and outcome.where.panel == "back"
    assert "「ご相談・ご予約」" in outcome.message


@pytest.mark.parametrize("fact, figure", [("phone: 011-000-0000\n", "電話"),
                                          ("url: https://example.org/\n", "ホームページ")])
def test_a_phone_or_a_url_answers_the_heading(project, write, fact, figure):
    with (project.root / "clinic.yaml").open("a", encoding="utf-8") as handle:
        handle.write(fact)
    outcome = contact(build_one(project, write("q.md", FAQ)))
    assert (outcome.status, outcome.figure) == ("pass", figure)


def test_no_consultation_heading_passes(project, write):
    outcome = contact(build_one(project, write_stretch(write, "s.md")))
    assert (outcome.status, outcome.figure) == ("pass", "見出しなし")


def test_the_press_edition_with_every_clinic_fact_is_all_inks(full, tmp_path):
    """The QR code is a data: SVG image: the press edition converts it like a picture file
    (it was embedded as RGB, failing the press rule)."""
    out = tmp_path / "press"
    project = Project.at(full.root, out)
    results = build(project, [project.handouts / "knee" / "back-of-knee.md",
                              project.handouts / "knee" / "chair-stretch.md"], out, press=True)
    assert all(r.ok for r in results), [r.error for r in results]
    assert all(r.passed for r in results), [r.check_failures for r in results]
