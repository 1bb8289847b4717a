"""Incremental builds: what makes a handout's PDF be rebuilt, and what does not.

Each test builds a throwaway project through the CLI, changes one thing, builds again
and reads which handouts were made (作成) and which were left alone (最新).

The rebuild decisions are the subject, not the PDFs: the build runs for real (plan,
dependencies, state, load and validation, the template, --html, thumbnails, the
catalog) but WeasyPrint's layout, the preflight and the PDF writer are stood in for
(``stand_in``): a build takes milliseconds. Tests marked ``real_pdfs`` build real PDFs,
end to end."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest
from click.testing import CliRunner

import make_pdf
from leaflet.build import deps as deps_module
from leaflet.build.deps import deps_of
from leaflet.build.plan import plan_for
from leaflet.build.state import STATE_FILE
from leaflet.project import Project

from .conftest import ROOT, write_stretch
from .pdfs import text_of


@pytest.fixture(scope="module")
def tiny_pdf() -> bytes:
    """A valid one-page PDF, which the catalog can draw a thumbnail of."""
    import io

    import pypdfium2 as pdfium

    document = pdfium.PdfDocument.new()
    document.new_page(200, 200)
    data = io.BytesIO()
    document.save(data)
    return data.getvalue()


@pytest.fixture(autouse=True)
def stand_in(request, monkeypatch, tiny_pdf):
    """Builds in this process, with the layout, the checks and the PDF writer stood in."""
    if request.node.get_closest_marker("real_pdfs"):
        return
    from leaflet.atomic import write_atomic
    from leaflet.build import pipeline
    from leaflet.check.report import Report
    from leaflet.render.page import Rendered, render_html

    class Laid:
        pages = [object()]

    def render(project, handout, edition, max_pages=None):  # type: ignore[no-untyped-def]
        return Rendered(handout, render_html(project, handout, edition), Laid(), edition.name, edition.stylesheets)

    monkeypatch.setattr(pipeline, "render", render)
    monkeypatch.setattr(pipeline, "run_checks", lambda project, rendered: Report(rendered.handout.shown))
    monkeypatch.setattr(pipeline, "write_pdf", lambda rendered, target, data=None: write_atomic(target, tiny_pdf))

FAQ = """\
---
kind: faq
title: {title}
revised: 2026-11-20
---

## 質問

