"""Tagged PDFs, read back: the structure tree (pikepdf), the marked content in the pages,
what text extraction gives (pypdfium2, poppler, pdfplumber) and what the pdfua checker
says. Every bundled PDF, and fixtures for what the bundled ones do not show."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pdfplumber
import pypdfium2
import pytest

from leaflet.build.pipeline import render_handout
from leaflet.project import Project

from .check_tools import build
from .conftest import STEP_SVG
from .pdfs import MM
from .structure_tools import Content, Tagged

POPPLER = shutil.which("pdfinfo") and shutil.which("pdftotext")
needs_poppler = pytest.mark.skipif(not POPPLER, reason="poppler-utils missing (scripts/test-deps.sh installs it)")


def every_bundled(bundled: dict[str, Path], bundled_xl: dict[str, Path]) -> list[tuple[str, Path]]:
    return [*bundled.items(), *((f"xl/{n}", p) for n, p in bundled_xl.items())]


def source_of(project: Project, name: str) -> Path:
    return project.handouts / f"{name.removeprefix('xl/')}.md"


def test_every_bundled_pdf_is_tagged_pdf_ua(sample, bundled, bundled_xl):
    for name, path in every_bundled(bundled, bundled_xl):
        tagged = Tagged(path)
        root = tagged.pdf.Root
        assert root.MarkInfo.Marked is True, name
        assert str(root.Lang) == "ja", name
        assert root.ViewerPreferences.DisplayDocTitle is True, name
        edition = "xl" if name.startswith("xl/") else None
        rendered = render_handout(sample, source_of(sample, name), edition)
        title = rendered.handout.meta["title"]
        assert str(tagged.pdf.docinfo.Title) == re.sub(r"\{([^|]+)\|[^}]+\}", r"\1", title)
        with tagged.pdf.open_metadata() as xmp:
            assert xmp.get("pdfuaid:part") == "1", name
        assert tagged.document.role == "Document"
        # Every picture says what it shows; every furigana is a Ruby of one RB and one RT.
        for figure in tagged.find("Figure"):
            assert str(figure.get("/Alt")).strip(), name
            assert len(figure.get("/A").BBox) == 4
        readings = re.findall(r"<rt>([^<]*)</rt>", rendered.html)
        rubies = tagged.find("Ruby")
        assert len(rubies) == len(readings) > 0, name
        for ruby, reading in zip(rubies, readings):
            assert [k.role for k in ruby.children()] == ["RB", "RT"], name
            rb, rt = ruby.children()
            assert tagged.text(rb) and tagged.text(rt) == reading
            assert str(rt.get("/ActualText")) == reading  # for assistive technology
        # Lists: L › LI › (Lbl) LBody.
        for lst in tagged.find("L"):
            assert lst.children() and all(k.role in ("LI", "L") for k in lst.children()), name
            for item in lst.children("LI"):
                assert [k.role for k in item.children()] in (["Lbl", "LBody"], ["LBody"]), name


def test_headings_are_in_order(bundled, bundled_xl):
    for name, path in every_bundled(bundled, bundled_xl):
        tagged = Tagged(path)
        levels = [int(e.role[1]) for e in tagged.document.walk() if re.fullmatch(r"H[1-6]", e.role)]
        assert levels[0] == 1 and levels.count(1) == 1, (name, levels)
        assert all(b <= a + 1 for a, b in zip(levels, levels[1:])), (name, levels)
        for heading in tagged.document.walk():
            if re.fullmatch(r"H[1-6]", heading.role):
                assert tagged.text(heading).strip(), name


def test_nothing_is_drawn_untagged(bundled, bundled_xl):
    """Every text drawn is an artifact or a marked sequence whose MCID the ParentTree
    gives to an element that is in the tree; every MCID in the tree is drawn."""
    for name, path in every_bundled(bundled, bundled_xl):
        tagged = Tagged(path)
        in_tree = {(c.page, c.mcid): e for e in tagged.document.walk() for c in e.kids if isinstance(c, Content)}
        parents = tagged.parent_tree()
        drawn = set()
        for page, tag, mcid, artifact in tagged.marked_text():
            assert tag, f"{name}: text drawn outside any marked content on page {page + 1}"
            if artifact:
                continue
            assert mcid is not None, (name, page, tag)
            drawn.add((page, mcid))
            assert (page, mcid) in in_tree, (name, page, mcid)
            assert parents[(page, mcid)].objgen == in_tree[(page, mcid)].obj.objgen
        assert set(in_tree) <= drawn | {k for k in in_tree if not tagged.texts.get(k)}, name
        # Nothing the plan missed (the writer would hang it on Document itself).
        assert not [c for c in tagged.document.kids if isinstance(c, Content)], name


def test_footer_page_numbers_and_q_a_marks_are_artifacts(bundled):
    tagged = Tagged(bundled["knee/faq"])
    tree_text = tagged.text(tagged.document)
    with pdfplumber.open(bundled["knee/faq"]) as pdf:
        page_text = "".join(p.extract_text() for p in pdf.pages)
    for furniture in ("改訂", "1 / 2", "札幌ひざのセルクリニック"):
        assert furniture in page_text and furniture not in tree_text
    for heading in tagged.find("H2"):
        assert not tagged.text(heading).startswith("Q")
    answers = [tagged.text(p) for p in tagged.find("P")]
    assert not any(a.startswith("A") for a in answers)


def test_the_stretch_log_is_a_table_with_column_headers(bundled):
    tagged = Tagged(bundled["knee/chair-stretch"])
    table, = tagged.find("Table")
    rows = [r for r in table.walk() if r.role == "TR"]
    assert len(rows) == 4  # 14 days: two weeks of (labels, cells to circle)
    ids = {}
    for labels, cells in zip(rows[::2], rows[1::2]):
        assert [k.role for k in labels.children()] == ["TH"] * 7
        assert [k.role for k in cells.children()] == ["TD"] * 7
        for th in labels.children():
            assert str(th.get("/A").Scope) == "/Column"
            ids[str(th.get("/ID"))] = tagged.text(th)
        for th, td in zip(labels.children(), cells.children()):
            assert [str(h) for h in td.get("/A").Headers] == [str(th.get("/ID"))]
    assert list(ids.values()) == [f"{d}日目" for d in range(1, 15)]
    assert set(map(str, dict(zip(*[iter(tagged.pdf.Root.StructTreeRoot.IDTree.Names)] * 2)))) == set(ids)


def test_figures_say_what_the_steps_show_and_where(bundled):
    tagged = Tagged(bundled["knee/chair-stretch"])
    figures = tagged.find("Figure")
    assert [str(f.get("/Alt")) for f in figures] == [
        "椅子の前の方に浅く腰かけ、片方の足を前に出している人の絵",
        "前に出した足を大きく描いた絵。かかとは床につき、つま先は上を向いている",
        "背すじを伸ばしたまま上体を前に倒している人の絵。膝の裏に「ここが伸びます」のしま模様の印がある"]
    with pdfplumber.open(bundled["knee/chair-stretch"]) as pdf:
        height = pdf.pages[0].height
        # The steps' first lines, in body text (the drawings' own labels say かかとを床に too).
        steps = [w for w in pdf.pages[0].extract_words(extra_attrs=["size"])
                 if w["size"] > 15 and w["text"].startswith(("椅子に浅く", "かかとを床", "背すじを"))]
    assert len(steps) == 3, steps
    boxes = [list(map(float, f.get("/A").BBox)) for f in figures]
    # BBox is in PDF points, y up: each picture sits over its step's text, in its column
    # (the first line starts after the step's number, 10 mm in).
    for (x0, y0, x1, _y1), step in zip(boxes, steps):
        assert x0 < step["x0"] < x0 + 12 * MM < x1
        assert 0 < y0 - (height - step["top"]) < 8 * MM


# --- Reading order -------------------------------------------------------------------

BROCHURE = """\
---
kind: brochure
title: 読む順
revised: 2026-11-20
---

