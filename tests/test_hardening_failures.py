"""Every failure is a named error (issue 16, parts 3–6): no exception escapes a handout,
the state file and leftovers are dealt with, ``watch`` and ``serve`` keep going, ``serve``
answers in Japanese, and names that would break on a shared drive are refused."""

from __future__ import annotations

import errno
import fcntl
import json
import os
import socket
import struct
import subprocess
import time

import pytest

from leaflet.build.state import STATE_FILE
from leaflet.site import serve as serve_module

from .conftest import wait_for, write_stretch
from .hardening import FRONT, GOOD, assert_failed_alone, cli, with_neighbours
from .serving import raw_get, running

# System tests: processes, time limits, worker pools (make test-slow; CI runs them).
pytestmark = pytest.mark.slow

BAD = {
    "circular @import": (
        FRONT + '<link rel="stylesheet" href="a.css">\n', "bad.md:9", "@import が循環しています"),
    "bad data: URL": (
        FRONT + '<img src="data:image/png;base64">\n', "bad.md:9", "data: URL の書き方が正しくありません"),
    "number too large": (
        FRONT + '<p style="letter-spacing:1e30px">広い</p>\n', "bad.md:9", "数値が大きすぎて組版できません"),
}


@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize("case", BAD)
def test_errors_that_used_to_stop_the_whole_run(project, write, case, jobs):
    """FatalURLFetchingError is a BaseException: it aborted the run with a traceback
    (other PDFs written but not reported, state saved empty, no index.html)."""
    (project.handouts / "a.css").write_text('@import "b.css";\nh2 { color: #111; }\n')
    (project.handouts / "b.css").write_text('@import "a.css";\n')
    with_neighbours(write)
    text, where, words = BAD[case]
    write("bad.md", text)
    result = cli(project, "build", "--jobs", jobs)
    assert_failed_alone(project, result.output, result.exit_code, where, words)
    state = json.loads((project.out / STATE_FILE).read_text(encoding="utf-8"))
    assert sorted(state["pdfs"]) == ["a.pdf", "z.pdf"]


def test_front_matter_nested_too_deep_is_named_by_list_and_build(project, write):
    """str() of a list nested 20,000 deep is a RecursionError: it ended `list` with a
    traceback and left the catalog unwritten."""
    with_neighbours(write)
    write("bad.md", "---\nkind: faq\ntitle: " + "[" * 20_000 + "]" * 20_000 + "\nrevised: 2026-11-20\n---\n")
    listed = cli(project, "list")
    assert listed.exit_code == 1
    assert "bad\t(読めません)\thandouts/bad.md:3: フロントマターの YAML に誤りがあります(入れ子が深すぎます(50段まで))" \
        in listed.output
    result = cli(project, "build", "--jobs", "2")  # nothing too deep is sent to a worker
    assert_failed_alone(project, result.output, result.exit_code, "bad.md:3", "入れ子が深すぎます")


def test_a_font_face_weasyprint_cannot_load_is_an_error_not_an_english_warning(project, write):
    (project.fonts / "broken.ttf").write_bytes(b"not a font at all" * 100)
    with open(project.styles / "faq.css", "a", encoding="utf-8") as css:
        css.write('\n@font-face { font-family: "Broken"; src: url("../fonts/broken.ttf"); }\n'
                  'h2 { font-family: "Broken", "BIZ UDPGothic"; }\n')
    write("a.md", GOOD)
    write_stretch(write, "z.md")
    for _ in range(2):  # the second time the stylesheets come from the cache, unwarned
        result = cli(project, "build", "--force", "--jobs", "1")
        assert result.exit_code == 1
        assert "エラー: handouts/a.md: フォント「Broken」を読み込めません" in result.output
        assert "WeasyPrint" not in result.output and "Font-face" not in result.output
        assert (project.out / "z.pdf").is_file()


