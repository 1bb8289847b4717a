"""書きかけ: a handout still holding a line of its kind's starter text (the schema's
``placeholders``) is an error at that line, in the body or the front matter."""

from __future__ import annotations

import markdown
import pytest
from click.testing import CliRunner

import make_pdf
from leaflet.errors import HandoutError
from leaflet.project import Project
from leaflet.source.kinds import available, load_kind
from leaflet.source.markdown.placeholders import PlaceholdersExtension

PLACEHOLDERS = ["質問を書きます", "答え。", "本文"]


def convert(source: str) -> str:
    return markdown.markdown(source, extensions=[
        PlaceholdersExtension(placeholders=PLACEHOLDERS, source="handouts/x.md", first_line=7)])


@pytest.mark.parametrize("source, line, words", [
    ("はじめに。\n\n## 質問を書きます\n\n答えです。", 9, "質問を書きます"),
    ("## 膝の質問\n\n答え。", 9, "答え。"),
    ("- 本文", 7, "本文"),
    ("1.  本文  ", 7, "本文"),
    ("> 本文", 7, "本文"),
])
def test_an_untouched_starter_line_is_an_error_at_its_line(source, line, words):
    with pytest.raises(HandoutError) as caught:
        convert(source)
    assert str(caught.value) == (f"handouts/x.md:{line}: 書きかけです(「{words}」は new で作ったときの"
                                 "見本の文のままです) — 見本の文を、このリーフレットの文に書き換えるか、"
                                 "行ごと消してください")


@pytest.mark.parametrize("source", [
    "質問を書きますか?",  # the editor's own words, starting the same
    "本文の説明です。",
    "答え。は短く書きます。",
])
def test_the_editors_own_words_pass(source):
    assert convert(source).startswith("<p>")


@pytest.mark.parametrize("kind", ["brochure", "faq", "stretch"])
def test_every_placeholder_is_a_line_of_its_kinds_starter(project, kind):
    found = load_kind(project, kind)
    assert found.placeholders
    lines = {line.strip().removeprefix("title: ").removeprefix("subtitle: ").lstrip("#-0123456789. ")
             for line in found.starter.splitlines()}
    assert set(found.placeholders) <= lines, set(found.placeholders) - lines


def test_every_kind_lists_its_placeholders(project):
    assert all(load_kind(project, kind).placeholders for kind in available(project))


def run(project, *args):
    return CliRunner().invoke(make_pdf.cli, [*args, "--project", str(project.root)])


@pytest.mark.parametrize("kind, line, words", [
    ("brochure", 3, "タイトルを書きます"),  # the title, in the front matter
    ("faq", 7, "はじめに一文を書きます。"),
    ("stretch", 3, "ストレッチの名前"),
])
def test_a_handout_fresh_from_new_fails_as_unfinished(project, kind, line, words):
    assert run(project, "new", kind, "n").exit_code == 0
    built = run(project, "build", "n")
    assert built.exit_code == 1
    assert f"エラー: handouts/n.md:{line}: 書きかけです(「{words}」は new で作ったときの見本の文" in built.output
    assert not (project.root / "out/n.pdf").exists()


def fill(project: Project, name: str) -> None:
    """Replace every placeholder line of a handout made by ``new`` with words of one's own."""
    path = project.handouts / f"{name}.md"
    kind = load_kind(project, path.read_text(encoding="utf-8").split("kind: ", 1)[1].split("\n", 1)[0])
    text = path.read_text(encoding="utf-8")
    for placeholder in sorted(kind.placeholders, key=len, reverse=True):
        text = "\n".join(line.replace(placeholder, f"{placeholder.rstrip('。')}の例。")
                         if line.strip().endswith(placeholder) else line for line in text.split("\n"))
    path.write_text(text, encoding="utf-8")


@pytest.mark.parametrize("kind", ["brochure", "faq", "stretch"])
def test_once_every_example_line_is_rewritten_it_builds(project, kind):
    run(project, "new", kind, "n")
    fill(project, "n")
    built = run(project, "build", "n")
    assert built.exit_code == 0, built.output
