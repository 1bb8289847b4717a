"""The structure tree of a handout's PDF, planned on the laid-out boxes.

One walk over each page's boxes (the same ``Document`` the preflight measures and
``write_pdf`` paints) gives every text box and image an owner: a structure element made
from its HTML element, or an artifact (page margins, decoration the stylesheet marks
with ``--pdf-artifact: yes``, pictures with ``alt=""``). Elements, not boxes, make
elements: a paragraph split over two pages, or laid out as several anonymous boxes, is
one ``P``. Layout-only elements (``div``, ``span``, ``strong``…) pass their content to
the nearest element that means something, so the tree stays small.

The preflight's tagging rule reads this plan; ``emit`` turns it into PDF objects.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from ...source.markdown.sourcelines import element_line
from .. import weasy

# HTML element → PDF 1.7 standard structure type. Elements not listed carry no
# meaning of their own (div, span, strong, em, small, header, figure, br…).
ROLES = {
    "p": "P", "pre": "P", "h1": "H1", "h2": "H2", "h3": "H3", "h4": "H4", "h5": "H5", "h6": "H6",
    "section": "Sect", "article": "Art", "main": "Part", "blockquote": "BlockQuote",
    "ul": "L", "ol": "L", "dl": "L", "li": "LI", "dt": "LI", "dd": "LI",
    "table": "Table", "thead": "THead", "tbody": "TBody", "tfoot": "TFoot", "tr": "TR",
    "th": "TH", "td": "TD", "caption": "Caption", "figcaption": "Caption",
    "img": "Figure", "svg": "Figure", "ruby": "Ruby", "rb": "RB", "rt": "RT", "rp": "RP",
    "a": "Link", "code": "Code", "q": "Quote",
}
# Kept even when empty: a table's grid (the log's cells are blank until a patient
# circles them).
KEEP_EMPTY = {"Table", "THead", "TBody", "TFoot", "TR", "TH", "TD"}
MARGIN_ARTIFACTS = {"@top": "Header", "@bottom": "Footer"}


@dataclass(frozen=True, eq=False)
class Mark:
    """A text box or image WeasyPrint paints as one marked-content sequence."""

    page: int  # 0-based
    box: Any


@dataclass(frozen=True, eq=False)
class Artifact:
    page: int
    box: Any
    kind: str  # "Header", "Footer" (page margins) or "Layout" (decoration)


@dataclass(eq=False)
class Node:
    role: str
    element: Any = None
    parent: Node | None = None
    kids: list[Node | Mark] = field(default_factory=list)
    alt: str | None = None
    lang: str | None = None
    panel: str | None = None  # data-panel: a brochure panel
    line: int | None = None  # Markdown line (data-line) of the nearest block
    bbox: tuple[int, float, float, float, float] | None = None  # page, x0, y0, x1, y1 (CSS px)
    links: list[Mark] = field(default_factory=list)  # boxes that may carry a link annotation
    implicit: bool = False  # made by us, not by an element (a ruby's base text)

    def add(self, kid: Node | Mark) -> None:
        if isinstance(kid, Node):
            kid.parent = self
        self.kids.append(kid)

    def nodes(self) -> Iterator[Node]:
        """This node and every node below it, in order."""
        yield self
        for kid in self.kids:
            if isinstance(kid, Node):
                yield from kid.nodes()

    def marks(self) -> Iterator[Mark]:
        for kid in self.kids:
            if isinstance(kid, Node):
                yield from kid.marks()
            else:
                yield kid

    @property
    def text(self) -> str:
        return "".join(getattr(mark.box, "text", "") for mark in self.marks())

    @property
    def page(self) -> int | None:
        return next((mark.page for mark in self.marks()), None)

    @property
    def in_panel(self) -> str | None:
        """The brochure panel this node is in."""
        node: Node | None = self
        while node is not None and node.panel is None:
            node = node.parent
        return node.panel if node is not None else None


@dataclass
class Plan:
    root: Node
    artifacts: list[Artifact]
    missing_alt: list[Node]  # Figures with no alt attribute at all (a preflight failure)

    def find(self, role: str) -> list[Node]:
        return [node for node in self.root.nodes() if node.role == role]


def plan(document: Any, reading_order: Sequence[str] = ()) -> Plan:
    planner = _Planner()
    for index, page in enumerate(document.pages):
        for box in _children(weasy.page_box(page)):
            if isinstance(box, weasy.MarginBox):
                planner.decorate(index, box, MARGIN_ARTIFACTS.get(box.at_keyword.split("-")[0], "Layout"))
            else:
                planner.walk(index, box, planner.root)
    root = planner.root
    _split_rubies(root)
    _prune(root)
    _reorder(root, reading_order)
    return Plan(root, planner.artifacts, planner.missing_alt)


class _Planner:
    def __init__(self) -> None:
        self.root = Node("Document")
        self.nodes: dict[tuple[int, str], Node] = {}  # (element, pseudo) → the node it fills
        self.artifacts: list[Artifact] = []
        self.missing_alt: list[Node] = []

    def walk(self, page: int, box: Any, owner: Node) -> None:
        box = weasy.unwrap(box)
        if weasy.declared_artifact(box):
            self.decorate(page, box, "Layout")
            return
        node = self.node_for(page, box, owner)
        if node is None:  # a picture with alt="": decoration
            self.decorate(page, box, "Layout")
            return
        if node is self.root and isinstance(box, weasy.TextBox):
            if not box.text.strip():  # the spaces between inline paragraphs
                self.artifacts.append(Artifact(page, box, "Layout"))
                return
            node = self._loose_text(node)
        if isinstance(box, weasy.TextBox) or _is_picture(box):
            mark = Mark(page, box)
            if _is_picture(box):
                node.bbox = (page, box.content_box_x(), box.content_box_y(),
                             box.content_box_x() + box.width, box.content_box_y() + box.height)
                if node.alt is None and node not in self.missing_alt:
                    self.missing_alt.append(node)
            _add_content(node, mark)
            return
        if node.role == "Link":
            node.links.append(Mark(page, box))
        if node.role == "Table" and isinstance(box, weasy.TableBox):
            node.bbox = None if node.bbox and node.bbox[0] != page else (
                page, box.border_box_x(), box.border_box_y(),
                box.border_box_x() + box.border_width(), box.border_box_y() + box.border_height())
        for child in _children(box):
            self.walk(page, child, node)

    def _loose_text(self, root: Node) -> Node:
        """Text in no element with a meaning (``<div>text</div>`` in raw HTML) is a
        paragraph: the document's own content would be read as nothing in particular."""
        last = root.kids[-1] if root.kids else None
        if isinstance(last, Node) and last.role == "P" and last.implicit:
            return last
        paragraph = Node("P", implicit=True)
        root.add(paragraph)
        return paragraph

    def decorate(self, page: int, box: Any, kind: str) -> None:
        box = weasy.unwrap(box)
        if isinstance(box, weasy.TextBox) or _is_picture(box):
            self.artifacts.append(Artifact(page, box, kind))
        for child in _children(box):
            self.decorate(page, child, kind)

    def node_for(self, page: int, box: Any, owner: Node) -> Node | None:
        """The node that takes this box's content: its element's (made on first sight),
        or ``owner`` for an element without meaning of its own."""
        element = box.element
        if element is None:
            return owner
        name, _, pseudo = str(box.element_tag).partition("::")
        key = (id(element), pseudo)
        if key in self.nodes:
            return self.nodes[key]
        if pseudo:
            if name == "li" and pseudo in ("marker", "before"):
                return self._label(key, element, owner)
            return owner  # generated text is part of its element
        role = ROLES.get(name)
        if role is None:
            return owner
        if name in ("img", "svg"):
            alt = _alt(element)
            if alt == "":
                return None
            node = Node("Figure", element, alt=alt)
        elif name in ("li", "dt", "dd"):
            node = self._list_item(name, element, owner)
        else:
            node = Node(role, element)
        node.lang = element.get("lang")
        node.panel = element.get("data-panel")
        node.line = element_line(element) or owner.line
        if node.parent is None:
            owner.add(node)
        self.nodes[key] = node
        return node

    def _list_item(self, name: str, element: Any, owner: Node) -> Node:
        """``li`` → LI › LBody (its marker becomes an Lbl before the body); ``dt`` → LI ›
        Lbl and the ``dd`` after it → an LBody in the same LI."""
        last = owner.kids[-1] if owner.kids else None
        if name == "dd" and isinstance(last, Node) and last.role == "LI" \
                and not any(isinstance(k, Node) and k.role == "LBody" for k in last.kids):
            item = last
        else:
            item = Node("LI", element)
            owner.add(item)
        part = Node("Lbl" if name == "dt" else "LBody", element)
        item.add(part)
        return part

    def _label(self, key: tuple[int, str], element: Any, owner: Node) -> Node:
        body = self.nodes.get((id(element), ""))
        if body is None or body.parent is None:
            return owner
        item = body.parent
        label = Node("Lbl", element, line=body.line)
        label.parent = item
        item.kids.insert(item.kids.index(body), label)
        self.nodes[key] = label
        return label


