"""Automatic furigana from readings.yaml: first occurrence per handout only."""

from __future__ import annotations

import markdown

from leaflet.source.markdown.furigana import FuriganaExtension
from leaflet.source.markdown.readings import ReadingsExtension

from .markdown_tools import assert_renders

READINGS = {"嚢腫": "のうしゅ", "膝窩筋": "しつかきん", "ベーカー嚢腫": "べーかーのうしゅ"}


def r(base: str, reading: str) -> str:
    return f"<ruby>{base}<rp>(</rp><rt>{reading}</rt><rp>)</rp></ruby>"


def exts(readings=READINGS):
    return [FuriganaExtension(), ReadingsExtension(readings=readings)]


def test_first_occurrence_only():
    assert_renders("膝窩筋と膝窩筋", f"<p>{r('膝窩筋', 'しつかきん')}と膝窩筋</p>", exts())


def test_longest_word_wins():
    assert_renders("ベーカー嚢腫と嚢腫", f"<p>{r('ベーカー嚢腫', 'べーかーのうしゅ')}と{r('嚢腫', 'のうしゅ')}</p>", exts())


def test_hand_written_furigana_counts_as_first():
    assert_renders("{膝窩筋|しつかきん}、膝窩筋", f"<p>{r('膝窩筋', 'しつかきん')}、膝窩筋</p>", exts())


def test_not_in_code_or_inside_other_markup():
    assert_renders("`嚢腫` と **嚢腫**", f"<p><code>嚢腫</code> と <strong>{r('嚢腫', 'のうしゅ')}</strong></p>", exts())


def test_empty_list_changes_nothing():
    assert_renders("嚢腫", "<p>嚢腫</p>", exts(readings={}))


def test_seen_words_carry_across_sections_until_the_next_handout():
    readings = ReadingsExtension(readings=READINGS)
    md = markdown.Markdown(extensions=[FuriganaExtension(), readings])
    assert md.convert("嚢腫") == f"<p>{r('嚢腫', 'のうしゅ')}</p>"
    assert md.reset().convert("嚢腫") == "<p>嚢腫</p>"  # next section of the same handout
    readings.start_handout()
    assert md.reset().convert("嚢腫") == f"<p>{r('嚢腫', 'のうしゅ')}</p>"


def test_not_inside_furigana_markup_left_open():
    """``{嚢腫|のうしゅ`` (no closing brace) stays as typed — and is reported by the
    furigana extension — rather than getting a second, automatic reading inside it.
    The next plain occurrence is then the first."""
    assert_renders("{嚢腫|のうしゅ の話。嚢腫です",
                   f"<p>{{嚢腫|のうしゅ の話。{r('嚢腫', 'のうしゅ')}です</p>", exts())
