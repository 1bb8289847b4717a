"""Our Markdown syntax, one Python-Markdown extension per module.

Kinds name the extra extensions they want in their schema (``markdown: [qa]``);
``EXTENSIONS`` maps those names to the classes.
"""

from __future__ import annotations

from markdown.extensions import Extension

from .assets import AssetsExtension
from .furigana import FuriganaExtension
from .indented import IndentedTextExtension
from .joiners import JoinersExtension
from .listindent import ListIndentExtension
from .liststart import ListStartExtension
from .phrases import PhrasesExtension
from .qa import QaExtension
from .readings import ReadingsExtension
from .shape import ShapeExtension
from .sourcelines import SourceLinesExtension
from .typedlists import TypedListsExtension

EXTENSIONS: dict[str, type[Extension]] = {
    "qa": QaExtension,
}

__all__ = [
    "EXTENSIONS", "AssetsExtension", "FuriganaExtension", "IndentedTextExtension", "JoinersExtension",
    "ListIndentExtension", "ListStartExtension",
    "PhrasesExtension", "QaExtension", "ReadingsExtension", "ShapeExtension", "SourceLinesExtension",
    "TypedListsExtension",
]