@pytest.fixture
def tiny_out(tmp_path, monkeypatch):
    """A 64 KB file system for out/ (tmpfs, as root); where mounting is not allowed, a
    fault-injection hook makes every write past 48 KB fail with ENOSPC instead."""
    folder = tmp_path / "tiny"
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(folder)],
                             capture_output=True).returncode == 0
    if not mounted:
        from leaflet import atomic

        written = [0]
        real = os.fdopen

        class Full:
            def __init__(self, handle):
                self.handle = handle

            def write(self, data):
                written[0] += len(data)
                if written[0] > 48 * 1024:
                    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
                return self.handle.write(data)

            def __getattr__(self, name):
                return getattr(self.handle, name)

            def __enter__(self):
                return self

            def __exit__(self, *exc):
                return self.handle.__exit__(*exc)

        monkeypatch.setattr(atomic.os, "fdopen", lambda *a, **k: Full(real(*a, **k)))
    yield folder, mounted
    if mounted:
        subprocess.run(["umount", str(folder)], check=True)


def test_a_full_disk_is_named_per_handout_and_nothing_half_written_stays(project, write, tiny_out):
    """A 64 KB out/: the small PDFs fit, the one with a 270 KB photo does not."""
    from PIL import Image

    folder, mounted = tiny_out
    Image.effect_noise((300, 300), 100).convert("RGB").save(project.handouts / "noise.png")
    with_neighbours(write)
    write("bad.md", FRONT + "![写真](noise.png)\n")
    result = cli(project, "build", "--jobs", "1", "--out", str(folder))
    output = result.output
    assert result.exit_code == 1, output
    assert "エラー: handouts/bad.md: " in output and "空き容量が足りません" in output, output
    assert "Traceback" not in output
    assert (folder / "a.pdf").is_file() and (folder / "z.pdf").is_file(), output
    assert not list(folder.rglob("*.tmp"))  # no half-written file left behind
    assert (folder / "index.html").is_file() or "一覧ページ(index.html)を書けませんでした: 空き容量が足りません" in output
    assert (folder / STATE_FILE).is_file() or "を保存できませんでした(空き容量が足りません)" in output


def test_a_read_only_out_keeps_the_previous_pdfs(project, write, tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(folder)], capture_output=True).returncode:
        pytest.skip("mounting a file system needs root")
    try:
        with_neighbours(write)
        assert cli(project, "build", "--out", str(folder)).exit_code == 0
        before = (folder / "a.pdf").read_bytes()
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        write("a.md", GOOD.replace("答え。", "新しい答え。"))
        result = cli(project, "build", "--out", str(folder))
        assert result.exit_code == 1
        assert "エラー: handouts/a.md: " in result.output and "読み取り専用" in result.output, result.output
        assert "Traceback" not in result.output
        assert (folder / "a.pdf").read_bytes() == before
    finally:
        subprocess.run(["umount", str(folder)], check=True)


@pytest.mark.parametrize("damage", [
    lambda s: {**s, "pdfs": []},
    lambda s: {**s, "pdfs": {k: {**v, "pages": "two"} for k, v in s["pdfs"].items()}},
    lambda s: {**s, "pdfs": {k: {**v, "summary": []} for k, v in s["pdfs"].items()}},
    lambda s: {**s, "pdfs": {k: {**v, "inputs": ["handouts/a.md"]} for k, v in s["pdfs"].items()}},
    lambda s: {**s, "hashes": "x"},
    lambda s: [s],
])
def test_a_state_file_of_the_wrong_shape_means_a_full_rebuild_with_a_note(project, write, damage):
    """Valid JSON with wrong field types crashed every build until it was deleted."""
    with_neighbours(write)
    assert cli(project, "build").exit_code == 0
    path = project.out / STATE_FILE
    path.write_text(json.dumps(damage(json.loads(path.read_text(encoding="utf-8")))), encoding="utf-8")
    result = cli(project, "build")
    assert result.exit_code == 0, result.output
    assert f"注意: {STATE_FILE} の中身が正しくないため、すべて作り直します" in result.output
    assert result.output.count("作成: ") == 2
    again = cli(project, "build")
    assert again.output.count("最新: ") == 2 and "注意" not in again.output


