"""The catalog page (out/index.html) without a browser: its HTML, its thumbnails, and
how ``build`` keeps it up to date."""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import shutil

import pypdfium2 as pdfium
import pytest
import tinyhtml5
from click.testing import CliRunner

import make_pdf
from leaflet.build import build as build_only
from leaflet.build.thumbnail import THUMB_LONG_SIDE
from leaflet.site.catalog import CatalogEntry, update_catalog, write_catalog
from leaflet.site.publish import build_with_catalog as build

NS = "{http://www.w3.org/1999/xhtml}"
FAQ = """\
---
kind: faq
title: {title}
revised: 2026-11-20
---

## 質問

答え。
"""
TWO_PAGES = FAQ + "\n".join(f"\n## 質問{i}\n\n{'長い答えの文です。' * 40}" for i in range(2))


def entry(**changes) -> CatalogEntry:
    values = dict(name="knee/faq", title="膝の裏の痛み よくある質問", kind="faq",
                  kind_label="よくある質問", pages=2, revised="2026年11月20日",
                  pdf="knee/faq.pdf", thumbnail=".thumbs/knee/faq.png")
    values.update(changes)
    return CatalogEntry(**values)


def page(project, entries):
    path = write_catalog(project, project.out, entries, now=dt.datetime(2026, 11, 26, 9, 5))
    return path.read_text(encoding="utf-8"), tinyhtml5.parse(path.read_text(encoding="utf-8"))


def text(element) -> str:
    """The text as read, without the template's indentation between elements."""
    return re.sub(r"\s*\n\s*", "", "".join(element.itertext())).strip()


def cards(tree):
    return [li for li in tree.iter(f"{NS}li") if "card" in (li.get("class") or "").split()]


def card_text(card, cls: str) -> list[str]:
    return [text(e) for e in card.iter() if cls in (e.get("class") or "").split()]


# --- the HTML, from entries -------------------------------------------------------------


def test_titles_are_escaped_everywhere(project):
    title = '<script>alert("x")</script> & 「膝」'
    html, tree = page(project, [entry(title=title)])
    (card,) = cards(tree)
    assert text(next(card.iter(f"{NS}h2"))) == title
    assert card.get("data-title") == title
    assert "<script>alert" not in html
    assert "&lt;script&gt;" in html


def test_title_wraps_only_between_phrases(project):
    _, tree = page(project, [entry(title="椅子でできる 膝の裏のストレッチ")])
    h2 = next(cards(tree)[0].iter(f"{NS}h2"))
    pieces = [h2.text or ""] + [w.tail or "" for w in h2.iter(f"{NS}wbr")]
    assert pieces == ["椅子で", "できる", " 膝の", "裏の", "ストレッチ"]


@pytest.mark.parametrize("check, shown, cls", [
    (None, "点検: 未実施", "none"),
    ((), "点検: 問題なし", "ok"),
    (("font-size", "page-count"), "点検: 要確認(font-size、page-count)", "bad"),
])
def test_check_status_is_written_in_words(project, check, shown, cls):
    _, tree = page(project, [entry(check=check)])
    badges = [b for b in cards(tree)[0].iter(f"{NS}li") if "badge" in b.get("class", "")]
    (badge,) = [b for b in badges if "点検" in text(b)]
    assert text(badge).endswith(shown)
    assert cls in badge.get("class").split()


@pytest.mark.parametrize("changes, shown", [
    ({}, "最新の原稿から作成"),
    ({"stale": True}, "作り直しが必要(原稿が直されています)"),
    ({"stale": True, "problem": "handouts/knee/faq.md:1: …"}, "原稿に誤りがあります(前の版の PDF です)"),
])
def test_currency_is_written_in_words(project, changes, shown):
    _, tree = page(project, [entry(**changes)])
    badges = [text(b) for b in cards(tree)[0].iter(f"{NS}li") if "badge" in b.get("class", "")]
    assert badges[0].endswith(shown)


def test_kind_filter_values_and_counts(project):
    entries = [entry(), entry(name="a", kind="stretch", kind_label="ストレッチ用紙"),
               entry(name="b", kind="stretch", kind_label="ストレッチ用紙")]
    _, tree = page(project, entries)
    buttons = [(b.get("data-kind"), text(b), b.get("aria-pressed")) for b in tree.iter(f"{NS}button")]
    assert buttons == [("", "すべて3", "true"), ("faq", "よくある質問1", "false"),
                       ("stretch", "ストレッチ用紙2", "false")]
    assert [c.get("data-kind") for c in cards(tree)] == ["faq", "stretch", "stretch"]


