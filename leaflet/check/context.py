"""What every rule gets: the handout, its laid-out boxes, the fonts it loaded, and a
way to say where a finding is (page, panel, ``file:line`` in the handout's Markdown)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from ..project import Project
from ..render.weasy import Face
from ..source.load import Handout
from .layout import Layout, Line, Run
from .report import Outcome, Where

EXCERPT = 12  # characters of a text quoted in a message


@dataclass
class Context:
    project: Project
    handout: Handout
    edition: str
    document: Any  # the WeasyPrint Document, laid out, not yet written
    layout: Layout
    faces: list[Face]  # the @font-face rules the document loaded
    stopped: bool = False  # layout was stopped at the page cap (render.bounds): it runs on

    def where(self, page: int | None = None, panel: str | None = None,
              text: str | None = None, exact: bool = False, context: str | None = None,
              line: int | None = None) -> Where:
        """``text``: something drawn, to find in the Markdown (``exact``: as is, e.g. one
        character); ``line``: the file line its block starts on, when the Markdown said
        (the search starts there); else ``context``, the paragraph it is in, to tell
        repeated words apart."""
        if text:
            line = self.locate(text, context, line, exact)
        label = None
        if panel:
            section = self.handout.kind.sections.get(panel)
            label = section.label if section else None
        return Where(page, panel, label, self.handout.shown, line)

    def where_run(self, run: Run) -> Where:
        return self.where(run.page, run.panel, run.text, context=run.block, line=run.line)

    def where_line(self, line: Line) -> Where:
        return self.where(line.page, line.panel, line.text, context=line.block, line=line.line)

    def locate(self, text: str, context: str | None = None, block_line: int | None = None,
               exact: bool = False) -> int | None:
        """The file line a drawn text comes from, if it is written in the handout.

        The search starts at its block: the line the Markdown recorded for it, or else
        where its paragraph's text (``context``) is first found, so a phrase repeated in
        several paragraphs is found in the right one.
        """
        if block_line is not None:
            start: int | None = self._line_offset(block_line)
        else:
            start = self._offset(context) if context else None
        if exact:
            found = self.searchable.find(text, start or 0)
            offset = found if found >= 0 else None
        else:
            offset = self._offset(text, start or 0)
        if offset is None:
            offset = start
        return None if offset is None else 1 + self.searchable.count("\n", 0, offset)

    def _line_offset(self, line: int) -> int:
        offset = 0
        for _ in range(line - 1):
            offset = self.searchable.find("\n", offset) + 1
        return offset

    def _offset(self, text: str, start: int = 0) -> int | None:
        """Where ``text`` starts in the handout. A drawn run is contiguous, but the
        Markdown may break it with markup (``**``, ``{漢字|かんじ}``) or a line break,
        hence the shorter pieces."""
        cleaned = " ".join(text.split())
        for piece in (cleaned, cleaned[:10], cleaned[:5], cleaned[-5:]):
            if len(piece) >= 3 or (piece == cleaned and len(piece) >= 2):
                index = self.searchable.find(piece, start)
                if index >= 0:
                    return index
        return None

    @cached_property
    def searchable(self) -> str:
        """The handout's text with its front-matter comments blanked out (same offsets):
        nothing drawn comes from a ``# メモ`` line, so it must not be named as the place."""
        lines = self.handout.text.split("\n")
        if lines and lines[0].strip() == "---":
            for i in range(1, len(lines)):
                if lines[i].strip() in ("---", "..."):
                    break
                if lines[i].lstrip().startswith("#"):
                    lines[i] = " " * len(lines[i])
        return "\n".join(lines)

    @cached_property
    def font_files(self) -> list[Any]:
        return [path for face in self.faces for path in face.files()]


def excerpt(text: str, size: int = EXCERPT) -> str:
    cleaned = " ".join(text.split())
    return cleaned if len(cleaned) <= size else cleaned[:size] + "…"


def passed(rule: str, figure: str, message: str = "", warning: bool = False,
           where: Where | None = None) -> Outcome:
    return Outcome(rule, True, figure, where, message, warning=warning)


def failed(rule: str, figure: str, where: Where | None, message: str) -> Outcome:
    return Outcome(rule, False, figure, where, message)