::: cover

表紙の文です。

::: inside-left

## 中面左の見出し

::: flap

## 折り込みの見出し

::: inside-middle

## 中面中央の見出し

::: inside-right

## 中面右の見出し

::: back

裏表紙の文です。
"""


def test_brochure_reads_cover_first_then_panels_in_the_kinds_order(project, write):
    result = build(project, write("b.md", BROCHURE))
    tagged = Tagged(result.pdf)
    parts = [tagged.text(e) for e in tagged.document.children("Sect")]
    # Opening the cover shows inside-left beside the flap; opening the flap, the inside.
    order = ["読む順", "中面左", "折り込み", "中面中央", "中面右", "裏表紙"]
    assert len(parts) == len(order)
    for text, expected in zip(parts, order):
        assert expected in text, (expected, text)
    # ... while the sheet prints flap | back | cover first.
    assert [c.page for c in tagged.document.children("Sect")[0].contents()][0] == 0


def test_a_reading_order_naming_no_section_is_an_error(project, write):
    from leaflet.errors import HandoutError
    from leaflet.source.kinds import load_kind

    schema = project.templates / "brochure.yaml"
    text = schema.read_text(encoding="utf-8")
    schema.write_text(text.replace("[cover, inside-left, flap,", "[cover, inside-left, flapp,"), encoding="utf-8")
    with pytest.raises(HandoutError, match="reading_order の「flapp」はこの種類の sections にありません"):
        load_kind(project, "brochure")


def test_reading_order_is_the_kinds_data(project, write):
    schema = project.templates / "brochure.yaml"
    text = schema.read_text(encoding="utf-8")
    schema.write_text(text.replace("reading_order: [cover, inside-left, flap, inside-middle, inside-right, back]",
                                   "reading_order: [cover, back]"), encoding="utf-8")
    tagged = Tagged(build(project, write("b.md", BROCHURE)).pdf)
    parts = [tagged.text(e) for e in tagged.document.children("Sect")]
    # Only the named parts move, to where the first of them was printed (back's place).
    order = ["折り込み", "読む順", "裏表紙", "中面左", "中面中央", "中面右"]
    assert [expected in text for text, expected in zip(parts, order)] == [True] * 6, parts


# --- Furigana ------------------------------------------------------------------------

FURIGANA = """\
---
kind: faq
title: "{膝窩|しっか}の話"
revised: 2026-11-20
readings: false
---

