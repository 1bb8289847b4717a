"""Bad input found by review: each is one handout's one-line error; the others build,
serial or parallel, and nothing crashes with a traceback."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

import make_pdf

GOOD = "---\nkind: faq\ntitle: 良い例\nrevised: 2026-11-20\n---\n\n## 質問\n\n答え。\n"
FRONT = "---\nkind: faq\ntitle: 悪い例\nrevised: 2026-11-20\n---\n\n前の行\n\n"


def run(project, *args):
    return CliRunner().invoke(make_pdf.cli, [*args, "--project", str(project.root)])


BAD = {
    "impossible date": (
        "---\nkind: faq\ntitle: x\nrevised: 2026-02-30\n---\n", "bad.md:4: フロントマターの日付が正しくありません"),
    "attachment outside": (
        FRONT + '<a rel="attachment" href="/etc/hostname">添付</a>\n', "はプロジェクトの外を指しています"),
    "raw link outside": (
        FRONT + '<a href="file:///etc/hostname">リンク</a>\n', "bad.md:9: リンク「file:///etc/hostname」はプロジェクトの外"),
    "svg with a missing image inside": (
        FRONT + "![図](inner.svg)\n", "bad.md:9: 画像「inner.svg」を描けません"),
    "inline svg with an image outside": (
        FRONT + '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20">'
        '<image href="file:///etc/hostname" width="40" height="20"/></svg>\n', "bad.md:9: 文中に書いた SVG 図を描けません"),
    "broken png": (
        FRONT + "![図](broken.png)\n", "bad.md:9: 画像「broken.png」を描けません"),
    "stretch steps written as a paragraph": (
        "---\nkind: stretch\ntitle: 伸ばす\nrevised: 2026-11-20\nhold_seconds: 20\n---\n\n"
        "::: helps\n\n楽になります。\n\n::: safety\n\n- 痛いときはやめます。\n\n::: steps\n\n"
        "椅子に腰かけて、足を前に出します。\n", "bad.md:18: 「やり方」は番号付きリストで書いてください"),
    "deep nesting": (
        FRONT + ">" * 3000 + " 深い\n", "bad.md:9: 入れ子が深すぎます"),
}


@pytest.fixture
def with_images(project):
    (project.handouts / "inner.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="40" height="20">'
        '<image xlink:href="nope.png" width="40" height="20"/></svg>')
    (project.handouts / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 20)
    return project


# Every case in one process; in worker processes, those whose error arises inside
# WeasyPrint (a log line while drawing, a refusal while writing): they must cross the
# process boundary as the same message.
CASES = [(case, "1") for case in BAD] + [("broken png", "2"), ("attachment outside", "2")]


@pytest.mark.parametrize("case, jobs", CASES)
def test_bad_handout_fails_alone(with_images, write, case, jobs):
    project = with_images
    text, words = BAD[case]
    write("a.md", GOOD)
    write("bad.md", text)
    write("z.md", GOOD)
    result = run(project, "build", "--jobs", jobs)
    assert result.exit_code == 1, result.output
    assert words in result.output
    assert "Traceback" not in result.output
    assert "WeasyPrint" not in result.output  # said once, by us, in Japanese
    assert "1件が失敗しました(ほかの 2件は作成済み)" in result.output
    assert (project.root / "out/a.pdf").is_file() and (project.root / "out/z.pdf").is_file()
    assert not (project.root / "out/bad.pdf").exists()


def test_broken_template_fails_its_handouts_alone(project, write):
    (project.root / "templates/poster.yaml").write_text("label: ポスター\n", encoding="utf-8")
    (project.root / "templates/poster.html").write_text('{% extends "base.html" %}{% block body %}{{ oops(}}{% endblock %}')
    write("a.md", GOOD)
    write("p.md", "---\nkind: poster\ntitle: x\nrevised: 2026-11-20\n---\n本文\n")
    result = run(project, "build")
    assert result.exit_code == 1
    assert "handouts/p.md: 予期しないエラーです(TemplateSyntaxError" in result.output
    assert (project.root / "out/a.pdf").is_file()


def test_symlink_to_outside_is_refused(project, write, tmp_path):
    outside = tmp_path / "secret.md"
    outside.write_text(GOOD, encoding="utf-8")
    write("a.md", GOOD)
    (project.handouts / "link.md").symlink_to(outside)
    result = run(project, "build")
    assert result.exit_code == 1
    assert "エラー: handouts/link.md: プロジェクトの外のファイルは読めません" in result.output
    assert (project.root / "out/a.pdf").is_file()
    assert run(project, "list").exit_code == 1  # listed as unreadable, no traceback


@pytest.mark.parametrize("name", ["../clinic.yaml", "knee/../../README", "../../etc/hostname"])
def test_names_outside_handouts_are_usage_errors(project, write, name):
    (project.root / "README.md").write_text("x")
    write("knee/a.md", GOOD)
    result = run(project, "build", name)
    assert result.exit_code == 2
    assert "handouts/ の中に見つかりません" in result.output


def test_handouts_xl_folder_is_reserved(project, write):
    write("xl/a.md", GOOD)
    result = run(project, "build")
    assert result.exit_code == 1
    assert "handouts/xl/a.md: handouts/xl/ は使えません" in result.output


def test_watch_and_workers_survive_a_refused_attachment(project, write):
    """The refusal travels back from a worker process (it must pickle)."""
    import pickle

    from leaflet.render.fetcher import RefusedURL

    error = pickle.loads(pickle.dumps(RefusedURL("file:///etc/x", "理由")))
    assert (error.url, error.reason, str(error)) == ("file:///etc/x", "理由", "理由: file:///etc/x")
