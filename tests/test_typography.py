"""Japanese typography, measured on the PDF: furigana placement, phrase-aware heading
breaks, line-start/line-end rules, the readings list and the extra-large edition."""

from __future__ import annotations

import textwrap
from collections import defaultdict

import pytest

from leaflet.build.pipeline import build_one
from leaflet.source.markdown.phrasing import boundaries

from .pdfs import chars, text_of

FRONT = "---\nkind: faq\ntitle: 文字組みの確認\nrevised: 2026-11-20\n---\n\n"


def lines(pdf, size=None, page=None):
    """Text lines as (top, [chars]) in reading order, optionally of one font size."""
    rows = defaultdict(list)
    for c in chars(pdf):
        if (size is None or abs(c["size"] - size) < 0.1) and (page is None or c["page"] == page):
            rows[(c["page"], round(c["bottom"], 1))].append(c)
    return [sorted(row, key=lambda c: c["x0"]) for _, row in sorted(rows.items())]


def build(project, write, tmp_path, body: str, name="t.md", **kw):
    result = build_one(project, write(name, FRONT + textwrap.dedent(body)), tmp_path / "out", **kw)
    assert result.ok, result.error
    return result.pdf


# --- furigana ---------------------------------------------------------------------

WORDS = [("嚢腫", "のうしゅ"), ("膝", "ひざ"), ("踵", "かかと"), ("浮腫", "むくみ"), ("後節", "こうせつ"),
         ("腓腹筋", "ひふくきん"), ("滑液包", "かつえきほう"), ("変形性膝関節症", "へんけいせいしつかんせつしょう")]


@pytest.fixture
def ruby_pdf(project, write, tmp_path):
    body = "\n\n".join(f"これは{{{base}|{reading}}}です。" for base, reading in WORDS)
    return build(project, write, tmp_path, body + "\n\n" + "長い段落の中の{嚢腫|のうしゅ}です。" * 12 + "\n")


def _word(pdf, base, reading):
    for row in lines(pdf, 16.0):
        text = "".join(c["text"] for c in row)
        if f"これは{base}です。" == text:
            top = min(c["top"] for c in row)
            rt = [c for c in chars(pdf) if abs(c["size"] - 8) < 0.1 and c["bottom"] <= top + 0.5
                  and top - 14 < c["top"]]
            start = text.index(base)
            return row, row[start:start + len(base)], rt
    raise AssertionError(f"{base} not found")


@pytest.mark.parametrize("base, reading", WORDS)
def test_reading_is_centred_above_its_base_on_the_baseline(ruby_pdf, base, reading):
    row, base_chars, rt = _word(ruby_pdf, base, reading)
    assert "".join(c["text"] for c in rt) == reading
    base_centre = (base_chars[0]["x0"] + base_chars[-1]["x1"]) / 2
    rt_centre = (rt[0]["x0"] + rt[-1]["x1"]) / 2
    assert abs(base_centre - rt_centre) <= 1.5
    assert max(c["bottom"] for c in rt) <= min(c["top"] for c in base_chars) + 0.01  # above, not touching
    assert max(c["size"] for c in rt) >= 8.0 - 0.01
    for c in row:  # the base sits on the line's baseline like its neighbours
        assert abs(c["bottom"] - row[0]["bottom"]) <= 0.6


@pytest.mark.parametrize("base, reading", WORDS)
def test_wide_reading_never_overhangs_its_neighbours(ruby_pdf, base, reading):
    row, base_chars, rt = _word(ruby_pdf, base, reading)
    before = row[row.index(base_chars[0]) - 1]
    after = row[row.index(base_chars[-1]) + 1]
    assert rt[0]["x0"] >= before["x1"] - 0.01
    assert rt[-1]["x1"] <= after["x0"] + 0.01


def test_reading_clears_the_line_above(ruby_pdf):
    """Every reading below the first body line is measured against the line above it
    (the title's readings, and those on the first line, have none)."""
    rows = lines(ruby_pdf, 16.0)
    rts = [c for c in chars(ruby_pdf) if abs(c["size"] - 8) < 0.1]
    first_top = min(c["top"] for c in rows[0])
    measured = 0
    for rt in rts:
        above = [r for r in rows if r[0]["page"] == rt["page"] and r[0]["bottom"] < rt["top"] + 0.01]
        if not above:
            assert rt["page"] == rows[0][0]["page"] and rt["bottom"] <= first_top + 0.01, rt
            continue
        assert max(c["bottom"] for c in above[-1]) <= rt["top"]
        measured += 1
    expected = sum(len(reading) for _, reading in WORDS[1:]) + 12 * len("のうしゅ")
    assert measured >= expected, (measured, expected)  # none skipped for want of a line above


