"""The staff guide (docs/guide/index.md → out/guide/index.html beside the catalog): written
with its pictures, linked from the catalog, kept up to date cheaply, and in step with what
the tool really says (its check labels, kinds and clinic.yaml fields)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import tinyhtml5

from leaflet.check.preflight import LABELS
from leaflet.site.catalog import update_catalog
from leaflet.source.kinds import available

from .conftest import ROOT, SAMPLE, copy_project

GUIDE = ROOT / "docs/guide/index.md"


@pytest.fixture
def with_guide(tmp_path):
    return copy_project(tmp_path / "proj", with_guide=True)


def _guide_link(out: Path) -> list[str]:
    tree = tinyhtml5.parse((out / "index.html").read_text(encoding="utf-8"))
    return [a.get("href") for a in tree.iter("{http://www.w3.org/1999/xhtml}a") if "staff-guide-link" in (a.get("class") or "")]


def test_the_catalog_writes_and_links_the_guide_with_its_pictures(with_guide):
    out = with_guide.out
    update_catalog(with_guide, out)
    assert _guide_link(out) == ["guide/index.html"]
    page = (out / "guide/index.html").read_text(encoding="utf-8")
    assert "<h1" in page and "スタッフのための手引き" in page
    assert 'href="../index.html"' in page  # back to the catalog
    pictures = re.findall(r'<img alt="([^"]*)" src="([^"]+)"', page)
    assert len(pictures) == 4
    for alt, src in pictures:
        assert len(alt) >= 10, src
        assert (out / "guide" / src).is_file(), src  # copied beside the page
    # Its link to the print-and-fold guide leads to the page the catalog wrote beside it.
    assert 'href="../print-guide.html"' in page and (out / "print-guide.html").is_file()
    # Everything the page needs is in it or beside it: it works from a file share.
    assert "<link" not in page and "<script src" not in page


def test_no_guide_no_link(project):
    update_catalog(project, project.out)
    assert _guide_link(project.out) == []
    assert not (project.out / "guide").exists()


def test_the_guide_is_only_made_again_when_it_changed(with_guide):
    out = with_guide.out
    update_catalog(with_guide, out)
    page = out / "guide/index.html"
    stamp = page.stat().st_mtime_ns  # the newest time of what it is made from
    page.write_text("kept", encoding="utf-8")
    os.utime(page, ns=(stamp, stamp))
    source = with_guide.root / "docs/guide/index.md"
    update_catalog(with_guide, out)
    assert page.read_text(encoding="utf-8") == "kept"  # nothing changed: not rewritten
    source.write_text(source.read_text(encoding="utf-8").replace("## 困ったときは", "## 困ったとき"),
                      encoding="utf-8")
    os.utime(source, ns=(page.stat().st_mtime_ns + 10**9,) * 2)
    update_catalog(with_guide, out)
    assert "困ったとき</h2>" in page.read_text(encoding="utf-8")
    base = with_guide.templates / "catalog/_page.html"  # the head the catalog pages share
    base.write_text(base.read_text(encoding="utf-8").replace("<body>", '<body class="changed">'), encoding="utf-8")
    os.utime(base, ns=(page.stat().st_mtime_ns + 10**9,) * 2)
    update_catalog(with_guide, out)
    assert '<body class="changed">' in page.read_text(encoding="utf-8")
    assert '<body class="changed">' in (out / "index.html").read_text(encoding="utf-8")
    assert '<body class="changed">' in (out / "print-guide.html").read_text(encoding="utf-8")


def test_a_picture_removed_from_the_guide_is_removed_from_out(with_guide):
    out = with_guide.out
    update_catalog(with_guide, out)
    (with_guide.root / "docs/guide/images/faq-1.png").unlink()
    update_catalog(with_guide, out)
    assert not (out / "guide/images/faq-1.png").exists()
    assert (out / "guide/images/stretch.png").exists()


def test_a_guide_that_cannot_be_written_still_leaves_the_catalog(with_guide, caplog):
    out = with_guide.out
    (out / "guide").mkdir(parents=True)
    (out / "guide/index.html").mkdir()  # a folder where the page should go
    update_catalog(with_guide, out)
    assert (out / "index.html").is_file()
    assert _guide_link(out) == []
    assert "使い方の手引き" in caplog.text


@pytest.mark.parametrize("part", ["images/secret.png", "index.md", "template"])
def test_a_guide_file_linked_from_outside_the_project_is_refused_unread(with_guide, tmp_path, caplog, part):
    """The guide reads through the guarded reader: a picture, the Markdown or the page's
    template that is a link to a file outside the project is never read nor copied into
    out/; the catalog is still written, and the warning names the file."""
    out = with_guide.out
    outside = tmp_path / "outside.png"
    outside.write_bytes(b"SECRET-BYTES")
    guide = with_guide.root / "docs/guide"
    link = {"images/secret.png": guide / "images/secret.png", "index.md": guide / "index.md",
            "template": with_guide.templates / "catalog/guide.html"}[part]
    link.unlink(missing_ok=True)
    link.symlink_to(outside)
    update_catalog(with_guide, out)
    assert (out / "index.html").is_file()
    assert _guide_link(out) == []
    copied = [p for p in out.rglob("*") if p.is_file() and b"SECRET-BYTES" in p.read_bytes()]
    assert copied == []
    assert "使い方の手引き" in caplog.text and "プロジェクトの外のファイルは読めません" in caplog.text
    assert link.relative_to(with_guide.root).as_posix() in caplog.text


# --- the guide says what the tool does ----------------------------------------------------

def test_the_guide_explains_every_check_by_its_label():
    text = GUIDE.read_text(encoding="utf-8")
    rows = {line.split("|")[1].strip() for line in text.splitlines() if line.startswith("| ")}
    assert set(LABELS.values()) <= rows, set(LABELS.values()) - rows


def test_the_guide_shows_every_kind_and_its_page(project):
    text = GUIDE.read_text(encoding="utf-8")
    for kind in available(project):  # the tool's kinds (templates/)
        assert f"kind: {kind}" in text, kind
    for picture in ("brochure-outside", "brochure-inside", "stretch", "faq-1"):
        assert f"(images/{picture}.png)" in text
        assert (ROOT / f"docs/guide/images/{picture}.png").is_file()


def test_the_guide_covers_markdown_furigana_pictures_clinic_facts_and_printing():
    text = GUIDE.read_text(encoding="utf-8")
    for example in ("\n- ", "\n1. ", "**", "## ", "{膝窩筋|しっかきん}", "![", "readings: false"):
        assert example in text, example
    assert "半角スペースを2つ" in text  # why not the invisible line break
    for field in ("name", "doctor", "access", "treats", "menu", "phone", "address", "hours", "url"):
        assert f"`{field}`" in text or f"{field}:" in text, field
    assert "短辺とじ" in text and "](../print-guide.html)" in text  # the print-and-fold guide (issue 12)


def test_the_sample_handouts_use_no_invisible_line_breaks():
    for file in (SAMPLE / "handouts").rglob("*.md"):
        lines = file.read_text(encoding="utf-8").splitlines()
        assert not [n for n, line in enumerate(lines, 1) if line.endswith("  ")], file


def test_a_build_that_changes_no_pdf_still_refreshes_a_changed_guide(with_guide):
    from leaflet.site.publish import build_with_catalog as build

    from .conftest import write_stretch

    def write(name, text):
        path = with_guide.handouts / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    file = write_stretch(write, "s.md")
    build(with_guide, [file], with_guide.out)
    page = with_guide.out / "guide/index.html"
    assert page.is_file()
    source = with_guide.root / "docs/guide/index.md"
    source.write_text(source.read_text(encoding="utf-8").replace("## 困ったときは", "## 困ったとき"),
                      encoding="utf-8")
    os.utime(source, ns=(page.stat().st_mtime_ns + 10**9,) * 2)
    results = build(with_guide, [file], with_guide.out)
    assert all(r.up_to_date for r in results)  # no PDF was made again ...
    assert "困ったとき</h2>" in page.read_text(encoding="utf-8")  # ... the guide was
    (with_guide.out / "guide/images/stretch.png").unlink()
    build(with_guide, [file], with_guide.out)
    assert (with_guide.out / "guide/images/stretch.png").is_file()
