"""Images and links written in Markdown must point inside the project.

A missing image or a path that leaves the project is an error with ``file:line``
before anything is rendered. (Raw HTML is guarded later, by the URL fetcher.)
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from pathlib import Path
from urllib.parse import unquote, urlsplit

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from ...errors import HandoutError, line_of

# Links to these are printed, never fetched, so they are harmless in a PDF.
LINK_SCHEMES = {"http", "https", "mailto", "tel"}


class AssetsTreeprocessor(Treeprocessor):
    def __init__(self, md: Markdown, ext: AssetsExtension) -> None:
        super().__init__(md)
        self.ext = ext

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            if element.tag == "img":
                self.check(element.get("src", ""), image=True)
            elif element.tag == "a":
                self.check(element.get("href", ""), image=False)

    def check(self, url: str, image: bool) -> None:
        cfg = self.ext.getConfig
        shown, text, first = cfg("source"), cfg("text"), int(cfg("first_line"))
        line = link_line(text, url, first)
        what = "画像" if image else "リンク"
        parts = urlsplit(url)
        if url.startswith("#") or (not image and parts.scheme in LINK_SCHEMES):
            return
        if parts.scheme or parts.netloc or url.startswith("/"):
            raise HandoutError(shown, line, f"{what}「{url}」はプロジェクトの外を指しています",
                               "handouts/ の中のファイルを相対パスで書いてください(例: images/step1.svg)")
        if not url:
            raise HandoutError(shown, line, f"{what}のパスが空です", "( ) の中にファイル名を書いてください")
        root, base = Path(cfg("root")), Path(cfg("base"))
        if "\x00" in unquote(parts.path):  # no file has it; Python's path functions raise on it
            raise HandoutError(shown, line, f"{what}「{url}」のファイル名に使えない文字(%00)があります",
                               "ファイル名を確かめて、正しい名前で書いてください")
        target = (base / unquote(parts.path)).resolve()
        try:
            target.relative_to(root)
        except ValueError:
            raise HandoutError(shown, line, f"{what}「{url}」はプロジェクトの外を指しています",
                               "handouts/ の中のファイルを相対パスで書いてください") from None
        if image and not target.is_file():
            raise HandoutError(shown, line, f"画像「{url}」が見つかりません",
                               "ファイル名と置き場所(このファイルからの相対パス)を確認してください")


def link_line(text: str, url: str, first: int) -> int | None:
    """The line where ``url`` is written as a link target — ``](url)``, ``](url "title")``
    or ``src="url"`` — rather than the first place its text occurs: ``images/step`` is
    also the start of ``images/step1.svg`` on an earlier line."""
    quoted = re.escape(url)
    for pattern in (rf"\]\(\s*<?{quoted}>?(?=[\s)])", rf"""(?:src|href)\s*=\s*["']{quoted}["']"""):
        match = re.search(pattern, text)
        if match:
            return first + text.count("\n", 0, match.start())
    return line_of(text, url, first) if url else None


class AssetsExtension(Extension):
    def __init__(self, **kwargs: object) -> None:
        self.config = {
            "root": ["", "project root; nothing outside it may be referenced"],
            "base": ["", "folder relative paths are resolved against"],
            "source": ["<string>", "file name used in errors"],
            "text": ["", "the Markdown text, to find an error's line"],
            "first_line": [1, "file line of the Markdown's first line"],
        }
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:
        md.treeprocessors.register(AssetsTreeprocessor(md, self), "assets", 1)