def test_links_are_percent_encoded_and_relative(project):
    _, tree = page(project, [entry(name="膝 の/faq", pdf="膝 の/faq.pdf", thumbnail=".thumbs/膝 の/faq.png",
                                   xl_pdf="xl/膝 の/faq.pdf")])
    (card,) = cards(tree)
    links = {text(a): a for a in card.iter(f"{NS}a") if text(a)}
    encoded = "%E8%86%9D%20%E3%81%AE/faq.pdf"
    assert links["開く"].get("href") == encoded and links["開く"].get("target") == "_blank"
    assert links["ダウンロード"].get("href") == encoded and links["ダウンロード"].get("download") == ""
    assert links["印刷"].get("href") == encoded and links["印刷"].get("data-print") == ""
    assert links["特大版を開く(文字がさらに大きい版)"].get("href") == "xl/" + encoded
    assert next(card.iter(f"{NS}img")).get("src") == ".thumbs/" + encoded.replace("faq.pdf", "faq.png")


def test_no_extra_large_link_without_that_pdf(project):
    html, _ = page(project, [entry()])
    assert "特大版" not in html


def test_page_is_self_contained_and_has_no_live_reload(project):
    html, tree = page(project, [entry()])
    assert tree.get("lang") == "ja"
    assert "http://" not in html and "https://" not in html  # nothing to fetch on a file share
    assert "<link" not in html and "fetch(" not in html
    assert "__reload" not in html  # only the served copy gets it
    assert "一覧の作成: 2026年11月26日 09:05" in html


def test_empty_catalog_says_how_to_fill_it(project):
    html, tree = page(project, [])
    assert not cards(tree)
    assert "まだ PDF がありません。" in html
    assert 'id="tools"' not in html


# --- from real builds ---------------------------------------------------------------------


def test_build_lists_every_handout_with_a_pdf_even_when_one_is_named(project, write):
    write("knee/a.md", FAQ.format(title="一つ目"))
    write("knee/b.md", FAQ.format(title="二つ目"))
    write("c.md", FAQ.format(title="まだ作っていない"))
    runner = CliRunner()
    for name in ("knee/a", "knee/b"):
        result = runner.invoke(make_pdf.cli, ["build", name, "--project", str(project.root)])
        assert result.exit_code == 0, result.output
    tree = tinyhtml5.parse((project.out / "index.html").read_text(encoding="utf-8"))
    assert [(c.get("data-name"), c.get("data-title")) for c in cards(tree)] == [
        ("knee/a", "一つ目"), ("knee/b", "二つ目")]
    assert card_text(cards(tree)[0], "facts")[0].startswith("ページ数1ページ改訂日2026年11月20日")


def test_thumbnail_is_the_first_page(project, write):
    write("long.md", TWO_PAGES.format(title="二ページの資料"))
    (result,) = build(project, project.all_handouts())
    assert result.pages == 2
    thumb = project.out / ".thumbs/long.png"
    with _image(thumb) as image:
        assert max(image.size) == THUMB_LONG_SIDE
        assert image.size[0] < image.size[1]  # A4 portrait
        first, second = (_difference(image, _render(result.pdf, i, image.size)) for i in (0, 1))
        assert first < 4 < second  # mean difference per channel, out of 255 (colours are reduced)


def test_thumbnails_are_cached_until_the_pdf_changes(project, write):
    write("a.md", FAQ.format(title="一つ目"))
    build(project, project.all_handouts())
    thumb = project.out / ".thumbs/a.png"
    first = thumb.stat()
    update_catalog(project)
    assert thumb.stat().st_ino == first.st_ino  # not redrawn
    build(project, project.all_handouts(), force=True)  # a new PDF
    again = thumb.stat()
    assert again.st_ino != first.st_ino
    assert again.st_mtime_ns == (project.out / "a.pdf").stat().st_mtime_ns


