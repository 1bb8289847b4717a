"""Parallel builds (--jobs), the progress bar, and byte-identical PDFs."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys

import pytest
from click.testing import CliRunner

import make_pdf
from leaflet.build import build
from leaflet.check.preflight import RULES
from leaflet.project import Project

from .conftest import ROOT

# System tests: processes, time limits, worker pools (make test-slow; CI runs them).
pytestmark = pytest.mark.slow

FAQ = "---\nkind: faq\ntitle: 題{n}\nrevised: 2026-11-20\n---\n\n## 質問{n}\n\n答え{n}。\n"


def run(project: Project, *args: str):
    return CliRunner().invoke(make_pdf.cli, [*args, "--project", str(project.root)])


@pytest.fixture
def five(project: Project, write) -> Project:
    for n in range(5):
        write(f"h{n}.md", FAQ.format(n=n))
    return project


def pdfs(folder) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*.pdf"))}


def test_two_jobs_make_the_same_pdfs_in_the_same_order_as_one(five, tmp_path):
    one = run(five, "build", "--jobs", "1", "--out", str(tmp_path / "one"))
    two = run(five, "build", "--jobs", "2", "--out", str(tmp_path / "two"))
    assert one.exit_code == two.exit_code == 0, two.output
    lines = [re.sub(r"\d+\.\d秒", "", line.replace(str(tmp_path / "two"), str(tmp_path / "one")))
             for line in two.output.splitlines()]
    assert lines == [re.sub(r"\d+\.\d秒", "", line) for line in one.output.splitlines()]
    assert [line.split("/")[-1] for line in lines] == [
        line for n in range(5) for line in (f"h{n}.pdf(1ページ, )", f"  検査: {len(RULES)}項目すべて合格")]
    assert pdfs(tmp_path / "one") == pdfs(tmp_path / "two")


def test_a_failing_handout_fails_alone_in_a_parallel_run(five, write):
    assert run(five, "build", "--jobs", "2").exit_code == 0
    old = (five.root / "out/h2.pdf").read_bytes()
    write("h2.md", "---\nkind: faq\ntitle: 壊れた\nrevised: 2026-11-20\ncolour: red\n---\n")
    write("h4.md", FAQ.format(n="四"))

    result = run(five, "build", "--jobs", "2")

    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "最新: h0(変更なし)",
        "最新: h1(変更なし)",
        "エラー: handouts/h2.md:5: フロントマターの「colour」はこの種類(faq)では使えません — 使える項目: "
        "kind, title, revised, size, readings, relax",
        "最新: h3(変更なし)",
        result.output.splitlines()[4],
        f"  検査: {len(RULES)}項目すべて合格",
        "1件が失敗しました(ほかの 4件は作成済み)。",
    ]
    assert result.output.splitlines()[4].startswith("作成: out/h4.pdf(1ページ")
    assert (five.root / "out/h2.pdf").read_bytes() == old


def test_force_builds_into_two_folders_are_byte_identical(sample, tmp_path):
    """The sample handouts, once in this process and once in worker processes."""
    project = sample
    first = build(project, project.all_handouts(), tmp_path / "a", force=True, jobs=1)
    second = build(project, project.all_handouts(), tmp_path / "b", force=True, jobs=2)
    assert all(r.ok for r in first + second)
    assert len(pdfs(tmp_path / "a")) == 3
    assert pdfs(tmp_path / "a") == pdfs(tmp_path / "b")


def test_no_date_without_revised_or_source_date_epoch(project, write, monkeypatch):
    """A kind whose handouts need no revision date: the PDF gets SOURCE_DATE_EPOCH's
    date, or none at all (never the clock)."""
    from .pdfs import metadata, text_of

    (project.templates / "note.yaml").write_text(
        "label: メモ\nfields:\n  revised: {type: date, required: false}\n", encoding="utf-8")
    (project.templates / "note.html").write_text(
        '{% extends "base.html" %}{% block body %}{{ sections.main }}{% endblock %}', encoding="utf-8")
    write("n.md", "---\nkind: note\ntitle: メモ\n---\n\n本文\n")
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    plain = build(project, project.all_handouts(), project.out)
    assert plain[0].ok and not plain[0].warnings, plain[0]
    assert "CreationDate" not in metadata(project.out / "n.pdf")
    assert "改訂" not in text_of(project.out / "n.pdf")

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")  # 2026-09-21 UTC
    dated = build(project, project.all_handouts(), project.out)
    assert not dated[0].up_to_date  # the date source changed: rebuilt
    assert metadata(project.out / "n.pdf")["CreationDate"] == "D:20260921"
    assert "2026年9月21日 改訂" in text_of(project.out / "n.pdf")


def test_progress_bar_on_a_terminal(five):
    """A real terminal (a pty) gets rich's bar on stderr; the lines still print."""
    leader, follower = pty.openpty()
    child = subprocess.Popen(
        [sys.executable, "make_pdf.py", "build", "--jobs", "2", "--project", str(five.root)],
        cwd=ROOT, stdin=follower, stdout=follower, stderr=follower,
        env={**os.environ, "COLUMNS": "100", "TERM": "xterm"})
    os.close(follower)
    output = b""
    while True:  # read while it runs: a full pty would block the child
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the child has closed its end
            break
        if not chunk:
            break
        output += chunk
    os.close(leader)
    assert child.wait(timeout=120) == 0
    text = output.decode("utf-8", "replace")
    assert "作成中" in text and "5/5" in text  # the bar, finished
    assert all(f"作成: out/h{n}.pdf" in text for n in range(5))


def test_no_progress_bar_without_a_terminal(five):
    result = run(five, "build", "--jobs", "2")
    assert "作成中" not in result.output
    assert len(result.output.splitlines()) == 10  # a result line and a check line each