医師や{理学療法士|りがくりょうほうし}(リハビリの専門職)に相談を。

<p>生の HTML でも<ruby>膝窩筋<rt>しつかきん</rt></ruby>は読めます。</p>
"""


@pytest.fixture
def furigana_pdf(project, write) -> Path:
    return build(project, write("f.md", FURIGANA)).pdf


@needs_poppler
def test_poppler_shows_ruby_rb_rt_for_every_furigana(furigana_pdf):
    out = subprocess.run(["pdfinfo", "-struct-text", str(furigana_pdf)], capture_output=True, text=True,
                         check=True).stdout
    found = re.findall(r'^(\s*)Ruby.*\n\1  RB.*\n\1    "([^"]*)"\n\1  RT.*\n\1    "([^"]*)"', out, re.M)
    assert [(base, reading) for _, base, reading in found] == [
        ("膝窩", "しっか"), ("理学療法士", "りがくりょうほうし"), ("膝窩筋", "しつかきん")], out


@needs_poppler
def test_pdftotext_gives_the_base_text_only(furigana_pdf):
    out = subprocess.run(["pdftotext", str(furigana_pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "医師や理学療法士(リハビリの専門職)に相談を。" in out
    assert "生の HTML でも膝窩筋は読めます。" in out
    for reading in ("しっか", "りがくりょうほうし", "しつかきん"):
        assert reading not in out


def test_pypdfium2_gives_the_base_text_only(furigana_pdf):
    text = "".join(page.get_textpage().get_text_range() for page in pypdfium2.PdfDocument(furigana_pdf))
    assert "医師や理学療法士(リハビリの専門職)に相談を。" in text
    assert "生の HTML でも膝窩筋は読めます。" in text
    for reading in ("しっか", "りがくりょうほうし", "しつかきん"):
        assert reading not in text


def test_pdfplumber_gives_the_base_text_unbroken(furigana_pdf):
    """pdfminer extracts every drawn glyph by position (it ignores /ActualText): the
    reading, drawn above its line, comes out as a line of its own, never inside the
    base text; dropping the characters of the RT elements' MCIDs leaves none."""
    with pdfplumber.open(furigana_pdf) as pdf:
        page = pdf.pages[0]
        lines = page.extract_text().splitlines()
        assert "医師や理学療法士(リハビリの専門職)に相談を。" in lines
        assert "りがくりょうほうし" in lines
        tagged = Tagged(furigana_pdf)
        readings = {c.mcid for rt in tagged.find("RT") for c in rt.contents()}
        kept = page.filter(lambda o: o.get("object_type") != "char" or o.get("mcid") not in readings)
        text = kept.extract_text()
    assert "医師や理学療法士(リハビリの専門職)に相談を。" in text
    assert not any(r in text for r in ("しっか", "りがくりょうほうし", "しつかきん"))


