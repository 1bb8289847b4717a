"""{漢字|かんじ} → ruby, as a Python-Markdown inline extension."""

from __future__ import annotations

import logging

import markdown
import pytest

from leaflet.source.markdown.furigana import SPAN, FuriganaExtension, near_misses

from .markdown_tools import assert_renders

RUBY = "<ruby>{}<rp>(</rp><rt>{}</rt><rp>)</rp></ruby>"


def ext(**config):
    return [FuriganaExtension(source="handouts/x.md", **config)]


@pytest.mark.parametrize("source, expected", [
    ("{嚢腫|のうしゅ}", "<p>" + RUBY.format("嚢腫", "のうしゅ") + "</p>"),
    ("ベーカー{嚢腫|のうしゅ}です", "<p>ベーカー" + RUBY.format("嚢腫", "のうしゅ") + "です</p>"),
    ("{膝|ひざ}と{踵|かかと}", "<p>" + RUBY.format("膝", "ひざ") + "と" + RUBY.format("踵", "かかと") + "</p>"),
    ("**{膝|ひざ}**", "<p><strong>" + RUBY.format("膝", "ひざ") + "</strong></p>"),
    ("## {膝窩筋|しつかきん}", "<h2>" + RUBY.format("膝窩筋", "しつかきん") + "</h2>"),
    # the full-width bar and braces a Japanese input method types, in any mix
    ("{理学療法士｜りがくりょうほうし}", "<p>" + RUBY.format("理学療法士", "りがくりょうほうし") + "</p>"),
    ("｛穿刺｜せんし｝をします", "<p>" + RUBY.format("穿刺", "せんし") + "をします</p>"),
    ("｛穿刺|せんし}", "<p>" + RUBY.format("穿刺", "せんし") + "</p>"),
    ("{穿刺｜せんし｝", "<p>" + RUBY.format("穿刺", "せんし") + "</p>"),
])
def test_renders_ruby(source, expected):
    assert_renders(source, expected, ext())


@pytest.mark.parametrize("source, expected", [
    ("`{膝|ひざ}`", "<p><code>{膝|ひざ}</code></p>"),
    ("\\{膝|ひざ}", "<p>{膝|ひざ}</p>"),
    ("    {膝|ひざ}", "<pre><code>{膝|ひざ}\n</code></pre>"),
])
def test_left_alone_in_code_and_when_escaped(source, expected):
    assert_renders(source, expected, ext())


@pytest.mark.parametrize("source, shown", [
    ("前の行\n{膝|ひざ の後", "{膝|ひざ の後"),
    ("前の行\n空の {|} です", "{|}"),
])
def test_malformed_is_literal_and_warned_with_line(caplog, source, shown):
    caplog.set_level(logging.WARNING, logger="leaflet")
    assert_renders(source, "<p>" + source.replace("\n", "\n") + "</p>", ext(first_line=10))
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == 1
    assert messages[0].startswith("handouts/x.md:11: ふりがなの書き方が正しくありません")
    assert shown in messages[0]


def test_well_formed_does_not_warn(caplog):
    caplog.set_level(logging.WARNING, logger="leaflet")
    assert_renders("{膝|ひざ} と `{x|` と \\{y|", "<p>" + RUBY.format("膝", "ひざ") + " と <code>{x|</code> と {y|</p>", ext())
    assert caplog.records == []


@pytest.mark.parametrize("source, wrong, fix", [
    ("{穿刺/せんし}", "区切りが「|」ではありません", "{穿刺|せんし}"),
    ("｛穿刺／せんし｝", "区切りが「|」ではありません", "{穿刺|せんし}"),
    ("{穿刺：せんし}", "区切りが「|」ではありません", "{穿刺|せんし}"),
    ("[穿刺|せんし]", "かっこが { } ではありません", "{穿刺|せんし}"),
    ("［穿刺｜せんし］", "かっこが { } ではありません", "{穿刺|せんし}"),
    ("【穿刺｜せんし】", "かっこが { } ではありません", "{穿刺|せんし}"),
    ("(穿刺|せんし)", "かっこが { } ではありません", "{穿刺|せんし}"),
    ("{理学療法士りがくりょうほうし}", "「|」がありません", "{理学療法士|りがくりょうほうし}"),
])
def test_a_near_miss_prints_as_typed_and_is_warned_at_its_line(caplog, source, wrong, fix):
    caplog.set_level(logging.WARNING, logger="leaflet")
    text = f"前の行\n関節の{source}をします"
    assert_renders(text, f"<p>{text}</p>", ext(first_line=10))
    message, = [r.getMessage() for r in caplog.records]
    assert message == (f"handouts/x.md:11: 「{source}」はふりがなになりません({wrong}) — "
                       f"ふりがなを付けるなら {fix} と書いてください")


@pytest.mark.parametrize("source", [
    "[リンク|です](https://example.org)",  # a Markdown link
    "{a/b} と [x|y]",  # no kanji and kana reading
    "{大切} と {痛み}",  # braces round a word, a kanji and its okurigana
    "（注意）と(1/2)",
    "`{穿刺/せんし}`",  # code
])
def test_ordinary_brackets_are_not_near_misses(caplog, source):
    caplog.set_level(logging.WARNING, logger="leaflet")
    markdown.markdown(source, extensions=ext())
    assert caplog.records == []


def test_near_misses_are_short_pieces_so_a_long_line_is_read_once():
    """Each near miss is looked for in a bracketed piece of at most SPAN characters, so a
    60 KB line of brackets and kanji is not searched again from every bracket."""
    assert near_misses("{" + "漢" * (SPAN - 2) + "/ひ}")  # still a piece
    assert near_misses("{" + "漢" * SPAN + "/ひ}") == []  # longer than any base and reading
    assert near_misses("(" + "漢ひ|" * 20_000) == []
