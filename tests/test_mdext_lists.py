"""Lists as people type them (typedlists, listindent) and indented text that is not code
(indented): source → HTML."""

from __future__ import annotations

import markdown
import pytest

from leaflet.source.markdown import (
    IndentedTextExtension,
    ListIndentExtension,
    ListStartExtension,
    SourceLinesExtension,
    TypedListsExtension,
)

from .markdown_tools import assert_renders


def extensions() -> list:
    return ["sane_lists", TypedListsExtension(), ListIndentExtension(), IndentedTextExtension(), ListStartExtension()]


def renders(source: str, expected: str) -> None:
    assert_renders(source, expected, extensions())


# --- lines typed or pasted as a list -------------------------------------------------------


@pytest.mark.parametrize("source", [
    "①痛みが出たらやめる\n②息を止めない",
    "(1) 痛みが出たらやめる\n(2) 息を止めない",
    "（１）痛みが出たらやめる\n（２）息を止めない",
    "1) 痛みが出たらやめる\n2) 息を止めない",
    "1）痛みが出たらやめる\n2）息を止めない",
    "１．痛みが出たらやめる\n２．息を止めない",
    "1．痛みが出たらやめる\n2．息を止めない",
])
def test_numbered_lines_become_a_numbered_list(source):
    renders(source, "<ol>\n<li>痛みが出たらやめる</li>\n<li>息を止めない</li>\n</ol>")


@pytest.mark.parametrize("marker", list("・●○◆◇■□"))
def test_bulleted_lines_become_a_bulleted_list(marker):
    renders(f"{marker}痛みが出たらやめる\n{marker}　息を止めない",
            "<ul>\n<li>痛みが出たらやめる</li>\n<li>息を止めない</li>\n</ul>")


def test_the_numbering_starts_where_the_editor_started():
    # WeasyPrint ignores start=: the counter is reset on the element (liststart)
    expected = '<ol start="3" style="counter-reset: list-item 2">\n<li>三つ目</li>\n<li>四つ目</li>\n</ol>'
    renders("③三つ目\n④四つ目", expected)
    renders("3. 三つ目\n4. 四つ目", expected)


def test_a_list_under_a_line_of_text_is_a_list_not_part_of_the_paragraph():
    renders("注意することは:\n・痛み\n・息", "<p>注意することは:</p>\n<ul>\n<li>痛み</li>\n<li>息</li>\n</ul>")
    renders("手順:\n1. 座る\n2. 伸ばす", "<p>手順:</p>\n<ol>\n<li>座る</li>\n<li>伸ばす</li>\n</ol>")
    renders("注意:\n- 痛み\n- 息", "<p>注意:</p>\n<ul>\n<li>痛み</li>\n<li>息</li>\n</ul>")


def test_a_line_under_an_item_continues_it_and_blank_lines_may_part_items():
    renders("①痛みが出たら\nすぐやめる\n②息", "<ol>\n<li>痛みが出たら\nすぐやめる</li>\n<li>息</li>\n</ol>")
    renders("①一つ\n\n②二つ", "<ol>\n<li>\n<p>一つ</p>\n</li>\n<li>\n<p>二つ</p>\n</li>\n</ol>")


def test_two_kinds_of_list_in_a_row_stay_two_lists():
    renders("・a\n・b\n①c\n②d", "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n<ol>\n<li>c</li>\n<li>d</li>\n</ol>")


@pytest.mark.parametrize("source, expected", [
    ("・一つだけ\nの文", "<p>・一つだけ\nの文</p>"),  # one line is not a list
    ("1)だけ", "<p>1)だけ</p>"),
    ("2026年11月20日\n2027年1月", "<p>2026年11月20日\n2027年1月</p>"),  # numbers, no marker
    ("1.5倍に\n2.5倍に", "<p>1.5倍に\n2.5倍に</p>"),
    ("※予約が必要です\n※保険が使えます", "<p>※予約が必要です\n※保険が使えます</p>"),  # notes, not items
])
def test_ordinary_text_stays_text(source, expected):
    renders(source, expected)


def test_a_typed_list_inside_a_step_is_a_list_inside_the_step():
    renders("1. 一つ目\n   ・a\n   ・b\n2. 次",
            "<ol>\n<li>一つ目<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n</li>\n<li>次</li>\n</ol>")


