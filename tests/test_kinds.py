"""A kind is data: schema validation, and a fourth kind that needs no Python."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import textwrap

import pytest

from leaflet.build.pipeline import build_one
from leaflet.errors import HandoutError
from leaflet.source.kinds import available
from leaflet.source.load import load

from .conftest import FOURTH_KIND, SAMPLE
from .pdfs import fonts, page_sizes_mm, text_of


def test_bundled_kinds(project):
    assert available(project) == ["brochure", "faq", "stretch"]


@pytest.mark.parametrize("front, line, words", [
    ("title: 題\nrevised: 2026-11-20", 2, "kind(種類)がありません"),
    ("kind: poster\ntitle: 題\nrevised: 2026-11-20", 2, "brochure, faq, stretch"),
    ("kind: faq\nrevised: 2026-11-20", 2, "title(タイトル)がありません"),
    ("kind: faq\ntitle: 題\nrevised: 昨日", 4, "改訂日"),
    ("kind: faq\ntitle: 題\nrevised: 2026-11-20\ncolour: red", 5, "「colour」はこの種類(faq)では使えません"),
    ("kind: faq\ntitle: 題\nrevised: 2026-11-20\nsize: huge", 5, "使える値: normal, xl"),
    ("kind: stretch\ntitle: 題\nrevised: 2026-11-20\nhold_seconds: 999", 5, "範囲外"),
    # a misspelt required key is named as written, on its own line
    ("kind: faq\ntitel: 題\nrevised: 2026-11-20", 3, "「titel」はこの種類(faq)では使えません"),
    ("kind: stretch\ntitle: 題\nrevised: 2026-11-20\nhold_seconds:", 5, "hold_seconds(保つ秒数)の値がありません"),
    ("kind: stretch\ntitle: 題\nrevised: 2026-11-20\nhold_seconds: true", 5, "値「true」の形が違います"),
    ("kind: faq\ntitle: 題\nrevised: 2026-13-40", 4, "日付が正しくありません(その日付はありません)"),
])
def test_schema_errors(project, write, front, line, words):
    path = write("x.md", f"---\n{front}\n---\n本文\n")
    with pytest.raises(HandoutError) as caught:
        load(project, path)
    assert caught.value.line == line
    assert words in str(caught.value)


def test_front_matter_values_are_escaped(project, write, tmp_path):
    path = write("x.md", """
        ---
        kind: faq
        title: "<b>太字</b> & 記号"
        revised: 2026-11-20
        ---
        本文
        """)
    result = build_one(project, path, tmp_path / "out")
    assert result.ok, result.error
    assert "<b>太字</b> & 記号" in text_of(result.pdf)


def test_fourth_kind_needs_no_python(project, write, tmp_path):
    for name, text in FOURTH_KIND.items():
        (project.root / name).write_text(textwrap.dedent(text), encoding="utf-8")
    assert "poster" in available(project)
    path = write("p.md", """
        ---
        kind: poster
        title: お知らせ
        slogan: 膝をいたわろう
        revised: 2026-11-20
        ---
        本文です。
        """)
    result = build_one(project, path, tmp_path / "out")
    assert result.ok, result.error
    assert page_sizes_mm(result.pdf) == [(297, 420)]  # the kind's own stylesheet: A3
    assert "膝をいたわろう" in text_of(result.pdf)
    assert set(fonts(result.pdf)) <= {"BIZ-UDPGothic", "BIZ-UDPGothic-Bold"}


def test_fourth_kind_schema_is_enforced(project, write):
    for name, text in FOURTH_KIND.items():
        (project.root / name).write_text(textwrap.dedent(text), encoding="utf-8")
    path = write("p.md", "---\nkind: poster\ntitle: お知らせ\nrevised: 2026-11-20\n---\n本文\n")
    with pytest.raises(HandoutError, match="slogan"):
        load(project, path)


@pytest.mark.parametrize("edition", ["normal", "xl"])
def test_the_largest_log_table_the_schema_allows_still_fits(project, edition):
    """A schema maximum is a promise: the bundled stretch sheet with ``log_days`` at its
    maximum passes every check (one page; the XL edition in its two)."""
    from leaflet.yamlfile import read_file

    top = read_file(project.templates / "stretch.yaml", project.root)["fields"]["log_days"]["max"]
    shutil.copytree(SAMPLE / "handouts/knee", project.handouts / "knee")
    file = project.handouts / "knee/chair-stretch.md"
    text = file.read_text(encoding="utf-8")
    assert "log_days: 14" in text
    file.write_text(text.replace("log_days: 14", f"log_days: {top}"), encoding="utf-8")
    result = build_one(project, file, project.out, edition)
    assert result.ok, result.error
    assert result.check_failures == [], result.check_failures
    assert pdf_day_cells(result.pdf) == top


def pdf_day_cells(pdf) -> int:
    return len(re.findall(r"\d+日目", text_of(pdf)))


def test_quoted_numbers_and_dates_are_what_the_editor_meant(project, write):
    path = write("x.md", '---\nkind: stretch\ntitle: 題\nrevised: "2026-11-20"\nhold_seconds: "２０"\n---\n'
                 "::: helps\n\n楽に。\n\n::: safety\n\n- 痛いときはやめます。\n\n::: steps\n\n1. 伸ばす。\n")
    meta = load(project, path).meta
    assert meta["revised"] == dt.date(2026, 11, 20) and meta["hold_seconds"] == 20


def test_stretch_steps_written_as_bullets_are_numbered_steps(project):
    """An editor may write the steps with "- "; they print as numbered steps, without a
    bullet in front of the number."""
    shutil.copytree(SAMPLE / "handouts/knee", project.handouts / "knee")
    file = project.handouts / "knee/chair-stretch.md"
    text = file.read_text(encoding="utf-8")
    file.write_text(re.sub(r"^(\s*)\d+\. ", r"\1- ", text, flags=re.MULTILINE), encoding="utf-8")
    result = build_one(project, file, project.out)
    assert result.ok and result.check_failures == [], (result.error, result.check_failures)
    drawn = text_of(result.pdf)
    assert drawn.count("•") == 3  # the safety list's own bullets only
    assert re.findall(r"^([123]) ", drawn, re.MULTILINE) == ["1", "2", "3"], drawn
