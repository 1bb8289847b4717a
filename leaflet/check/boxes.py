"""The laid-out document, flattened into what the rules measure.

WeasyPrint keeps the laid-out box tree of a page in a private attribute, read through
``render.weasy.page_box``. Boxes have no parent pointer, so one walk carries down
what a box inherits from its ancestors: the background actually behind it (page, panel,
box backgrounds composited), opacity, any CSS transform (furigana is moved into place
with ``translate``), the brochure panel and the role of the text (body, heading, note,
furigana). All positions stay in CSS px, as WeasyPrint gives them.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass, replace
from typing import Any

from ..render.pdf.colour import cmyk_to_srgb
from ..render.weasy import (
    Document,
    LineBox,
    MarginBox,
    RasterImage,
    SVGImage,
    TextBox,
    cmyk_profile,
    color,
    page_box,
    picture_area,
    rectangle_aabb,
)
from ..source.markdown.sourcelines import element_line
from . import thresholds as T
from .flow import forced_break, is_container, line_text, top_block, wraps, written_text
from .layout import BODY, FILL, FURIGANA, HEADING, NOTE, RGB, RULE, Image, Layout, Line, Page, Panel, Run, Shape

__all__ = ["BODY", "FURIGANA", "HEADING", "NOTE", "RGB", "Image", "Layout", "Line", "Page", "Panel", "Run",
           "Shape", "line_pitch", "measure"]


@dataclass(frozen=True)
class _State:
    """What a box inherits from its ancestors during the walk."""

    background: RGB
    opacity: float = 1.0
    role: str = BODY
    panel: str | None = None
    matrix: Any = None
    in_line: bool = False
    absolute: bool = False
    margin: bool = False
    block: str = ""
    key: int = 0  # identity of the element whose lines these are
    written: str = ""  # that element's text as written
    line: int | None = None  # the nearest enclosing block's data-line


# The CMYK profile of the document being measured: a print-shop edition's colours are
# inks (device-cmyk), measured as the profile prints them.
_CMYK_PROFILE: ContextVar[str | None] = ContextVar("cmyk_profile", default=None)


def measure(document: Document) -> Layout:
    token = _CMYK_PROFILE.set(cmyk_profile(document))
    try:
        return _measure(document)
    finally:
        _CMYK_PROFILE.reset(token)


def _color(style: Any, key: str) -> tuple[float, float, float, float]:
    return color(style, key, _ink)


def _ink(cmyk: tuple[float, ...]) -> tuple[float, ...]:
    return cmyk_to_srgb(cmyk, _CMYK_PROFILE.get())


def _measure(document: Document) -> Layout:
    layout = Layout()
    for number, page in enumerate(document.pages, 1):
        root = page_box(page)
        layout.pages.append(Page(
            number, root.margin_width(), root.margin_height(),
            root.margin_top, root.margin_top + root.height))
        # The root element's background is painted on the whole canvas.
        background = _over(T.PAPER_RGB, _color(root.style, "background_color"))
        for child in root.children:
            if child.is_for_root_element:
                background = _over(background, _color(child.style, "background_color"))
                if not layout.body_pitch:
                    layout.body_pitch = line_pitch(child.style)
                    layout.body_size_pt = child.style["font_size"] * T.PT_PER_PX
        _add_backgrounds(root, _State(background), number, layout)  # @page { background: … }
        for child in root.children:
            margin = isinstance(child, MarginBox)
            state = _State(background, role=NOTE if margin else BODY, margin=margin)
            _walk(child, state, number, layout)
        top = top_block(root)
        if top is not None:
            layout.top_blocks[number] = top
    return layout


def line_pitch(style: Any) -> float:
    """Computed line-height in px ('normal' taken as 1.2, as browsers roughly do)."""
    value = style["line_height"]
    if value == "normal":
        return 1.2 * style["font_size"]
    if isinstance(value, (int, float)):
        return value * style["font_size"]
    return float(value.value)


def _walk(box: Any, state: _State, page: int, layout: Layout) -> None:
    style = box.style
    state = _inherit(box, state)
    if isinstance(box, TextBox):
        _add_run(box, state, page, layout)
        return
    if getattr(box, "replacement", None) is not None:  # an image (maybe absolutely placed)
        _add_image(box, state, page, layout)
        return
    written = _source_line(box)
    if written is not None and written != state.line:
        state = replace(state, line=written)
    panel = _panel_name(box)
    if panel and panel != state.panel:
        state = replace(state, panel=panel)
        layout.panels.append(_panel(box, page, panel))
    _add_backgrounds(box, state, page, layout)
    if state.in_line and is_container(box):
        state = replace(state, in_line=False)  # an inline-block panel: its lines are lines
    if not state.margin and _visible(box):
        _drawn(layout, page, box.border_box_y() + box.border_height())
    if _visible(box):
        _add_shapes(box, state, page, layout)
    children = getattr(box, "children", ())
    if not state.in_line and any(isinstance(c, LineBox) for c in children):
        state = replace(state, block="".join(line_text(c) for c in children
                                             if isinstance(c, LineBox)),
                        key=hash((id(box.element), box.element_tag)),  # a list marker is not its item
                        written=written_text(box.element))
    if isinstance(box, LineBox) and not state.in_line:
        text = line_text(box)
        if text.strip():
            top, bottom = box.position_y, box.position_y + box.height
            layout.lines.append(Line(
                page, text, style["font_size"] * T.PT_PER_PX, box.height, top, bottom,
                state.role, state.panel, state.absolute, state.margin, state.block, state.line,
                state.key, tuple(wraps(box)), forced_break(box), state.written))
        state = replace(state, in_line=True)
    for child in getattr(box, "children", ()):
        _walk(child, state, page, layout)


def _inherit(box: Any, state: _State) -> _State:
    style = box.style
    changes: dict[str, Any] = {}
    role = _role(box, state.role)
    if role != state.role:
        changes["role"] = role
    opacity = state.opacity * style["opacity"]
    if opacity != state.opacity:
        changes["opacity"] = opacity
    if not box.is_for_root_element and not isinstance(box, (TextBox, LineBox)):
        colour = _color(style, "background_color")
        if colour[3] > 0:
            changes["background"] = _over(state.background, colour, opacity)
    matrix = getattr(box, "transformation_matrix", None)
    if matrix:
        changes["matrix"] = matrix @ state.matrix if state.matrix else matrix
    # A list bullet is placed absolutely, but it belongs to its line: not "absolute".
    if box.is_absolutely_positioned() and not box.is_outside_marker and not state.absolute:
        changes["absolute"] = True
    return replace(state, **changes) if changes else state


def _role(box: Any, inherited: str) -> str:
    tag = (box.element_tag or "").split("::")[0]
    if inherited == FURIGANA or tag == "rt":
        return FURIGANA
    if inherited == NOTE or tag in T.NOTE_TAGS or _classes(box) & T.NOTE_CLASSES:
        return NOTE
    if inherited == HEADING or tag in T.HEADING_TAGS:
        return HEADING
    return BODY


def _classes(box: Any) -> set[str]:
    element = box.element
    if element is None or not hasattr(element, "get"):
        return set()
    return set((element.get("class") or "").split())


def _source_line(box: Any) -> int | None:
    """The Markdown line a block was written on (leaflet.mdext.sourcelines)."""
    return element_line(getattr(box, "element", None))


def _panel_name(box: Any) -> str | None:
    element = box.element
    if element is None or not hasattr(element, "get") or "::" in (box.element_tag or ""):
        return None
    return element.get("data-panel")


def _panel(box: Any, page: int, name: str) -> Panel:
    limit = box.content_box_y() + box.height
    for child in box.children:
        # A block pinned at the foot (the cover's clinic name) ends the room for text;
        # a decoration without text (the brochure's fold ticks) does not.
        if child.is_absolutely_positioned() and _has_text(child):
            limit = min(limit, child.position_y)
    bottom = box.border_box_y() + box.border_height()
    left = box.content_box_x()
    return Panel(page, name, box.content_box_y(), limit, bottom, line_pitch(box.style),
                 left, left + box.width)


def _has_text(box: Any) -> bool:
    if isinstance(box, TextBox):
        return bool(box.text.strip())
    return any(_has_text(child) for child in getattr(box, "children", []))


def _add_run(box: Any, state: _State, page: int, layout: Layout) -> None:
    text = line_text(box)
    if not text.strip():
        return
    style = box.style
    # Where the glyphs are drawn: the content box (position_y is the margin box top, a
    # half-leading above the text; rt and ruby bases have none, so they would look lower).
    x0, y0, x1, y1 = rectangle_aabb(state.matrix, box.content_box_x(), box.content_box_y(), box.width, box.height)
    colour = _color(style, "color")
    if not state.margin:
        _drawn(layout, page, y1)
    layout.runs.append(Run(
        page, text, box, x0, y0, x1, y1,
        size_pt=style["font_size"] * T.PT_PER_PX,
        bold=style["font_weight"] >= T.BOLD_WEIGHT,
        color=_over(state.background, colour, state.opacity)[:3],
        background=state.background,
        role=state.role, panel=state.panel, families=tuple(style["font_family"]),
        block=state.block or text, absolute=state.absolute, line=state.line))


def _add_image(box: Any, state: _State, page: int, layout: Layout) -> None:
    image = box.replacement
    pixels = (image.width, image.height) if isinstance(image, RasterImage) else None
    element = box.element
    src = element.get("src", "") if element is not None and hasattr(element, "get") else ""
    # Where the picture itself is drawn: with object-fit: contain a portrait photo in a
    # landscape slot fills only the middle of its box.
    width, height, left, top = picture_area(box)
    x0, y0, x1, y1 = rectangle_aabb(state.matrix, left, top, width, height)
    layout.images.append(Image(page, src, pixels, x1 - x0, y1 - y0, y0, y1, state.panel, state.line, x0))
    if not state.margin:
        _drawn(layout, page, y1)


def _add_shapes(box: Any, state: _State, page: int, layout: Layout) -> None:
    """The box's background and each border side it draws, as rectangles."""
    style = box.style
    x, y = box.border_box_x(), box.border_box_y()
    width, height = box.border_width(), box.border_height()

    def add(what: str, left: float, top: float, w: float, h: float) -> None:
        if w > 0 and h > 0:
            x0, y0, x1, y1 = rectangle_aabb(state.matrix, left, top, w, h)
            layout.shapes.append(Shape(page, what, x0, y0, x1, y1, state.panel, state.line))

    if _color(style, "background_color")[3] > 0:
        add(FILL, x, y, width, height)
    sides = {side: style[f"border_{side}_width"] if style[f"border_{side}_style"] not in ("none", "hidden") else 0
             for side in ("top", "right", "bottom", "left")}
    add(RULE, x, y, width, sides["top"])
    add(RULE, x, y + height - sides["bottom"], width, sides["bottom"])
    add(RULE, x, y, sides["left"], height)
    add(RULE, x + width - sides["right"], y, sides["right"], height)


