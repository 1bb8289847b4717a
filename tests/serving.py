"""Run ``leaflet.site.serve.serve`` in a thread for a test, and speak raw HTTP to it (the
client must not tidy ``..`` or ``%2e`` out of the path before the server sees it)."""

from __future__ import annotations

import http.client
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from leaflet.project import Project
from leaflet.site.serve import serve


@contextmanager
def running(project: Project, out: Path, rebuild: bool = False, messages: list[str] | None = None,
            host: str = "127.0.0.1") -> Iterator[str]:
    """Serve ``out`` on a free port; yields the base URL ("http://127.0.0.1:PORT/")."""
    stop = threading.Event()
    url: list[str] = []
    ready = threading.Event()
    said = messages if messages is not None else []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            serve(project, out, host, 0, rebuild, say=said.append,
                  ready=lambda u: (url.append(u), ready.set()), stop_event=stop)
        except BaseException as error:  # surfaced in the test, not lost in the thread
            failure.append(error)
            ready.set()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert ready.wait(120), "server did not start"
    if failure:
        raise failure[0]
    try:
        yield url[0]
    finally:
        stop.set()
        thread.join(10)
        assert not thread.is_alive(), "server did not stop"


def raw_get(base_url: str, target: str, method: str = "GET",
            headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """Send ``target`` exactly as written (no normalising) and return status, headers, body."""
    parts = urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        given = {name.lower() for name in (headers or {})}
        connection.putrequest(method, target, skip_accept_encoding=True, skip_host="host" in given)
        for name, value in (headers or {}).items():
            connection.putheader(name, value)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()
