"""Embedded fonts without the tables no PDF viewer reads: it pays for the tags' bytes.

WeasyPrint embeds our TrueType fonts as ``CIDFontType2`` subsets with an identity
``CIDToGIDMap``: a viewer finds each glyph by its number, and text extraction reads the
``ToUnicode`` map, so the font's own ``cmap`` is never consulted; ``vhea``/``vmtx`` serve
vertical writing only (our text is horizontal, ``WMode`` 0) and ``meta`` is a note for
font menus. Dropping them takes 9 KB off the three bundled PDFs (PDFium and poppler draw
the same pixels, tests/test_fontslim.py), about what the structure tree adds.
"""

from __future__ import annotations

import io
from typing import Any

import pydyf
from fontTools.ttLib import TTFont, TTLibError

UNREAD = ("cmap", "vhea", "vmtx", "meta")


def drop_unused_font_tables(_document: Any, pdf: pydyf.PDF) -> None:
    """A ``write_pdf`` finisher: rewrite each embedded TrueType program (a ``FontFile2``
    stream, the one with ``Length1``: the program's length)."""
    for item in pdf.objects:
        if isinstance(item, pydyf.Stream) and "Length1" in item.extra:
            slim = without_tables(b"".join(bytes(chunk) for chunk in item.stream), UNREAD)
            if slim is not None:
                item.stream[:] = [slim]
                item.extra["Length1"] = len(slim)


def without_tables(program: bytes, tags: tuple[str, ...]) -> bytes | None:
    """The font program less ``tags`` (other tables copied as they are), or None when
    there is nothing to drop or it cannot be read."""
    try:
        # No new timestamp in head: the same input must give the same PDF bytes.
        font = TTFont(io.BytesIO(program), lazy=True, recalcTimestamp=False, recalcBBoxes=False)
        present = [tag for tag in tags if tag in font.reader]
        if not present:
            return None
        for tag in present:
            del font[tag]
        out = io.BytesIO()
        font.save(out, reorderTables=False)
    except (TTLibError, ValueError, KeyError):
        return None
    return out.getvalue()
