"""Source lines on blocks (data-line), so the preflight names the line a finding is on."""

from __future__ import annotations

import markdown

from leaflet.source.markdown.furigana import FuriganaExtension
from leaflet.source.markdown.sourcelines import SourceLinesExtension


def lines_of(source: str, first_line: int = 1) -> list[tuple[str, str]]:
    """(tag, data-line) of every block that got one, in document order."""
    from xml.etree import ElementTree

    html = markdown.markdown(source, extensions=[
        "sane_lists", FuriganaExtension(), SourceLinesExtension(text=source, first_line=first_line)])
    root = ElementTree.fromstring(f"<root>{html}</root>")
    return [(e.tag, e.get("data-line")) for e in root.iter() if e.get("data-line")]


def test_blocks_get_the_line_they_start_on():
    source = "前書き\n\n## 質問\n\n答えの\n続きの行\n\n- 一つ目\n- **二つ目**\n"
    assert lines_of(source) == [("p", "1"), ("h2", "3"), ("p", "5"), ("li", "8"), ("li", "9")]


def test_repeated_text_gets_each_its_own_line():
    assert lines_of("答えです。\n\n答えです。\n\n答えです。\n") == [("p", "1"), ("p", "3"), ("p", "5")]


def test_markup_and_furigana_as_written_are_found():
    assert lines_of("**強い**言葉\n\n{膝|ひざ}の裏\n") == [("p", "1"), ("p", "3")]


def test_a_section_starts_at_its_file_line():
    assert lines_of("一\n\n二\n", first_line=20) == [("p", "20"), ("p", "22")]


def test_raw_html_blocks_get_the_line_on_their_first_tag():
    html = markdown.markdown("前\n\n<p style=\"color: #999\">薄い</p>\n\n前\n",
                             extensions=[SourceLinesExtension(text="前\n\n<p style=\"color: #999\">薄い</p>\n\n前\n")])
    assert '<p data-line="3" style="color: #999">薄い</p>' in html
    assert '<p data-line="5">前</p>' in html  # found after the raw block, not in it


def test_code_is_not_numbered_and_nothing_breaks():
    assert lines_of("    code\n\n後\n") == [("p", "3")]


def test_a_block_is_found_at_a_line_start_below_the_previous_block():
    # "はい" also ends the paragraph before it; "ゆっくり" also ends the item before it.
    assert lines_of("膝が痛いときは\nはい\n\n- はい\n") == [("p", "1"), ("li", "4")]
    assert lines_of("1. 一つ目\n   ゆっくり\n2. ゆっくり\n") == [("li", "1"), ("li", "3")]
