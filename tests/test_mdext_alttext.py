"""Alternative text from Markdown: a forgotten one is left missing (the preflight names
it), ``![装飾](…)`` is decoration (``alt=""``)."""

from __future__ import annotations

from leaflet.source.markdown.alttext import AltTextExtension

from .markdown_tools import assert_renders


def test_described_picture_keeps_its_alt():
    assert_renders("![椅子に座る](a.svg)", '<p><img alt="椅子に座る" src="a.svg"></p>', [AltTextExtension()])


def test_forgotten_alt_is_missing_not_empty():
    # alt="" would say "decoration" to every PDF and screen reader.
    assert_renders("![](a.svg)", '<p><img src="a.svg"></p>', [AltTextExtension()])
    assert_renders("![ ](a.svg)", '<p><img src="a.svg"></p>', [AltTextExtension()])


def test_decoration_is_said_in_words():
    assert_renders("![装飾](a.svg)", '<p><img alt="" src="a.svg"></p>', [AltTextExtension()])


def test_raw_html_keeps_html_meaning():
    html = '<p><img alt="" src="a.svg"></p>'
    assert_renders(html, html, [AltTextExtension()])
