"""``serve``: the catalog over HTTP for editors, rebuilt on change, reloaded live.

Serves ``out/`` and nothing else: a request is percent-decoded once, and anything that
could leave ``out/`` (``..``, backslashes, NUL, symlinks pointing outside) or that is not
one of the catalog's file types is a 404. No directory listings; ``/`` is the catalog.
Bound to 127.0.0.1 unless another host is asked for explicitly.

Live reload: the served copy of index.html (never the file) carries a small script that
polls ``/__reload`` and reloads the page when the PDFs or the catalog change.

Every other page (an HTML copy written by ``build --html``, an SVG) is served with
``Content-Security-Policy: sandbox``: the browser gives it an origin of its own and runs
none of its scripts, so a handout's raw HTML cannot act as the catalog. Errors are
Japanese pages; a client that closes the connection early is not an error worth a
traceback; a connection idle for ``IDLE_SECONDS`` is closed.
"""

from __future__ import annotations

import hashlib
import ipaddress
import socket
import sys
import threading
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote

from .. import guarded_read
from ..errors import HandoutError, UsageError
from ..project import Project
from .catalog import INDEX, refresh_catalog
from .watch import trouble, watch

LOOPBACK = "127.0.0.1"
RELOAD_PATH = "/__reload"
POLL_MS = 1000
RESTART_SECONDS = 2.0  # pause before the rebuild thread watches again after a failure
CONTENT_TYPES = {  # what the catalog is made of; anything else in out/ is not served
    ".html": "text/html; charset=utf-8",
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
}
NOT_FOUND_PAGE = ("<!doctype html><html lang=ja><meta charset=utf-8><title>見つかりません</title>"
                  "<p style='font-size:20px'>見つかりません。<a href='/'>一覧に戻る</a></p></html>")
SANDBOX = "sandbox"  # no scripts, no forms, an opaque origin: for pages that are not the catalog
IDLE_SECONDS = 30.0  # a kept-alive connection with no request for this long is closed
ERROR_PAGE = ("<!doctype html><html lang=ja><meta charset=utf-8><title>%(code)d %(message)s</title>"
              "<p style='font-size:20px'>%(message)s(%(code)d)。%(explain)s<a href='/'>一覧に戻る</a></p></html>")
# What an error means for someone who only wanted to look at a leaflet.
ERRORS: dict[int, tuple[str, str]] = {
    400: ("リクエストの形が正しくありません", "アドレスを確かめてください。"),
    403: ("開けません", ""),
    404: ("見つかりません", ""),
    405: ("この操作はできません", "このページは見るためだけのものです。"),
    408: ("時間切れです", "もう一度開いてください。"),
    414: ("アドレスが長すぎます", "アドレスを確かめてください。"),
    431: ("リクエストのヘッダーが大きすぎます", ""),
    500: ("サーバーの中でエラーが起きました", "もう一度開いてください。"),
    501: ("この種類のリクエストには対応していません", "ブラウザで開いてください。"),
    505: ("この HTTP のバージョンには対応していません", "ブラウザで開いてください。"),
}
FORBIDDEN_PAGE = ("<!doctype html><html lang=ja><meta charset=utf-8><title>開けません</title>"
                  "<p style='font-size:20px'>このアドレスでは開けません。"
                  "このパソコンで http://127.0.0.1 か http://localhost から開いてください。</p></html>")

# Injected into the served index.html only. It reloads once the version has changed and
# then held still for one more poll, so a build that writes several files reloads once.
LIVE_RELOAD = """<script>/* live reload: added by `make_pdf.py serve`, not in the file */
(function () {
  var seen = "%(version)s", pending = null;
  function poll() {
    fetch("%(path)s", {cache: "no-store"}).then(function (r) { return r.text(); }).then(function (v) {
      if (v !== seen && v === pending) { location.reload(); return; }
      pending = v !== seen ? v : null;
      setTimeout(poll, %(ms)d);
    }).catch(function () { setTimeout(poll, %(ms)d * 3); });
  }
  setTimeout(poll, %(ms)d);
})();
</script>
"""


def resolve_request(out: Path, target: str) -> Path | None:
    """The file under ``out`` that a request target names, or None (→ 404).

    ``target`` is the raw request target (``/knee/faq.pdf?x``), decoded exactly once here.
    """
    if not target.startswith("/") or target.startswith("//"):
        return None  # absolute-form or network-path targets never name a file of ours
    path = target.split("?", 1)[0].split("#", 1)[0]
    try:
        decoded = unquote(path, errors="strict")
    except UnicodeDecodeError:
        return None
    if "\x00" in decoded or "\\" in decoded:
        return None
    parts = [part for part in decoded.split("/") if part]
    if any(part in (".", "..") or ":" in part for part in parts):
        return None  # ":" also rules out Windows drives and alternate data streams
    root = out.resolve()
    try:
        real = root.joinpath(*(parts or [INDEX])).resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if not real.is_relative_to(root) or not real.is_file():
        return None  # a symlink out of out/, or a folder (no listings)
    if real.suffix.lower() not in CONTENT_TYPES:
        return None
    return real


