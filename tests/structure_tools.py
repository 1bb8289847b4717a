"""Read a PDF's structure tree and marked content back with pikepdf (and pdfplumber for
the text of each MCID), for the tagging tests."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pdfplumber
import pikepdf

TEXT_SHOWING = {"Tj", "TJ", "'", '"'}


@dataclass
class Content:
    page: int  # 0-based
    mcid: int


@dataclass
class Elem:
    role: str
    obj: Any
    kids: list[Elem | Content] = field(default_factory=list)
    objrs: list[Any] = field(default_factory=list)  # annotations (OBJR)

    def get(self, key: str) -> Any:
        return self.obj.get(key)

    def walk(self) -> Iterator[Elem]:
        yield self
        for kid in self.kids:
            if isinstance(kid, Elem):
                yield from kid.walk()

    def contents(self) -> Iterator[Content]:
        for kid in self.kids:
            if isinstance(kid, Elem):
                yield from kid.contents()
            else:
                yield kid

    def children(self, role: str | None = None) -> list[Elem]:
        return [k for k in self.kids if isinstance(k, Elem) and (role is None or k.role == role)]

    def text(self, texts: dict[tuple[int, int], str]) -> str:
        return "".join(texts.get((c.page, c.mcid), "") for c in self.contents())


class Tagged:
    """One PDF opened for the tests: its tree, its pages' MCIDs, and their text."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.pdf = pikepdf.open(path)
        self.pages = {p.obj.objgen: i for i, p in enumerate(self.pdf.pages)}
        root = self.pdf.Root.StructTreeRoot
        kid = root.K
        self.document = self._elem(kid[0] if isinstance(kid, pikepdf.Array) else kid, None)
        self._texts: dict[tuple[int, int], str] | None = None

    def _elem(self, obj: Any, page: int | None) -> Elem:
        if "/Pg" in obj:
            page = self.pages[obj.Pg.objgen]
        elem = Elem(str(obj.S)[1:], obj)
        kids = obj.get("/K")
        items = list(kids) if isinstance(kids, pikepdf.Array) else ([] if kids is None else [kids])
        for item in items:
            if isinstance(item, int):
                assert page is not None, f"MCID {item} in {elem.role} with no page"
                elem.kids.append(Content(page, int(item)))
            elif item.get("/Type") == "/MCR":
                elem.kids.append(Content(self.pages[item.Pg.objgen], int(item.MCID)))
            elif item.get("/Type") == "/OBJR":
                elem.objrs.append(item.Obj)
            else:
                elem.kids.append(self._elem(item, page))
        return elem

    @property
    def texts(self) -> dict[tuple[int, int], str]:
        """(page, MCID) → the text drawn in it."""
        if self._texts is None:
            self._texts = {}
            with pdfplumber.open(self.path) as doc:
                for i, page in enumerate(doc.pages):
                    for char in page.chars:
                        if char.get("mcid") is not None:
                            key = (i, int(char["mcid"]))
                            self._texts[key] = self._texts.get(key, "") + char["text"]
        return self._texts

    def text(self, elem: Elem) -> str:
        return elem.text(self.texts)

    def find(self, role: str) -> list[Elem]:
        return [e for e in self.document.walk() if e.role == role]

    def parent_tree(self) -> dict[tuple[int, int], Any]:
        """(page, MCID) → the element the ParentTree names for it."""
        nums = list(self.pdf.Root.StructTreeRoot.ParentTree.Nums)
        found = {}
        for key, value in zip(nums[::2], nums[1::2]):
            if int(key) < len(self.pdf.pages):
                for mcid, elem in enumerate(value):
                    if isinstance(elem, pikepdf.Dictionary):  # null: an MCID not in use
                        found[(int(key), mcid)] = elem
        return found

    def marked_text(self) -> list[tuple[int, str, int | None, bool]]:
        """Every text-showing operator: (page, innermost marked-content tag, its MCID,
        whether it sits under an Artifact). Tag "" = not marked at all."""
        shown = []
        for i, page in enumerate(self.pdf.pages):
            stack: list[tuple[str, int | None]] = []
            for operands, operator in pikepdf.parse_content_stream(page):
                op = str(operator)
                if op == "BMC":
                    stack.append((str(operands[0]), None))
                elif op == "BDC":
                    props = operands[1]
                    mcid = int(props.MCID) if isinstance(props, pikepdf.Dictionary) and "/MCID" in props else None
                    stack.append((str(operands[0]), mcid))
                elif op == "EMC":
                    stack.pop()
                elif op in TEXT_SHOWING:
                    tag, mcid = stack[-1] if stack else ("", None)
                    shown.append((i, tag, mcid, any(t == "/Artifact" for t, _ in stack)))
        return shown
