"""The page cap: a render that stops after N pages.

Private API: ``layout.make_all_pages`` (replaced, once a render asks for a page cap, by
a wrapper that ends after N pages) and the layout context's ``page_maker`` list.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import weasyprint.layout as _layout

__all__ = ["Cap", "at_most"]


@dataclass
class Cap:
    pages: int
    reached: bool = False  # there was more to lay out


_cap: ContextVar[Cap | None] = ContextVar("page_cap", default=None)
_make_all_pages = _layout.make_all_pages


def _bounded(context: Any, root_box: Any, html: Any, pages: list[Any]) -> Iterator[Any]:
    """``make_all_pages``, ending after the cap's pages. The page maker's next entry says
    whether there was more (``resume_at``); it is marked as needing no second pass."""
    cap = _cap.get()
    made = _make_all_pages(context, root_box, html, pages)
    if cap is None:
        yield from made
        return
    for number, page in enumerate(made, 1):
        yield page
        if number >= cap.pages:
            following = context.page_maker[number] if number < len(context.page_maker) else None
            if following is not None and following[0] is not None:
                cap.reached = True
                following[-1]["content_changed"] = following[-1]["pages_wanted"] = False
                del context.page_maker[number + 1:]
            made.close()
            return


@contextmanager
def at_most(pages: int | None) -> Iterator[Cap | None]:
    """Renders in this block stop after ``pages`` pages (WeasyPrint lays out every page a
    document needs: a 5 MB FAQ became 3,502 pages in five minutes and 1.9 GB);
    ``cap.reached`` tells whether the document was longer."""
    if pages is None:
        yield None
        return
    if _layout.make_all_pages is not _bounded:
        _layout.make_all_pages = _bounded  # a no-op for renders without a cap
    cap = Cap(pages)
    token = _cap.set(cap)
    try:
        yield cap
    finally:
        _cap.reset(token)