def test_a_current_picture_takes_the_page_count_from_the_build(project, write, monkeypatch):
    """The catalog does not reopen a PDF whose picture was drawn from it: the build
    recorded its pages. A PDF without a matching picture is opened as before."""
    write("long.md", TWO_PAGES.format(title="二ページの資料"))
    write("a.md", FAQ.format(title="一つ目"))
    build(project, project.all_handouts())
    opened: list[bytes] = []  # the catalog opens the bytes the guarded reader read
    real = pdfium.PdfDocument
    monkeypatch.setattr(pdfium, "PdfDocument", lambda data, *a, **k: opened.append(data) or real(data, *a, **k))
    update_catalog(project)
    assert opened == []
    tree = tinyhtml5.parse((project.out / "index.html").read_text(encoding="utf-8"))
    assert [card_text(c, "facts")[0][:8] for c in cards(tree)] == ["ページ数1ページ", "ページ数2ページ"]
    (project.out / ".thumbs/long.png").unlink()
    update_catalog(project)
    assert opened == [(project.out / "long.pdf").read_bytes()]


def test_a_pdf_written_without_its_record_is_counted_again(project, write):
    """A build interrupted after a worker wrote the PDF and its picture but before the
    main process recorded it: the old record's page count must not be shown."""
    from leaflet.build.parallel import Task, run_task

    file = write("a.md", FAQ.format(title="一つ目"))
    build(project, project.all_handouts())
    write("a.md", TWO_PAGES.format(title="一つ目"))
    assert run_task(project, Task(file, project.out)).pages == 2  # what a worker does; no record
    update_catalog(project)
    tree = tinyhtml5.parse((project.out / "index.html").read_text(encoding="utf-8"))
    assert card_text(cards(tree)[0], "facts")[0].startswith("ページ数2ページ")


def test_deleted_pdf_drops_its_card_and_thumbnail(project, write):
    write("a.md", FAQ.format(title="一つ目"))
    write("b.md", FAQ.format(title="二つ目"))
    build(project, project.all_handouts())
    (project.out / "b.pdf").unlink()
    update_catalog(project)
    assert not (project.out / ".thumbs/b.png").exists()
    assert "二つ目" not in (project.out / "index.html").read_text(encoding="utf-8")


def test_edited_or_broken_source_marks_the_card(project, write):
    write("a.md", FAQ.format(title="一つ目"))
    write("b.md", FAQ.format(title="二つ目"))
    build(project, project.all_handouts())
    later = (project.out / "a.pdf").stat().st_mtime_ns + 10**9
    os.utime(project.handouts / "a.md", ns=(later, later))
    write("b.md", "---\nkind: faq\ntitle: 二つ目\n")  # front matter never closed
    os.utime(project.handouts / "b.md", ns=(later, later))
    update_catalog(project)
    tree = tinyhtml5.parse((project.out / "index.html").read_text(encoding="utf-8"))
    a, b = cards(tree)
    assert card_text(a, "warn")[0].endswith("作り直しが必要(原稿が直されています)")
    assert card_text(b, "warn")[0].endswith("原稿に誤りがあります(前の版の PDF です)")
    assert b.get("data-title") == "b"  # the title cannot be read: the name stands in


def test_check_results_can_be_fed_in(project, write):
    write("a.md", FAQ.format(title="一つ目"))
    write("b.md", FAQ.format(title="二つ目"))
    build_only(project, project.all_handouts())
    update_catalog(project, checks={"a": [], "b": ["文字が小さすぎる"]})
    tree = tinyhtml5.parse((project.out / "index.html").read_text(encoding="utf-8"))
    a, b = cards(tree)
    assert card_text(a, "ok")[-1].endswith("点検: 問題なし")
    assert card_text(b, "bad")[0].endswith("点検: 要確認(文字が小さすぎる)")


def test_unreadable_pdf_is_listed_without_a_picture(project, write, caplog):
    write("a.md", FAQ.format(title="一つ目"))
    project.out.mkdir()
    (project.out / "a.pdf").write_bytes(b"%PDF-1.7 not really")
    caplog.set_level(logging.WARNING)
    update_catalog(project)
    assert "a.pdf: PDF を読めないため、一覧に縮小画像を載せません" in caplog.text
    tree = tinyhtml5.parse((project.out / "index.html").read_text(encoding="utf-8"))
    (card,) = cards(tree)
    assert card_text(card, "nothumb") == ["見本を表示できません"]
    assert "ページ数不明" in card_text(card, "facts")[0]