def test_leftovers_of_a_killed_run_are_swept_but_not_a_live_one(project, write):
    with_neighbours(write)
    assert cli(project, "build").exit_code == 0
    old = time.time() - 3600
    dead = project.out / ".a.pdf.k1ll3d.tmp"
    live = project.out / ".z.pdf.w0rk1n.tmp"
    fresh = project.out / ".a.pdf.n3wnew.tmp"
    for path in (dead, live, fresh):
        path.write_bytes(b"%PDF half")
    for path in (dead, live):
        os.utime(path, (old, old))
    mine = project.out / "notes.tmp"  # not one of ours
    mine.write_text("x")
    os.utime(mine, (old, old))
    with open(live, "rb") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # another run is writing it
        result = cli(project, "build", "--force")
    assert result.exit_code == 0
    assert not dead.exists()
    assert live.exists() and fresh.exists() and mine.exists()
    ignored = subprocess.run(["git", "check-ignore", "-q", "--no-index", "dist/.a.pdf.k1ll3d.tmp"],
                             cwd=os.path.dirname(os.path.dirname(__file__)))
    assert ignored.returncode == 0  # an --out folder inside the project does not show them to git


def test_watch_reports_a_failure_and_keeps_watching(project, write, monkeypatch):
    from weasyprint.urls import FatalURLFetchingError

    from leaflet.build import incremental

    from .test_watch import FAQ, Watcher, pdf_text

    write("a.md", FAQ.format(title="A", answer="最初。"))
    real = incremental.Session.build
    calls = [0]

    def fails_once(self, *args, **kwargs):
        calls[0] += 1
        if calls[0] == 2:  # the first save
            raise FatalURLFetchingError('Error fetching "data:,"')
        return real(self, *args, **kwargs)

    monkeypatch.setattr(incremental.Session, "build", fails_once)
    watcher = Watcher(project)
    watcher.thread.start()
    try:
        wait_for(lambda: watcher.said("監視中"), "the first build")
        write("a.md", FAQ.format(title="A", answer="二回目。"))
        wait_for(lambda: watcher.said("変更を処理できませんでした"), "the failure said")
        write("bad.md", FRONT + '<img src="data:image/png;base64">\n')
        wait_for(lambda: watcher.said("エラー: handouts/bad.md:9: data: URL の書き方が正しくありません"), "bad.md named")
        write("a.md", FAQ.format(title="A", answer="三回目。"))
        wait_for(lambda: "三回目" in pdf_text(project, "a"), "a rebuilt after the failures")
        assert watcher.thread.is_alive()
    finally:
        watcher.stop.set()
        watcher.thread.join(timeout=60)


def test_serve_keeps_rebuilding_after_its_watch_fails(project, write, monkeypatch):
    from .test_watch import pdf_text

    write("a.md", GOOD)
    real = serve_module.watch
    calls = [0]

    def fails_first(*args, **kwargs):
        calls[0] += 1
        if calls[0] == 1:
            raise OSError(errno.EMFILE, "Too many open files")
        return real(*args, **kwargs)

    monkeypatch.setattr(serve_module, "watch", fails_first)
    monkeypatch.setattr(serve_module, "RESTART_SECONDS", 0.1)
    said: list[str] = []
    with running(project, project.out, rebuild=True, messages=said):
        wait_for(lambda: any("監視をやり直します" in line for line in said), "the failure said")
        assert any("開いているファイルが多すぎます" in line for line in said), said
        wait_for(lambda: any("監視中" in line for line in said), "watching again")
        write("a.md", GOOD.replace("答え。", "書き直し。"))
        wait_for(lambda: "書き直し" in pdf_text(project, "a"), "rebuilt by the restarted watch")


@pytest.fixture
def served(project, write):
    write("a.md", GOOD)
    assert cli(project, "build", "--html").exit_code == 0
    (project.out / "big.pdf").write_bytes(os.urandom(8 * 1024 * 1024))
    with running(project, project.out) as url:
        yield url


def test_serve_sandboxes_html_copies_but_not_the_catalog(served):
    status, headers, _body = raw_get(served, "/a.html")
    assert status == 200 and headers["content-security-policy"] == "sandbox"
    status, headers, _body = raw_get(served, "/")
    assert status == 200 and "content-security-policy" not in headers


