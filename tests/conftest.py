"""Shared fixtures: a throwaway copy of the project for tests that write handouts, and
the sample handouts built once per session for tests that read PDFs back.

Tests never read the clinic's own content (``handouts/``, ``clinic.yaml``,
``readings.yaml``): a clinic that adds handouts or its phone number must not see the
tests fail. They run on ``tests/fixtures/sample/``, an example project (a copy of the
handouts the project started with), copied to a temporary folder; the tool's own parts
(templates, styles, fonts) come from the project.
"""

from __future__ import annotations

import logging
import shutil
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from leaflet.project import Project

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SAMPLE = FIXTURES / "sample"  # the example project: handouts/, clinic.yaml, readings.yaml

TOOL_PARTS = ("templates", "styles", "fonts", "profiles")  # the tool's own, from the project
GUIDE = "docs"  # the staff guide (docs/guide/): the tool's own, written beside the catalog
SAMPLE_PARTS = ("clinic.yaml", "readings.yaml")  # the clinic's, from the sample


def wait_for(condition: Callable[[], bool], what: str, seconds: float = 60.0) -> None:
    """Poll ``condition`` until it holds; fail naming ``what`` after ``seconds`` (generous:
    the machine may be busy, and nothing is timed here)."""
    end = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > end:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def copy_project(dest: Path, with_handouts: bool = False, with_guide: bool = False) -> Project:
    """A project in ``dest``: the tool's templates, styles and fonts, the sample's
    clinic.yaml and readings.yaml, (``with_handouts``) the sample handouts and
    (``with_guide``) the tool's staff guide."""
    parts = [(ROOT / p, dest / p) for p in TOOL_PARTS] + [(SAMPLE / p, dest / p) for p in SAMPLE_PARTS]
    if with_handouts:
        parts.append((SAMPLE / "handouts", dest / "handouts"))
    if with_guide:
        parts.append((ROOT / GUIDE, dest / GUIDE))
    for src, target in parts:
        if src.is_dir():
            shutil.copytree(src, target)
        elif src.is_file():
            shutil.copy2(src, target)
    (dest / "handouts").mkdir(exist_ok=True)
    return Project.at(dest)


@pytest.fixture(scope="session")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The sample project with its handouts and the staff guide, copied once per session.
    Read it, do not change it (tests that change files use ``project``)."""
    return copy_project(tmp_path_factory.mktemp("sample") / "proj", with_handouts=True, with_guide=True)


@pytest.fixture(autouse=True)
def one_job_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI builds with one worker per core by default; in tests that do not ask for
    --jobs, one process (no fork server to start: a second saved per build). Parallel
    builds have their own tests (test_parallel, and those that pass --jobs)."""
    import make_pdf

    monkeypatch.setattr(make_pdf, "_cores", lambda: 1)


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
def bundled(sample: Project, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sample handouts, built once: name → PDF path."""
    from leaflet.site.publish import build_with_catalog as build

    out = tmp_path_factory.mktemp("out")
    project = Project.at(sample.root, out)
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
def bundled_xl(sample: Project, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sample handouts' extra-large editions (brochures have none): name → PDF path."""
    from leaflet.build import build

    out = tmp_path_factory.mktemp("out-xl")
    project = Project.at(sample.root, out)
    results = build(project, project.all_handouts(), out, edition="xl", explicit=False)
    failed = [r.error for r in results if not r.ok]
    assert not failed, failed
    return {r.name: r.pdf for r in results if r.pdf and not r.skipped}
