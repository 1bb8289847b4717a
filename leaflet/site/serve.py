"""``serve``: the catalog over HTTP for editors, rebuilt on change, reloaded live.

Serves ``out/`` and nothing else: a request is percent-decoded once, and anything that
could leave ``out/`` (``..``, backslashes, NUL, symlinks pointing outside) or that is not
one of the catalog's file types is a 404. No directory listings; ``/`` is the catalog.
Bound to 127.0.0.1 unless another host is asked for explicitly.

Live reload: the served copy of index.html (never the file) carries a small script that
polls ``/__reload`` and reloads the page when the PDFs or the catalog change.
"""

from __future__ import annotations

import hashlib
import ipaddress
import socket
import threading
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote

from ..errors import UsageError
from ..project import Project
from .catalog import INDEX, refresh_catalog
from .watch import watch

LOOPBACK = "127.0.0.1"
RELOAD_PATH = "/__reload"
POLL_MS = 1000
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

    def do_GET(self) -> None:
        self._respond(body=True)

    def do_HEAD(self) -> None:
        self._respond(body=False)

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
        if file.name == INDEX and file.parent == out.resolve():
            current = version(out)  # before reading: a write in between still reloads
            data = _with_live_reload(file.read_bytes(), current)
            self._send(HTTPStatus.OK, CONTENT_TYPES[".html"], data, body, cache="no-store")
            return
        stat = file.stat()
        etag = f'"{stat.st_mtime_ns:x}-{stat.st_size:x}"'  # exact, unlike 1-second dates
        if self.headers.get("If-None-Match") == etag:
            self._send(HTTPStatus.NOT_MODIFIED, None, b"", body, etag=etag)
            return
        self._send(HTTPStatus.OK, CONTENT_TYPES[file.suffix.lower()], file.read_bytes(), body,
                   etag=etag)

    def _send(self, status: HTTPStatus, content_type: str | None, data: bytes, body: bool,
              cache: str = "no-cache", etag: str | None = None) -> None:
        self.send_response(status)
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

    def __init__(self, out: Path, host: str, port: int) -> None:
        self.out = out
        self.loopback_only = is_loopback(host)  # then only loopback names in Host
        if ":" in host:
            self.address_family = socket.AF_INET6
        super().__init__((host, port), CatalogHandler)

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
        watch(project, out, on_built=lambda _results: refresh_catalog(project, out),
              stop_event=stop, say=lambda line: say(line[0]), jobs=jobs, started=first_build)

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
