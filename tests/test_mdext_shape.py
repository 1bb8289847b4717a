"""A section's shape from its kind's schema: the stretch sheet's steps are a list, one
picture a step."""

from __future__ import annotations

import logging

import markdown
import pytest

from leaflet.errors import HandoutError
from leaflet.source.markdown.shape import ShapeExtension
from leaflet.source.markdown.sourcelines import SourceLinesExtension


def convert(source: str, **config) -> str:
    return markdown.markdown(source, extensions=[
        SourceLinesExtension(text=source, first_line=20),
        ShapeExtension(source="handouts/s.md", label="やり方", first_line=20, **config)])


def test_a_list_with_one_image_an_item_passes(caplog):
    caplog.set_level(logging.WARNING)
    html = convert("1. ![a](a.svg)\n   一つ目\n2. ![b](b.svg)\n   二つ目\n", shape="list", item_images=1)
    assert html.count("<li") == 2 and not caplog.records


@pytest.mark.parametrize("source, line", [
    ("椅子に腰かけて、\n足を前に出します。\n", 20),
    ("\n\n椅子に腰かけます。\n\n足を前に出します。\n", 22),
])
def test_steps_without_a_list_are_an_error_on_their_first_line(source, line):
    with pytest.raises(HandoutError) as caught:
        convert(source, shape="list")
    assert str(caught.value).startswith(f"handouts/s.md:{line}: 「やり方」は番号付きリストで書いてください")


def test_a_note_beside_the_list_is_fine():
    html = convert("1. 伸ばします。\n\n20秒を3回くり返します。\n", shape="list")
    assert "<ol" in html and "くり返します" in html


def test_an_item_without_its_picture_or_with_two_is_warned_on_its_line(caplog):
    caplog.set_level(logging.WARNING)
    convert("1. ![a](a.svg)\n   一つ目\n2. 二つ目\n3. ![c](c.svg) ![d](d.svg)\n", shape="list", item_images=1)
    said = [r.getMessage() for r in caplog.records]
    assert said == [
        "handouts/s.md:22: 「やり方」の2番目に画像がありません — 1項目に画像を1枚にしてください(例: ![説明](images/step2.svg))",
        "handouts/s.md:23: 「やり方」の3番目に画像が2枚あります — 1項目に画像を1枚にしてください(例: ![説明](images/step3.svg))",
    ]


def test_no_rule_no_complaint(caplog):
    caplog.set_level(logging.WARNING)
    convert("ただの段落。\n\n- 絵のない項目\n")
    assert not caplog.records


def test_a_loose_list_items_warning_is_on_the_items_line(caplog):
    caplog.set_level(logging.WARNING)
    convert("1. 一つ目\n\n    ![a](a.svg)\n\n2. 二つ目\n\n    説明\n", shape="list", item_images=1)
    said, = [r.getMessage() for r in caplog.records]
    assert said.startswith("handouts/s.md:24: 「やり方」の2番目に画像がありません")


def test_raw_html_pictures_and_lists_count(caplog):
    caplog.set_level(logging.WARNING)
    convert('1. <img src="a.svg" alt="a">\n   一つ目\n', shape="list", item_images=1)
    convert('<ol>\n<li><img src="a.svg" alt="a"> 一つ目</li>\n</ol>\n', shape="list")
    convert('<div class="x"><ol>\n<li><img src="a.svg" alt="a"> 一つ目</li>\n</ol></div>\n', shape="list")
    assert not caplog.records
