"""No system font may stand in for a glyph our fonts lack."""

from __future__ import annotations

from leaflet.build import build_one

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
