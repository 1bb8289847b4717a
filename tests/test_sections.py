"""Section markers (::: name): brochure panels and the stretch sheet's parts."""

from __future__ import annotations

import pytest

from leaflet.errors import HandoutError
from leaflet.source.load import load

BROCHURE = """\
---
kind: brochure
title: 題
revised: 2026-11-20
---

::: flap

折り込み

::: 中面左

左

::: inside-middle

中央

::: inside-right

右
"""


def test_panels_by_name_and_japanese_alias(project, write):
    handout = load(project, write("b.md", BROCHURE))
    assert set(handout.sections) == {"flap", "inside-left", "inside-middle", "inside-right"}
    assert '<p data-line="13"><span class="phrase">左</span></p>' in handout.sections["inside-left"]


@pytest.mark.parametrize("change, line, words", [
    (("::: flap", "::: flop"), 7, "「::: flop」という名前のセクションはありません"),
    (("::: inside-right", "::: flap"), 19, "2回あります"),
    (("::: inside-right\n\n右\n", ""), 6, "inside-right(中面・右)"),
    (("\n::: flap", "\nはみ出し\n\n::: flap"), 7, "より前に本文があります"),
    # mistyped markers are named on their own line, not merged into the section before
    (("::: inside-middle", ":: inside-middle"), 15, "「:: inside-middle」の書き方が違います"),
    (("::: inside-middle", "：：： inside-middle"), 15, "半角のコロン3つで書いてください: ::: inside-middle"),
    (("::: inside-middle", ":::: inside-middle"), 15, "書き方が違います"),
    # a required panel that is there but empty would print as a blank panel
    (("\n中央\n", "\n"), 15, "セクション「inside-middle」(中面・中央)が空です"),
    (("\n中央\n", "\n<!-- あとで書く -->\n"), 15, "セクション「inside-middle」(中面・中央)が空です"),
])
def test_panel_errors(project, write, change, line, words):
    path = write("b.md", BROCHURE.replace(*change))
    with pytest.raises(HandoutError) as caught:
        load(project, path)
    assert caught.value.line == line, str(caught.value)
    assert words in str(caught.value)


def test_markers_inside_code_blocks_are_text(project, write):
    text = BROCHURE.replace("右\n", "右\n\n```\n::: flap\n```\n")
    handout = load(project, write("b.md", text))
    assert "::: flap" in handout.sections["inside-right"]


def test_markers_not_allowed_in_faq(project, write):
    path = write("f.md", "---\nkind: faq\ntitle: 題\nrevised: 2026-11-20\n---\n\n::: flap\n\n本文\n")
    with pytest.raises(HandoutError, match="セクション指定「::: flap」は使えません") as caught:
        load(project, path)
    assert caught.value.line == 7
