"""Each preflight rule, failing on a bad fixture (tests/fixtures/check/) and passing on a
good one. The figures are cross-checked against the written PDF where it shows them."""

from __future__ import annotations

import math
import re
import shutil

import pdfplumber
import pytest
from fontTools import subset
from fontTools.ttLib import TTFont
from PIL import Image

from leaflet.check import contrast, fonts

from .check_tools import build, build_fixture, failures, outcomes, the_pass
from .conftest import ROOT, SAMPLE
from .pdfs import MM, chars, find_text, page_sizes_mm
from .test_mdext_placeholders import fill

# --- 1. text size --------------------------------------------------------------------


def test_text_size_fails_on_small_body_note_and_furigana(project):
    result = build_fixture(project, "tiny-text.md")
    found = {o.figure: o for o in failures(result, "text_size")}
    assert set(found) == {"6.0pt", "8.0pt", "10.0pt"}
    assert found["8.0pt"].message.startswith(
        "本文「本文なのに小さすぎる一文…」が 8.0pt で小さすぎます(基準 14pt 以上)。")
    assert str(found["8.0pt"].where) == "1ページ handouts/tiny-text.md:9"
    assert found["10.0pt"].message.startswith("注記「注記でも10ptは小さい…」が 10.0pt で小さすぎます(基準 10.5pt 以上)")
    assert found["6.0pt"].message.startswith("ふりがな「ひざ」が 6.0pt で小さすぎます(基準 8pt 以上)")
    assert found["6.0pt"].where.line == 13
    assert not result.passed
    # The PDF agrees: that sentence is set in 8 pt.
    hit, = find_text(result.pdf, "本文なのに")
    assert round(hit["size"], 1) == 8.0


def test_text_size_passes_exactly_at_the_limits(project):
    result = build_fixture(project, "large-enough-text.md")
    assert the_pass(result, "text_size").figure == "本文 14.0pt・注記 10.5pt・ふりがな 8.0pt"


# --- 2. contrast ---------------------------------------------------------------------


def test_contrast_fails_on_pale_grey_and_on_a_grey_box(project):
    result = build_fixture(project, "pale-grey.md")
    pale, boxed = failures(result, "contrast")
    assert pale.figure == "2.3:1"
    assert "文字色 #aaaaaa と背景 #ffffff のコントラストが 2.3:1 しかありません(基準 7:1 以上)" in pale.message
    assert pale.where.line == 9
    # White text is judged against the grey box it sits on, not the white page.
    assert boxed.figure == "4.4:1"
    assert "文字色 #ffffff と背景 #777777" in boxed.message
    assert boxed.where.line == 11


def test_contrast_passes_white_on_navy_and_large_grey(project):
    result = build_fixture(project, "dark-enough.md")
    # #767676 on white is 4.54:1: enough for 18 pt text (4.5:1), not for body text.
    assert the_pass(result, "contrast").figure == "最低 4.5:1"


def test_contrast_ratio_is_wcag():
    assert contrast.contrast_ratio((0, 0, 0), (1, 1, 1)) == pytest.approx(21.0)
    grey = 0x77 / 255
    assert contrast.contrast_ratio((1, 1, 1), (grey, grey, grey)) == pytest.approx(4.48, abs=0.01)


# --- 3. missing glyphs ---------------------------------------------------------------


def test_missing_glyphs_named_with_code_point_and_line(project):
    result = build_fixture(project, "missing-glyph.md")
    staff, yoshi = failures(result, "glyphs")
    assert staff.figure == "U+2695"
    assert staff.message.startswith("「⚕」(U+2695 STAFF OF AESCULAPIUS) はフォント(BIZ UDPGothic)にない文字で")
    # Line 8, where it is drawn from, not line 4's front-matter comment that names it too.
    assert str(staff.where) == "1ページ handouts/missing-glyph.md:8"
    assert yoshi.figure == "U+20BB7"
    assert yoshi.where.line == 10
    # WeasyPrint agrees while writing the PDF: exactly these two were drawn as .notdef
    # (its English warnings are kept aside, not shown: the rule says it better).
    notdef = set(re.findall(r"\(U\+([0-9A-F]+)\)", " ".join(result.engine_warnings)))
    assert notdef == {"2695", "20BB7"}
    assert not [w for w in result.warnings if ".notdef" in w]


