"""The planned structure tree, written as PDF objects while WeasyPrint writes the PDF.

Called in place of WeasyPrint's own tree builder (``weasy.structure_builder``), when the
pages are painted and their content streams are still lists of operators: every text box and
image is a marked-content sequence with an MCID. Here each one is given to its
structure element (the MCID goes straight into the element's ``/K``: no object per
text box), page furniture and decoration become ``/Artifact``, and a furigana's
drawn reading gets a blank ``/ActualText`` so copy-paste and search see only the base
text, while its ``RT`` element carries the reading for assistive technology.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pydyf

from .. import weasy
from .plan import Mark, Node, Plan

PT_PER_PX = 0.75  # PDF points per CSS px (WeasyPrint's zoom 1)
SCOPES = {"col": "/Column", "colgroup": "/Column", "row": "/Row", "rowgroup": "/Row", "both": "/Both"}
ARTIFACTS = {
    "Header": {"Type": "/Pagination", "Subtype": "/Header"},
    "Footer": {"Type": "/Pagination", "Subtype": "/Footer"},
    "Layout": {"Type": "/Layout"},
}


@dataclass
class Summary:
    """What was written: for tests and the benchmark."""

    elements: int = 0
    marks: int = 0  # marked-content sequences given to an element
    artifacts: int = 0
    unplanned: int = 0  # marked by WeasyPrint but not in the plan (put under Document)


class _Page:
    """One page: the MCIDs WeasyPrint marked its boxes with, and who owns each."""

    def __init__(self, number: int, stream: weasy.MarkedStream, reference: Any, height: float) -> None:
        self.number = number
        self.stream = stream
        self.reference = reference
        self.height_pt = height * PT_PER_PX
        self.parents: dict[int, Any] = {}

    def take(self, box: Any) -> int | None:
        return self.stream.mcids.pop(box, None)

    def hide(self, mcid: int) -> None:
        """Keep a drawn reading out of text extraction: poppler honours ``/ActualText``
        only on a ``/Span`` sequence (WeasyPrint's tag for text) and there an empty one
        hides the text; PDFium ignores an empty one, so it is one space (measured:
        pdftotext 22.12, pypdfium2 5.15)."""
        self.stream.retag(mcid, ActualText=pydyf.String(" "))

    def artifact(self, mcid: int, kind: str) -> None:
        self.stream.retag(mcid, "Artifact", **ARTIFACTS[kind])

    def rect(self, x0: float, y0: float, x1: float, y1: float) -> pydyf.Array:
        """CSS px, y down → PDF points, y up."""
        return pydyf.Array([round(x0 * PT_PER_PX, 2), round(self.height_pt - y1 * PT_PER_PX, 2),
                            round(x1 * PT_PER_PX, 2), round(self.height_pt - y0 * PT_PER_PX, 2)])


def emit(plan: Plan, pdf: Any, document: Any, page_streams: list[weasy.MarkedStream]) -> Summary:
    pages = [_Page(i, stream, pdf.page_references[i], page.height)
             for i, (page, stream) in enumerate(zip(document.pages, page_streams))]
    summary = Summary()
    for artifact in plan.artifacts:
        page = pages[artifact.page]
        mcid = page.take(artifact.box)
        if mcid is not None:
            page.artifact(mcid, artifact.kind)
            summary.artifacts += 1

    root = pydyf.Dictionary({"Type": "/StructTreeRoot"})
    pdf.add_object(root)
    writer = _Writer(pdf, pages, summary)
    document_element = writer.element(plan.root, root.reference)
    for page in pages:  # anything WeasyPrint marked that the plan did not reach
        for box in list(page.stream.mcids):
            mcid = page.take(box)
            if mcid is not None:
                document_element["K"].append(pydyf.Dictionary(
                    {"Type": "/MCR", "Pg": page.reference, "MCID": mcid}))
                page.parents[mcid] = document_element.reference
                summary.unplanned += 1

    nums = pydyf.Array()
    for page in pages:
        size = max(page.parents, default=-1) + 1
        nums.extend([page.number, pydyf.Array(
            [page.parents.get(mcid, "null") for mcid in range(size)])])
    for key, reference in writer.annotations:
        nums.extend([key, reference])
    parent_tree = pydyf.Dictionary({"Nums": nums})
    pdf.add_object(parent_tree)
    root["K"] = document_element.reference
    root["ParentTree"] = parent_tree.reference
    root["ParentTreeNextKey"] = len(pages) + len(writer.annotations)
    if writer.ids:
        names = pydyf.Array()
        for ident in sorted(writer.ids):
            names.extend([pydyf.String(ident), writer.ids[ident]])
        root["IDTree"] = pydyf.Dictionary({"Names": names})

    pdf.catalog["StructTreeRoot"] = root.reference
    pdf.catalog["MarkInfo"] = pydyf.Dictionary({"Marked": "true"})
    # PDF/UA asks for the title in the title bar. The printing presets (``pdf/viewer_prefs``,
    # a finisher: it runs after this) add theirs to the same dictionary.
    preferences = pdf.catalog.get("ViewerPreferences")
    if not isinstance(preferences, pydyf.Dictionary):
        preferences = pdf.catalog["ViewerPreferences"] = pydyf.Dictionary()
    preferences["DisplayDocTitle"] = "true"
    return summary


class _Writer:
    def __init__(self, pdf: Any, pages: list[_Page], summary: Summary) -> None:
        self.pdf = pdf
        self.pages = pages
        self.summary = summary
        self.annotations: list[tuple[int, Any]] = []  # (parent-tree key, element)
        self.ids: dict[str, Any] = {}

    def element(self, node: Node, parent: Any) -> pydyf.Dictionary:
        element = pydyf.Dictionary({"Type": "/StructElem", "S": f"/{node.role}", "P": parent})
        self.pdf.add_object(element)
        self.summary.elements += 1
        own = next((kid.page for kid in node.kids if isinstance(kid, Mark)), None)
        if own is not None:
            element["Pg"] = self.pages[own].reference
        kids = pydyf.Array()
        for kid in node.kids:
            if isinstance(kid, Node):
                kids.append(self.element(kid, element.reference).reference)
            elif (mcid := self._content(kid, node, element)) is not None:
                page = self.pages[kid.page]
                kids.append(mcid if kid.page == own else pydyf.Dictionary(
                    {"Type": "/MCR", "Pg": page.reference, "MCID": mcid}))
        for mark in node.links:
            self._link(mark, element, kids)
        element["K"] = kids
        self._properties(node, element)
        return element

    def _content(self, mark: Mark, node: Node, element: pydyf.Dictionary) -> int | None:
        page = self.pages[mark.page]
        mcid = page.take(mark.box)
        if mcid is None:
            return None
        page.parents[mcid] = element.reference
        if node.role == "RT":
            page.hide(mcid)
        self.summary.marks += 1
        return mcid

    def _link(self, mark: Mark, element: pydyf.Dictionary, kids: pydyf.Array) -> None:
        annotation = weasy.link_annotation(mark.box)
        if annotation is None:
            return
        key = len(self.pages) + len(self.annotations)
        annotation["StructParent"] = key
        kids.append(pydyf.Dictionary({"Type": "/OBJR", "Obj": annotation.reference,
                                      "Pg": self.pages[mark.page].reference}))
        self.annotations.append((key, element.reference))

    def _properties(self, node: Node, element: pydyf.Dictionary) -> None:
        get = node.element.get if node.element is not None else (lambda name, default=None: default)
        if node.lang:
            element["Lang"] = pydyf.String(node.lang)
        if node.role == "RT":
            # The drawn reading is hidden from text extraction; the element keeps it.
            element["ActualText"] = pydyf.String(node.text)
        if node.role == "Figure" and node.alt:
            element["Alt"] = pydyf.String(node.alt)
        if node.bbox is not None and node.role in ("Figure", "Table"):
            page, x0, y0, x1, y1 = node.bbox
            element["A"] = pydyf.Dictionary({"O": "/Layout", "BBox": self.pages[page].rect(x0, y0, x1, y1)})
        if node.role in ("TH", "TD"):
            table = pydyf.Dictionary({"O": "/Table"})
            if node.role == "TH":
                table["Scope"] = SCOPES.get(str(get("scope", "col")).lower(), "/Column")
            if get("headers"):
                table["Headers"] = pydyf.Array(pydyf.String(h) for h in str(get("headers")).split())
            for attribute, key in (("colspan", "ColSpan"), ("rowspan", "RowSpan")):
                if str(get(attribute, "1")).isdigit() and int(get(attribute, "1")) > 1:
                    table[key] = int(get(attribute))
            element["A"] = table
        ident = get("id")
        if ident and node.role in ("TH", "TD") and ident not in self.ids:
            element["ID"] = pydyf.String(ident)
            self.ids[ident] = element.reference
