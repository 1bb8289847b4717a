"""Tagged PDFs (``render/tagging``): our structure tree in place of WeasyPrint's.

Private API: ``pdf.add_tags`` (replaced by our structure-tree builder while a PDF is
written), a page stream's box → MCID table ``_tags`` and its marked-content operators,
a box's ``link_annotation``, an absolutely positioned box's placeholder (``_box``), and
how ``style`` keys a custom property (``--pdf-artifact``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pydyf
import weasyprint.pdf as weasy_pdf
from weasyprint.layout.absolute import AbsolutePlaceholder

__all__ = ["MarkedStream", "declared_artifact", "link_annotation", "structure_builder", "unwrap"]


def unwrap(box: Any) -> Any:
    """An absolutely positioned box sits among its parent's children as a placeholder."""
    return box._box if isinstance(box, AbsolutePlaceholder) else box


def declared_artifact(box: Any) -> bool:
    """The stylesheet said ``--pdf-artifact: yes`` (inherited, like any custom property)."""
    try:  # how WeasyPrint 70 keys it; computed on first use, so .get() would miss it
        return getattr(box.style["__pdf_artifact"][0], "value", None) == "yes"
    except (KeyError, IndexError, TypeError):  # not declared, or declared empty
        return False


class MarkedStream:
    """A page painted with tags on: each text box is ``/Span``, each picture ``/Figure <</MCID n>>
    BDC`` … ``EMC`` in its operator list (not a mark in a group with opacity: that has its own)."""

    def __init__(self, stream: Any) -> None:
        self.mcids: dict[Any, int] = {box: int(mark["mcid"]) for box, mark in stream._tags.items()}
        self._ops: list[Any] = stream.stream
        self._at = {op["MCID"]: i for i, op in enumerate(self._ops) if isinstance(op, dict) and "MCID" in op}

    def retag(self, mcid: int, tag: str | None = None, **properties: Any) -> None:
        """Add ``properties`` to a mark's, or make it ``/tag <<properties>>`` (an artifact)."""
        if (i := self._at.get(mcid)) is not None and tag:
            self._ops[i - 1: i + 1] = [f"/{tag}", pydyf.Dictionary(properties)]
        elif i is not None:
            self._ops[i].update(properties)


@contextmanager
def structure_builder(build: Callable[[Any, list[MarkedStream]], None]) -> Iterator[None]:
    """Let ``build(pdf, pages)`` make the structure tree of the tagged PDFs written in the block,
    in place of WeasyPrint's, which empties the box → MCID tables before a ``finisher`` runs."""
    original = weasy_pdf.add_tags
    weasy_pdf.add_tags = lambda pdf, _doc, _version, streams: build(pdf, [MarkedStream(s) for s in streams])
    try:
        yield
    finally:
        weasy_pdf.add_tags = original


def link_annotation(box: Any) -> Any:
    return getattr(box, "link_annotation", None)  # the /Annot written for a link's box, or None