def _add_backgrounds(box: Any, state: _State, page: int, layout: Layout) -> None:
    """CSS background images (a kind's stylesheet may print a logo or a texture that
    way), measured like <img>: ``layer.size`` is the size one copy is painted at."""
    background = getattr(box, "background", None)
    if not background:
        return
    for layer, spec in zip(background.layers, box.style["background_image"]):
        if not isinstance(layer.image, (RasterImage, SVGImage)) or not isinstance(layer.size, tuple):
            continue  # none, or a gradient: nothing to be sharp or blurred
        width, height = layer.size
        pixels = (layer.image.width, layer.image.height) if isinstance(layer.image, RasterImage) else None
        src = spec[1] if spec[0] == "url" and isinstance(spec[1], str) else ""
        top = box.border_box_y()
        layout.images.append(Image(page, src, pixels, width, height, top, top + height, state.panel,
                                   left=box.border_box_x(), background=True))


def _visible(box: Any) -> bool:
    """Does the box paint something of its own (a border or a background)?"""
    if box.is_for_root_element or isinstance(box, (TextBox, LineBox)):
        return False
    style = box.style
    if _color(style, "background_color")[3] > 0:
        return True
    return any(style[f"border_{side}_width"] and style[f"border_{side}_style"] not in ("none", "hidden")
               for side in ("top", "right", "bottom", "left"))


def _drawn(layout: Layout, page: int, bottom: float) -> None:
    layout.drawn_bottom[page] = max(layout.drawn_bottom.get(page, 0.0), bottom)


def _over(below: RGB | tuple[float, ...], above: tuple[float, float, float, float],
          opacity: float = 1.0) -> RGB:
    """``above`` (with its alpha × opacity) painted over the opaque colour ``below``."""
    alpha = above[3] * opacity
    return tuple(a * alpha + b * (1 - alpha) for a, b in zip(above[:3], below[:3]))  # type: ignore[return-value]
