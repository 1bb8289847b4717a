"""A handout still holding a line of the starter text ``new`` wrote (「質問を書きます」) is
書きかけ, unfinished: an error at that line, so it never builds as a leaflet that passed
every check and looks ready to print.

Which lines are only examples is data, in the kind's schema (``placeholders:``, checked
against its ``starter`` by the tests); the starter's real content (the stretch sheet's
safety lines) is not listed. A line matches when its text, without a list marker,
heading marks or surrounding spaces, is a placeholder; a front-matter value (the
title) matches when it is one.
"""

from __future__ import annotations

import re

from markdown import Markdown
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

from ...errors import HandoutError
from .typedlists import TYPED_MARKER

_MARKUP = re.compile(rf"^\s*(?:>\s*)*(?:[-*+]\s+|\d+[.)]\s+|#{{1,6}}\s+|{TYPED_MARKER})?")
FIX = "見本の文を、このリーフレットの文に書き換えるか、行ごと消してください"


def placeholder_in(text: str, placeholders: frozenset[str]) -> str | None:
    """The placeholder ``text`` (a line of Markdown, or a value) is, or None."""
    words = _MARKUP.sub("", text).strip()
    return words if words and words in placeholders else None


def refuse(source: str, line: int | None, words: str) -> HandoutError:
    return HandoutError(source, line, f"書きかけです(「{words}」は new で作ったときの見本の文のままです)", FIX)


class PlaceholdersPreprocessor(Preprocessor):
    def __init__(self, md: Markdown, ext: PlaceholdersExtension) -> None:
        super().__init__(md)
        self.ext = ext

    def run(self, lines: list[str]) -> list[str]:
        placeholders = frozenset(self.ext.getConfig("placeholders"))
        if placeholders:
            first = int(self.ext.getConfig("first_line"))
            for number, line in enumerate(lines):
                words = placeholder_in(line, placeholders)
                if words:
                    raise refuse(str(self.ext.getConfig("source")), first + number, words)
        return lines


class PlaceholdersExtension(Extension):
    def __init__(self, **kwargs: object) -> None:
        self.config = {
            "placeholders": [[], "the kind's starter lines that are only examples"],
            "source": ["<string>", "file name used in errors"],
            "first_line": [1, "file line of the Markdown's first line"],
        }
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:
        # After tabs are expanded (30), before raw HTML is stashed (20): lines as written.
        md.preprocessors.register(PlaceholdersPreprocessor(md, self), "placeholders", 25)