def _children(box: Any) -> list[Any]:
    return list(getattr(box, "children", ()))


def _is_picture(box: Any) -> bool:
    """An ``<img>`` or ``<svg>``: WeasyPrint paints it as one marked ``Figure``."""
    return getattr(box, "replacement", None) is not None


def _alt(element: Any) -> str | None:
    """The picture's alternative text: an ``<img alt>``, or an inline SVG's ``<title>``."""
    if str(element.tag).endswith("svg"):
        title = next((c for c in element if str(c.tag).endswith("title")), None)
        return (title.text or "").strip() or None if title is not None else None
    alt = element.get("alt")
    return None if alt is None else alt.strip()


def _add_content(node: Node, mark: Mark) -> None:
    """A ruby's own text is its base: it goes into an RB."""
    if node.role == "Ruby":
        last = node.kids[-1] if node.kids else None
        if not (isinstance(last, Node) and last.role == "RB" and last.implicit):
            last = Node("RB", node.element, line=node.line, implicit=True)
            node.add(last)
        last.kids.append(mark)
    else:
        node.kids.append(mark)


def _split_rubies(root: Node) -> None:
    """PDF's Ruby holds one RB and one RT: ``<ruby>漢<rt>かん</rt>字<rt>じ</rt></ruby>``
    becomes two Ruby elements side by side."""
    for ruby in [n for n in root.nodes() if n.role == "Ruby"]:
        groups: list[list[Node | Mark]] = [[]]
        for kid in ruby.kids:
            role = kid.role if isinstance(kid, Node) else ""
            if role == "RB" and any(isinstance(k, Node) and k.role == "RT" for k in groups[-1]):
                groups.append([])
            groups[-1].append(kid)
        if len(groups) == 1 or ruby.parent is None:
            continue
        parent = ruby.parent
        at = parent.kids.index(ruby)
        pieces = []
        for group in groups:
            piece = Node("Ruby", ruby.element, parent=parent, lang=ruby.lang, line=ruby.line)
            for kid in group:
                if isinstance(kid, Node):
                    piece.add(kid)
                else:
                    piece.kids.append(kid)
            pieces.append(piece)
        parent.kids[at:at + 1] = pieces