def test_catalog_that_cannot_be_written_is_a_warning_not_a_failed_build(project, write, caplog):
    write("a.md", FAQ.format(title="一つ目"))
    (project.out / "index.html").mkdir(parents=True)  # a folder where the page should go
    caplog.set_level(logging.WARNING)
    (result,) = build(project, project.all_handouts())
    assert result.ok and result.pdf.is_file()
    assert "一覧ページ(index.html)を書けませんでした" in caplog.text


def _image(path):
    from PIL import Image

    return Image.open(path).convert("RGB")


def _difference(a, b) -> float:
    from PIL import ImageChops, ImageStat

    return sum(ImageStat.Stat(ImageChops.difference(a, b)).mean) / 3


def _render(pdf, index, size):
    document = pdfium.PdfDocument(pdf)
    try:
        page = document[index]
        scale = THUMB_LONG_SIDE / max(page.get_width(), page.get_height())
        return page.render(scale=scale).to_pil().convert("RGB").resize(size)
    finally:
        document.close()


def test_no_line_starts_with_a_closing_bracket(project):
    _, tree = page(project, [entry(stale=True)])
    badge = next(b for b in cards(tree)[0].iter(f"{NS}span") if "作り直し" in text(b))
    pieces = [badge.text or ""] + [w.tail or "" for w in badge.iter(f"{NS}wbr")]
    assert pieces[-1].endswith(")") and len(pieces[-1]) > 1


def test_check_status_comes_from_the_build(project, write):
    write("good.md", FAQ.format(title="良い"))
    write("bad.md", FAQ.format(title="悪い") + "\n記号 ⚕ です。\n")  # a glyph our fonts lack
    build(project, project.all_handouts())

    def card(title: str) -> str:
        html = (project.out / "index.html").read_text(encoding="utf-8").replace("<wbr>", "")
        return next(c for c in html.split('<li class="card"')[1:] if f'data-title="{title}"' in c)

    assert "点検: 問題なし" in card("良い")
    assert "点検: 要確認(フォントにない文字)" in card("悪い")
    # Rewritten later without a build (serve --no-build), it still knows, from the state.
    update_catalog(project)
    assert "点検: 要確認(フォントにない文字)" in card("悪い")
    assert "点検: 問題なし" in card("良い")


def test_an_xl_only_handout_has_its_card(project, write):
    write("big.md", FAQ.format(title="特大だけ").replace("revised:", "size: xl\nrevised:"))
    build(project, project.all_handouts())
    html = (project.out / "index.html").read_text(encoding="utf-8").replace("<wbr>", "")
    card = next(c for c in html.split('<li class="card"')[1:] if 'data-title="特大だけ"' in c)
    assert 'href="xl/big.pdf"' in card and "特大版を開く" not in card
    assert (project.out / ".thumbs/big.png").is_file()


def test_deleting_the_last_handout_of_a_folder_updates_the_catalog(project, write):
    """Its thumbnail's folder is emptied and removed while the old pictures are pruned;
    that used to break the walk, leave index.html listing the deleted PDF, and repeat."""
    write("a.md", FAQ.format(title="一つ目"))
    write("solo/x.md", FAQ.format(title="ひとつだけ"))
    build(project, project.all_handouts())
    (project.handouts / "solo/x.md").unlink()
    build(project, project.all_handouts(), clean=True)
    page = (project.out / "index.html").read_text(encoding="utf-8")
    assert "ひとつだけ" not in page and "一つ目" in page
    assert not (project.out / ".thumbs/solo").exists()


def test_a_broken_clinic_yaml_is_a_warning_for_the_catalog(project, write, caplog):
    write("a.md", FAQ.format(title="一つ目"))
    build(project, project.all_handouts())
    (project.root / "clinic.yaml").write_text("name: 一\nname: 二\n", encoding="utf-8")
    caplog.set_level(logging.WARNING)
    update = __import__("leaflet.site.catalog", fromlist=["refresh_catalog"]).refresh_catalog
    assert update(project) is None
    assert "一覧ページ(index.html)を書けませんでした: clinic.yaml:2:" in caplog.text


def test_deleted_pictures_come_back_on_the_next_build(project, write):
    write("a.md", FAQ.format(title="一つ目"))
    build(project, project.all_handouts())
    shutil.rmtree(project.out / ".thumbs")
    (result,) = build(project, project.all_handouts())
    assert result.up_to_date
    assert (project.out / ".thumbs/a.png").is_file()
