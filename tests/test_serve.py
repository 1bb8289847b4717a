"""``serve`` without a browser: what it answers, what it refuses, the live-reload version
and the command line's wiring."""

from __future__ import annotations

import os
import shutil
import socket
from pathlib import Path
from unittest import mock

import pytest
from click.testing import CliRunner

import make_pdf
from leaflet.errors import UsageError
from leaflet.project import Project
from leaflet.site.serve import is_loopback, resolve_request, serve, version

from .serving import raw_get, running

TRAVERSALS = [
    "/../secret.pdf",  # the site fixture puts a PDF beside out/: one level up is real
    "/%2e%2e/secret.pdf",
    "/..%2fsecret.pdf",
    "/knee/..%2f..%2fsecret.pdf",
    "/.%2e/secret.pdf",
    "/..%5csecret.pdf",
    "/../../etc/passwd",
    "/%2e%2e/%2e%2e/etc/passwd",
    "/%2E%2E/%2E%2E/etc/passwd",
    "/..%2f..%2fetc/passwd",
    "/..%2F..%2Fetc%2Fpasswd",
    "/.%2e/.%2e/etc/passwd",
    "/.%2e/",
    "/%2e/index.html",
    "/knee/../../make_pdf.py",
    "/../make_pdf.py",
    "/..%5c..%5cmake_pdf.py",
    "/knee%5c..%5c..%5cmake_pdf.py",
    "/%252e%252e/%252e%252e/etc/passwd",  # double-encoded: decoded once, it names nothing
    "/index.html%00.pdf",
    "//etc/passwd",
    "/%2fetc/passwd",
    "http://127.0.0.1/etc/passwd",
    "/etc/passwd",
    "/handouts/knee/faq.md",
    "/make_pdf.py",
    "/knee/",
    "/knee",
    "/.thumbs/",
    "/.make_pdf-state.json",
    "/C:/Windows/win.ini",
    "/knee/faq.pdf::$DATA",
    "/%ff%fe.pdf",
]


@pytest.fixture(scope="module")
def site(bundled, sample, tmp_path_factory) -> tuple[Project, Path]:
    """A copy of the bundled handouts' out/ (with its catalog), and the project it came from."""
    out = tmp_path_factory.mktemp("site") / "out"
    shutil.copytree(next(iter(bundled.values())).parent.parent, out)
    (out / ".make_pdf-state.json").write_text("{}")
    (out.parent / "secret.pdf").write_bytes(b"%PDF-1.7 secret")
    return Project.at(sample.root, out), out


@pytest.fixture(scope="module")
def server(site):
    project, out = site
    with running(project, out) as url:
        yield url


@pytest.mark.parametrize("target", TRAVERSALS)
def test_resolve_refuses_anything_outside_or_unlisted(site, target):
    assert resolve_request(site[1], target) is None


@pytest.mark.parametrize("target, file", [
    ("/", "index.html"),
    ("/index.html", "index.html"),
    ("/knee/faq.pdf", "knee/faq.pdf"),
    ("/knee/faq.pdf?download=1", "knee/faq.pdf"),
    ("/knee//faq.pdf", "knee/faq.pdf"),
    ("/%6Bnee/faq.pdf", "knee/faq.pdf"),
    ("/.thumbs/knee/faq.png", ".thumbs/knee/faq.png"),
])
def test_resolve_finds_catalog_files(site, target, file):
    assert resolve_request(site[1], target) == (site[1] / file).resolve()


def test_symlink_out_of_out_is_refused_and_inside_is_followed(tmp_path):
    out = tmp_path / "out"
    (out / "knee").mkdir(parents=True)
    (out / "knee/faq.pdf").write_bytes(b"%PDF")
    (tmp_path / "secret.pdf").write_bytes(b"%PDF secret")
    (out / "leak.pdf").symlink_to(tmp_path / "secret.pdf")
    (out / "up").symlink_to(tmp_path)
    (out / "same.pdf").symlink_to(out / "knee/faq.pdf")
    assert resolve_request(out, "/leak.pdf") is None
    assert resolve_request(out, "/up/secret.pdf") is None
    assert resolve_request(out, "/same.pdf") == (out / "knee/faq.pdf").resolve()


