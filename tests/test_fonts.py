"""No system font may stand in for a glyph our fonts lack."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import textwrap
from array import array

from leaflet.build import build_one

from .conftest import ROOT
from .pdfs import fonts


def test_missing_glyph_is_not_drawn_in_a_system_font(project, write, tmp_path):
    # ⚕ ♿ ₩ are in DejaVu Sans (installed on this machine) but not in BIZ UDPGothic.
    path = write("x.md", "---\nkind: faq\ntitle: 題\nrevised: 2026-11-20\n---\n\n記号 ⚕ ♿ ₩ です。\n")
    result = build_one(project, path, tmp_path / "out")
    assert result.ok, result.error
    assert set(fonts(result.pdf)) <= {"BIZ-UDPGothic", "BIZ-UDPGothic-Bold"}, fonts(result.pdf)


def test_fontconfig_sees_no_system_fonts():
    import leaflet.render  # noqa: F401  (isolates fonts on import)
    from weasyprint.text.ffi import ffi, fontconfig

    config = fontconfig.FcInitLoadConfigAndFonts()
    fonts_set = fontconfig.FcConfigGetFonts(config, fontconfig.FcSetSystem)
    count = 0 if fonts_set == ffi.NULL else fonts_set.nfont
    fontconfig.FcConfigDestroy(config)
    assert count == 0


def test_weasyprint_loads_its_libraries_without_searching():
    """``engine.prepare`` imports WeasyPrint without ctypes.util.find_library (each call
    runs ldconfig in a subprocess; ≈0.15 s a start), puts the real function back, and
    WeasyPrint still has Pango and HarfBuzz. In a fresh interpreter: here it is loaded."""
    code = textwrap.dedent("""
        import ctypes.util, os, sys
        calls = []
        real = ctypes.util.find_library
        ctypes.util.find_library = lambda name: calls.append(name) or real(name)
        counting = ctypes.util.find_library
        from leaflet.engine import prepare
        prepare()
        from weasyprint.text import ffi
        assert ctypes.util.find_library is counting, "find_library was not put back"
        assert ffi.pango and ffi.harfbuzz and ffi.fontconfig and ffi.harfbuzz_subset
        assert os.environ["FONTCONFIG_FILE"].endswith("fonts.conf")
        print(len(calls))
    """)
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "0"


def test_font_character_maps_are_read_once_per_font(tmp_path, monkeypatch):
    """The glyph rule's cmap is kept in a cache file named by the font's digest; a cache
    file that cannot be read is made again, never trusted."""
    from leaflet.check import glyphs

    monkeypatch.setattr(glyphs, "cache_dir", lambda: tmp_path)
    font = ROOT / "fonts/BIZUDPGothic-Regular.ttf"
    glyphs._cmap.cache_clear()
    full = glyphs.cmap(font)
    assert ord("膝") in full and ord("⚕") not in full
    (saved,) = tmp_path.glob("cmap-*.bin")
    assert saved.name == f"cmap-{hashlib.sha256(font.read_bytes()).hexdigest()}.bin"

    saved.write_bytes(array("I", [ord("A")]).tobytes())  # what the cache says is believed
    glyphs._cmap.cache_clear()
    assert glyphs.cmap(font) == {ord("A")}

    saved.write_bytes(b"\x01\x02\x03")  # torn: not a whole number of entries
    glyphs._cmap.cache_clear()
    assert glyphs.cmap(font) == full
    glyphs._cmap.cache_clear()