def _prune(node: Node) -> bool:
    """Drop elements with nothing drawn in them (an empty section, an undrawn ``rp``).
    Returns whether ``node`` keeps anything."""
    kept: list[Node | Mark] = []
    for kid in node.kids:
        if isinstance(kid, Mark) or _prune(kid):
            kept.append(kid)
    node.kids = kept
    return bool(kept) or node.role in KEEP_EMPTY or bool(node.links)


def _reorder(root: Node, order: Sequence[str]) -> None:
    """Put the parts named in the kind's ``reading_order`` (by ``data-panel``) in that
    order, where the first of them stands: a tri-fold is printed flap | back | cover
    but read cover first."""
    rank = {name: i for i, name in enumerate(order)}
    parts = [n for n in root.nodes() if n.panel in rank and n.parent is not None]
    if len(parts) < 2:
        return
    first = parts[0]
    parent, at = first.parent, first.parent.kids.index(first)  # type: ignore[union-attr]
    assert parent is not None
    for part in parts:
        assert part.parent is not None
        index = part.parent.kids.index(part)
        del part.parent.kids[index]
        if part.parent is parent and index < at:
            at -= 1
    parts.sort(key=lambda n: rank[n.panel or ""])
    for offset, part in enumerate(parts):
        part.parent = parent
        parent.kids.insert(at + offset, part)
