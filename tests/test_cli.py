"""The command line, end to end on a throwaway project: exit codes, messages, files."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

import make_pdf

from .conftest import ROOT
from .pdfs import page_sizes_mm
from .test_mdext_placeholders import fill

GOOD = """\
---
kind: faq
title: 良い例
revised: 2026-11-20
---

## 質問

答え。
"""
BROKEN = """\
---
kind: faq
title: 壊れた例
revised: 2026-11-20
colour: red
---

本文
"""


def run(project, *args):
    result = CliRunner().invoke(make_pdf.cli, [*args, "--project", str(project.root)])
    return result


def test_build_all(project, write):
    write("a.md", GOOD)
    write("sub/b.md", GOOD)
    result = run(project, "build")
    assert result.exit_code == 0, result.output
    assert "作成: out/a.pdf(1ページ" in result.output
    assert page_sizes_mm(project.root / "out/sub/b.pdf") == [(210, 297)]


def test_one_broken_handout_fails_alone_and_keeps_its_old_pdf(project, write):
    write("a.md", GOOD)
    write("z.md", GOOD)
    assert run(project, "build").exit_code == 0
    old = (project.root / "out/z.pdf").read_bytes()
    os.utime(project.root / "out/z.pdf", (0, 0))
    write("z.md", BROKEN)
    (project.root / "out/a.pdf").unlink()

    result = run(project, "build")

    assert result.exit_code == 1
    assert ("エラー: handouts/z.md:5: フロントマターの「colour」はこの種類(faq)では使えません"
            " — 使える項目:") in result.output
    assert "1件が失敗しました" in result.output
    assert (project.root / "out/a.pdf").is_file()  # the other handout still built
    assert (project.root / "out/z.pdf").read_bytes() == old  # previous good PDF untouched
    assert not [p for p in (project.root / "out").iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize("content, words", [
    (b"", "handouts/bad.md:1: ファイルが空です"),
    (b"no front matter\n", "handouts/bad.md:1: フロントマターがありません"),
    (b"---\nkind: faq\ntitle: x\n", "handouts/bad.md:1: フロントマターが閉じていません"),
    (b"---\nkind: faq\ntitle: 'x\n---\n", "handouts/bad.md:3: フロントマターの YAML に誤りがあります"),
    (b"---\nkind: faq\nrevised: 2026-11-20\n---\n", "handouts/bad.md:2: title(タイトル)がありません"),
    (b"---\ntitle: x\nrevised: 2026-11-20\n---\n", "handouts/bad.md:2: kind(種類)がありません"),
    (b"---\nkind: leaflet\ntitle: x\n---\n", "handouts/bad.md:2: kind「leaflet」という種類はありません — 使える種類: brochure, faq, stretch"),
    ("---\nkind: faq\ntitle: 膝\n---\n".encode("cp932"), "handouts/bad.md:3: UTF-8 ではない文字があります"),
    (b"---\nkind: faq\ntitle: x\nrevised: 2026-11-20\n---\n![a](nope.png)\n", "handouts/bad.md:6: 画像「nope.png」が見つかりません"),
    (b"---\nkind: faq\ntitle: x\nrevised: 2026-11-20\n---\n![a](../../x.png)\n", "handouts/bad.md:6: 画像「../../x.png」はプロジェクトの外"),
])
def test_bad_input_messages(project, write, content, words):
    write("bad.md", content)
    result = run(project, "build")
    assert result.exit_code == 1
    assert words in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("config, content, words", [
    ("clinic.yaml", "name: 膝クリニック\naccess: [閉じていない\n", "clinic.yaml:2: YAML の書き方に誤りがあります(「[」が「]」で閉じられていません)"),
    ("clinic.yaml", "name: 膝クリニック\nphone: 未設定\nname: 別の名前\n", "clinic.yaml:3: YAML の書き方に誤りがあります(「name」が2回書かれています)"),
    ("readings.yaml", "嚢腫: のうしゅ\n膝窩: しっか\n嚢腫: のうしゆ\n", "readings.yaml:3: YAML の書き方に誤りがあります(「嚢腫」が2回書かれています)"),
])
def test_bad_project_config_names_file_and_line(project, write, config, content, words):
    write("a.md", GOOD)
    (project.root / config).write_text(content, encoding="utf-8")
    result = run(project, "build")
    assert result.exit_code == 1
    assert words in result.output
    assert "Traceback" not in result.output
    assert not (project.root / "out/a.pdf").exists()


def test_unknown_handout_is_a_usage_error(project, write):
    write("a.md", GOOD)
    result = run(project, "build", "nothere")
    assert result.exit_code == 2
    assert "リーフレット「nothere」が handouts/ の中に見つかりません。使える名前: a" in result.output


def test_build_by_name_and_by_path(project, write):
    write("knee/a.md", GOOD)
    write("knee/b.md", GOOD)
    assert run(project, "build", "knee/a").exit_code == 0
    assert (project.root / "out/knee/a.pdf").is_file()
    assert not (project.root / "out/knee/b.pdf").exists()
    assert run(project, "build", str(project.handouts / "knee/b.md")).exit_code == 0
    assert (project.root / "out/knee/b.pdf").is_file()


def test_out_option(project, write, tmp_path):
    write("a.md", GOOD)
    result = run(project, "build", "--out", str(tmp_path / "elsewhere"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "elsewhere/a.pdf").is_file()


def test_list(project, write):
    write("a.md", GOOD)
    result = run(project, "list")
    assert result.exit_code == 0
    assert result.output == "a\tfaq\t良い例\t2026年11月20日\n"


def test_list_names_unreadable_handouts(project, write):
    write("a.md", GOOD)
    write("b.md", b"")
    result = run(project, "list")
    assert result.exit_code == 1
    assert "b\t(読めません)\thandouts/b.md:1: ファイルが空です" in result.output


@pytest.mark.parametrize("kind", ["brochure", "stretch", "faq"])
def test_new_from_starter_builds(project, kind):
    result = run(project, "new", kind, f"new/{kind}")
    assert result.exit_code == 0, result.output
    assert f"作成: handouts/new/{kind}.md" in result.output
    fill(project, f"new/{kind}")  # untouched, it is 書きかけ (tests/test_mdext_placeholders.py)
    built = run(project, "build", f"new/{kind}")
    assert built.exit_code == 0, built.output


@pytest.mark.parametrize("typed", ["handouts/knee/q", "./handouts/knee/q.md"])
def test_new_takes_the_path_as_build_does(project, typed):
    result = run(project, "new", "faq", typed)
    assert result.exit_code == 0, result.output
    assert "作成: handouts/knee/q.md" in result.output
    assert not (project.handouts / "handouts").exists()


@pytest.mark.parametrize("args, words", [
    (("new", "poster", "x"), "「poster」という種類はありません"),
    (("new", "faq", "../../x"), "名前「../../x」は使えません"),
    (("new", "faq", "/etc/x"), "名前「/etc/x」は使えません"),
    (("new", "faq", ""), "名前「」は使えません"),
    (("new", "faq", "knee/"), "名前「knee/」は使えません"),
    (("new", "faq", "."), "名前「.」は使えません"),
    (("new", "faq", "knee/faq "), "名前「knee/faq 」は使えません"),
    (("new", "faq", "knee\\y"), "名前「knee\\y」は使えません"),
    (("new", "faq", "xl/foo"), "名前「xl/foo」は使えません"),
    (("new", "faq", "knee/.hidden"), "名前「knee/.hidden」は使えません"),
])
def test_new_errors(project, args, words):
    result = run(project, *args)
    assert result.exit_code == 2
    assert words in result.output


def test_new_refuses_to_overwrite(project, write):
    write("a.md", GOOD)
    result = run(project, "new", "faq", "a")
    assert result.exit_code == 2
    assert "もうあります" in result.output
    assert (project.handouts / "a.md").read_text(encoding="utf-8").startswith("---\nkind: faq\ntitle: 良い例")


def test_brochure_refuses_xl(project):
    run(project, "new", "brochure", "b")
    fill(project, "b")
    result = run(project, "build", "b", "--size", "xl")
    assert result.exit_code == 1
    assert "三つ折りパンフレット(brochure)には「xl」版がありません" in result.output


def test_the_script_keeps_exit_codes_and_output_when_it_skips_teardown(project, write):
    """``python make_pdf.py`` ends with os._exit (see leaflet.quick_exit): what scripts
    rely on must survive it: every line printed, stdout and stderr, and the exit code."""
    write("a.md", GOOD)
    write("z.md", "---\nkind: faq\n")
    command = [sys.executable, str(ROOT / "make_pdf.py")]
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    built = subprocess.run([*command, "build", "--jobs", "1", "--project", str(project.root)],
                           capture_output=True, text=True, env=env)
    assert built.returncode == 1
    assert "作成: out/a.pdf" in built.stdout
    assert "エラー: handouts/z.md:1: フロントマターが閉じていません" in built.stderr
    assert built.stderr.rstrip().endswith("1件が失敗しました(ほかの 1件は作成済み)。")
    unknown = subprocess.run([*command, "build", "nothere", "--project", str(project.root)],
                             capture_output=True, text=True, env=env)
    assert unknown.returncode == 2 and "nothere" in unknown.stderr
    (project.handouts / "z.md").unlink()
    again = subprocess.run([*command, "build", "--project", str(project.root)], capture_output=True, text=True, env=env)
    assert again.returncode == 0 and again.stdout == "最新: a(変更なし)\n"


@pytest.mark.parametrize("code, status", [(None, 0), (0, 0), (1, 1), (2, 2), (256 + 3, 3), ("中断しました", 1)])
def test_quick_exit_status_is_what_sys_exit_would_give(code, status):
    from leaflet.quick_exit import _status

    assert _status(code) == status


def test_quick_exit_waits_for_running_threads(monkeypatch):
    """With a thread still at work the normal exit runs (it joins the thread)."""
    import atexit
    import threading

    from leaflet import quick_exit

    def must_not(*args: object) -> None:  # would end pytest itself, with status 0
        raise AssertionError("took the quick exit with a thread running")

    monkeypatch.setattr(quick_exit.os, "_exit", must_not)
    monkeypatch.setattr(atexit, "_run_exitfuncs", must_not)
    run_and_exit = quick_exit.run_and_exit
    release = threading.Event()
    worker = threading.Thread(target=release.wait)
    worker.start()
    try:
        with pytest.raises(SystemExit) as ended:
            run_and_exit(lambda: None)
        assert ended.value.code == 0
    finally:
        release.set()
        worker.join()


def test_quick_exit_runs_the_exit_handlers_then_ends_with_the_status(monkeypatch):
    import atexit

    from leaflet import quick_exit

    calls: list[object] = []

    class Ended(Exception):
        pass

    def end(status: int) -> None:
        calls.append(("_exit", status))
        raise Ended

    monkeypatch.setattr(quick_exit.os, "_exit", end)
    monkeypatch.setattr(atexit, "_run_exitfuncs", lambda: calls.append("atexit"))
    with pytest.raises(Ended):
        quick_exit.run_and_exit(lambda: sys.exit(3))
    assert calls == ["atexit", ("_exit", 3)]


def test_hidden_files_and_folders_are_not_handouts(project, write):
    """Editors' lock files, macOS's ._ files on shared drives and a desktop's trash."""
    write("knee/faq.md", GOOD)
    write("knee/._faq.md", b"\x00\x05\x16\x07 resource fork")
    write(".Trash-1000/files/faq.md", GOOD)
    (project.handouts / "knee/.#faq.md").symlink_to("user@host.1234:1")  # dangling, as Emacs makes it
    result = run(project, "build")
    assert result.exit_code == 0, result.output
    assert sorted(p.relative_to(project.out).as_posix() for p in project.out.rglob("*.pdf")) == ["knee/faq.pdf"]
    listed = run(project, "list")
    assert listed.exit_code == 0 and listed.output.count("\n") == 1, listed.output