@pytest.mark.parametrize("request_line, status, words", [
    (b"BREW / HTTP/1.1", 501, "この種類のリクエストには対応していません"),
    (b"POST / HTTP/1.1", 405, "この操作はできません"),
    (b"GET / extra HTTP/1.1", 400, "リクエストの形が正しくありません"),
    (b"GET /" + b"x" * 70_000 + b" HTTP/1.1", 414, "アドレスが長すぎます"),
])
def test_serve_errors_are_japanese_pages(served, request_line, status, words):
    host, port = served.split("//")[1].rstrip("/").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(request_line + b"\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n")
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
            if b"</html>" in answer:
                break
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.split(b" ")[1] == str(status).encode(), head
    assert words in body.decode("utf-8"), body
    assert b"<html lang=ja>" in body
    if status == 405:
        assert b"Allow: GET, HEAD" in head


def test_serve_closes_idle_connections(project, write, monkeypatch):
    monkeypatch.setattr(serve_module, "IDLE_SECONDS", 0.5)
    write("a.md", GOOD)
    with running(project, project.out) as url:
        host, port = url.split("//")[1].rstrip("/").split(":")
        with socket.create_connection((host, int(port)), timeout=20) as connection:
            start = time.monotonic()
            assert connection.recv(1) == b""  # closed by the server, not by our timeout
            assert time.monotonic() - start < 15


def test_serve_says_nothing_when_the_browser_hangs_up(served, capfd):
    host, port = served.split("//")[1].rstrip("/").split(":")
    for _ in range(5):
        connection = socket.create_connection((host, int(port)), timeout=10)
        connection.sendall(b"GET /big.pdf HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        connection.recv(100)
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # reset
        connection.close()
    time.sleep(1)
    assert raw_get(served, "/")[0] == 200  # still serving
    err = capfd.readouterr().err
    assert "Traceback" not in err and "BrokenPipe" not in err and "ConnectionReset" not in err, err


@pytest.mark.parametrize("name, words", [
    ("a:b", "名前に使えない文字「:」"),
    ("XL/foo", "特大版の出力先"),
    ("knee/CON", "予約された名前"),
    ("あ" * 70, "名前が長すぎます"),
    ("knee/faq.", "「.」や空白"),
])
def test_new_refuses_names_that_break_elsewhere(project, name, words):
    result = cli(project, "new", "faq", name)
    assert result.exit_code == 2
    assert words in result.output, result.output
    assert "Traceback" not in result.output


def test_new_refuses_a_name_that_differs_only_in_case(project, write):
    write("knee/faq.md", GOOD)
    result = cli(project, "new", "faq", "Knee/FAQ")
    assert result.exit_code == 2
    assert "handouts/knee/faq.md と大文字・小文字だけが違う名前です" in result.output


@pytest.mark.parametrize("bad, words", [
    ("a:b.md", "名前に使えない文字「:」"),
    ("XL/a.md", "handouts/XL/ は使えません"),
])
def test_build_names_handouts_whose_names_break_elsewhere(project, write, bad, words):
    with_neighbours(write)
    write(bad, GOOD)
    result = cli(project, "build")
    assert_failed_alone(project, result.output, result.exit_code, bad, words)


def test_build_names_handouts_that_differ_only_in_case(project, write):
    write("a.md", GOOD)
    write("FAQ.md", GOOD)
    write("faq.md", GOOD)
    result = cli(project, "build")
    assert result.exit_code == 1
    for name in ("FAQ", "faq"):
        assert (f"エラー: handouts/{name}.md: 大文字・小文字だけが違う名前の原稿があります: "
                "handouts/FAQ.md、handouts/faq.md") in result.output
    assert (project.out / "a.pdf").is_file() and (project.out / "index.html").is_file()
    assert not (project.out / "faq.pdf").exists()


def test_a_name_too_long_for_the_file_system_is_named_not_a_traceback(project, write):
    with_neighbours(write)
    write("い" * 80 + ".md", GOOD)  # 240 bytes: fits here, not with ".pdf" and the temporary suffix
    result = cli(project, "build")
    assert_failed_alone(project, result.output, result.exit_code, "い", "名前が長すぎます")