def test_no_missing_glyphs(project):
    result = build_fixture(project, "large-enough-text.md")
    assert the_pass(result, "glyphs").figure.endswith("種の文字すべて収録")
    assert not [w for w in result.warnings + result.engine_warnings if ".notdef" in w]


# --- 4. overflow ---------------------------------------------------------------------


def test_stretch_sheet_that_spills_is_measured(project):
    result = build_fixture(project, "stretch-spills.md")
    spill, = failures(result, "overflow")
    lines, mm = map(int, re.fullmatch(r"\+(\d+)行 (\d+)mm", spill.figure).groups())
    assert spill.message.startswith("ストレッチ用紙は 1ページまでですが 2ページになり、"
                                    "「ゆっくり元の姿勢に戻りま…」から後ろが2ページ目に")
    assert str(spill.where) == "2ページ handouts/stretch-spills.md:30"
    # Against the PDF: what page 2 holds, from its top margin (13 mm) down.
    assert len(page_sizes_mm(result.pdf)) == 2
    with pdfplumber.open(result.pdf) as pdf:
        page = pdf.pages[1]
        footer_top = 270 * MM  # the running footer sits in the bottom margin
        drawn = [o["bottom"] for o in page.chars + page.rects + page.lines if o["bottom"] < footer_top]
    held = (max(drawn) - 13 * MM) / MM
    assert abs(mm - held) <= 2, (mm, held)
    assert lines == math.ceil(mm / (16 * 1.8 / MM) - 0.01) or lines == math.ceil(held / (16 * 1.8 / MM) - 0.01)


def test_stretch_sheet_that_fits(project):
    result = build_fixture(project, "stretch-fits.md")
    assert the_pass(result, "overflow").figure == "1ページ(上限 1)"


def test_brochure_panel_too_long_names_panel_and_lines(project):
    result = build_fixture(project, "brochure-panel-too-long.md")
    over, = failures(result, "overflow")
    assert over.figure == "+5行 48.6mm"
    assert over.where.page == 2 and over.where.panel == "inside-left"
    assert str(over.where) == "2ページ 中面・左(inside-left) handouts/brochure-panel-too-long.md:24"
    assert over.message.startswith("「中面・左」の面に入りきらず、「書いてあります。」から下が約5行(48.6mm)はみ出しています")
    assert over.message.endswith("本文を5行減らすか、段落を分けてください")
    # Against the PDF: the last item is drawn (then clipped) below the panel's 13 mm
    # bottom padding, by the measured amount give or take the half-leading.
    last, = find_text(result.pdf, "下からはみ出します")
    assert last["page"] == 2 and last["x0"] < 100 * MM
    assert abs((last["bottom"] - 197 * MM) / MM - 47.3) < 6
    # Text past the panel's foot is the overflow rule's: not reported twice.
    assert failures(result, "safe_area") == []
    assert the_pass(result, "safe_area").figure


def test_a_spill_that_starts_at_a_list_marker_quotes_the_item(project):
    """A list item's marker is a line of its own; the message quotes the item's words
    (not "•") and so can say which line of the handout it is."""
    result = build_fixture(project, "brochure-list-too-long.md")
    over, = failures(result, "overflow")
    quoted = re.search(r"「(短い項目(\d+)です。)」から下が", over.message)
    assert quoted, over.message
    assert over.where.line == 16 + int(quoted[2])  # "- 短い項目N" is on line 16 + N
    assert find_text(result.pdf, quoted[1])  # and it is the text drawn there


