"""Stop WeasyPrint's layout after a number of pages.

WeasyPrint lays out every page a document needs: a 5 MB FAQ became 3,502 pages in five
minutes and 1.9 GB, for a kind that allows two. ``weasyprint.layout.layout_document``
takes its pages from the generator ``make_all_pages``, one page at a time; wrapped
here, it ends after ``at_most`` pages, and the document is what was laid out so far
(enough for the overflow rule to say how far over it runs). WeasyPrint has no option
for this; the wrapper is installed once, on import, and does nothing unless a render
asks for a cap.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from .engine import prepare

prepare()

import weasyprint.layout as _layout  # noqa: E402  (after prepare)


@dataclass
class Cap:
    pages: int
    reached: bool = False  # there was more to lay out


_CAP: ContextVar[Cap | None] = ContextVar("page_cap", default=None)
_original = _layout.make_all_pages


def _bounded(context: Any, root_box: Any, html: Any, pages: list[Any]) -> Iterator[Any]:
    cap = _CAP.get()
    made = _original(context, root_box, html, pages)
    if cap is None:
        yield from made
        return
    for number, page in enumerate(made, 1):
        yield page
        if number >= cap.pages:
            following = context.page_maker[number] if number < len(context.page_maker) else None
            if following is not None and following[0] is not None:  # resume_at: more content
                cap.reached = True
                # Nothing after this page will be laid out: no page is waiting for a
                # second pass (which would only lay out the same pages again).
                following[-1]["content_changed"] = following[-1]["pages_wanted"] = False
                del context.page_maker[number + 1:]
            made.close()
            return


if getattr(_layout.make_all_pages, "__name__", "") != _bounded.__name__:
    _layout.make_all_pages = _bounded


@contextmanager
def at_most(pages: int | None) -> Iterator[Cap | None]:
    """Within this block, renders stop after ``pages`` pages; ``cap.reached`` tells
    whether the document was longer."""
    if pages is None:
        yield None
        return
    cap = Cap(pages)
    token = _CAP.set(cap)
    try:
        yield cap
    finally:
        _CAP.reset(token)
