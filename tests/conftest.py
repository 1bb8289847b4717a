"""Shared fixtures: a throwaway copy of the project for tests that write handouts, and
the bundled handouts built once per session for tests that read PDFs back."""

from __future__ import annotations

import logging
import shutil
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
sys.path.insert(0, str(ROOT))

from leaflet.project import Project  # noqa: E402

PROJECT_PARTS = ("templates", "styles", "fonts", "profiles", "clinic.yaml", "readings.yaml")


def wait_for(condition: Callable[[], bool], what: str, seconds: float = 60.0) -> None:
    """Poll ``condition`` until it holds; fail naming ``what`` after ``seconds`` (generous:
    the machine may be busy, and nothing is timed here)."""
    end = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > end:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def copy_project(dest: Path, with_handouts: bool = False) -> Project:
    for part in PROJECT_PARTS + (("handouts",) if with_handouts else ()):
        src = ROOT / part
        if src.is_dir():
            shutil.copytree(src, dest / part)
        elif src.is_file():
            shutil.copy2(src, dest / part)
    (dest / "handouts").mkdir(exist_ok=True)
    return Project.at(dest)


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """An empty project (our templates, styles, fonts and config; no handouts)."""
    return copy_project(tmp_path / "proj")


@pytest.fixture
def write(project: Project):
    """Write a handout into the test project: write("x.md", text) → its path."""

    def _write(name: str, text: str | bytes) -> Path:
        path = project.handouts / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    return _write


@pytest.fixture(scope="session")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The bundled handouts, built once: name → PDF path."""
    from leaflet.build import build

    out = tmp_path_factory.mktemp("out")
    project = Project.at(ROOT, out)
    results = build(project, project.all_handouts(), out)
    failed = [r.error for r in results if not r.ok]
    assert not failed, failed
    return {r.name: r.pdf for r in results}


@pytest.fixture
def no_warnings(caplog: pytest.LogCaptureFixture):
    """Fail the test if anything was logged at WARNING or above (like WeasyPrint's
    own @assert_no_logs)."""
    caplog.set_level(logging.WARNING)
    yield
    noisy = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert not noisy, noisy


# A minimal stretch sheet (its three required sections, a step with its picture), for
# tests that need one: write it with write_stretch().
STRETCH = """\
---
kind: stretch
title: 伸ばす
revised: 2026-11-20
hold_seconds: 20
log_days: 14
---

::: helps

楽になります。

::: safety

- 痛いときはやめます。

::: steps

1. ![伸ばす](images/step.svg)
   伸ばします。
"""
STEP_SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="30"><rect width="40" height="30"/></svg>'


def write_stretch(write, name: str) -> Path:
    """Write the minimal stretch sheet ``name`` and the step picture it shows."""
    write("images/step.svg", STEP_SVG)
    return write(name, STRETCH)


FOURTH_KIND = {
    "templates/poster.yaml": """\
        label: ポスター
        pages: {min: 1, max: 1}
        fields:
          slogan: {type: str, required: true, label: 標語}
        """,
    "templates/poster.html": """\
        {% extends "base.html" %}
        {% block body %}<h1>{{ meta.title }}</h1><p class="slogan">{{ meta.slogan }}</p>{{ sections.main }}{% endblock %}
        """,
    "styles/poster.css": """\
        @page { size: A3; }
        .slogan { font-size: 40pt; }
        """,
}


@pytest.fixture(scope="session")
def bundled_xl(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The bundled handouts' extra-large editions (brochures have none): name → PDF path."""
    from leaflet.build import build

    out = tmp_path_factory.mktemp("out-xl")
    project = Project.at(ROOT, out)
    results = build(project, project.all_handouts(), out, edition="xl", explicit=False)
    failed = [r.error for r in results if not r.ok]
    assert not failed, failed
    return {r.name: r.pdf for r in results if r.pdf and not r.skipped}
