"""Images and links: only files inside the project, never the network."""

from __future__ import annotations

import pytest

from leaflet.build.pipeline import build_one
from leaflet.errors import HandoutError
from leaflet.source.load import load

FRONT = "---\nkind: faq\ntitle: 題\nrevised: 2026-11-20\n---\n\n"


@pytest.mark.parametrize("body, words", [
    ("![図](images/none.svg)", "画像「images/none.svg」が見つかりません"),
    ("![図](../../../etc/hostname)", "プロジェクトの外を指しています"),
    ("![図](/etc/hostname)", "プロジェクトの外を指しています"),
    ("![図](file:///etc/hostname)", "プロジェクトの外を指しています"),
    ("![図](https://example.com/a.png)", "プロジェクトの外を指しています"),
    ("[秘密](../../../etc/hostname)", "リンク「../../../etc/hostname」はプロジェクトの外"),
])
def test_markdown_images_and_links(project, write, body, words):
    path = write("x.md", FRONT + "前の行\n\n" + body + "\n")
    with pytest.raises(HandoutError) as caught:
        load(project, path)
    assert caught.value.line == 9
    assert words in caught.value.message


@pytest.mark.parametrize("broken, words", [
    ("![三つ目](images/step)", "画像「images/step」が見つかりません"),  # also the start of line 7's path
    ("![三つ目]()", "画像のパスが空です"),
    ('![三つ目](images/step "三つ目の図")', "画像「images/step」が見つかりません"),
])
def test_a_broken_image_is_reported_on_its_own_line(project, write, broken, words):
    (project.handouts / "images").mkdir(parents=True)
    (project.handouts / "images/step1.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>', encoding="utf-8")
    path = write("x.md", FRONT + "![一つ目](images/step1.svg)\n\n本文\n\n" + broken + "\n")
    with pytest.raises(HandoutError) as caught:
        load(project, path)
    assert caught.value.line == 11
    assert words in caught.value.message


def test_web_links_are_printed_not_fetched(project, write):
    handout = load(project, write("x.md", FRONT + "[当院](https://example.com/)\n"))
    assert 'href="https://example.com/"' in handout.sections["main"]


@pytest.mark.parametrize("html, words", [
    ('<img src="/etc/hostname">', "プロジェクトの外のファイルは読み込めません"),
    ('<img src="file:///etc/hostname">', "プロジェクトの外のファイルは読み込めません"),
    ('<img src="http://127.0.0.1:9/x.png">', "ネットワーク"),
    ('<link rel="stylesheet" href="https://example.com/x.css">', "ネットワーク"),
    ('<img src="images/missing.png">', "ファイルが見つかりません"),
])
def test_raw_html_is_guarded_by_the_fetcher(project, write, tmp_path, html, words):
    path = write("x.md", FRONT + "前の行\n\n" + html + "\n")
    result = build_one(project, path, tmp_path / "out")
    assert not result.ok
    assert words in result.error
    assert result.error.startswith("handouts/x.md:")
    assert not (tmp_path / "out" / "x.pdf").exists()


def test_image_inside_project_is_drawn(project, write, tmp_path):
    (project.handouts / "images").mkdir()
    (project.handouts / "images" / "box.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="50"><rect width="100" height="50"/></svg>')
    result = build_one(project, write("x.md", FRONT + "![箱](images/box.svg)\n"), tmp_path / "out")
    assert result.ok, result.error
    import pdfplumber
    with pdfplumber.open(result.pdf) as pdf:
        assert pdf.pages[0].rects or pdf.pages[0].curves or pdf.pages[0].images


@pytest.mark.parametrize("name, written", [("50%41.svg", "50%2541.svg"), ("%E8%86%9D.svg", "%25E8%2586%259D.svg")])
def test_an_image_whose_name_has_percent_or_spaces_is_read_once_decoded(project, write, tmp_path, name, written):
    # "%2541" is "%41" once decoded; decoding twice would look for "50A.svg" (and "膝.svg").
    (project.handouts / name).write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="50"><rect width="100" height="50"/></svg>')
    result = build_one(project, write("x.md", FRONT + f"![箱]({written})\n"), tmp_path / "out")
    assert result.ok, result.error
    import pdfplumber
    with pdfplumber.open(result.pdf) as pdf:
        assert pdf.pages[0].rects or pdf.pages[0].curves or pdf.pages[0].images


def test_raw_html_stylesheet_inside_the_project_is_applied(project, write, tmp_path):
    (project.handouts / "red.css").write_text("p.mark { font-size: 30pt; }")
    path = write("x.md", FRONT + '<link rel="stylesheet" href="red.css">\n\n<p class="mark">大きな字</p>\n')
    result = build_one(project, path, tmp_path / "out")
    assert result.pdf is not None, result.error
    import pdfplumber
    with pdfplumber.open(result.pdf) as pdf:
        sizes = {round(c["size"]) for c in pdf.pages[0].chars if c["text"] == "大"}
    assert sizes == {30}


@pytest.mark.parametrize("html, words", [
    ('<a href="/etc/hostname">秘密</a>', "リンク「file:///etc/hostname」はプロジェクトの外を指しています"),
    ('<a href="javascript:alert(1)">押す</a>', "リンク「javascript:alert(1)」は使えない種類のリンクです"),
])
def test_raw_html_links_outside_or_scripted_are_refused_on_their_line(project, write, tmp_path, html, words):
    # "hostname" and "alert" stand earlier in the file too: the line is where the link is written.
    path = write("x.md", FRONT + "hostname や alert(1) の話。\n\n" + html + "\n")
    result = build_one(project, path, tmp_path / "out")
    assert not result.ok
    assert result.error.startswith("handouts/x.md:9: "), result.error
    assert words in result.error


def test_a_missing_raw_image_says_to_check_the_name_not_to_use_a_relative_path(project, write, tmp_path):
    path = write("x.md", FRONT + "前の行\n\n<img src=\"images/nope.png\">\n")
    result = build_one(project, path, tmp_path / "out")
    assert result.error.startswith("handouts/x.md:9: ファイルが見つかりません"), result.error
    assert "ファイル名と置き場所" in result.error
