"""Preflight rule 10, ``breaks``: fixtures that fail it and fixtures that pass it."""

from __future__ import annotations

from .check_tools import build_fixture, failures, outcomes, the_pass


def test_breaks_inside_words_numbers_and_katakana_fail_with_the_words_and_line(project):
    # HTML paragraphs get no word joiners: Pango breaks them anywhere.
    result = build_fixture(project, "breaks-raw-html.md")
    found = {o.figure: o for o in failures(result, "breaks")}
    assert set(found) == {"カタカナ語", "数字と単位", "文節の途中", "最後の行 2字"}, found
    katakana, number, phrase = found["カタカナ語"], found["数字と単位"], found["文節の途中"]
    assert katakana.message.startswith("「スト|レッチを」でカタカナの言葉が途中で改行されています — ")
    assert number.message.startswith("「20|秒ほど」で数字と単位が別の行に分かれています — ")
    assert phrase.message.startswith("「伸び|たら」で改行されています — ")
    assert "Markdown の文にするか、言葉を言い換えてください" in phrase.message
    assert [katakana.where.line, number.where.line, phrase.where.line] == [9, 11, 13]
    assert str(katakana.where) == "1ページ handouts/breaks-raw-html.md:9"


def test_a_runt_last_line_fails(project):
    result = build_fixture(project, "breaks-raw-html.md")
    runt, = [o for o in failures(result, "breaks") if o.figure.startswith("最後の行")]
    assert runt.message.startswith("段落の最後の行が「指。」の 2字だけです(基準 4字以上) — ")
    assert runt.where.line == 15


def test_markdown_text_breaks_only_between_phrases(project):
    result = build_fixture(project, "breaks-good.md")
    assert the_pass(result, "breaks").figure == "文節で改行"
    assert result.checks.passed


def test_a_phrase_wider_than_the_line_is_a_warning_not_a_failure(project):
    # The example: a brochure cover title with a katakana word longer than the panel.
    result = build_fixture(project, "breaks-long-title.md")
    found = outcomes(result, "breaks")
    warning, = [o for o in found if o.status == "warn"]
    assert warning.figure == "長い語句"
    assert warning.message.startswith("「リハビリテーショ|ンセンターの」は1行に入りきらない長い語句なので")
    assert warning.where.panel == "cover" and warning.where.line == 3
    assert not failures(result, "breaks")


def test_an_under_filled_page_fails(project):
    result = build_fixture(project, "breaks-underfilled.md")
    page, = failures(result, "breaks")
    assert page.figure.startswith("1ページ目 ") and page.where.page == 1
    fill = int(page.figure.removeprefix("1ページ目 ").removesuffix("%"))
    assert fill < 67
    assert f"1ページ目が {fill}% しか埋まっていません" in page.message


def test_a_page_before_a_block_kept_whole_is_excused_and_said_so(project):
    result = build_fixture(project, "breaks-kept-whole.md")
    assert not failures(result, "breaks")
    note, = [o for o in outcomes(result, "breaks") if o.status == "warn"]
    assert "次の「分けずに組む枠」" in note.message and "分けずに組む決まりで、入りきりません" in note.message
    assert result.checks.passed


def test_a_break_at_a_space_the_line_end_dropped_is_between_phrases(tmp_path):
    # A clinic's address in the brochure's facts: its lines break at the spaces, which
    # the laid-out lines no longer show; the rule reads them from the text as written.
    from leaflet.build.pipeline import build_one

    from .conftest import copy_project

    project = copy_project(tmp_path / "proj", with_handouts=True)
    with (project.root / "clinic.yaml").open("a", encoding="utf-8") as clinic:
        clinic.write("address: 札幌市中央区北1条西2丁目 3-4 ひざビル1階\n")
    result = build_one(project, project.handouts / "knee/back-of-knee.md", tmp_path / "out")
    assert result.ok, result.error
    assert [o.status for o in outcomes(result, "breaks")] == ["pass"], \
        [(o.status, o.message) for o in outcomes(result, "breaks")]
