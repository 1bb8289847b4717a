"""Preflight rule 10, tagging (読み上げ用の構造): fixtures that fail it and pass it."""

from __future__ import annotations

import re

from .check_tools import build, failures, the_pass
from .conftest import STEP_SVG
from .structure_tools import Tagged

HEAD = "---\nkind: faq\ntitle: 画像\nrevised: 2026-11-20\n---\n\n"


def test_picture_without_alt_text_fails_on_its_line(project, write):
    write("images/knee.svg", STEP_SVG)
    path = write("a.md", HEAD + "前書きです。\n\n![](images/knee.svg)\n\n後書きです。\n")
    result = build(project, path)
    missing, = failures(result, "tagging")
    assert missing.figure == "説明のない画像"
    assert str(missing.where) == "1ページ handouts/a.md:9"
    assert "画像「knee.svg」に説明(代替テキスト)がありません" in missing.message
    assert "![装飾](images/knee.svg)" in missing.message  # how to say it is decoration
    assert result.check_failures == ["読み上げ用の構造"]
    # The PDF is still written (a failed check never withholds it): a Figure, no /Alt.
    figure, = Tagged(result.pdf).find("Figure")
    assert figure.get("/Alt") is None


def test_raw_html_picture_without_alt_fails(project, write):
    write("images/knee.svg", STEP_SVG)
    result = build(project, write("a.md", HEAD + '<p><img src="images/knee.svg"></p>\n'))
    missing, = failures(result, "tagging")
    assert missing.where.line == 7


def test_described_and_decorative_pictures_pass(project, write):
    write("images/knee.svg", STEP_SVG)
    result = build(project, write("a.md", HEAD + "![膝の絵](images/knee.svg)\n\n![装飾](images/knee.svg)\n\n"
                                                 '<p><img alt="" src="images/knee.svg"></p>\n'))
    assert re.fullmatch(r"\d+要素・ふりがな0・画像1", the_pass(result, "tagging").figure)


def test_furigana_whose_reading_is_not_drawn_fails(project, write):
    result = build(project, write("r.md", HEAD + '<p>見えない<ruby>膝窩<rt style="display: none">しっか</rt></ruby>。</p>\n'))
    hidden, = failures(result, "tagging")
    assert hidden.figure == "読みのないふりがな"
    assert "ふりがな「膝窩|?」の読みが PDF に描かれていません" in hidden.message
    assert hidden.where.line == 7


def test_furigana_inside_decoration_fails(project, write):
    text = HEAD + '<p style="--pdf-artifact: yes">飾りの中の<ruby>膝窩<rt>しっか</rt></ruby>。</p>\n\n本文です。\n'
    result = build(project, write("d.md", text))
    inside, = failures(result, "tagging")
    assert inside.figure == "飾り扱いのふりがな"
    assert "ふりがなのある「膝窩」が飾り(読み上げない部分)の中にあります" in inside.message


def test_every_furigana_a_ruby_passes(project, write):
    result = build(project, write("f.md", HEAD + "{理学療法士|りがくりょうほうし}と{膝窩|しっか}。\n"))
    assert re.fullmatch(r"\d+要素・ふりがな2・画像0", the_pass(result, "tagging").figure)


def test_a_template_without_language_or_title_fails(project, write):
    base = project.templates / "base.html"
    base.write_text(base.read_text(encoding="utf-8").replace('<html lang="ja">', "<html>")
                    .replace("<title>{{ meta.title|plain }}</title>", ""), encoding="utf-8")
    result = build(project, write("p.md", HEAD + "本文\n"))
    found = {o.figure: o for o in failures(result, "tagging")}
    assert set(found) == {"言語なし", "タイトルなし"}
    assert 'lang="ja"' in found["言語なし"].message
    assert "<title>" in found["タイトルなし"].message