def test_brochure_that_fits_every_panel(project, write):
    path = write("b.md", (ROOT / "templates/brochure.yaml").read_text(encoding="utf-8")
                 .split("starter: |\n", 1)[1].replace("\n  ", "\n").replace("{revised}", "2026-11-20").lstrip())
    fill(project, "b")  # the starter with its example lines rewritten
    result = build(project, path)
    ok = the_pass(result, "overflow")
    assert ok.figure == "2ページ(上限 2)"
    assert ok.message == "ページ数は範囲内です、6面すべて収まっています"


# --- 5. safe area --------------------------------------------------------------------


def test_text_near_the_paper_edge(project):
    result = build_fixture(project, "near-edge.md")
    near, = failures(result, "safe_area")
    assert near.figure == "2.0mm"
    assert near.message.startswith("「左の余白に食い込んだ一文…」が紙の左端から 2.0mm のところにあります(基準 5mm 以上)")
    assert near.where.line == 7
    hit, = find_text(result.pdf, "左の余白")
    assert hit["x0"] / MM == pytest.approx(2.0, abs=0.1)


def test_text_clear_of_the_paper_edge(project):
    result = build_fixture(project, "near-edge-ok.md")
    assert the_pass(result, "safe_area").figure == "最小 6.0mm"


# --- 6. line length and pitch ----------------------------------------------------------


def test_long_lines_and_tight_pitch(project):
    result = build_fixture(project, "long-lines.md")
    long, tight = failures(result, "lines")
    assert long.figure == "47字"
    assert long.message.startswith("1行が 47字あります「この段落は字間を詰めてい…」(基準 40字以下)")
    assert long.where.line == 7
    assert tight.figure == "行送り 1.20倍"
    assert "行送りが文字の大きさ(16.0pt)の 1.20倍しかありません(基準 1.5倍以上)" in tight.message
    assert tight.where.line == 9
    # The PDF's first line of that paragraph really holds 47 characters.
    first = [c for c in chars(result.pdf) if c["size"] < 15 and c["text"].strip()]
    top = min(c["top"] for c in first)
    assert len([c for c in first if abs(c["top"] - top) < 1]) == 47


def test_xl_edition_allows_30_characters(project):
    (project.styles / "xl.css").write_text("/* the test's own XL sheet: same sizes as normal */\n")
    shutil.copy(SAMPLE / "handouts/knee/faq.md", project.handouts / "faq.md")
    normal = build(project, project.handouts / "faq.md")
    assert the_pass(normal, "lines").figure == "最長 33字・行送り 1.50倍以上"
    xl = build(project, project.handouts / "faq.md", "xl")
    long, = failures(xl, "lines")
    assert long.figure == "33字" and "(基準 30字以下)" in long.message


def test_lines_pass(project):
    result = build_fixture(project, "large-enough-text.md")
    assert the_pass(result, "lines").figure == "最長 13字・行送り 1.80倍以上"


# --- 7. images -----------------------------------------------------------------------


def _photo(project, size: tuple[int, int]):
    images = project.handouts / "images"
    images.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, (200, 120, 60)).save(images / "photo.png")
    return build_fixture(project, "photo.md")


def test_low_resolution_photo_fails(project):
    result = _photo(project, (100, 80))
    low, = failures(result, "images")
    # 100 px across 35 mm: the 5:4 picture fills the step's 38 × 28 mm slot's height
    assert low.figure == "73ppi"
    assert low.message.startswith("画像「photo.png」は100×80画素を 35×28mmに広げていて 73ppi しかなく")
    assert str(low.where) == "1ページ handouts/photo.md:20"
    with pdfplumber.open(result.pdf) as pdf:
        image, = pdf.pages[0].images
    assert image["srcsize"][0] / ((image["x1"] - image["x0"]) / 72) == pytest.approx(72.6, abs=0.5)


def test_photo_under_300_ppi_is_a_warning(project):
    result = _photo(project, (400, 320))
    warning, = outcomes(result, "images")
    assert warning.status == "warn" and warning.figure == "290ppi"
    assert result.passed


