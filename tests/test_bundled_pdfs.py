"""The bundled handouts, read back from their PDFs."""

from __future__ import annotations

import re

import pytest

from .conftest import SAMPLE
from .pdfs import MM, chars, find_text, fonts, metadata, page_sizes_mm, text_of

KINDS = {
    "knee/back-of-knee": [(297, 210)] * 2,  # brochure: 2 A4 landscape pages
    "knee/chair-stretch": [(210, 297)],     # stretch: exactly 1 A4 portrait page
    "knee/faq": [(210, 297)] * 2,           # faq: 1-2 A4 portrait pages
}
TITLES = {
    "knee/back-of-knee": "膝の裏が痛いとき",
    "knee/chair-stretch": "椅子でできる 膝の裏のストレッチ",
    "knee/faq": "膝の裏の痛み よくある質問",
}


@pytest.mark.parametrize("name, sizes", KINDS.items())
def test_page_count_and_size(bundled, name, sizes):
    assert page_sizes_mm(bundled[name]) == sizes


@pytest.mark.parametrize("name", KINDS)
def test_only_embedded_biz_ud_fonts(bundled, name):
    found = fonts(bundled[name])
    assert found, "no fonts?"
    assert set(found) <= {"BIZ-UDPGothic", "BIZ-UDPGothic-Bold"}, found
    assert all(found.values()), f"not embedded: {found}"


@pytest.mark.parametrize("name", KINDS)
def test_metadata(bundled, name):
    info = metadata(bundled[name])
    assert info["Title"] == TITLES[name]
    assert info["Lang"] == "ja"
    assert info["Author"] == "札幌ひざのセルクリニック"


@pytest.mark.parametrize("name", KINDS)
def test_body_text_is_large_print(bundled, name):
    sizes = [c["size"] for c in chars(bundled[name]) if c["text"].strip()]
    body = max(set(round(s, 1) for s in sizes), key=lambda s: sum(round(x, 1) == s for x in sizes))
    assert body == 16.0  # the most common size is the body: 16 pt
    assert min(sizes) >= 7.99  # furigana (8 pt) is the only thing under 9 pt
    under_nine = {c["text"] for c in chars(bundled[name]) if c["size"] < 9}
    assert all("\u3041" <= t <= "\u309f" for t in under_nine), under_nine  # hiragana only


@pytest.mark.parametrize("name, heading", [
    ("knee/back-of-knee", "考えられる4つの原因"),
    ("knee/back-of-knee", "自分でできるケア"),
    ("knee/back-of-knee", "こんなときは受診を"),
    ("knee/chair-stretch", "安全のために"),
    ("knee/chair-stretch", "医師からのひとこと"),
    ("knee/faq", "市販のサポーターは効きますか"),
])
def test_known_headings(bundled, name, heading):
    assert heading in text_of(bundled[name]).replace("\n", "")


def test_brochure_panels_on_the_right_folds(bundled):
    pdf = bundled["knee/back-of-knee"]
    # Outside page: flap (0-97 mm) | back (97-197) | cover (197-297).
    flap, = find_text(pdf, "考えられる4つの原因")
    clinic = [h for h in find_text(pdf, "ご相談・ご予約") if h["page"] == 1]
    title, = [h for h in find_text(pdf, "膝の裏が") if h["page"] == 1 and h["size"] > 25]
    assert flap["page"] == 1 and flap["x0"] < 97 * MM
    assert clinic and 97 * MM < clinic[0]["x0"] < 197 * MM
    assert title["x0"] > 197 * MM
    # Inside page: the panel that backs the flap (right) starts 3 mm later: 200 mm. Read in
    # order: the symptoms on the inside-left panel, seen first beside the flap's causes.
    left, = find_text(pdf, "こんなとき、痛みませんか")
    right, = find_text(pdf, "こんなときは受診を")
    assert left["page"] == right["page"] == 2
    assert left["x0"] < 100 * MM and right["x0"] > 200 * MM


def test_brochure_text_stays_inside_its_panel(bundled):
    edges = {1: [0, 97, 197, 297], 2: [0, 100, 200, 297]}
    for char in chars(bundled["knee/back-of-knee"]):
        for edge in edges[char["page"]]:
            # No glyph within 5 mm of a fold or the paper edge.
            assert char["x1"] <= (edge - 5) * MM or char["x0"] >= (edge + 5) * MM, (char["text"], edge)


def test_stretch_sheet_has_its_parts(bundled):
    text = text_of(bundled["knee/chair-stretch"]).replace("\n", "")
    for part in ("痛みが出たら", "赤く腫れて熱い", "息を止め", "14日目", "医師からのひとこと"):
        assert part in text
    digits, = [h for h in find_text(bundled["knee/chair-stretch"], "20") if h["size"] >= 40]
    assert digits["size"] >= 40  # hold time in large digits


def _printed(markdown: str) -> str:
    """The words of a line as printed: no emphasis marks, furigana bases only."""
    return re.sub(r"\{([^|}]+)\|[^}]+\}", r"\1", markdown.replace("*", ""))


def test_faq_question_never_apart_from_its_answer(bundled):
    """Each question (found by its own words) is on the page where its answer starts,
    above it; the FAQ does break across two pages, so some pair is kept together."""
    pdf = bundled["knee/faq"]
    source = (SAMPLE / "handouts/knee/faq.md").read_text(encoding="utf-8").split("\n")
    pairs = [(line[3:].strip(), next(a for a in source[n + 1:] if a.strip()))
             for n, line in enumerate(source) if line.startswith("## ")]
    assert len(pairs) == 8
    pages = set()
    for question, answer in pairs:
        q, = find_text(pdf, _printed(question)[:6])
        a = find_text(pdf, _printed(answer)[:6])[0]
        assert q["page"] == a["page"] and q["bottom"] <= a["top"], (question, q, a)
        pages.add(q["page"])
    assert pages == {1, 2}


def test_faq_has_page_numbers_and_footer(bundled):
    text = text_of(bundled["knee/faq"])
    assert "1 / 2" in text and "2 / 2" in text
    assert "札幌ひざのセルクリニック" in text and "2026年11月20日 改訂" in text


def test_single_page_sheet_has_no_page_number(bundled):
    text = text_of(bundled["knee/chair-stretch"])
    assert "1 / 1" not in text
    assert "2026年11月20日 改訂" in text