def test_typed_list_items_get_their_source_line():
    text = "本文\n\n①痛み\n②息\n"
    html = markdown.markdown(text, extensions=[*extensions(), SourceLinesExtension(text=text, first_line=10)])
    assert '<li data-line="12">痛み</li>' in html and '<li data-line="13">息</li>' in html


# --- nested lists indented by two or three spaces ----------------------------------------------


@pytest.mark.parametrize("source", [
    "1. 座る\n   1. 浅く\n   2. 背すじ\n2. 伸ばす",  # to the item's text (CommonMark)
    "1. 座る\n    1. 浅く\n    2. 背すじ\n2. 伸ばす",  # four spaces (Python-Markdown)
    "1. 座る\n\t1. 浅く\n\t2. 背すじ\n2. 伸ばす",  # a tab
])
def test_a_nested_numbered_list_is_nested_and_numbered_on_its_own(source):
    renders(source, "<ol>\n<li>座る<ol>\n<li>浅く</li>\n<li>背すじ</li>\n</ol>\n</li>\n<li>伸ばす</li>\n</ol>")


def test_a_nested_bulleted_list_indented_by_two_spaces_is_nested():
    renders("- a\n  - b\n  - c\n- d", "<ul>\n<li>a<ul>\n<li>b</li>\n<li>c</li>\n</ul>\n</li>\n<li>d</li>\n</ul>")
    renders("- a\n  - b\n    - c", "<ul>\n<li>a<ul>\n<li>b<ul>\n<li>c</li>\n</ul>\n</li>\n</ul>\n</li>\n</ul>")


def test_a_second_paragraph_of_a_step_keeps_the_list_whole():
    renders("1. 座ります。\n\n   20秒保ちます。\n\n2. 伸ばします。",
            "<ol>\n<li>\n<p>座ります。</p>\n<p>20秒保ちます。</p>\n</li>\n<li>\n<p>伸ばします。</p>\n</li>\n</ol>")


def test_a_paragraph_after_the_list_ends_it():
    renders("1. 座ります。\n\nそのあとで。", "<ol>\n<li>座ります。</li>\n</ol>\n<p>そのあとで。</p>")
    renders("1. 座ります。\n\n  そのあとで。", "<ol>\n<li>座ります。</li>\n</ol>\n<p>そのあとで。</p>")


def test_a_step_with_its_picture_and_text_is_unchanged():
    renders("1. ![a](a.svg)\n   座ります。\n2. ![b](b.svg)\n   伸ばします。",
            '<ol>\n<li><img alt="a" src="a.svg">\n   座ります。</li>\n'
            '<li><img alt="b" src="b.svg">\n   伸ばします。</li>\n</ol>')


def test_a_hard_line_break_at_the_end_of_an_item_line_is_kept():
    # The brochure's "- **深く曲げない**  " / "  無理な正座は…": the two spaces are a <br>.
    renders("- **深く曲げない**  \n  無理な正座は控えます。\n- 次",
            "<ul>\n<li><strong>深く曲げない</strong><br>\n  無理な正座は控えます。</li>\n<li>次</li>\n</ul>")
    renders("1. 座る  \n   浅く\n   1. 背すじ  \n      伸ばす",
            "<ol>\n<li>座る<br>\n   浅く<ol>\n<li>背すじ<br>\n  伸ばす</li>\n</ol>\n</li>\n</ol>")


def test_a_rule_is_not_an_item():
    renders("文\n\n- - -\n\n文", "<p>文</p>\n<hr>\n<p>文</p>")


# --- indented text is not code ------------------------------------------------------------------


@pytest.mark.parametrize("indent", ["\t", "    ", "        "])
def test_an_indented_paragraph_is_a_paragraph_not_code(indent):
    renders(f"はじめに。\n\n{indent}字下げした段落は、長くても折り返されます。\n\nおわり。",
            "<p>はじめに。</p>\n<p>字下げした段落は、長くても折り返されます。</p>\n<p>おわり。</p>")


def test_indented_text_reads_as_what_it_is():
    renders("    ## 見出し\n\n    - 箇条\n    - 書き", "<h2>見出し</h2>\n<ul>\n<li>箇条</li>\n<li>書き</li>\n</ul>")


def test_an_indented_paragraph_after_a_list_item_belongs_to_it():
    renders("1. 座ります。\n\n\t続きの段落。", "<ol>\n<li>\n<p>座ります。</p>\n<p>続きの段落。</p>\n</li>\n</ol>")
