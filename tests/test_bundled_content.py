"""What the bundled leaflets say and show, read back from the built PDFs and the laid-out
pages (issue 14): corrections against the column, its hedges and safety lines, the
pictures, their size and their alt text."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from leaflet.build.pipeline import render_handout
from leaflet.check.boxes import measure
from leaflet.project import Project

from .conftest import SAMPLE
from .pdfs import MM, chars, find_text, text_of

BROCHURE, STRETCH, FAQ = "knee/back-of-knee", "knee/chair-stretch", "knee/faq"
PX_PER_MM = 96 / 25.4  # WeasyPrint lays out in CSS px


def flat(pdf) -> str:
    """The PDF's words in the order they are drawn (WeasyPrint draws in document order,
    so columns and panels stay apart), furigana and spaces left out: phrases are searched
    here without their spaces."""
    return "".join(c["text"] for c in chars(pdf) if c["size"] >= 9 and c["text"].strip())


def questions(pdf) -> list[str]:
    """The FAQ's questions: its 18 pt text, each ending in a question mark."""
    text = "".join(c["text"] for c in chars(pdf) if abs(c["size"] - 18) < 0.1)
    return [q + "?" for q in text.split("?") if q]


def reading_above(pdf, base: str) -> list[str]:
    """The furigana drawn above each occurrence of ``base`` in body text (≥ 14 pt)."""
    drawn = [c for c in chars(pdf) if c["text"].strip()]
    found = []
    for i in range(len(drawn) - len(base) + 1):
        run = drawn[i:i + len(base)]
        if "".join(c["text"] for c in run) != base or run[0]["size"] < 14:
            continue
        if len({(c["page"], round(c["top"])) for c in run}) != 1:
            continue  # not one run on one line
        x0, x1, top = run[0]["x0"], run[-1]["x1"], run[0]["top"]
        above = sorted((c for c in drawn if c["page"] == run[0]["page"] and c["size"] < 9
                        and x0 - 2 <= (c["x0"] + c["x1"]) / 2 <= x1 + 2
                        and top - 12 <= c["top"] and c["bottom"] <= top + 1),
                       key=lambda c: c["x0"])
        found.append("".join(c["text"] for c in above))
    return found


# --- corrections against the column ---------------------------------------------------

def test_readings_list_reads_shikkakin():
    from leaflet.yamlfile import read_file

    assert read_file(SAMPLE / "readings.yaml", SAMPLE)["膝窩筋"] == "しっかきん"


@pytest.mark.parametrize("name", [BROCHURE, STRETCH, FAQ])
def test_popliteus_is_read_shikkakin_wherever_it_is_printed(bundled, name):
    pdf = bundled[name]
    assert "しつかきん" not in text_of(pdf)  # the column's old kana spelling
    readings = reading_above(pdf, "膝窩筋")
    if name == BROCHURE:
        assert readings, "the brochure names 膝窩筋 among the causes"
    if readings:
        assert readings[0] == "しっかきん", readings  # first occurrence: furigana above it


def test_the_faq_says_the_knee_feels_hot_not_a_fever(bundled):
    text = flat(bundled[FAQ])
    assert "熱がある" not in text
    assert "膝に熱っぽさがある" in text


def test_regenerative_medicine_keeps_the_columns_hedges(bundled):
    text = flat(bundled[FAQ])
    answer = text[text.index("再生医療とは"):]
    for hedge in ("注目されています", "期待できます", "すべての方に効果があるわけではありません",
                  "診断を受けることが大切です"):
        assert hedge in answer, hedge


def test_the_last_question_asks_when_to_see_a_doctor_early_and_is_answered(bundled):
    text = flat(bundled[FAQ])
    assert "すぐ" not in text
    assert questions(bundled[FAQ])[-1] == "早めに受診した方がいいのは、どんなときですか?"
    last = text[text.rindex("早めに受診した方がいいのは"):]
    assert "早めに整形外科を受診しましょう" in last and "まず医師に相談してください" in last
    assert "ストレッチ" not in last  # its answer is about seeing a doctor


def test_stretch_step_three_keeps_the_back_straight_and_says_where_it_is_felt(bundled, bundled_xl):
    for pdf in (bundled[STRETCH], bundled_xl[STRETCH]):
        text = flat(pdf)
        assert "背すじを伸ばしたまま、体を前にゆっくり倒します" in text
        assert "膝の裏が気持ちよく伸びたら止めます" in text


@pytest.mark.parametrize("name", [BROCHURE, STRETCH, FAQ])
def test_the_columns_own_safety_lines(bundled, name):
    text = flat(bundled[name])
    assert "すぐやめ" not in text and "すぐにやめ" not in text  # not the column's line
    assert "息は止めません" not in text
    if name in (BROCHURE, STRETCH):
        assert "痛みをがまんして" in text and "息は止めずに" in text


