"""Word joiners inside the phrases of body text (leaflet/mdext/joiners.py)."""

from __future__ import annotations

import markdown
import pytest

from leaflet.source.markdown import FuriganaExtension, JoinersExtension, PhrasesExtension
from leaflet.source.markdown.joiners import WORD_JOINER, visible
from leaflet.source.markdown.phrasing import body_breaks

J = WORD_JOINER


def render(source: str, **config) -> str:
    return markdown.markdown(source, output_format="html", extensions=[
        "sane_lists", FuriganaExtension(), PhrasesExtension(), JoinersExtension(**config)])


def joined(text: str) -> str:
    """``text`` with a joiner at every gap that is not a break."""
    cuts = body_breaks(text)
    return "".join((J if i and i not in cuts else "") + c for i, c in enumerate(text))


@pytest.mark.parametrize("text", ["膝の裏の痛みについて、よくいただく質問にお答えします。",
                                  "伸ばしたまま20秒ほど保ちます。1日3回、5,000件、3 mm。",
                                  "筋力トレーニングやストレッチ、リハビリテーションのご案内です。"])
def test_a_joiner_between_every_two_characters_of_a_phrase_and_none_between_phrases(text):
    html = render(text)
    assert html == f"<p>{joined(text)}</p>"
    assert visible(html) == f"<p>{text}</p>"  # nothing else changed


def test_list_items_and_bold_text_inside_a_phrase():
    html = render("- **まったく**動かさないのは良くありません。")
    assert html.startswith(f"<ul>\n<li><strong>ま{J}っ{J}た{J}く</strong>{J}動")
    text = "まったく動かさないのは良くありません。"
    assert html.replace("<strong>", "").replace("</strong>", "") == f"<ul>\n<li>{joined(text)}</li>\n</ul>"


def test_ruby_inside_a_phrase_is_joined_on_both_sides_and_left_whole():
    html = render("筋肉({腓腹筋|ひふくきん})が集まります。")
    ruby = "<ruby>腓腹筋<rp>(</rp><rt>ひふくきん</rt><rp>)</rp></ruby>"
    assert f"({J}{ruby}{J})" in html
    assert "ひふくきん" in html and f"ひ{J}" not in html  # the reading is untouched


def test_two_rubies_in_one_phrase_get_a_joiner_between_them():
    html = render("{膝|ひざ}{裏|うら}です。")
    assert f"</ruby>{J}<ruby>" in html


def test_white_space_at_the_edges_stays_collapsible():
    # A step's picture, then its text on the next line: no joiner before the text, or
    # the newline would print as a space at the start of the line.
    html = render("1. ![椅子](a.svg)\n   椅子に浅く腰かけます。")
    assert '<img alt="椅子" src="a.svg">\n   椅' in html


def test_raw_inline_html_and_escapes_are_never_split():
    html = render("膝の<b>裏</b>が\\*痛い")
    assert "<b>" in html and "</b>" in html and "*" in html
    assert visible(html) == "<p>膝の<b>裏</b>が*痛い</p>"


def test_headings_and_the_kinds_phrase_span_elements_are_left_to_phrase_spans():
    html = render("## 膝の裏が痛いとき\n\n- 膝の裏が痛いとき\n\n本文です。", skip=["li"])
    assert J not in html.split("<p>")[0]
    assert '<span class="phrase">' in html
    assert f"<p>本{J}文{J}で{J}す{J}。</p>" in html


def test_code_is_never_touched():
    html = render("`a b c` と書きます")
    assert "<code>a b c</code>" in html


def test_a_phrase_longer_than_max_joined_is_left_free_to_break():
    """Kept whole, a very long phrase could only be broken by overflow-wrap, which
    WeasyPrint 70 lays out in quadratic time; it is left to break anywhere instead."""
    from leaflet.source.markdown.phrasing import MAX_JOINED

    long_word = "ア" * (MAX_JOINED + 6)
    html = render(f"これは{long_word}です。")
    assert long_word in html  # no joiner inside it
    assert J in html  # the short phrases around it are still joined


def test_a_block_with_a_long_latin_run_is_marked_unbreakable():
    html = render("記号 " + "|" * 250 + " の行。\n\n普通の段落です。")
    assert html.count('class="unbreakable"') == 1
    assert visible(html).index('class="unbreakable"') < visible(html).index("普通")
    assert 'class="unbreakable"' not in render("あ" * 500)  # Japanese text is never that