def test_findings_name_the_line_they_are_on_when_the_same_words_stand_earlier(project):
    # Lines 5 (a front-matter comment) and 8 say 答えです。 too; the pale one is on line 10.
    # The same picture is placed twice: each placement is reported on its own line.
    images = project.handouts / "images"
    images.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (100, 80), (200, 120, 60)).save(images / "photo.png")
    result = build_fixture(project, "repeated-text.md")
    pale, = failures(result, "contrast")
    assert pale.where.line == 10
    assert sorted(o.where.line for o in failures(result, "images")) == [12, 16]


def test_sharp_photo_passes(project):
    result = _photo(project, (600, 480))
    assert the_pass(result, "images").figure == "最低 435ppi"


def _faq_with_background(project, css: str, size: tuple[int, int]):
    images = project.handouts / "images"
    images.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, (200, 120, 60)).save(images / "logo.png")
    sheet = project.styles / "faq.css"
    sheet.write_text(sheet.read_text(encoding="utf-8") + "\n" + css + "\n", encoding="utf-8")
    file = project.handouts / "bg.md"
    file.write_text("---\nkind: faq\ntitle: 背景の画像\nrevised: 2026-11-20\n---\n\n## 質問\n\n答えです。\n",
                    encoding="utf-8")
    return build(project, file)


@pytest.mark.parametrize("css", [
    # a kind's stylesheet may print a logo as a background: on an element, or on the page
    "h1 { background: url(../handouts/images/logo.png) no-repeat right top / 38mm 30mm; }",
    "@page { background: url(../handouts/images/logo.png) no-repeat 10mm 10mm / 38mm 30mm; }",
])
def test_low_resolution_background_image_fails(project, css):
    result = _faq_with_background(project, css, (100, 80))
    low, = failures(result, "images")
    assert low.figure == "67ppi"
    assert "画像「logo.png」は100×80画素を 38×30mmに広げていて 67ppi しかなく" in low.message


def test_sharp_background_image_and_gradients_pass(project):
    css = ("h1 { background: linear-gradient(#fff, #eee), "
           "url(../handouts/images/logo.png) no-repeat right top / 38mm 30mm; }")
    result = _faq_with_background(project, css, (600, 480))
    assert the_pass(result, "images").figure == "最低 401ppi"


# --- 8. fonts ------------------------------------------------------------------------


def _small_font(source, target, fs_type: int) -> None:
    options = subset.Options()
    font = TTFont(source)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="膝の裏")
    subsetter.subset(font)
    font["OS/2"].fsType = fs_type
    font.save(target)


def test_fonts_outside_fonts_dir_or_not_embeddable_fail(project):
    regular = project.fonts / "BIZUDPGothic-Regular.ttf"
    _small_font(regular, project.styles / "outside.ttf", 0)
    _small_font(regular, project.fonts / "restricted.ttf", 0x0002)
    result = build_fixture(project, "other-fonts.md")
    messages = [o.message for o in failures(result, "fonts")]
    assert messages == [
        "フォント「Outside」: outside.ttf はプロジェクトの fonts/ の外にあります。fonts/ に置いてください",
        "フォント「Restricted」: restricted.ttf はライセンスで PDF への埋め込みが禁止されています(fsType 0x0002)。"
        "別のフォントにしてください",
    ]


def test_text_drawn_in_a_stranger_font_fails(project, monkeypatch):
    # fontconfig isolation keeps system fonts out, so fake what Pango would report.
    monkeypatch.setattr(fonts, "drawn_families", lambda box, cache: {"DejaVu Sans"})
    result = build_fixture(project, "large-enough-text.md")
    stranger, = failures(result, "fonts")
    assert stranger.figure == "DejaVu Sans"
    assert "プロジェクトにないフォント「DejaVu Sans」で描かれています" in stranger.message


def test_only_project_fonts(project):
    result = build_fixture(project, "large-enough-text.md")
    assert the_pass(result, "fonts").figure == "BIZ UDPGothic(2書体)"