def test_missing_points_are_on_the_leaflet_they_belong_to(bundled):
    brochure, faq = flat(bundled[BROCHURE]), flat(bundled[FAQ])
    # Baker's cyst as a water balloon, and why it makes kneeling hard
    assert "水風船のようにふくらみます" in brochure and "正座がしにくくなります" in brochure
    # the meniscus can tear with age, without a big injury
    assert "大きなけががなくても" in brochure
    # injections that drain fluid, hyaluronic acid, tablets when the pain is strong
    for point in ("注射で水を抜く", "ヒアルロン酸の注射", "痛みが強いときは飲み薬"):
        assert point in faq, point
    # the column's reassurance
    assert "多くの場合、症状は改善に向かいます" in brochure
    assert "多くの場合、症状は改善に向かいます" in faq


def test_the_stretch_sheet_is_named_by_its_title(bundled):
    brochure = flat(bundled[BROCHURE])
    assert "「椅子でできる膝の裏のストレッチ」の用紙" in brochure
    assert "ストレッチの用紙" not in brochure


@pytest.mark.parametrize("name", [BROCHURE, STRETCH, FAQ])
def test_desu_masu_throughout(bundled, name):
    text = flat(bundled[name])
    assert not re.search(r"を。", text)  # 「〜に相談を。」
    assert "メッシュ素材" not in text  # said plainly: 網目の布
    # 膝, never ひざ, in what the handout writes (the clinic's facts come from clinic.yaml)
    assert "ひざ" not in (SAMPLE / "handouts" / f"{name}.md").read_text(encoding="utf-8")
    if name == FAQ:
        asked = questions(bundled[name])
        assert len(asked) == 7, asked
        assert all(q.endswith("か?") for q in asked), asked  # not 「どんなとき?」


# --- the brochure's reading order ------------------------------------------------------

def test_the_brochure_reads_in_the_order_it_is_opened(bundled):
    """Cover; opened, inside-left (when it hurts, when to see a doctor) beside the flap (where
    it hurts); the flap opened, the causes and the care; the back (examination and treatment
    above the clinic's card) last. The structure tree a screen reader follows says the same."""
    from .structure_tools import Tagged

    tagged = Tagged(bundled[BROCHURE])
    parts = [tagged.text(e).replace(" ", "") for e in tagged.document.children("Sect")]
    expected = [("膝の裏が痛いとき", "改善に向かいます"),
                ("こんなとき、痛みませんか", "早めに受診しましょう"),
                ("膝の裏のどこが痛む", "50代から80代"),
                ("考えられる4つの原因", "筋肉のかたさ"),
                ("自分でできるケア", "やさしいストレッチ"),
                ("検査と治療", "札幌ひざのセルクリニック")]
    assert len(parts) == len(expected), parts
    for text, (first, then) in zip(parts, expected):
        assert text.startswith(first) and then in text, (first, text)


# --- pictures -------------------------------------------------------------------------

def laid_out_images(project: Project, name: str, edition: str = "normal"):
    """The pictures as WeasyPrint laid them out (the render a build makes)."""
    rendered = render_handout(project, project.handouts / f"{name}.md", edition)
    return measure(rendered.document).images


def test_the_brochure_has_a_cover_picture_and_the_where_it_hurts_schematic(sample, bundled):
    images = laid_out_images(sample, BROCHURE)
    assert len(images) >= 2
    panels = {image.panel: image for image in images}
    assert "cover" in panels and "flap" in panels  # the schematic: beside inside-left when the cover opens
    for image in images:
        assert image.pixels is None  # drawings (SVG), sharp at any size
        assert image.width / PX_PER_MM >= 60 and image.height / PX_PER_MM >= 50, image
    # The schematic's labels name the four causes in words, drawn in the PDF in our font, on
    # the flap (0-97 mm of the outside page; 13.4 pt at the flap's 79 mm measure).
    pdf = bundled[BROCHURE]
    for label in ("ベーカー嚢腫", "変形性膝関節症", "半月板の損傷", "筋肉のかたさ"):
        hits = [h for h in find_text(pdf, label) if h["page"] == 1 and h["x1"] < 97 * MM and h["size"] >= 13]
        assert hits, label
        assert all(h["fontname"].endswith("BIZ-UDPGothic-Bold") for h in hits)