def test_line_pitch_is_the_same_with_and_without_furigana(project, write, tmp_path):
    plain = build(project, write, tmp_path, "膝の裏が痛いです。" * 20, name="plain.md")
    with_ruby = build(project, write, tmp_path, "{膝|ひざ}の裏が痛いです。" * 20, name="ruby.md")

    def pitches(pdf):
        rows = lines(pdf, 16.0)
        return {round(b[0]["bottom"] - a[0]["bottom"], 1) for a, b in zip(rows, rows[1:])}

    assert pitches(plain) == pitches(with_ruby)
    assert len(pitches(plain)) == 1


def test_copied_text_keeps_the_base_word_whole(ruby_pdf):
    import pypdfium2

    assert "これは嚢腫です。" in text_of(ruby_pdf).replace("\n", "")
    document = pypdfium2.PdfDocument(ruby_pdf)
    text = document[0].get_textpage().get_text_range()
    assert "嚢腫" in text.replace("\r\n", "").replace("\n", "")


# --- phrase-aware breaks and line-start/line-end rules -------------------------------

NARROW_KIND = {
    "templates/narrow.yaml": "label: 幅の狭い確認用\npages: {min: 1, max: 3}\n",
    "templates/narrow.html": '{% extends "base.html" %}{% block body %}{{ sections.main }}{% endblock %}',
    "styles/narrow.css": "body { width: 52mm; }\nh2 { font-size: 20pt; }\n",
}


def narrow_build(project, write, tmp_path, body):
    for name, text in NARROW_KIND.items():
        (project.root / name).write_text(text, encoding="utf-8")
    path = write("n.md", "---\nkind: narrow\ntitle: 確認\nrevised: 2026-11-20\n---\n\n" + body)
    result = build_one(project, path, tmp_path / "out")
    assert result.ok, result.error
    return result.pdf


HEADINGS = ["膝の裏が痛いときに気をつけること", "すぐに受診した方がいいのは、どんなとき?",
            "椅子でできる膝の裏のストレッチのやり方"]


@pytest.mark.parametrize("heading", HEADINGS)
def test_headings_wrap_between_phrases_only(project, write, tmp_path, heading):
    pdf = narrow_build(project, write, tmp_path, f"## {heading}\n")
    rows = lines(pdf, 20.0)
    assert len(rows) >= 2, "the heading should wrap in a 52 mm column"
    texts = ["".join(c["text"] for c in row) for row in rows]
    assert "".join(texts) == heading
    cuts = boundaries(heading)
    position = 0
    for text in texts[:-1]:
        position += len(text)
        assert position in cuts, f"broke inside a phrase: {texts}"


def test_line_start_and_end_rules(project, write, tmp_path):
    body = "\n\n".join(
        "膝の裏が「痛い」と感じたら、無理をせず休みましょう。" * n + "正座、階段、朝の一歩。「歩きすぎ」に注意。" * n
        for n in range(1, 6))
    pdf = narrow_build(project, write, tmp_path, body + "\n")
    rows = [row for row in lines(pdf, 16.0)]
    assert len(rows) > 20
    for row in rows:
        text = "".join(c["text"] for c in row)
        assert text[0] not in "、。」)?!ー", text
        assert text[-1] not in "「(", text


# --- readings list ---------------------------------------------------------------------

def test_readings_list_gives_first_occurrence_furigana(project, write, tmp_path):
    pdf = build(project, write, tmp_path, "半月板の話。\n\nもう一度、半月板。\n")
    rt = "".join(c["text"] for c in chars(pdf) if abs(c["size"] - 8) < 0.1)
    assert rt == "はんげつばん"  # once, from readings.yaml


def test_readings_can_be_turned_off(project, write, tmp_path):
    path = write("off.md", FRONT.replace("revised:", "readings: false\nrevised:") + "半月板の話。\n")
    result = build_one(project, path, tmp_path / "out")
    assert result.ok, result.error
    assert not [c for c in chars(result.pdf) if c["size"] < 9]


def test_bundled_handouts_use_furigana(bundled):
    for name, reading in [("knee/back-of-knee", "のうしゅ"), ("knee/faq", "むくみ"), ("knee/chair-stretch", "ひふくきん")]:
        rt = "".join(c["text"] for c in chars(bundled[name]) if c["size"] < 9)
        assert reading in rt, name


# --- extra-large edition --------------------------------------------------------------

