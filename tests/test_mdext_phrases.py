"""budoux phrase spans in headings (not in body paragraphs)."""

from __future__ import annotations

from leaflet.source.markdown.furigana import FuriganaExtension
from leaflet.source.markdown.phrases import PhrasesExtension, phrase_html

from .markdown_tools import assert_renders


def p(*phrases: str) -> str:
    return "".join(f'<span class="phrase">{x}</span>' for x in phrases)


def test_heading_is_split_into_phrases():
    assert_renders("## 膝の裏が痛いとき", f"<h2>{p('膝の', '裏が', '痛いとき')}</h2>", [PhrasesExtension()])


def test_body_paragraphs_are_left_alone():
    assert_renders("膝の裏が痛いとき", "<p>膝の裏が痛いとき</p>", [PhrasesExtension()])


def test_ruby_stays_whole_inside_a_phrase():
    ruby = "<ruby>膝窩筋<rp>(</rp><rt>しつかきん</rt><rp>)</rp></ruby>"
    assert_renders("## {膝窩筋|しつかきん}が痛いとき", f"<h2>{p(ruby + 'が', '痛いとき')}</h2>",
                   [FuriganaExtension(), PhrasesExtension()])


def test_punctuation_stays_with_the_phrase_before_it():
    assert_renders("## こんなとき、痛みませんか", f"<h2>{p('こんな', 'とき、', '痛みませんか')}</h2>",
                   [PhrasesExtension()])


def test_titles_from_front_matter_are_escaped():
    html = str(phrase_html("膝の<裏>"))
    assert "&lt;裏&gt;" in html
    assert "<裏>" not in html


def test_space_between_phrases_is_kept_outside_the_spans():
    assert_renders("- **再生医療** 新しい選択肢です。",
                   f'<ul>\n<li>{p("<strong>再生医療</strong>")} {p("新しい", "選択肢です。")}</li>\n</ul>',
                   [PhrasesExtension(tags=["li"])])


def test_line_break_ends_a_phrase():
    assert_renders("- **見出し**  \n本文です", f'<ul>\n<li>{p("<strong>見出し</strong>")}<br>\n{p("本文です")}</li>\n</ul>',
                   [PhrasesExtension(tags=["li"])])


def test_elements_holding_blocks_are_left_alone():
    assert_renders("- 一つ目\n\n- 二つ目", "<ul>\n<li>\n<p>一つ目</p>\n</li>\n<li>\n<p>二つ目</p>\n</li>\n</ul>",
                   [PhrasesExtension(tags=["li"])])


def test_titles_keep_their_spaces():
    assert str(phrase_html("椅子でできる 膝の裏")) == p("椅子で", "できる") + " " + p("膝の", "裏")


def test_titles_take_furigana():
    ruby = "<ruby>膝窩筋<rp>(</rp><rt>しつかきん</rt><rp>)</rp></ruby>"
    assert str(phrase_html("{膝窩筋|しつかきん}の<痛み>")) == p(ruby + "の", "&lt;痛み&gt;")