def test_a_ruby_of_several_pairs_is_one_ruby_element_a_pair(project, write):
    # PDF's Ruby holds one RB and one RT. (Our CSS lays out one pair a ruby, as the
    # {漢字|かんじ} syntax writes it; raw HTML with several pairs stacks them.)
    result = build(project, write("r.md", "---\nkind: faq\ntitle: 対\nrevised: 2026-11-20\n---\n\n"
                                          "<p>二つの<ruby>漢<rt>かん</rt>字<rt>じ</rt></ruby>。</p>\n"))
    tagged = Tagged(result.pdf)
    pairs = [[tagged.text(k) for k in ruby.children()] for ruby in tagged.find("Ruby")]
    assert pairs == [["漢", "かん"], ["字", "じ"]]


# --- Pictures and links --------------------------------------------------------------

def test_decorative_picture_is_an_artifact_not_a_figure(project, write):
    write("images/flower.svg", STEP_SVG)
    result = build(project, write("d.md", "---\nkind: faq\ntitle: 飾り\nrevised: 2026-11-20\n---\n\n"
                                          "![装飾](images/flower.svg)\n\n![花の絵](images/flower.svg)\n"))
    tagged = Tagged(result.pdf)
    assert [str(f.get("/Alt")) for f in tagged.find("Figure")] == ["花の絵"]
    data = tagged.pdf.pages[0].Contents.read_bytes()
    assert data.count(b"/Artifact\n<</Type /Layout>>") >= 1


def test_a_link_is_tagged_with_its_annotation(project, write):
    result = build(project, write("l.md", "---\nkind: faq\ntitle: 連絡\nrevised: 2026-11-20\n---\n\n"
                                          "詳しくは[クリニックのページ](https://example.org/knee)へ。\n"))
    tagged = Tagged(result.pdf)
    link, = tagged.find("Link")
    annotation, = link.objrs
    assert tagged.text(link) == "クリニックのページ"
    assert str(annotation.Subtype) == "/Link"
    nums = list(tagged.pdf.Root.StructTreeRoot.ParentTree.Nums)
    keyed = dict(zip(nums[::2], nums[1::2]))
    assert keyed[int(annotation.StructParent)].objgen == link.obj.objgen
    assert int(tagged.pdf.Root.StructTreeRoot.ParentTreeNextKey) == int(annotation.StructParent) + 1


def test_a_paragraph_split_over_two_pages_is_one_element(project, write):
    long = "膝の裏の痛みは、多くの場合、筋肉のかたさや使いすぎから起こります。" * 40
    result = build(project, write("p.md", f"---\nkind: faq\ntitle: 長い\nrevised: 2026-11-20\n---\n\n{long}\n"))
    tagged = Tagged(result.pdf)
    paragraph, = tagged.find("P")
    assert {c.page for c in paragraph.contents()} == {0, 1}
    assert tagged.text(paragraph) == long


# --- The pdfua checker ---------------------------------------------------------------

# Rules pdfua 0.1.3 cannot run on a tagged PDF whose headings hold more than one MCID
# (as_integer() reads a pikepdf Array's attribute, which raises): listed in the README.
PDFUA_CANNOT_RUN = {"UA-14-001"}


def test_pdfua_reports_no_failure_on_the_bundled_pdfs(bundled, bundled_xl):
    from pdfua import validate

    for name, path in every_bundled(bundled, bundled_xl):
        report = validate(str(path))
        assert [(f.rule_id, f.message) for f in report.findings] == [], name
        assert {o.rule_id for o in report.skipped} <= PDFUA_CANNOT_RUN, name


def test_text_in_no_meaningful_element_is_a_paragraph(project, write):
    result = build(project, write("t.md", "---\nkind: faq\ntitle: 題\nrevised: 2026-11-20\n---\n\n"
                                          "<div>囲みの中の文です。</div>\n\n普通の段落です。\n"))
    tagged = Tagged(result.pdf)
    assert [tagged.text(p) for p in tagged.document.walk() if p.role == "P"] == [
        "囲みの中の文です。", "普通の段落です。"]
    assert not [c for c in tagged.document.kids if isinstance(c, Content)]