@pytest.mark.parametrize("edition", ["normal", "xl"])
def test_stretch_pictures_are_at_least_55_mm_wide(sample, edition):
    images = laid_out_images(sample, STRETCH, edition)
    assert len(images) == 3
    widths = [image.width / PX_PER_MM for image in images]
    assert all(width >= 55 for width in widths), widths
    assert len({image.page for image in images}) == 1  # all steps on one side


def test_the_stretch_marker_is_explained_beside_step_three(bundled, bundled_xl):
    for pdf in (bundled[STRETCH], bundled_xl[STRETCH]):
        label, = find_text(pdf, "ここが伸びます")
        step, = find_text(pdf, "背すじを")  # step 3's first line
        assert label["size"] >= 12  # readable at arm's length, though drawn in the picture
        assert label["page"] == step["page"]
        if pdf == bundled[STRETCH]:  # steps side by side: the label is in step 3's column
            assert label["x0"] > 120 * MM and step["x0"] > 120 * MM


def step_texts(pdf, body_pt: float) -> list[list[str]]:
    """The steps' text as drawn: for each step, its lines top to bottom (body-size text
    between the やり方 heading and what follows the steps; the number discs are larger). Steps
    side by side are told apart by the gap between columns, steps one under the other by
    a gap between lines wider than the line pitch."""
    heading, = find_text(pdf, "やり方")
    # What follows the steps on their page: the log (one side), or the hold time (XL's front).
    after = [h["top"] for h in find_text(pdf, "できた日に") + find_text(pdf, "数えます")
             if h["page"] == heading["page"] and h["top"] > heading["bottom"]]
    end = min(after) - 1  # the hold time's line: its labels are body-sized
    body = [c for c in chars(pdf) if c["page"] == heading["page"] and heading["bottom"] < c["top"] < end
            and abs(c["size"] - body_pt) < 0.2 and c["text"].strip()]
    rows: dict[float, list[dict]] = {}
    for c in body:
        rows.setdefault(round(c["top"]), []).append(c)
    columns: dict[int, list[tuple[float, str]]] = {}
    for top in sorted(rows):
        run: list[dict] = []
        for c in [*sorted(rows[top], key=lambda c: c["x0"]), None]:
            if run and (c is None or c["x0"] - run[-1]["x1"] > 3 * MM):  # a gap: the next column
                columns.setdefault(round(run[0]["x0"] / (20 * MM)), []).append((top, "".join(r["text"] for r in run)))
                run = []
            if c is not None:
                run.append(c)
    steps: list[list[str]] = []
    for key in sorted(columns):
        previous = None
        for top, line in columns[key]:
            if previous is None or top - previous > 1.8 * body_pt * 1.05:
                steps.append([])
            steps[-1].append(line)
            previous = top
    return steps


@pytest.mark.parametrize("edition, body_pt", [("normal", 16), ("xl", 20)])
def test_step_text_breaks_only_between_phrases(bundled, bundled_xl, edition, body_pt):
    """A step's column holds ~10 characters a line (~15 in XL): each line ends where a
    phrase (文節) does, never inside a word (片|足, 気|持ち) or before a lone 「す。」."""
    from leaflet.source.markdown.phrases import boundaries

    pdf = (bundled if edition == "normal" else bundled_xl)[STRETCH]
    steps = step_texts(pdf, body_pt)
    assert len(steps) == 3, steps
    for lines in steps:
        text = "".join(lines)
        cuts, end = boundaries(text), 0
        for line in lines[:-1]:
            end += len(line)
            assert end in cuts, (lines, line)
        assert len(lines[-1]) > 2, lines  # no lone 「す。」


def test_the_steps_are_different_pictures():
    pictures = [(SAMPLE / f"handouts/knee/images/chair-stretch-{n}.svg").read_bytes() for n in (1, 2, 3)]
    assert len(set(pictures)) == 3
    assert b'font-family="BIZ UDPGothic"' in pictures[1]  # labelled in our font


@pytest.mark.parametrize("name", [BROCHURE, STRETCH, FAQ])
def test_picture_labels_are_at_least_note_size(bundled, name):
    # Text drawn inside an SVG is not seen by the preflight; its size is checked here.
    small = {c["text"] for c in chars(bundled[name]) if 9 <= c["size"] < 10.5}
    assert not small, small


def test_every_picture_in_the_bundled_handouts_has_alt_text(sample):
    seen = 0
    for file in sample.all_handouts():
        collector = _Images()
        collector.feed(render_handout(sample, file).html)
        for src, alt in collector.images:
            seen += 1
            assert alt and len(alt.strip()) >= 10, (file.name, src, alt)
            assert not alt.strip().lower().endswith((".svg", ".png", ".jpg")), alt
    assert seen >= 5


class _Images(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.images: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            values = dict(attrs)
            self.images.append((values.get("src") or "", values.get("alt")))
