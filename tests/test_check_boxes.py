"""The walk over WeasyPrint's laid-out boxes that every rule reads (leaflet/check/boxes.py),
compared with where the written PDF actually puts things."""

from __future__ import annotations

import pytest

from leaflet.build.pipeline import render_handout
from leaflet.check.boxes import BODY, FURIGANA, HEADING, NOTE, measure
from leaflet.render.page import write_pdf

from .pdfs import MM, find_text


@pytest.fixture(scope="module")
def brochure(sample):
    project = sample
    return measure(render_handout(project, project.handouts / "knee/back-of-knee.md").document)


def test_furigana_is_measured_where_it_is_drawn(project, write, tmp_path):
    path = write("x.md", "---\nkind: faq\ntitle: 題\nrevised: 2026-11-20\n---\n\n{膝窩筋|しつかきん}を伸ばす。\n")
    rendered = render_handout(project, path)
    layout = measure(rendered.document)
    reading, = [r for r in layout.runs if r.role == FURIGANA]
    base, = [r for r in layout.runs if r.text == "膝窩筋"]
    assert reading.text == "しつかきん" and reading.size_pt == pytest.approx(8)
    # The reading is lifted above its base by negative margins (1 pt gap): measured
    # where it is drawn, not where it sits in the flow.
    assert 0 < base.y0 - reading.y1 <= 2
    assert (reading.x0 + reading.x1) / 2 == pytest.approx((base.x0 + base.x1) / 2, abs=0.5)
    write_pdf(rendered, tmp_path / "x.pdf")
    drawn, = find_text(tmp_path / "x.pdf", "しつかきん")
    assert drawn["x0"] == pytest.approx(reading.x0 * 0.75, abs=1)
    assert drawn["top"] == pytest.approx(reading.y0 * 0.75, abs=1.5)


def test_roles(brochure):
    roles = {r.text.strip(): r.role for r in brochure.runs}
    assert roles["痛みませんか"] == HEADING  # h2 (one budoux phrase of it)
    assert roles["2026年12月5日 改訂"] == NOTE  # .revised on the back panel
    assert roles["のうしゅ"] == FURIGANA
    assert roles["正座や、"] == BODY


def test_panels_in_fold_order_with_room_for_the_foot_of_the_back_panel(brochure):
    assert [(p.page, p.name) for p in brochure.panels] == [
        (1, "flap"), (1, "back"), (1, "cover"), (2, "inside-left"), (2, "inside-middle"), (2, "inside-right")]
    flap, back, cover = brochure.panels[:3]
    assert flap.limit / 96 * 25.4 == pytest.approx(197, abs=0.1)  # 210 mm less 13 mm padding
    # In-flow text must stay above the revision date and the clinic name at the foot.
    assert back.limit < flap.limit and cover.limit < flap.limit


def test_runs_know_their_panel_and_block(brochure):
    run, = [r for r in brochure.runs if r.text == "立ち仕事が"]  # a phrase on a list item's 2nd line
    assert run.panel == "inside-left" and run.page == 2  # read first, beside the flap
    assert run.block == "たくさん歩いた後や、立ち仕事が続いたとき"
    assert run.background == (1.0, 1.0, 1.0)
    assert run.x0 * 0.75 < 100 * MM
