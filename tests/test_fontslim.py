"""Fonts embedded without the tables no viewer reads (cmap, vertical metrics, meta):
the same pixels in PDFium and poppler, the same text, fewer bytes."""

from __future__ import annotations

import io
import shutil
import subprocess

import pikepdf
import pypdfium2
import pytest
from fontTools.ttLib import TTFont

from leaflet.build.pipeline import render_handout
from leaflet.render.fontslim import UNREAD, drop_unused_font_tables, without_tables
from leaflet.render.tagging import write_tagged

from .conftest import ROOT, copy_project


def programs(pdf: bytes) -> list[TTFont]:
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        return [TTFont(io.BytesIO(o.read_bytes())) for o in doc.objects
                if isinstance(o, pikepdf.Stream) and "/Length1" in o]


@pytest.fixture(scope="module")
def both(tmp_path_factory) -> tuple[bytes, bytes]:
    """The FAQ leaflet written twice from two renders: fonts slimmed, and as WeasyPrint embeds them."""
    project = copy_project(tmp_path_factory.mktemp("slim"), with_handouts=True)
    written = []
    for finisher in (drop_unused_font_tables, None):
        out = io.BytesIO()
        write_tagged(render_handout(project, project.handouts / "knee/faq.md").document, out, finisher=finisher)
        written.append(out.getvalue())
    return written[0], written[1]


def test_the_tables_are_gone_and_the_rest_kept(both):
    slim, full = both
    assert len(slim) < len(full) - 2000
    for lean, whole in zip(programs(slim), programs(full)):
        assert not set(UNREAD) & set(lean.keys())
        assert set(UNREAD) <= set(whole.keys())
        assert set(lean.keys()) == set(whole.keys()) - set(UNREAD)
        for tag in ("glyf", "loca", "hmtx", "maxp", "OS/2", "name"):  # copied byte for byte
            assert lean.reader[tag] == whole.reader[tag], tag


def test_pdfium_draws_the_same_pixels_and_reads_the_same_text(both):
    pages = [list(pypdfium2.PdfDocument(data)) for data in both]
    for lean, whole in zip(*pages):
        assert lean.render(scale=1).to_pil().tobytes() == whole.render(scale=1).to_pil().tobytes()
        assert lean.get_textpage().get_text_range() == whole.get_textpage().get_text_range()


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="poppler-utils missing (scripts/test-deps.sh)")
def test_poppler_draws_the_same_pixels(both, tmp_path):
    shown = []
    for name, data in zip(("slim", "full"), both):
        (tmp_path / f"{name}.pdf").write_bytes(data)
        subprocess.run(["pdftoppm", "-r", "50", "-gray", str(tmp_path / f"{name}.pdf"), str(tmp_path / name)],
                       check=True)
        shown.append(sorted(p.read_bytes() for p in tmp_path.glob(f"{name}-*.pgm")))
    assert shown[0] == shown[1] and len(shown[0]) == 2


def test_an_unreadable_or_already_lean_program_is_left_alone():
    assert without_tables(b"not a font", UNREAD) is None
    font = (ROOT / "fonts/BIZUDPGothic-Regular.ttf").read_bytes()
    lean = without_tables(font, UNREAD)
    assert lean is not None and without_tables(lean, UNREAD) is None


def test_the_same_font_gives_the_same_bytes_at_any_time(monkeypatch):
    """fontTools stamps head.modified with the clock unless told not to: builds must stay
    byte-identical (a parallel build's PDFs differed by a second)."""
    import fontTools.ttLib.tables._h_e_a_d as head

    font = (ROOT / "fonts/BIZUDPGothic-Bold.ttf").read_bytes()
    first = without_tables(font, UNREAD)
    monkeypatch.setattr(head, "timestampNow", lambda: 4_000_000_000)
    assert without_tables(font, UNREAD) == first
