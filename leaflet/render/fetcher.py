"""The only way WeasyPrint may read a file: inside the project folder, never the network.

Every refusal or missing file stops that handout's render with the URL named, rather
than being logged and silently left out of the PDF. Files are read by the guarded
reader (``guarded_read``) and handed over as bytes that WeasyPrint cannot trace back to
a file: it would otherwise re-read a JPEG or PNG by its path when writing the PDF, and
embed whatever that path holds by then (a symlink to somewhere else, say).
"""

from __future__ import annotations

import mimetypes
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from .. import guarded_read
from .pictures import upright
from .weasy import FatalURLFetchingError, Snapshot, URLFetcher, URLFetcherResponse

MISSING = "ファイルが見つかりません"
OUTSIDE = "プロジェクトの外のファイルは読み込めません"
MAX_FETCHES = 500  # files one render may read (a chain of @import cannot go on for ever)
MAX_REPEATS = 20  # times one stylesheet may be read: more is a circular @import
SHOWN_URL = 80  # characters of a URL quoted in a message (a data: URL can be 1 MB)


class RefusedURL(FatalURLFetchingError):
    """Rendering stopped because a resource was outside the project, remote or missing."""

    def __init__(self, url: str, reason: str, hint: str = "", shown: str = "") -> None:
        super().__init__(url, reason, hint, shown)  # args rebuild it when a worker process sends it back
        self.url = url
        self.reason = reason
        self.hint = hint  # what to do, when the reason has its own advice
        self.shown = shown or url  # the file as the editor knows it (relative to the project)

    def __str__(self) -> str:
        return f"{self.reason}: {self.url}"


class ProjectFetcher(URLFetcher):
    """``convert``: rewrites a file's bytes as it is read (the print-shop edition's
    pictures come back in CMYK; see ``pdf.press``)."""

    def __init__(self, root: Path, convert: Callable[[Path, bytes], bytes] | None = None) -> None:
        super().__init__(allowed_protocols={"file", "data"}, fail_on_errors=True)
        self.root = Path(root).resolve()
        self.convert = convert
        self.fetched: Counter[str] = Counter()

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        parts = urlsplit(url)
        self.fetched[url] += 1
        if sum(self.fetched.values()) > MAX_FETCHES:
            raise RefusedURL(shorten(url), f"読み込むファイルが多すぎます({MAX_FETCHES} 個まで)",
                             "@import や画像の数を減らしてください")
        if parts.scheme == "data":
            try:
                response = super().fetch(url, headers)
            except Exception:
                raise RefusedURL(shorten(url), "data: URL の書き方が正しくありません") from None
            kind = response.headers.get_content_type()
            if self.convert and kind == "image/svg+xml":  # e.g. the clinic's QR code
                data = self.convert(Path("data.svg"), response.read())
                return Snapshot(url, data, {"Content-Type": kind}, status=200)
            return response
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            raise RefusedURL(url, "ネットワークやプロジェクト外のファイルは読み込めません")
        name = url2pathname(parts.path)  # decodes %XX (once)
        if "\x00" in name:
            raise RefusedURL(url, "ファイル名に使えない文字(%00)があります")
        path = Path(name)
        if path.suffix.lower() == ".css" and self.fetched[url] > MAX_REPEATS:
            raise RefusedURL(url, "スタイルシートの @import が循環しています",
                             "スタイルシートどうしが @import で読み込み合わないようにしてください",
                             guarded_read.shown_path(path, self.root))
        try:
            data = guarded_read.read_bytes(path, self.root, guarded_read.limit_for(path))
        except guarded_read.Refused as refused:
            if refused.code in ("missing", "outside"):
                raise RefusedURL(url, MISSING if refused.code == "missing" else OUTSIDE) from None
            raise RefusedURL(url, refused.message, refused.hint, refused.path) from None
        # WeasyPrint ignores a linked stylesheet that is not served as text/css.
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if kind.startswith("image/") and kind != "image/svg+xml":
            data = upright(data)  # a phone's portrait photo: pixels turned once, cached
        if self.convert:
            data = self.convert(path, data)
        return Snapshot(path.resolve().as_uri(), data, {"Content-Type": kind}, status=200)


def shorten(url: str) -> str:
    """A data: URL quoted in a message (it can be a megabyte); file URLs are kept whole."""
    if not url.startswith("data:") or len(url) <= SHOWN_URL:
        return url
    return url[:SHOWN_URL] + "…"