def version(out: Path) -> str:
    """Changes whenever a PDF or the catalog in ``out`` is written, added or removed."""
    digest = hashlib.sha1()
    files = sorted(out.rglob("*.pdf")) + [out / INDEX]
    for file in files:
        try:
            stat = file.stat()
        except OSError:
            continue
        digest.update(f"{file}\0{stat.st_mtime_ns}\0{stat.st_size}\n".encode())
    return digest.hexdigest()[:16]


class CatalogHandler(BaseHTTPRequestHandler):
    server_version = "make_pdf"
    protocol_version = "HTTP/1.1"
    server: CatalogServer

    def setup(self) -> None:
        super().setup()
        self.connection.settimeout(self.server.idle_seconds)  # an idle kept-alive connection ends

    def handle(self) -> None:
        try:
            super().handle()
        except (ConnectionError, TimeoutError):
            pass  # the browser went away or fell silent: nothing to tell anyone

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """http.server's own errors (a malformed request, an unknown method), as a Japanese
        page. (The status line keeps http.server's English phrase: it must be Latin-1.)"""
        words, hint = ERRORS.get(code, ("エラーです", ""))
        page = (ERROR_PAGE % {"code": code, "message": words, "explain": hint}).encode()
        self.send_response(code)
        self.send_header("Connection", "close")
        self.close_connection = True
        with_body = code >= 200 and code not in (HTTPStatus.NO_CONTENT, HTTPStatus.RESET_CONTENT,
                                                 HTTPStatus.NOT_MODIFIED) and self.command != "HEAD"
        if with_body:
            self.send_header("Content-Type", CONTENT_TYPES[".html"])
            self.send_header("Content-Length", str(len(page)))
        self.end_headers()
        if with_body:
            self.wfile.write(page)

    def do_GET(self) -> None:
        self._respond(body=True)

    def do_HEAD(self) -> None:
        self._respond(body=False)

    def _not_allowed(self) -> None:
        words, hint = ERRORS[HTTPStatus.METHOD_NOT_ALLOWED]
        page = ERROR_PAGE % {"code": HTTPStatus.METHOD_NOT_ALLOWED, "message": words, "explain": hint}
        self._send(HTTPStatus.METHOD_NOT_ALLOWED, CONTENT_TYPES[".html"], page.encode(), True,
                   headers={"Allow": "GET, HEAD"})

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _not_allowed

    def _respond(self, body: bool) -> None:
        out = self.server.out
        if self.server.loopback_only and not _names_loopback(self.headers.get("Host", "")):
            # DNS rebinding: a web page whose name was made to point at 127.0.0.1 must not
            # read what we serve. A browser on this machine always says localhost or an IP.
            self._send(HTTPStatus.FORBIDDEN, CONTENT_TYPES[".html"], FORBIDDEN_PAGE.encode(), body)
            return
        if self.path.split("?", 1)[0] == RELOAD_PATH:
            self._send(HTTPStatus.OK, "text/plain; charset=utf-8", version(out).encode(), body)
            return
        file = resolve_request(out, self.path)
        if file is None:
            self._send(HTTPStatus.NOT_FOUND, CONTENT_TYPES[".html"], NOT_FOUND_PAGE.encode(), body)
            return
        catalog = file.name == INDEX and file.parent == out.resolve()
        current = version(out) if catalog else ""  # before reading: a write in between still reloads
        try:
            stat = file.stat()
            data = guarded_read.read_bytes(file, out, guarded_read.OUTPUT_LIMIT)
        except (OSError, HandoutError):  # gone, or replaced by something we do not serve
            self._send(HTTPStatus.NOT_FOUND, CONTENT_TYPES[".html"], NOT_FOUND_PAGE.encode(), body)
            return
        if catalog:
            self._send(HTTPStatus.OK, CONTENT_TYPES[".html"], _with_live_reload(data, current), body,
                       cache="no-store")
            return
        etag = f'"{stat.st_mtime_ns:x}-{stat.st_size:x}"'  # exact, unlike 1-second dates
        sandbox = file.suffix.lower() in (".html", ".svg")  # pages of their own, not the catalog
        if self.headers.get("If-None-Match") == etag:
            self._send(HTTPStatus.NOT_MODIFIED, None, b"", body, etag=etag, sandbox=sandbox)
            return
        self._send(HTTPStatus.OK, CONTENT_TYPES[file.suffix.lower()], data, body, etag=etag,
                   sandbox=sandbox)

    def _send(self, status: HTTPStatus, content_type: str | None, data: bytes, body: bool,
              cache: str = "no-cache", etag: str | None = None, sandbox: bool = False,
              headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        if sandbox:
            self.send_header("Content-Security-Policy", SANDBOX)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if content_type:
            self.send_header("Content-Type", content_type)
        if status != HTTPStatus.NOT_MODIFIED:
            self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", cache)  # always revalidate: files change under us
        self.send_header("X-Content-Type-Options", "nosniff")
        if etag:
            self.send_header("ETag", etag)
        self.end_headers()
        if body and status != HTTPStatus.NOT_MODIFIED:
            self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        pass  # the page polls every second; a line per request would drown the build output


class CatalogServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, out: Path, host: str, port: int, idle_seconds: float | None = None) -> None:
        self.out = out
        self.idle_seconds = IDLE_SECONDS if idle_seconds is None else idle_seconds
        self.loopback_only = is_loopback(host)  # then only loopback names in Host
        if ":" in host:
            self.address_family = socket.AF_INET6
        super().__init__((host, port), CatalogHandler)

    def handle_error(self, request: object, client_address: object) -> None:
        """One Japanese line instead of a traceback; nothing for a closed connection."""
        error = sys.exc_info()[1]
        if isinstance(error, (ConnectionError, TimeoutError)):
            return
        print(f"警告: 一覧ページの配信中にエラーが起きました({type(error).__name__}: {error})",
              file=sys.stderr)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        host = host.decode() if isinstance(host, bytes) else host
        shown = f"[{host}]" if ":" in str(host) else host
        return f"http://{shown}:{port}/"