答え。{extra}
"""
SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20" fill="{}"/></svg>'


def run(project: Project, *args: str):
    return CliRunner().invoke(make_pdf.cli, [*args, "--project", str(project.root)])


def made(output: str) -> set[str]:
    return set(re.findall(r"^作成: out/(.+?)\.pdf", output, re.MULTILINE))


def fresh(output: str) -> set[str]:
    return set(re.findall(r"^最新: (.+?)\(変更なし\)", output, re.MULTILINE))


@pytest.fixture
def three(project: Project, write):
    """Two FAQ handouts and a stretch sheet, built once."""
    write("faq1.md", FAQ.format(title="一", extra=""))
    write("faq2.md", FAQ.format(title="二", extra=""))
    write_stretch(write, "stretch.md")
    first = run(project, "build")
    assert first.exit_code == 0, first.output
    assert made(first.output) == {"faq1", "faq2", "stretch"}
    return project


def test_unchanged_build_says_up_to_date_and_leaves_pdfs_alone(three):
    before = {p.name: p.stat().st_mtime_ns for p in (three.root / "out").glob("*.pdf")}
    result = run(three, "build")
    assert result.exit_code == 0, result.output
    assert result.output == "最新: faq1(変更なし)\n最新: faq2(変更なし)\n最新: stretch(変更なし)\n"
    assert {p.name: p.stat().st_mtime_ns for p in (three.root / "out").glob("*.pdf")} == before


@pytest.mark.real_pdfs
def test_editing_the_markdown_rebuilds_only_that_handout(three, write):
    write("faq2.md", FAQ.format(title="二", extra="追記しました。"))
    result = run(three, "build")
    assert made(result.output) == {"faq2"}
    assert fresh(result.output) == {"faq1", "stretch"}
    assert "追記しました" in text_of(three.root / "out/faq2.pdf")


def test_saving_without_changing_rebuilds_nothing(three):
    path = three.handouts / "faq1.md"
    path.write_bytes(path.read_bytes())  # new mtime, same bytes
    assert made(run(three, "build").output) == set()


def test_an_edit_that_keeps_size_and_mtime_still_rebuilds(three):
    """Some tools restore the modification time; the content decides."""
    path = three.handouts / "faq1.md"
    before = path.stat()
    path.write_text(path.read_text(encoding="utf-8").replace("答え。", "回答。"), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size
    assert made(run(three, "build").output) == {"faq1"}


@pytest.mark.parametrize("changed, rebuilt", [
    ("styles/faq.css", {"faq1", "faq2"}),
    ("templates/faq.html", {"faq1", "faq2"}),
    ("templates/faq.yaml", {"faq1", "faq2"}),
    ("styles/stretch.css", {"stretch"}),
    ("styles/base.css", {"faq1", "faq2", "stretch"}),
    ("templates/base.html", {"faq1", "faq2", "stretch"}),
    ("templates/_common.yaml", {"faq1", "faq2", "stretch"}),
    ("clinic.yaml", {"faq1", "faq2", "stretch"}),
    ("readings.yaml", {"faq1", "faq2", "stretch"}),
    ("fonts/BIZUDPGothic-Bold.ttf", {"faq1", "faq2", "stretch"}),
    ("styles/xl.css", set()),  # only the XL edition uses it
    ("styles/brochure.css", set()),  # no brochure here
])
def test_what_a_project_file_change_rebuilds(three, changed, rebuilt):
    path = three.root / changed
    path.write_bytes((path.read_bytes() if path.exists() else b"") + b"\n")
    result = run(three, "build")
    assert result.exit_code == 0, result.output
    assert made(result.output) == rebuilt
    assert fresh(result.output) == {"faq1", "faq2", "stretch"} - rebuilt


def test_editing_an_image_rebuilds_the_handouts_that_use_it(project, write):
    images = project.handouts / "images"
    images.mkdir()
    (images / "a.svg").write_text(SVG.format("red"))
    (images / "b.svg").write_text(SVG.format("red"))
    write("uses-a.md", FAQ.format(title="A", extra="\n\n![図](images/a.svg)"))
    write("uses-b.md", FAQ.format(title="B", extra='\n\n<img src="images/b.svg" alt="図">'))
    write("none.md", FAQ.format(title="N", extra=""))
    assert run(project, "build").exit_code == 0

    (images / "a.svg").write_text(SVG.format("blue"))
    assert made(run(project, "build").output) == {"uses-a"}
    (images / "b.svg").write_text(SVG.format("blue"))
    assert made(run(project, "build").output) == {"uses-b"}


def test_creating_a_missing_image_rebuilds(project, write):
    write("a.md", FAQ.format(title="A", extra="\n\n![図](later.svg)"))
    assert run(project, "build").exit_code == 1  # missing image: an error, nothing recorded
    (project.handouts / "later.svg").write_text(SVG.format("red"))
    result = run(project, "build")
    assert result.exit_code == 0, result.output
    assert made(result.output) == {"a"}


def test_the_size_option_builds_its_own_pdf_and_each_stays_up_to_date(three):
    xl = run(three, "build", "faq1", "--size", "xl")
    assert xl.exit_code == 0, xl.output
    assert "作成: out/xl/faq1.pdf" in xl.output
    assert "最新: faq1(変更なし)" in run(three, "build", "faq1", "--size", "xl").output
    assert "最新: faq1(変更なし)" in run(three, "build", "faq1").output
    (three.styles / "xl.css").write_text("/* changed */\n", encoding="utf-8")
    assert "作成: out/xl/faq1.pdf" in run(three, "build", "faq1", "--size", "xl").output
    assert "最新: faq1(変更なし)" in run(three, "build", "faq1").output


def test_naming_the_edition_a_build_makes_anyway_rebuilds_nothing(three):
    """`build` and `build --size normal` make the same normal PDF: either one after the
    other is up to date (they used to rebuild each other, as `make pdf` then did)."""
    pdf = three.root / "out/faq1.pdf"
    before = pdf.stat().st_mtime_ns
    assert "最新: faq1(変更なし)" in run(three, "build", "faq1", "--size", "normal").output
    assert "最新: faq1(変更なし)" in run(three, "build", "faq1").output
    assert pdf.stat().st_mtime_ns == before
    # After a real change each request builds once, and then both are up to date again.
    (three.styles / "faq.css").write_text("/* changed */\n", encoding="utf-8")
    assert "作成: out/faq1.pdf" in run(three, "build", "faq1", "--size", "normal").output
    assert "最新: faq1(変更なし)" in run(three, "build", "faq1").output
    assert "最新: faq1(変更なし)" in run(three, "build", "faq1", "--size", "normal").output


def test_an_xl_only_handout_is_the_same_pdf_for_build_and_size_xl(project, write):
    write("big.md", FAQ.format(title="大", extra="").replace("kind: faq", "kind: faq\nsize: xl"))
    assert "作成: out/xl/big.pdf" in run(project, "build").output
    assert "最新: big(変更なし)" in run(project, "build", "--size", "xl").output
    assert "最新: big(変更なし)" in run(project, "build").output


def test_build_options_are_part_of_the_digest(project, write):
    file = write("a.md", FAQ.format(title="A", extra=""))
    plain = deps_of(project, plan_for(project, file), options={})
    assert deps_of(project, plan_for(project, file), options={}).digest == plain.digest
    assert deps_of(project, plan_for(project, file), options={"strict": True}).digest != plain.digest


def test_a_new_tool_version_rebuilds_everything(three, monkeypatch):
    monkeypatch.setattr(deps_module, "tool_fingerprint", lambda: "another version")
    assert made(run(three, "build").output) == {"faq1", "faq2", "stretch"}


def test_force_rebuilds_everything(three):
    assert made(run(three, "build", "--force").output) == {"faq1", "faq2", "stretch"}


def test_a_deleted_pdf_is_rebuilt(three):
    (three.root / "out/faq1.pdf").unlink()
    assert made(run(three, "build").output) == {"faq1"}


def test_a_failing_handout_is_tried_again_and_keeps_its_pdf(three, write):
    good = (three.root / "out/faq1.pdf").read_bytes()
    write("faq1.md", "---\nkind: faq\ntitle: 一\n---\n")  # revised missing
    for _ in range(2):
        result = run(three, "build")
        assert result.exit_code == 1
        assert "エラー: handouts/faq1.md:2: revised(改訂日)がありません" in result.output
        assert "1件が失敗しました" in result.output
    assert (three.root / "out/faq1.pdf").read_bytes() == good


def test_deleted_handouts_pdfs_are_reported_then_removed_with_clean(three):
    (three.handouts / "faq2.md").unlink()
    result = run(three, "build")
    assert result.exit_code == 0
    assert "元の .md がない PDF: out/faq2.pdf(--clean で削除)" in result.output
    assert (three.root / "out/faq2.pdf").is_file()

    cleaned = run(three, "build", "--clean")
    assert "削除: out/faq2.pdf(元の .md がありません)" in cleaned.output
    assert not (three.root / "out/faq2.pdf").exists()
    assert "faq2" not in run(three, "build").output


def test_clean_removes_only_pdfs_this_tool_made(three):
    other = three.root / "out/from-elsewhere.pdf"
    other.write_bytes(b"%PDF-1.4 not ours")
    (three.handouts / "stretch.md").unlink()
    run(three, "build", "--clean")
    assert other.is_file()
    assert not (three.root / "out/stretch.pdf").exists()


def test_the_state_file_describes_each_pdf(three):
    state = json.loads((three.root / "out" / STATE_FILE).read_text(encoding="utf-8"))
    record = state["pdfs"]["faq1.pdf"]
    assert record["name"] == "faq1"
    assert record["source"] == "handouts/faq1.md"
    assert record["title"] == "一"
    assert record["kind"] == "faq"
    assert record["revised"] == "2026-11-20"
    assert record["pages"] == 1
    assert (record["check_failures"], record["warnings"]) == ([], [])  # every check passed, no warning
    assert record["requested"] == ["", "normal"]  # `build` and `build --size normal` both make it


def test_a_corrupt_state_file_means_a_full_build(three):
    (three.root / "out" / STATE_FILE).write_text("{not json", encoding="utf-8")
    assert made(run(three, "build").output) == {"faq1", "faq2", "stretch"}


def test_source_date_epoch_counts_only_without_revised(project, write, monkeypatch):
    with_date = write("a.md", FAQ.format(title="A", extra=""))
    before = deps_of(project, plan_for(project, with_date)).digest
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    assert deps_of(project, plan_for(project, with_date)).digest == before
    assert deps_of(project, plan_for(project, with_date)).settings.get("SOURCE_DATE_EPOCH") is None


@pytest.mark.real_pdfs
@pytest.mark.parametrize("name", ["knee/back-of-knee", "knee/chair-stretch", "knee/faq"])
@pytest.mark.parametrize("edition", ["normal", "xl"])
def test_deps_cover_every_file_the_render_reads(sample, name, edition, monkeypatch):
    """Every file a real render read — each URL the fetcher served (images, fonts,
    imported stylesheets), each stylesheet, each template — is in the dependency record."""
    from pathlib import Path
    from urllib.parse import urlsplit
    from urllib.request import url2pathname

    from leaflet.build.pipeline import render_handout
    from leaflet.build.plan import plan_for
    from leaflet.render import sheets
    from leaflet.render.fetcher import ProjectFetcher

    fetched: list[str] = []
    real = ProjectFetcher.fetch
    monkeypatch.setattr(ProjectFetcher, "fetch",
                        lambda self, url, headers=None: fetched.append(url) or real(self, url, headers))
    monkeypatch.setattr(sheets, "_cache", type(sheets._cache)())  # parse (and fetch) afresh
    file = sample.handouts / f"{name}.md"
    rendered = render_handout(sample, file, edition)
    rendered.document.write_pdf()  # SVG pictures are fetched while writing
    read = {Path(url2pathname(urlsplit(url).path)).resolve() for url in fetched if url.startswith("file:")}
    read |= {sheet.resolve() for sheet in rendered.stylesheets}
    read |= {sample.templates / "base.html", sample.templates / rendered.handout.kind.template}
    assert any(p.suffix == ".ttf" for p in read) and any(p.suffix == ".css" for p in read)
    found = deps_of(sample, plan_for(sample, file, edition=edition))
    assert read <= found.files, read - found.files
    assert found.plan and found.plan.target == sample.pdf_for(file, None, "" if edition == "normal" else edition)


def test_an_unchanged_build_imports_no_weasyprint_markdown_jinja2_or_yaml(three):
    run(three, "build")
    script = (
        "import sys; sys.argv = ['make_pdf', 'build', '--project', sys.argv[1]]\n"
        "import make_pdf\n"
        "try:\n    make_pdf.cli()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('weasyprint', 'markdown', 'jinja2', 'yaml') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(three.root)], cwd=ROOT,
                          capture_output=True, text=True, check=True)
    assert "最新: faq1(変更なし)" in done.stdout
    assert done.stdout.strip().endswith("[]"), done.stdout


def test_html_option_writes_the_rendered_html(three):
    result = run(three, "build", "faq1", "--html")
    assert result.exit_code == 0, result.output
    assert made(result.output) == {"faq1"}  # asked for HTML it does not have yet
    html = (three.root / "out/faq1.html").read_text(encoding="utf-8")
    assert '<h1 class="title"><span class="phrase">一</span></h1>' in html
    assert f'<link rel="stylesheet" href="{(three.styles / "faq.css").as_uri()}">' in html
    assert f'<base href="{three.handouts.as_uri()}/">' in html
    assert "最新: faq1(変更なし)" in run(three, "build", "faq1", "--html").output
    # Rebuilt later without --html, the old HTML would show the old text: it goes.
    write_faq = (three.handouts / "faq1.md")
    write_faq.write_text(write_faq.read_text(encoding="utf-8").replace("答え。", "新しい答え。"), encoding="utf-8")
    assert made(run(three, "build", "faq1").output) == {"faq1"}
    assert not (three.root / "out/faq1.html").exists()


def test_a_handout_called_index_never_removes_the_catalog(project, write):
    write("index.md", FAQ.format(title="索引", extra=""))
    assert run(project, "build").exit_code == 0
    assert (project.root / "out/index.pdf").is_file() and (project.root / "out/index.html").is_file()


@pytest.mark.real_pdfs
def test_the_html_renders_alone_like_the_pdf(three):
    """Raw WeasyPrint, given only the written HTML, lays out the same text."""
    from weasyprint import HTML

    (three.root / "out/stretch.pdf").unlink()
    run(three, "build", "stretch", "--html")
    raw = three.root / "raw.pdf"
    HTML(filename=str(three.root / "out/stretch.html")).write_pdf(raw)
    ours = text_of(three.root / "out/stretch.pdf")
    assert text_of(raw).replace("1 / 1", "").split() == ours.split()  # we drop "1 / 1"


def test_cli_build_options_reach_the_package(project, write, monkeypatch):
    from unittest import mock

    monkeypatch.undo()  # the machine's real number of cores, not the stand-in's one

    write("a.md", FAQ.format(title="A", extra=""))
    with mock.patch("leaflet.site.publish.build_with_catalog", autospec=True, return_value=[]) as called:
        result = run(project, "build", "--force", "--clean", "--jobs", "3", "--html", "--size", "xl")
    assert result.exit_code == 0, result.output
    kwargs = called.call_args.kwargs
    assert (kwargs["force"], kwargs["clean"], kwargs["jobs"], kwargs["html"]) == (True, True, 3, True)
    assert called.call_args.args[3] == "xl"
    with mock.patch("leaflet.site.publish.build_with_catalog", autospec=True, return_value=[]) as called:
        run(project, "build")
    assert called.call_args.kwargs["jobs"] == len(os.sched_getaffinity(0))  # default: the cores


def test_editing_a_stylesheet_a_handout_links_rebuilds_it(project, write):
    (project.handouts / "extra.css").write_text("@import 'more.css';\np { color: #111; }\n")
    (project.handouts / "more.css").write_text("h2 { color: #111; }\n")
    write("linked.md", FAQ.format(title="L", extra='\n\n<link rel="stylesheet" href="extra.css">'))
    write("plain.md", FAQ.format(title="P", extra=""))
    assert run(project, "build").exit_code == 0

    (project.handouts / "extra.css").write_text("@import 'more.css';\np { color: #222; }\n")
    assert made(run(project, "build").output) == {"linked"}
    (project.handouts / "more.css").write_text("h2 { color: #222; }\n")  # what it @imports
    assert made(run(project, "build").output) == {"linked"}


def test_clean_leaves_no_empty_folders(three):
    (three.handouts / "sub").mkdir()
    (three.handouts / "faq1.md").rename(three.handouts / "sub/deep.md")
    assert run(three, "build").exit_code == 0
    (three.handouts / "sub/deep.md").unlink()
    cleaned = run(three, "build", "--clean")
    assert "削除: out/sub/deep.pdf" in cleaned.output
    assert not (three.root / "out/sub").exists()
    assert not (three.root / "out/.thumbs/sub").exists()
    assert (three.root / "out").is_dir()


@pytest.mark.parametrize("format", [1, 2])
def test_a_state_file_from_a_previous_format_is_kept(three, format):
    """Formats 1 (one requested edition per record) and 2 (warnings and failed checks in
    a "summary") are read, not thrown away: their PDFs are still up to date, and a PDF
    whose handout was deleted can still be cleaned."""
    path = three.root / "out" / STATE_FILE
    state = json.loads(path.read_text(encoding="utf-8"))
    state["format"] = format
    for record in state["pdfs"].values():
        record["summary"] = {"check_failures": record.pop("check_failures"), "warnings": record.pop("warnings")}
        if format == 1:
            record["requested"] = ""
            del record["pdf_mtime_ns"]
    path.write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")
    (three.handouts / "faq2.md").unlink()
    result = run(three, "build", "--clean")
    assert result.exit_code == 0, result.output
    assert fresh(result.output) == {"faq1", "stretch"}
    assert not (three.root / "out/faq2.pdf").exists()


def test_a_pdf_changed_in_out_is_built_again(three):
    """A PDF truncated by a failed copy (or replaced by hand) is not what the build
    wrote: the next build makes it again instead of calling it up to date."""
    pdf = three.root / "out/faq1.pdf"
    pdf.write_bytes(pdf.read_bytes()[:1000])
    result = run(three, "build")
    assert made(result.output) == {"faq1"} and fresh(result.output) == {"faq2", "stretch"}
    assert pdf.read_bytes().rstrip().endswith(b"%%EOF")
