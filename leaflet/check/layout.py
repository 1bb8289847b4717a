"""The laid-out document as the rules read it: pages, text runs and lines, brochure
panels, pictures and the shapes drawn around them, in CSS px as WeasyPrint gives them.
``boxes.measure`` makes it from WeasyPrint's box tree."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from . import thresholds as T

RGB = tuple[float, float, float]

BODY, HEADING, NOTE, FURIGANA = "body", "heading", "note", "furigana"


@dataclass(frozen=True)
class Page:
    number: int  # 1-based
    width: float
    height: float
    content_top: float
    content_bottom: float


@dataclass(frozen=True)
class Run:
    """One piece of text drawn in one style (a WeasyPrint text box)."""

    page: int
    text: str
    box: Any  # the TextBox, for the fonts rule
    x0: float
    y0: float
    x1: float
    y1: float
    size_pt: float
    bold: bool
    color: RGB  # as drawn: alpha and opacity composited over the background
    background: RGB
    role: str
    panel: str | None
    families: tuple[str, ...]
    block: str  # all the text of its paragraph (or list item…), to find it in the Markdown
    absolute: bool  # inside an absolutely positioned box (out of the flow)
    line: int | None = None  # file line its block starts on (data-line), None: not from Markdown


@dataclass(frozen=True)
class Line:
    """A line of text in a block (line boxes nested in inline-blocks are part of it)."""

    page: int
    text: str  # what the line shows, absolutely positioned text (furigana) left out
    size_pt: float  # the block's font size
    height: float
    top: float
    bottom: float
    role: str
    panel: str | None
    absolute: bool  # inside an absolutely positioned box (out of the flow)
    margin: bool  # in a page-margin box (footer, page number)
    block: str  # all the text of its paragraph (or list item…)
    line: int | None = None  # file line its block starts on (data-line)
    key: int = 0  # the block it belongs to, the same on every page it runs over
    wraps: tuple[int, ...] = ()  # offsets in ``text`` where a phrase span wrapped inside
    forced: bool = False  # the line ends at a <br>
    written: str = ""  # its block's text as written: with the spaces line ends dropped

    @property
    def ink_bottom(self) -> float:
        """About where the glyphs end: the line box less its lower half-leading."""
        return self.top + (self.height + self.size_pt / T.PT_PER_PX) / 2

    @property
    def pitch(self) -> float:
        """Line box height as a multiple of the font size (the line pitch)."""
        return self.height / (self.size_pt / T.PT_PER_PX) if self.size_pt else 0.0


@dataclass(frozen=True)
class Panel:
    """A fixed-size brochure panel (an element with ``data-panel``)."""

    page: int
    name: str
    top: float
    limit: float  # lowest y in-flow text may reach: content box bottom, or above
    #               an absolutely positioned block at the panel's foot
    bottom: float  # the panel's border-box bottom: anything below is clipped
    pitch: float  # line pitch of the panel's text, px
    left: float = 0.0  # content box, px: text beyond it runs across a fold
    right: float = 0.0


@dataclass(frozen=True)
class Image:
    page: int
    src: str
    pixels: tuple[int, int] | None  # None: a vector image (SVG)
    width: float  # placed size, px: where it is drawn (inside its box, after object-fit)
    height: float
    top: float
    bottom: float
    panel: str | None
    line: int | None = None  # file line of the block that holds it (data-line)
    left: float = 0.0
    background: bool = False  # a CSS background image (painted under its box's content)

    @property
    def right(self) -> float:
        return self.left + self.width


@dataclass(frozen=True)
class Shape:
    """Something drawn that is not text or a picture: a border side (a rule, a frame)
    or a background, in px."""

    page: int
    what: str  # RULE or FILL
    x0: float
    y0: float
    x1: float
    y1: float
    panel: str | None
    line: int | None = None


RULE, FILL = "rule", "fill"


@dataclass(frozen=True)
class TopBlock:
    """The block a page starts with, when it asked not to be split or to start a page."""

    kept: bool  # break-inside: avoid
    forced: bool  # break-before: page
    height: float  # its margin box, px
    text: str  # its first line's text


@dataclass
class Layout:
    pages: list[Page] = field(default_factory=list)
    runs: list[Run] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    panels: list[Panel] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)
    shapes: list[Shape] = field(default_factory=list)  # border sides and backgrounds
    body_pitch: float = 0.0  # px between body lines (root font size × line-height)
    body_size_pt: float = 0.0  # the root font size: 16 pt, 20 pt in the XL edition
    drawn_bottom: dict[int, float] = field(default_factory=dict)  # page → lowest thing drawn
    #   (text, image, border or background), page margins left out
    top_blocks: dict[int, TopBlock] = field(default_factory=dict)  # page → its kept first block