@pytest.mark.parametrize("out", [".", "handouts", "styles/pdf", "templates", ".."])
def test_an_output_folder_in_the_sources_is_refused(project, write, out):
    """PDFs, index.html and the state file go to --out, and --clean deletes there."""
    write("a.md", GOOD)
    before = sorted(p for p in project.root.rglob("*"))
    result = CliRunner().invoke(make_pdf.cli, ["build", "--out", str(project.root / out),
                                               "--project", str(project.root)])
    assert result.exit_code == 2, result.output
    assert "出力先" in result.output and "別のフォルダを --out に指定してください" in result.output
    assert sorted(p for p in project.root.rglob("*")) == before


def test_a_broken_installation_is_one_line_and_exit_1(project, write, monkeypatch):
    import leaflet.site.publish
    from leaflet.errors import SetupError

    def unsupported(*args, **kwargs):
        raise SetupError("WeasyPrint 71.0 には対応していません")

    write("a.md", GOOD)
    monkeypatch.setattr(leaflet.site.publish, "build_with_catalog", unsupported)
    result = run(project, "build")
    assert (result.exit_code, result.output) == (1, "エラー: WeasyPrint 71.0 には対応していません\n")


def test_ctrl_c_says_so_in_japanese_and_exits_130(project, write, monkeypatch):
    import leaflet.site.publish

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    write("a.md", GOOD)
    monkeypatch.setattr(leaflet.site.publish, "build_with_catalog", interrupted)
    result = run(project, "build")
    assert result.exit_code == 130
    assert "中断しました(Ctrl-C)" in result.output and "Aborted" not in result.output