def _names_loopback(host_header: str) -> bool:
    """A Host header naming this machine: localhost, 127.x.x.x or [::1], any port."""
    host = host_header.strip().lower()
    if host.startswith("["):
        host = host[1:host.find("]")] if "]" in host else host
    else:
        host = host.rsplit(":", 1)[0]
    return is_loopback(host) or host.endswith(".localhost")


def is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def serve(project: Project, out: Path | None = None, host: str = LOOPBACK, port: int = 8000,
          rebuild: bool = True, *,
          say: Callable[[str], None] = print,
          ready: Callable[[str], None] | None = None,
          stop_event: threading.Event | None = None, jobs: int = 1) -> None:
    """Serve ``out`` until Ctrl+C (or ``stop_event``); with ``rebuild``, build what is out
    of date first (in ``jobs`` processes) and rebuild what changes."""
    out = out or project.out
    out.mkdir(parents=True, exist_ok=True)
    stop = stop_event or threading.Event()
    try:
        server = CatalogServer(out, host, port)
    except OSError as error:
        raise UsageError(f"{host}:{port} で待ち受けられません({error.strerror or error})。"
                         "--port で別の番号を指定してください") from None
    if not is_loopback(host):
        say(f"警告: {host} で待ち受けます。同じネットワークの誰でも out/ の PDF を見られます。"
            "必要なときだけ使ってください。")
    watcher = None
    try:
        if rebuild:
            watcher = _start_watcher(project, out, stop, say, jobs)
        else:
            refresh_catalog(project, out)  # the PDFs may be newer than the catalog
        say(f"一覧: {server.url} (終了は Ctrl+C)")
        if ready:
            ready(server.url)

        def shut_down_when_stopped() -> None:
            stop.wait()
            server.shutdown()

        threading.Thread(target=shut_down_when_stopped, daemon=True).start()
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        say("終了しました。")
    finally:
        stop.set()
        server.server_close()
        if watcher:
            watcher.join(timeout=5)


def _start_watcher(project: Project, out: Path, stop: threading.Event,
                   say: Callable[[str], None], jobs: int) -> threading.Thread:
    """Run the ``watch`` loop in a thread and wait for its first build, which makes what
    is out of date (so the first page shown is complete); then it rebuilds what each
    save affects. Every build rewrites the catalog, which the open page notices."""
    first_build = threading.Event()

    def run() -> None:
        # This thread must outlive any failure: a server that silently stops rebuilding
        # shows old PDFs as if they were current.
        while not stop.is_set():
            try:
                watch(project, out, on_built=lambda _results: refresh_catalog(project, out),
                      stop_event=stop, say=lambda line: say(line[0]), jobs=jobs, started=first_build)
                return
            except BaseException as error:
                if isinstance(error, (KeyboardInterrupt, SystemExit)):
                    return
                say(f"エラー: {trouble(project, error)}。監視をやり直します")
                first_build.set()  # serve what there is meanwhile
                stop.wait(RESTART_SECONDS)

    say("すべて作成しています…")
    thread = threading.Thread(target=run, name="make_pdf-watch", daemon=True)
    thread.start()
    first_build.wait()
    if not (out / INDEX).is_file():  # nothing was built (no handouts): an empty catalog
        refresh_catalog(project, out)
    return thread


def _with_live_reload(html: bytes, current: str) -> bytes:
    script = (LIVE_RELOAD % {"version": current, "path": RELOAD_PATH, "ms": POLL_MS}).encode()
    at = html.rfind(b"</body>")
    return html + script if at < 0 else html[:at] + script + html[at:]
