"""Helpers for the hardening tests (issue 16): a project with two good handouts around a
bad one, the command line in this process or in a child process (for what could hang,
or needs other privileges), and every byte a PDF holds, decoded, to prove that nothing
from outside the project was embedded."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import PDFStream

import make_pdf
from leaflet.project import Project

from .conftest import ROOT

GOOD = "---\nkind: faq\ntitle: 良い例\nrevised: 2026-11-20\n---\n\n## 質問\n\n答え。\n"
FRONT = "---\nkind: faq\ntitle: 悪い例\nrevised: 2026-11-20\n---\n\n## 質問\n\n"  # body from line 9
SECRET = b"OUTSIDE-SECRET-7f3a"  # in every outside file: it must never reach a PDF


def cli(project: Project, *args: str):
    return CliRunner().invoke(make_pdf.cli, [*args, "--project", str(project.root)])


def with_neighbours(write) -> None:
    """The two good handouts that must build whatever the bad one does."""
    write("a.md", GOOD)
    write("z.md", GOOD)


def assert_failed_alone(project: Project, output: str, code: int, bad: str, *words: str) -> None:
    """The issue's "done when": a Japanese error naming the handout, the other handouts
    built, index.html written, exit 1, no traceback, no outside byte in any PDF."""
    assert code == 1, output
    errors = [line for line in output.splitlines() if line.startswith(f"エラー: handouts/{bad}")]
    assert errors, output
    for word in words:
        assert word in errors[0], errors[0]
    assert "Traceback" not in output and "Error:" not in output.replace("エラー:", "")
    assert (project.out / "a.pdf").is_file() and (project.out / "z.pdf").is_file(), output
    assert (project.out / "index.html").is_file(), output
    assert "1件が失敗しました(ほかの 2件は作成済み)" in output
    assert_no_secret(project.out)


def pdf_bytes(pdf: Path) -> bytes:
    """The file and every stream in it, decoded (fonts, pictures, page contents)."""
    chunks = [pdf.read_bytes()]
    with open(pdf, "rb") as handle:
        document = PDFDocument(PDFParser(handle))
        for xref in document.xrefs:
            for objid in xref.get_objids():
                try:
                    obj = document.getobj(objid)
                except Exception:
                    continue
                if isinstance(obj, PDFStream):
                    try:
                        chunks.append(obj.get_data())
                    except Exception:
                        chunks.append(obj.get_rawdata() or b"")
    return b"".join(chunks)


def assert_no_secret(folder: Path) -> None:
    for pdf in folder.rglob("*.pdf"):
        assert SECRET not in pdf_bytes(pdf), pdf


def run_cli(project: Project, *args: str, timeout: float = 180, env: dict[str, str] | None = None,
            drop_read_override: bool = False) -> subprocess.CompletedProcess[str]:
    """``make_pdf.py`` in a child process (a hang fails the test instead of hanging it).
    ``drop_read_override``: without the power to read any file (for root, dropped with
    setpriv; others never had it), so that a file with mode 000 is really unreadable."""
    command = [sys.executable, str(ROOT / "make_pdf.py"), *args, "--project", str(project.root)]
    if drop_read_override and os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without setpriv: a file root cannot read cannot be made")
        command = [setpriv, "--bounding-set=-dac_override,-dac_read_search", *command]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=project.root,
                          env={**os.environ, **(env or {})})