def test_xl_body_at_20pt_is_measured_as_body(project):
    """The XL body (20 pt) is above the 18 pt 'large text' mark, but it is body text."""
    with (project.styles / "xl.css").open("a") as sheet:
        sheet.write("\n.qa .a { letter-spacing: -0.35em; }\n")  # squeeze ~40 字 into a line
    shutil.copy(SAMPLE / "handouts/knee/faq.md", project.handouts / "faq.md")
    xl = build(project, project.handouts / "faq.md", "xl")
    long = failures(xl, "lines")[0]
    assert int(long.figure.removesuffix("字")) > 30 and "(基準 30字以下)" in long.message


def test_text_running_sideways_across_a_fold_fails(project):
    result = build_fixture(project, "brochure-too-wide.md")
    wide, = [o for o in failures(result, "overflow") if o.figure.startswith("横に")]
    assert wide.where.panel == "flap" and wide.where.line == 19
    assert "折り目の向こうへ" in wide.message
    from .pdfs import MM, chars
    drawn = max(c["x1"] for c in chars(result.pdf) if c["page"] == 1 and c["text"] == "k")
    assert drawn > 97 * MM  # the PDF really has it past the fold


def test_text_too_wide_for_an_outer_panel_runs_off_the_paper_not_over_a_fold(project):
    from .check_tools import FIXTURES

    text = (FIXTURES / "brochure-too-wide.md").read_text(encoding="utf-8")
    text = text.replace(" ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJk", "").replace(
        "原因を知りましょう。", "原因を知りましょう。 ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJk")
    (project.handouts / "wide-cover.md").write_text(text, encoding="utf-8")
    result = build(project, project.handouts / "wide-cover.md")
    wide, = [o for o in failures(result, "overflow") if o.figure.startswith("横に")]
    assert wide.where.panel == "cover"
    assert "紙の右端へ" in wide.message and "折り目" not in wide.message


def test_bundled_brochure_stays_within_its_panels(project):
    shutil.copy(SAMPLE / "handouts/knee/back-of-knee.md", project.handouts / "b.md")
    shutil.copytree(SAMPLE / "handouts/knee/images", project.handouts / "images")
    result = build(project, project.handouts / "b.md")
    assert not failures(result, "overflow")


# --- 9. furigana overlap --------------------------------------------------------------


@pytest.mark.parametrize("leading", ["1.2", "1.4"])
def test_furigana_drawn_over_the_line_above_fails_by_what_the_pdf_shows(project, leading):
    # At 1.4 the overlap (2.6 pt) is smaller than the line above's half-leading: measured
    # from where text boxes start rather than where their glyphs are drawn, it went unseen.
    from .check_tools import FIXTURES

    text = (FIXTURES / "furigana-tight.md").read_text(encoding="utf-8")
    (project.handouts / "tight.md").write_text(text.replace("line-height: 1.2", f"line-height: {leading}"),
                                               encoding="utf-8")
    result = build(project, project.handouts / "tight.md")
    over, = failures(result, "furigana")
    assert over.message.startswith("ふりがな「しつかきん」が「")
    assert "重なっています" in over.message
    assert str(over.where) == "1ページ handouts/tight.md:9"
    # The PDF agrees: how far the reading's glyph boxes reach into the line above.
    reading = [c for c in chars(result.pdf) if c["size"] < 9]
    above = [c for c in chars(result.pdf) if c["size"] > 15.9 and c["bottom"] < max(r["bottom"] for r in reading)
             and any(c["x0"] < r["x1"] and r["x0"] < c["x1"] for r in reading)]
    in_pdf = max(c["bottom"] for c in above) - min(r["top"] for r in reading)
    assert in_pdf > 1
    assert float(over.figure.removesuffix("pt")) == pytest.approx(in_pdf, abs=0.3)


def test_furigana_clear_of_other_text_passes(project):
    result = build_fixture(project, "furigana-clear.md")
    assert re.fullmatch(r"重なりなし\(\d+か所\)", the_pass(result, "furigana").figure)


def test_no_furigana_passes(project):
    result = build_fixture(project, "dark-enough.md")
    assert the_pass(result, "furigana").figure == "ふりがななし"
