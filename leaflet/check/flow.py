"""What the laid-out lines say about where they break (rule 10, ``breaks``): the text a
line shows, the text its block was written with (the white space a line end drops is
still there), where a phrase span on it wrapped, whether it ends at a ``<br>``, and the
block a page starts with. Read from WeasyPrint's box tree (``render.weasy.page_box``), like everything in ``boxes``;
``tests/test_weasy_contract.py`` holds what it reads of it.
"""

from __future__ import annotations

from typing import Any

from ..render.weasy import BlockLevelBox, InlineBlockBox, LineBox, TextBox
from ..source.markdown.joiners import visible
from .layout import TopBlock


def line_text(box: Any) -> str:
    """The text a reader sees on the line: furigana readings and word joiners are not part of it."""
    if isinstance(box, TextBox):
        return visible(box.text)
    return "".join(line_text(child) for child in getattr(box, "children", ())
                   if not child.is_absolutely_positioned() and not is_container(child)
                   and child.element_tag not in ("rt", "rp"))


def written_text(element: Any) -> str:
    """An element's text as written, white space and all, furigana readings and word
    joiners left out: what its lines show, with the spaces their ends dropped."""
    if element is None or not hasattr(element, "itertext"):
        return ""
    parts: list[str] = []

    def walk(node: Any) -> None:
        if node.tag in ("rt", "rp"):
            return
        parts.append(node.text or "")
        for child in node:
            walk(child)
            parts.append(child.tail or "")

    walk(element)
    return visible("".join(parts))


def is_container(box: Any) -> bool:
    """An inline-block that holds blocks (a brochure panel), not a bit of text: a ruby
    holds its reading as a block too, but it is part of its line."""
    return isinstance(box, InlineBlockBox) and box.element_tag != "ruby" and any(
        isinstance(child, BlockLevelBox) for child in box.children)


def wraps(line: Any) -> list[int]:
    """Offsets in a line's text where a phrase span on it (an inline-block) runs onto a
    second line of its own: a phrase wider than the whole line."""
    offsets, position = [], 0
    for child in line.children:
        if child.is_absolutely_positioned() or is_container(child) or child.element_tag in ("rt", "rp"):
            continue
        inner = [c for c in getattr(child, "children", ()) if isinstance(c, LineBox)]
        if isinstance(child, InlineBlockBox) and child.element_tag != "ruby":
            inside = position
            for inner_line in inner[:-1]:
                inside += len(line_text(inner_line))
                offsets.append(inside)
        position += len(line_text(child))
    return offsets


def forced_break(line: Any) -> bool:
    """Does the line end at a <br> (a break the editor asked for)?"""
    box = line
    while getattr(box, "children", None):
        box = box.children[-1]
        if box.element_tag == "br":
            return True
    return False


def top_block(root: Any) -> TopBlock | None:
    """The first block of the page's flow, if it (or the box it opens) is kept together
    or starts the page on purpose: what a half-empty page before it may be waiting for."""
    box = next((c for c in root.children if c.is_for_root_element), None)
    while box is not None:
        style = box.style
        kept = style["break_inside"] in ("avoid", "avoid-page")
        forced = style["break_before"] in ("page", "left", "right", "recto", "verso")
        if kept or forced:
            first = next((c for c in box.descendants() if isinstance(c, LineBox)), None)
            return TopBlock(kept, forced, box.margin_height(), line_text(first) if first else "")
        box = next((c for c in getattr(box, "children", ()) if isinstance(c, BlockLevelBox)
                    and c.is_in_normal_flow()), None)
    return None