@pytest.mark.parametrize("target", TRAVERSALS)
def test_server_answers_404_to_traversal(server, target):
    status, headers, body = raw_get(server, target)
    assert status == 404, body[:200]
    assert b"secret" not in body and b"root:" not in body and b"click" not in body
    assert "見つかりません".encode() in body


def test_server_sends_pdfs_and_pictures_with_their_types(server, site):
    status, headers, body = raw_get(server, "/knee/faq.pdf")
    assert status == 200
    assert headers["content-type"] == "application/pdf"
    assert body == (site[1] / "knee/faq.pdf").read_bytes()
    status, headers, body = raw_get(server, "/.thumbs/knee/faq.png")
    assert (status, headers["content-type"]) == (200, "image/png")
    assert body.startswith(b"\x89PNG")


def test_unchanged_files_revalidate_with_their_etag(server):
    status, headers, _ = raw_get(server, "/knee/faq.pdf")
    assert headers["cache-control"] == "no-cache"
    status, _, body = raw_get(server, "/knee/faq.pdf", headers={"If-None-Match": headers["etag"]})
    assert (status, body) == (304, b"")
    status, _, _ = raw_get(server, "/knee/faq.pdf", headers={"If-None-Match": '"0-0"'})
    assert status == 200


def test_head_sends_headers_only(server):
    status, headers, body = raw_get(server, "/knee/faq.pdf", method="HEAD")
    assert (status, body) == (200, b"")
    assert int(headers["content-length"]) > 1000


def test_served_catalog_has_live_reload_but_the_file_does_not(server, site):
    status, headers, body = raw_get(server, "/")
    assert status == 200
    assert headers["content-type"] == "text/html; charset=utf-8"
    assert headers["cache-control"] == "no-store"
    assert b'fetch("/__reload"' in body
    assert body.index(b"/__reload") > body.index(b'class="cards"')  # injected at the end
    on_disk = (site[1] / "index.html").read_bytes()
    assert b"__reload" not in on_disk
    assert body.replace(body[body.index(b"<script>/* live reload"):body.rindex(b"</body>")], b"") == on_disk


