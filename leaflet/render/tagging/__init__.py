"""Tagged, accessible PDFs (PDF/UA-1): a structure tree in reading order, furigana as
``Ruby`` › ``RB``, ``RT``, pictures as ``Figure`` with ``/Alt``, page furniture as
artifacts.

``plan`` decides the tree on the laid-out document (the preflight reads the same plan);
``emit`` writes it while WeasyPrint writes the PDF, in place of WeasyPrint's own tree
builder (``weasy.structure_builder`` says why a ``finisher`` cannot do it). ``write_tagged``
is the one entry point: ``page.write_pdf`` calls it instead of ``Document.write_pdf``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO, Any

from .. import weasy
from .emit import Summary, emit
from .plan import Plan, plan

__all__ = ["Plan", "Summary", "plan", "write_tagged"]

VARIANT = "pdf/ua-1"  # PDF 1.7, tagged, with the PDF/UA identification in its XMP metadata


def write_tagged(document: Any, target: IO[bytes] | str | None,
                 reading_order: Sequence[str] = (), **options: Any) -> Summary:
    """Write ``document`` as a tagged PDF to ``target`` (a file object or path)."""
    structure = plan(document, reading_order)
    summary = Summary()

    def build(pdf: Any, page_streams: list[weasy.MarkedStream]) -> None:
        summary.__dict__.update(emit(structure, pdf, document, page_streams).__dict__)

    options.setdefault("pdf_variant", VARIANT)
    with weasy.structure_builder(build):
        document.write_pdf(target, **options)
    return summary