def test_xl_edition(project, write, tmp_path):
    body = "\n\n".join(f"## 質問{n}\n\n" + "膝の裏の痛みには、いくつかの原因があります。" * 3 for n in range(3))
    path = write("knee/q.md", FRONT + body)
    result = build_one(project, path, tmp_path / "out", edition="xl")
    assert result.ok, result.error
    assert result.pdf == tmp_path / "out/xl/knee/q.pdf"
    rows = lines(result.pdf, 20.0)
    assert rows, "XL body is 20 pt"
    assert max(len(row) for row in rows) <= 30
    assert min(c["size"] for c in chars(result.pdf)) >= 8


def test_xl_from_front_matter(project, write, tmp_path):
    path = write("x.md", FRONT.replace("revised:", "size: xl\nrevised:") + "本文です。\n")
    result = build_one(project, path, tmp_path / "out", edition=None)
    assert result.ok, result.error
    assert result.pdf == tmp_path / "out/xl/x.pdf"


def test_bundled_normal_edition_lines_are_at_most_40_characters(bundled):
    for name in ("knee/faq", "knee/chair-stretch", "knee/back-of-knee"):
        assert max(len(row) for row in lines(bundled[name], 16.0)) <= 40, name


def test_title_furigana_in_the_pdf_and_plain_in_its_metadata(project, write, tmp_path):
    from .pdfs import metadata

    path = write("t.md", FRONT.replace("title: 文字組みの確認", "title: \"{膝窩筋|しつかきん}の痛み\"") + "本文。\n")
    result = build_one(project, path, tmp_path / "out")
    assert result.ok, result.error
    assert metadata(result.pdf)["Title"] == "膝窩筋の痛み"
    rt = "".join(c["text"] for c in chars(result.pdf) if c["size"] < 15 and c["top"] < 100)
    assert rt == "しつかきん"
    assert "{" not in text_of(result.pdf)


# A title long enough to wrap in every kind, with furigana on its second line: the reading
# must clear the line above (a 30 pt cover title at line-height 1.35 drew しつかきん over it).
LONG_TITLE = "膝の裏が痛いときに家で自分でできること{膝窩筋|しつかきん}と{嚢腫|のうしゅ}と{腓腹筋|ひふくきん}の話"


def _readings_clear_their_heading(pdf, last: str) -> None:
    """Every reading of the heading ending in ``last`` is on a later line than its first
    and touches none of the heading's glyphs."""
    drawn = [c for c in chars(pdf) if c["page"] == 1 and c["text"].strip()]
    size, = {c["size"] for c in drawn if c["text"] == last}
    heading = [c for c in drawn if abs(c["size"] - size) < 0.1]
    readings = [c for c in drawn if abs(c["size"] - size / 2) < 0.1 and "ぁ" <= c["text"] <= "ゟ"]
    assert "".join(c["text"] for c in readings) == "しつかきんのうしゅひふくきん"
    first_line = min(c["bottom"] for c in heading)
    assert all(rt["bottom"] > first_line for rt in readings), "the readings should be on a later line"
    for rt in readings:
        for glyph in heading:
            side_by_side = glyph["x1"] <= rt["x0"] or rt["x1"] <= glyph["x0"]
            apart = glyph["bottom"] <= rt["top"] + 0.01 or rt["bottom"] <= glyph["top"] + 0.01
            assert side_by_side or apart, f"{rt['text']} touches the heading's {glyph['text']}"


def _bundled_copy(tmp_path, name: str, change) -> tuple:
    import re

    from .conftest import copy_project

    project = copy_project(tmp_path / "proj", with_handouts=True)
    source = project.handouts / f"{name}.md"
    source.write_text(change(re, source.read_text(encoding="utf-8")), encoding="utf-8")
    return project, source


@pytest.mark.parametrize("name", ["knee/back-of-knee", "knee/chair-stretch", "knee/faq"])
def test_furigana_in_a_wrapped_title_clears_the_line_above(tmp_path, name):
    project, source = _bundled_copy(tmp_path, name, lambda re, text: re.sub(
        r"(?m)^title: .*$", f"title: {LONG_TITLE}", text, count=1))
    result = build_one(project, source, tmp_path / "out")
    assert result.ok, result.error
    _readings_clear_their_heading(result.pdf, "話")


def test_furigana_in_an_editors_heading_inside_a_stretch_section_clears_the_line_above(tmp_path):
    # The template's own headings there keep display leading; an editor's ## must not.
    heading = LONG_TITLE.replace("の話", "の心得")
    project, source = _bundled_copy(tmp_path, "knee/chair-stretch", lambda re, text: text.replace(
        "::: safety\n", f"::: safety\n\n## {heading}\n"))
    result = build_one(project, source, tmp_path / "out")
    assert result.ok, result.error
    _readings_clear_their_heading(result.pdf, "得")