def test_reload_version_changes_when_a_pdf_changes(server, site):
    out = site[1]
    _, _, before = raw_get(server, "/__reload")
    assert before == version(out).encode()
    pdf = out / "knee/faq.pdf"
    stat = pdf.stat()
    os.utime(pdf, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1))
    try:
        _, _, after = raw_get(server, "/__reload")
        assert after != before
    finally:
        os.utime(pdf, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert raw_get(server, "/__reload")[2] == before
    (out / "new.pdf").write_bytes(b"%PDF")
    try:
        assert raw_get(server, "/__reload")[2] != before
    finally:
        (out / "new.pdf").unlink()


@pytest.mark.parametrize("host, loopback", [
    ("127.0.0.1", True), ("127.0.0.2", True), ("::1", True), ("localhost", True),
    ("0.0.0.0", False), ("192.168.1.10", False), ("::", False), ("clinic-pc", False),
])
def test_loopback(host, loopback):
    assert is_loopback(host) is loopback


@pytest.mark.parametrize("host, status", [
    ("127.0.0.1:8000", 200), ("localhost:8000", 200), ("LOCALHOST", 200), ("[::1]:8000", 200),
    ("app.localhost:8000", 200),
    # DNS rebinding: a page on evil.example resolved to 127.0.0.1 must get nothing.
    ("evil.example:8000", 403), ("evil.example", 403), ("127.0.0.1.evil.example", 403), ("", 403),
])
def test_loopback_server_answers_only_to_loopback_names(server, host, status):
    for target in ("/", "/knee/faq.pdf", "/__reload"):
        answered, headers, body = raw_get(server, target, headers={"Host": host})
        assert answered == status, (host, target)
    if status == 403:
        assert "127.0.0.1" in body.decode() and b"%PDF" not in body


def test_other_host_is_served_with_a_warning(site):
    messages: list[str] = []
    with running(*site, messages=messages, host="0.0.0.0") as url:
        assert raw_get(url.replace("0.0.0.0", "127.0.0.1"), "/")[0] == 200
        # opened wider on purpose: the clinic's other PCs ask by its name
        assert raw_get(url.replace("0.0.0.0", "127.0.0.1"), "/", headers={"Host": "clinic-pc:8000"})[0] == 200
    assert messages[0].startswith("警告: 0.0.0.0 で待ち受けます。同じネットワークの誰でも out/ の PDF を見られます。")


def test_loopback_is_served_without_a_warning(site):
    messages: list[str] = []
    with running(*site, messages=messages) as url:
        assert url.startswith("http://127.0.0.1:")
    assert messages == [f"一覧: {url} (終了は Ctrl+C)"]


def test_busy_port_is_a_usage_error(site):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(UsageError, match=f"127.0.0.1:{port} で待ち受けられません(.*)。--port で別の番号を指定してください"):
            serve(site[0], site[1], "127.0.0.1", port, rebuild=False)


# --- the command line ------------------------------------------------------------------


def test_cli_wiring(tmp_path):
    with mock.patch("leaflet.site.serve.serve", autospec=True) as fake:
        result = CliRunner().invoke(make_pdf.cli, [
            "serve", "--port", "9000", "--host", "0.0.0.0", "--no-build",
            "--out", str(tmp_path / "site"), "--project", str(tmp_path)])
    assert result.exit_code == 0, result.output
    (project, out, host, port), options = fake.call_args
    assert (out, host, port, options["rebuild"]) == ((tmp_path / "site").resolve(), "0.0.0.0", 9000, False)
    assert project.root == tmp_path.resolve()


def test_cli_defaults_to_loopback_and_rebuilding(tmp_path):
    with mock.patch("leaflet.site.serve.serve", autospec=True) as fake:
        result = CliRunner().invoke(make_pdf.cli, ["serve", "--project", str(tmp_path)])
    assert result.exit_code == 0, result.output
    (project, out, host, port), options = fake.call_args
    assert (out, host, port, options["rebuild"]) == (tmp_path.resolve() / "out", "127.0.0.1", 8000, True)


def test_cli_busy_port_exits_2(project):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = CliRunner().invoke(make_pdf.cli, [
            "serve", "--port", str(port), "--no-build", "--project", str(project.root)])
    assert result.exit_code == 2
    assert f"127.0.0.1:{port} で待ち受けられません" in result.output
    assert "Traceback" not in result.output




def test_serve_builds_once_at_start_then_serves_the_complete_catalog(project, write):
    """What is out of date is built once (the watch's first build, not a build and then
    the watch's again), before the first page is served."""
    write("a.md", "---\nkind: faq\ntitle: 一\nrevised: 2026-11-20\n---\n\n## 質問\n\n答え。\n")
    write("b.md", "---\nkind: faq\ntitle: 二\nrevised: 2026-11-20\n---\n\n## 質問\n\n答え。\n")
    messages: list[str] = []
    with running(project, project.out, rebuild=True, messages=messages) as url:
        status, _, body = raw_get(url, "/")
    said = [m.split("(")[0] for m in messages if m.startswith(("作成", "最新"))]
    assert said == ["作成: out/a.pdf", "作成: out/b.pdf"], messages  # no second pass saying 最新
    first, last = (next(i for i, m in enumerate(messages) if m.startswith(f"作成: out/{n}.pdf")) for n in "ab")
    served = next(i for i, m in enumerate(messages) if m.startswith("一覧: "))
    assert messages.index("すべて作成しています…") < first < last < served
    assert status == 200 and "一".encode() in body and "二".encode() in body
