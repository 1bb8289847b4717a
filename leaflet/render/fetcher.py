"""The only way WeasyPrint may read a file: inside the project folder, never the network.

Every refusal or missing file stops that handout's render with the URL named, rather
than being logged and silently left out of the PDF.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from .pictures import upright
from .weasy import BytesResponse, FatalURLFetchingError, URLFetcher, URLFetcherResponse

MISSING = "ファイルが見つかりません"


class RefusedURL(FatalURLFetchingError):
    """Rendering stopped because a resource was outside the project, remote or missing."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(url, reason)  # args rebuild it when a worker process sends it back
        self.url = url
        self.reason = reason

    def __str__(self) -> str:
        return f"{self.reason}: {self.url}"


class ProjectFetcher(URLFetcher):
    """``convert``: rewrites a file's bytes as it is read (the print-shop edition's
    pictures come back in CMYK; see ``pdf.press``)."""

    def __init__(self, root: Path, convert: Callable[[Path, bytes], bytes] | None = None) -> None:
        super().__init__(allowed_protocols={"file", "data"}, fail_on_errors=True)
        self.root = Path(root).resolve()
        self.convert = convert

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.scheme == "data":
            return super().fetch(url, headers)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            raise RefusedURL(url, "ネットワークやプロジェクト外のファイルは読み込めません")
        path = Path(url2pathname(parts.path)).resolve()  # url2pathname decodes %XX (once)
        try:
            path.relative_to(self.root)
        except ValueError:
            raise RefusedURL(url, "プロジェクトの外のファイルは読み込めません") from None
        if not path.is_file():
            raise RefusedURL(url, MISSING)
        # WeasyPrint ignores a linked stylesheet that is not served as text/css.
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        data = path.read_bytes()
        if kind.startswith("image/") and kind != "image/svg+xml":
            data = upright(data)  # a phone's portrait photo: pixels turned once, cached
        if self.convert:
            data = self.convert(path, data)
        return BytesResponse(path.as_uri(), data, {"Content-Type": kind}, status=200)
