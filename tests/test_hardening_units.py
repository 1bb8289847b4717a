"""The hardening pieces one by one: the reader's refusals by cause, the failures'
Japanese lines, the state file's shape rules, the hashing of recorded inputs, the
limits, the template loader, and what --clean and the sweep leave alone."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
import threading

import jinja2
import pytest

from leaflet import guarded_read
from leaflet.build.deps import MISSING, REFUSED, FileHashes, project_path
from leaflet.build.incremental import remove_output
from leaflet.build.state import STATE_FILE, State
from leaflet.errors import MAX_MESSAGE, HandoutError
from leaflet.failures import describe, os_problem, worker_died
from leaflet.limits import TimeLimit, can_time_out_here, check_time, page_cap, time_limit
from leaflet.render.template_loader import GuardedLoader

from .conftest import ROOT
from .hardening import SECRET


@pytest.fixture
def root(tmp_path):
    folder = tmp_path / "proj"
    folder.mkdir()
    (folder / "a.md").write_text("本文", encoding="utf-8")
    return folder


# --- the reader -----------------------------------------------------------------------


@pytest.mark.parametrize("code, expected", [
    (errno.EACCES, "denied"), (errno.EPERM, "denied"), (errno.ENAMETOOLONG, "bad_name"),
    (errno.EISDIR, "folder"), (errno.ELOOP, "outside"), (errno.ENOTDIR, "missing"), (errno.EIO, "unreadable"),
])
def test_each_open_failure_has_its_own_refusal(root, monkeypatch, code, expected):
    def fail(*args, **kwargs):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(guarded_read.os, "open", fail)
    with pytest.raises(guarded_read.Refused) as caught:
        guarded_read.read_bytes(root / "a.md", root)
    assert caught.value.code == expected
    assert caught.value.path == "a.md" and caught.value.message and caught.value.hint


def test_without_proc_the_opened_file_is_compared_with_the_path(root, monkeypatch):
    monkeypatch.setattr(guarded_read, "_opened_path", lambda fd: None)
    assert guarded_read.read_text(root / "a.md", root) == "本文"
    monkeypatch.setattr(guarded_read, "_same_file", lambda real, st: False)  # swapped meanwhile
    with pytest.raises(guarded_read.Refused) as caught:
        guarded_read.read_bytes(root / "a.md", root)
    assert caught.value.code == "outside"


def test_an_opened_file_found_outside_is_refused(root, monkeypatch):
    monkeypatch.setattr(guarded_read, "_opened_path", lambda fd: "/etc/passwd")
    with pytest.raises(guarded_read.Refused) as caught:
        guarded_read.read_bytes(root / "a.md", root)
    assert caught.value.code == "outside"


def test_a_file_that_grows_while_read_is_refused(root, monkeypatch):
    monkeypatch.setattr(guarded_read.os, "read", lambda fd, n: b"x" * n)  # never ends
    with pytest.raises(guarded_read.Refused) as caught:
        guarded_read.read_bytes(root / "a.md", root, limit=100)
    assert caught.value.code == "too_large"


def test_a_name_that_cannot_be_resolved_and_exists_of_odd_names(root, monkeypatch):
    assert guarded_read.exists(root / "a.md") and not guarded_read.exists("a\x00b")
    real = os.path.realpath
    monkeypatch.setattr(guarded_read.os.path, "realpath",
                        lambda p, *a, **k: (_ for _ in ()).throw(OSError(errno.ELOOP, "loop"))
                        if str(p).endswith("a.md") else real(p, *a, **k))
    with pytest.raises(guarded_read.Refused) as caught:
        guarded_read.read_bytes(root / "a.md", root)
    assert caught.value.code == "bad_name"


def test_limits_by_kind_of_file():
    assert guarded_read.limit_for("x.ttf") == guarded_read.FONT_LIMIT
    assert guarded_read.limit_for("x.JPG") == guarded_read.IMAGE_LIMIT
    assert guarded_read.limit_for("x.css") == guarded_read.TEXT_LIMIT
    assert guarded_read.shown_path("/elsewhere/x", "/proj") == "/elsewhere/x"


# --- failures ---------------------------------------------------------------------------


@pytest.mark.parametrize("error, words", [
    (TimeLimit(120), "時間がかかりすぎるため中止しました(120秒の上限)"),
    (MemoryError(), "メモリが足りなくなったため中止しました"),
    (OSError(errno.ENOSPC, "No space", "/p/out/a.pdf"), "out/a.pdf: 空き容量が足りません — 不要なファイルを消して"),
    (OSError(errno.EBADF, "Bad file descriptor"), "読み書きできません(Bad file descriptor)"),
    (ZeroDivisionError("float division by zero"), "予期しないエラーです(ZeroDivisionError"),
    (KeyError("x" * 1000), "…(ほか "),
])
def test_every_failure_is_one_japanese_line(error, words):
    line = describe(error, "handouts/a.md", "", rel=lambda name: str(name).removeprefix("/p/"))
    assert line.startswith("handouts/a.md") and words in line
    assert "\n" not in line and len(line) < 500


def test_a_refusal_met_outside_a_render_and_numbers_found_on_their_line():
    class Refusal(BaseException):
        reason, url = "ファイルが見つかりません", "file:///p/x.png"

    assert describe(Refusal(), "handouts/a.md") == ("handouts/a.md: ファイルが見つかりません「file:///p/x.png」"
                                                    " — handouts/ の中のファイルを相対パスで指定してください")
    text = "一\n二\n<p style='width:1e30px'>\n"
    assert describe(OverflowError(), "handouts/a.md", text).startswith("handouts/a.md:3: 数値が大きすぎて")
    assert describe(ZeroDivisionError(), "handouts/a.md", text).startswith("handouts/a.md:3: 数値が大きすぎて")
    deep = "一\n" + " " * 300 + "- 深い\n"
    assert describe(RecursionError(), "handouts/a.md", deep).startswith("handouts/a.md:2: 入れ子が深すぎます")
    assert describe(HandoutError("clinic.yaml", 2, "壊れています"), "handouts/a.md") == \
        "handouts/a.md: clinic.yaml:2: 壊れています"
    assert "終了コード -11" in worker_died("handouts/a.md", -11, 2048)
    assert os_problem(OSError(errno.EROFS, "ro")) == "読み取り専用の場所なので書き込めません"


def test_a_message_and_its_hint_are_cut():
    error = HandoutError("handouts/a.md", 1, "あ" * 5000, "い" * 5000)
    assert len(error.message) < MAX_MESSAGE + 30 and len(error.hint) < MAX_MESSAGE + 30


# --- the state file -----------------------------------------------------------------------


RECORD = {"name": "a", "source": "handouts/a.md", "pdf": "a.pdf", "edition": "normal", "digest": "d",
          "pages": 1, "inputs": {"handouts/a.md": "x", "fonts/": "y"}}


@pytest.mark.parametrize("data", [
    [], {"format": 99, "pdfs": {}}, {"format": 3, "pdfs": []}, {"format": 3, "pdfs": {}, "hashes": "x"},
    {"format": 3, "pdfs": {"a.pdf": "x"}},
    {"format": 2, "pdfs": {"a.pdf": {**RECORD, "summary": []}}},
    {"format": 2, "pdfs": {"a.pdf": {**RECORD, "summary": {"warnings": 5}}}},
    {"format": 3, "pdfs": {"b.pdf": RECORD}},
    {"format": 3, "pdfs": {"a.pdf": {**RECORD, "colour": "red"}}},
    {"format": 3, "pdfs": {"a.pdf": {k: v for k, v in RECORD.items() if k != "digest"}}},
    {"format": 3, "pdfs": {"a.pdf": {**RECORD, "pages": True}}},
    {"format": 3, "pdfs": {"a.pdf": {**RECORD, "requested": [1]}}},
    {"format": 3, "pdfs": {"a.pdf": {**RECORD, "check_failures": [None]}}},
    {"format": 3, "pdfs": {"../a.pdf": {**RECORD, "pdf": "../a.pdf"}}},
    {"format": 3, "pdfs": {"a.pdf": {**RECORD, "source": "/etc/passwd"}}},
    {"format": 3, "pdfs": {"a.pdf": {**RECORD, "source": "handouts/../../x.md"}}},
    {"format": 3, "pdfs": {"a.pdf": {**RECORD, "inputs": {"C:/x": "y"}}}},
])
def test_a_state_file_of_any_wrong_shape_is_not_used(tmp_path, data):
    (tmp_path / STATE_FILE).write_text(json.dumps(data), encoding="utf-8")
    state = State.load(tmp_path)
    assert state.records == {} and state.problem and "すべて作り直します" in state.problem


def test_a_state_file_of_the_right_shape_is_used_and_old_formats_upgraded(tmp_path):
    (tmp_path / STATE_FILE).write_text(json.dumps({"format": 3, "pdfs": {"a.pdf": RECORD}}), encoding="utf-8")
    assert State.load(tmp_path).records["a.pdf"].inputs == RECORD["inputs"]
    old = {"format": 1, "pdfs": {"a.pdf": {**RECORD, "requested": "", "summary": {"warnings": ["w"]}}}}
    (tmp_path / STATE_FILE).write_text(json.dumps(old), encoding="utf-8")
    state = State.load(tmp_path)
    assert state.problem is None and state.records["a.pdf"].warnings == ["w"]


def test_a_state_file_that_is_not_a_file_is_not_read(tmp_path):
    os.mkfifo(tmp_path / STATE_FILE)
    state = State.load(tmp_path)
    assert state.records == {} and "ふつうのファイルではありません" in (state.problem or "")


# --- recorded inputs ------------------------------------------------------------------


@pytest.mark.parametrize("rel", ["/", "/etc/shadow", "../x", "a/../../x", "a\\b", "", "a\x00b"])
def test_an_input_path_that_leaves_the_project_names_nothing(project, rel):
    assert project_path(project, rel) is None


def test_hashes_of_files_outside_special_or_refused(project, tmp_path):
    hashes = FileHashes({"/x": [1, 2, 3, 4, "d"], "/y": [1, "2", 3, 4, "d"], "/z": "nope"})
    assert hashes.export() == {"/x": [1, 2, 3, 4, "d"]}  # forged memo entries of the wrong shape: dropped
    (tmp_path / "secret.md").write_bytes(SECRET)
    (project.handouts / "link.md").symlink_to(tmp_path / "secret.md")
    assert hashes(project.handouts / "link.md", project.root) == REFUSED
    assert hashes(project.handouts, project.root) == MISSING  # a folder
    (project.handouts / "big.md").write_bytes(b"x" * (guarded_read.TEXT_LIMIT + 1))
    assert hashes(project.handouts / "big.md", project.root) == f"{REFUSED}:too_large"
    assert project_path(project, "fonts/") == project.root / "fonts/"


def test_remove_output_removes_only_regular_files_inside(tmp_path):
    out = tmp_path / "out"
    (out / "sub").mkdir(parents=True)
    (out / "a.pdf").write_bytes(b"x")
    (out / "link.pdf").symlink_to(out / "a.pdf")
    (tmp_path / "elsewhere").mkdir()
    (out / "linked").symlink_to(tmp_path / "elsewhere")
    (tmp_path / "elsewhere" / "b.pdf").write_bytes(b"keep")
    assert not remove_output(out / "link.pdf", out)
    assert not remove_output(out / "sub", out)
    assert not remove_output(out / "linked" / "b.pdf", out)
    assert not remove_output(tmp_path / "elsewhere" / "b.pdf", out)
    assert not remove_output(out / ".." / "elsewhere" / "b.pdf", out)
    assert remove_output(out / "a.pdf", out)
    assert (tmp_path / "elsewhere" / "b.pdf").read_bytes() == b"keep"


# --- limits ---------------------------------------------------------------------------


def test_the_time_limit_only_on_the_main_thread_and_the_page_cap():
    assert page_cap(2) == 8 and page_cap(1) == 4 and page_cap(3) == 12
    seen: list[bool] = []

    def elsewhere() -> None:
        seen.append(can_time_out_here())
        with time_limit(0.01):  # does nothing off the main thread
            threading.Event().wait(0.05)
        check_time()

    thread = threading.Thread(target=elsewhere)
    thread.start()
    thread.join()
    assert seen == [False] and can_time_out_here()


def test_a_process_with_a_memory_limit_fails_to_allocate_past_it():
    code = ("from leaflet.limits import limit_memory\n"
            "limit_memory(64)\n"
            "try:\n    data = bytearray(256 * 1024 * 1024)\nexcept MemoryError:\n    print('MemoryError')\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "MemoryError", done.stderr


# --- templates -----------------------------------------------------------------------------


def test_the_template_loader_refuses_links_out_and_notices_changes(root, tmp_path):
    folder = root / "templates"
    folder.mkdir()
    (folder / "a.html").write_text("A", encoding="utf-8")
    (tmp_path / "outside.html").write_bytes(SECRET)
    (folder / "b.html").symlink_to(tmp_path / "outside.html")
    env = jinja2.Environment(loader=GuardedLoader(folder, root))
    assert env.get_template("a.html").render() == "A"
    with pytest.raises(guarded_read.Refused):
        env.get_template("b.html")
    with pytest.raises(jinja2.TemplateNotFound):
        env.get_template("c.html")
    with pytest.raises(jinja2.TemplateNotFound):
        env.get_template("../a.md")
    assert env.loader.list_templates() == ["a.html", "b.html"]
    _source, _name, uptodate = env.loader.get_source(env, "a.html")
    assert uptodate()
    (folder / "a.html").unlink()
    assert not uptodate()


def test_list_names_any_failure_of_one_handout(project, write, monkeypatch):
    from leaflet.site import inventory

    write("a.md", "---\nkind: faq\ntitle: t\nrevised: 2026-11-20\n---\n")
    monkeypatch.setattr(inventory, "_read", lambda *a: (_ for _ in ()).throw(RecursionError("deep")))
    (entry,) = inventory.describe(project)
    assert entry.error and entry.error.startswith("handouts/a.md: 入れ子が深すぎます")


def test_a_read_that_fails_midway_and_a_look_at_the_opened_file_that_fails(root, monkeypatch):
    def broken(fd, n):
        raise OSError(errno.EIO, "I/O error")

    with monkeypatch.context() as patch:
        patch.setattr(guarded_read.os, "read", broken)
        with pytest.raises(guarded_read.Refused) as caught:
            guarded_read.read_bytes(root / "a.md", root)
        assert caught.value.code == "unreadable" and "読めません" in caught.value.message
    monkeypatch.setattr(guarded_read.os, "readlink", lambda path: (_ for _ in ()).throw(OSError(errno.ENOENT, "")))
    monkeypatch.setattr(guarded_read.os, "stat", lambda path: (_ for _ in ()).throw(OSError(errno.ENOENT, "")))
    with pytest.raises(guarded_read.Refused) as caught:  # cannot tell where the opened file is: refused
        guarded_read.read_bytes(root / "a.md", root)
    assert caught.value.code == "outside"
    assert guarded_read.text_or_empty(root / "nothing.md", root) == ""


def test_check_time_raises_once_the_time_ran_out_even_if_it_was_swallowed():
    with pytest.raises(TimeLimit), time_limit(0.05):
        try:
            threading.Event().wait(2)
        except TimeLimit:
            pass  # what a library might do
        check_time()


def test_memory_limit_without_proc_does_nothing(monkeypatch):
    from leaflet import limits

    monkeypatch.setattr(limits, "_address_space", lambda: None)
    limits.limit_memory(1)  # would make this process unusable if it did anything


def test_a_memory_limit_under_a_lower_hard_limit_keeps_the_hard_one():
    code = ("import resource\n"
            "resource.setrlimit(resource.RLIMIT_AS, (6 << 30, 6 << 30))\n"
            "from leaflet.limits import limit_memory\n"
            "limit_memory(1 << 20)\n"
            "print(resource.getrlimit(resource.RLIMIT_AS) == (6 << 30, 6 << 30))\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "True", done.stderr


def test_leftovers_that_are_links_are_left_and_a_folder_that_cannot_be_walked(tmp_path, monkeypatch):
    from leaflet import atomic

    (tmp_path / "target").write_text("keep")
    link = tmp_path / ".a.pdf.l1nk00.tmp"
    link.symlink_to(tmp_path / "target")
    os.utime(link, (0, 0), follow_symlinks=False)
    assert atomic.sweep_leftovers(tmp_path) == 0
    assert link.is_symlink() and (tmp_path / "target").read_text() == "keep"
    monkeypatch.setattr(atomic.Path, "rglob", lambda self, pattern: (_ for _ in ()).throw(OSError(errno.EACCES, "")))
    assert atomic.sweep_leftovers(tmp_path) == 0


def test_a_fetch_that_fails_in_a_way_of_weasyprints_own_is_named(project, write, monkeypatch):
    from leaflet.build.pipeline import build_one
    from leaflet.render.fetcher import ProjectFetcher

    real = ProjectFetcher.fetch

    def odd(self, url, headers=None):
        if url.endswith("x.png"):
            raise ValueError("something odd")
        return real(self, url, headers)

    monkeypatch.setattr(ProjectFetcher, "fetch", odd)
    path = write("a.md", "---\nkind: faq\ntitle: t\nrevised: 2026-11-20\n---\n\n## 問\n\n<img src=\"x.png\">\n")
    result = build_one(project, path, project.out)
    assert result.error and result.error.startswith("handouts/a.md:9: 読み込めません「file://")


def test_a_picture_for_the_catalog_that_cannot_be_drawn_is_a_warning(project, write, monkeypatch):
    from leaflet.build import pipeline

    def full(*args):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pipeline, "make_thumbnail", full)
    path = write("a.md", "---\nkind: faq\ntitle: t\nrevised: 2026-11-20\n---\n\n## 問\n\n答え。\n")
    result = pipeline.build_one(project, path, project.out, thumbnail=True)
    assert result.ok and result.pdf and result.pdf.is_file()
    assert result.warnings == ["handouts/a.md: 一覧ページ用の縮小画像を作れませんでした(空き容量が足りません)"]


def test_a_font_the_checks_cannot_read_is_named(tmp_path):
    from leaflet.check.fonts import _problem
    from leaflet.check.glyphs import cmap

    (tmp_path / "outside.ttf").write_bytes(b"x")
    (tmp_path / "proj/fonts").mkdir(parents=True)
    (tmp_path / "proj/fonts/link.ttf").symlink_to(tmp_path / "outside.ttf")
    (tmp_path / "proj/fonts/junk.ttf").write_bytes(b"not a font")
    fonts_dir = tmp_path / "proj/fonts"
    problem = _problem(fonts_dir / "link.ttf", tmp_path, tmp_path / "proj")  # fonts/ taken as the whole tmp
    assert problem == "link.ttf: プロジェクトの外のファイルは読めません"
    assert cmap(fonts_dir / "link.ttf", tmp_path / "proj") == frozenset()
    assert _problem(fonts_dir / "junk.ttf", fonts_dir, tmp_path / "proj") == "junk.ttf はフォントとして読めません"
    assert cmap(fonts_dir / "junk.ttf", tmp_path / "proj") == frozenset()


def test_the_server_answers_404_for_what_it_cannot_read_and_reports_its_own_errors(tmp_path, capsys, monkeypatch):
    from leaflet.site import serve

    out = tmp_path / "out"
    out.mkdir()
    (out / "a.pdf").write_bytes(b"%PDF")
    server = serve.CatalogServer(out, "127.0.0.1", 0)
    try:
        try:
            raise ValueError("odd")
        except ValueError:
            server.handle_error(None, None)
        try:
            raise BrokenPipeError()
        except BrokenPipeError:
            server.handle_error(None, None)
    finally:
        server.server_close()
    err = capsys.readouterr().err
    assert err == "警告: 一覧ページの配信中にエラーが起きました(ValueError: odd)\n"
    project_root = tmp_path / "proj"
    project_root.mkdir()
    from leaflet.project import Project

    from .serving import raw_get, running

    def refuse(*args, **kwargs):
        raise guarded_read.Refused("a.pdf", "special", "x")

    monkeypatch.setattr(serve.guarded_read, "read_bytes", refuse)  # replaced after the check: a FIFO, say
    with running(Project.at(project_root, out), out) as url:
        assert raw_get(url, "/a.pdf")[0] == 404
