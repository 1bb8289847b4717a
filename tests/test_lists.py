"""Lists everywhere: numbered, bulleted, nested and typed lists in every brochure panel
and every column of the other kinds, markers inside; when a marker does run out, the
overflow rule says it is a list marker. Read back from the PDF."""

from __future__ import annotations

import pdfplumber
import pytest

from .check_tools import build, build_fixture, failures, the_pass
from .conftest import STEP_SVG
from .pdfs import MM, find_text

# Brochure panels, left to right, in mm: outside flap | back | cover, inside left | middle | right.
PANELS = {1: [(0, 97), (97, 197), (197, 297)], 2: [(0, 100), (100, 200), (200, 297)]}
PADDING = 9  # mm, every side of a panel


def test_lists_of_every_kind_fit_every_brochure_panel(project):
    result = build_fixture(project, "brochure-lists.md")
    assert result.passed, [(o.rule, o.message) for o in result.checks.failures]
    assert the_pass(result, "overflow").message == "ページ数は範囲内です、6面すべて収まっています"
    with pdfplumber.open(result.pdf) as pdf:
        for number, page in enumerate(pdf.pages, 1):
            for char in page.chars:
                if not char["text"].strip():
                    continue
                left, right = next(p for p in PANELS[number] if p[0] * MM <= char["x0"] < p[1] * MM)
                assert char["x0"] >= (left + PADDING) * MM - 0.5, (number, char["text"], char["x0"] / MM)
                assert char["x1"] <= (right - PADDING) * MM + 0.5, (number, char["text"], char["x1"] / MM)


def test_ten_numbered_items_keep_their_numbers_in_the_panel(project):
    result = build_fixture(project, "brochure-lists.md")
    ten, = find_text(result.pdf, "10.")
    one, = find_text(result.pdf, "1.一つ目") or find_text(result.pdf, "1. 一つ目")
    assert ten["x0"] >= PADDING * MM - 0.5  # the widest number inside the flap
    assert ten["x1"] <= one["x1"] + 0.5  # numbers end at the same place, text starts after them


def test_nested_lists_are_indented_and_numbered_on_their_own(project):
    result = build_fixture(project, "brochure-lists.md")
    outer, = find_text(result.pdf, "外の項目")
    inner, = find_text(result.pdf, "二字下げた中の項目")
    assert inner["x0"] > outer["x0"] + 2 * MM  # indented by two spaces in the Markdown: nested
    with pdfplumber.open(result.pdf) as pdf:
        text = pdf.pages[1].extract_text()
    assert "1. 浅く腰かける" in text and "2. 背すじを伸ばす" in text and "2. 足を前に出す" in text
    assert "1. 痛みが出たらやめる" in text and "3. ゆっくり行う" in text  # typed ① ② ③: a numbered list


def test_a_list_number_running_across_the_fold_is_named_as_one(project):
    result = build_fixture(project, "brochure-list-marker-wide.md")
    wide, = failures(result, "overflow")
    assert wide.message.startswith("「中面・中央」の面の横幅に入りきらず、リストの番号「100.」が折り目の向こうへ")
    assert "リストの左の余白が足りません" in wide.message and "長い英数字" not in wide.message
    assert str(wide.where) == "2ページ 中面・中央(inside-middle) handouts/brochure-list-marker-wide.md:23"
    hundred, = find_text(result.pdf, "100.")  # WeasyPrint ignores start=: the list really starts at 100
    assert hundred["x0"] < (100 + PADDING) * MM


def test_text_that_does_not_wrap_is_named_as_such(project):
    result = build_fixture(project, "brochure-pre.md")
    wide, = failures(result, "overflow")
    assert "<pre> や white-space で改行しない書き方になっているので" in wide.message
    assert wide.where.line == 17


STRETCH = """\
---
kind: stretch
title: リストの入るストレッチ用紙
revised: 2026-11-20
hold_seconds: 20
---

::: helps

1. 太ももの裏
2. ふくらはぎ

::: safety

1. 痛みが出たら、すぐにやめてください。
2. 息を止めないでください。

::: steps

1. ![座る](images/step.svg)
   椅子に浅く腰かけます。
   - 背すじを伸ばす
   - 足を前に出す
2. ![伸ばす](images/step.svg)
   ゆっくり体を前に倒します。
"""

FAQ = """\
---
kind: faq
title: リストの入るよくある質問
revised: 2026-11-20
---

## 何に気をつけますか?

3. 三つ目から始まる番号
4. 四つ目

・ワードから貼った行
・もう一行

- 箇条書き
  - 入れ子
"""


@pytest.mark.parametrize("edition", [None, "xl"])
def test_lists_in_every_column_of_the_stretch_sheet(project, write, edition):
    write("images/step.svg", STEP_SVG)
    result = build(project, write("s.md", STRETCH), edition)
    assert result.passed, [(o.rule, o.message) for o in result.checks.failures]
    with pdfplumber.open(result.pdf) as pdf:
        chars = [c for page in pdf.pages for c in page.chars if c["text"].strip()]
        frames = [r for r in pdf.pages[0].rects if r["x0"] < 20 * MM and r["top"] > 40 * MM]
    margin = 16 * MM
    assert all(c["x0"] >= margin - 0.5 for c in chars)  # nothing left of the page's margin
    numbers = [hit for number in ("1.", "2.") for hit in find_text(result.pdf, number)]
    assert len(numbers) == 4 and all(hit["x0"] >= margin for hit in numbers)  # helps' and safety's, in the column
    frame_left = min(r["x0"] for r in frames)
    safety, = find_text(result.pdf, "痛みが出たら")
    assert safety["x0"] > frame_left + 8 * MM
    # the list inside a step is a list: its own lines, to the right of the step's picture
    inner, = find_text(result.pdf, "背すじを伸ばす")
    step, = find_text(result.pdf, "椅子に浅く腰かけます。")
    assert inner["top"] > step["top"] and inner["x0"] > step["x0"]


@pytest.mark.parametrize("edition", [None, "xl"])
def test_lists_in_a_faq_answer(project, write, edition):
    result = build(project, write("f.md", FAQ), edition)
    assert result.passed, [(o.rule, o.message) for o in result.checks.failures]
    with pdfplumber.open(result.pdf) as pdf:
        text = pdf.pages[0].extract_text()
        badge = min(r["x1"] for r in pdf.pages[0].rects if 8 * MM < r["x1"] - r["x0"] < 12 * MM)
    assert "3. 三つ目から始まる番号" in text and "4. 四つ目" in text  # numbered from where the editor started
    for words in ("三つ目から", "ワードから貼った行", "箇条書き"):
        hit, = find_text(result.pdf, words)
        assert hit["x0"] > badge + 4 * MM  # the markers sit between the "A" and the text
    nested, = find_text(result.pdf, "入れ子")
    outer, = find_text(result.pdf, "箇条書き")
    assert nested["x0"] > outer["x0"]