def test_list_says_when_a_kind_does_not_exist(project, write):
    write("a.md", GOOD)
    write("b.md", GOOD.replace("kind: faq", "kind: faqq"))
    result = run(project, "list")
    assert result.exit_code == 1
    assert "b\t(読めません)\thandouts/b.md:2: kind「faqq」という種類はありません — 使える種類: brochure, faq, stretch" in result.output


@pytest.mark.parametrize("args, first", [
    (["build", "--jobs", "0"], "エラー: オプションの値が正しくありません"),
    (["biuld"], "エラー: そのコマンドはありません"),
    (["build", "--sise", "xl"], "エラー: オプション「--sise」はありません"),
    (["new", "faq"], "エラー: 必要な引数やオプションが足りません"),
])
def test_click_usage_errors_start_in_japanese(project, args, first):
    result = run(project, *args)
    assert result.exit_code == 2
    assert result.output.startswith(first), result.output
    assert "--help" in result.output.splitlines()[-1]


def test_help_still_exits_0(project):
    result = run(project, "build", "--help")
    assert result.exit_code == 0 and "--force" in result.output


def test_a_handout_saved_as_upper_case_md_is_a_handout(project, write):
    write("knee/UPPER.MD", GOOD)
    listed = run(project, "list")
    assert "knee/UPPER\t" in listed.output, listed.output
    built = run(project, "build", "knee/UPPER")
    assert built.exit_code == 0, built.output
    assert (project.root / "out/knee/UPPER.pdf").is_file()


def test_two_files_with_one_name_are_refused_not_written_over_each_other(project, write):
    write("a.md", GOOD)
    write("a.MD", GOOD.replace("良い例", "別の例"))
    built = run(project, "build")
    assert built.exit_code == 1, built.output
    assert "handouts/a.MD: 同じ名前の原稿が2つあります: handouts/a.MD、handouts/a.md" in built.output
    assert not (project.root / "out/a.pdf").exists()
    made = run(project, "new", "faq", "m")
    (project.handouts / "m.md").rename(project.handouts / "m.Md")
    again = run(project, "new", "faq", "m")
    assert made.exit_code == 0 and again.exit_code == 2 and "handouts/m.Md はもうあります" in again.output
    (project.handouts / "m.Md").write_text(GOOD, encoding="utf-8")
    assert run(project, "build", "m").exit_code == 0  # found by its name whatever the case of .md
