"""The tool installs like any Python package: ``pip install .`` into a clean virtualenv
gives a ``make-pdf`` command that builds a project's handouts from its folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from .conftest import ROOT, copy_project

SOURCES = ("pyproject.toml", "README.md", "make_pdf.py", "leaflet")


@pytest.mark.slow
def test_pip_install_into_a_clean_venv_builds_the_handouts(tmp_path):
    source = tmp_path / "src"  # a copy: pip builds in the source folder, and this one stays clean
    source.mkdir()
    for name in SOURCES:
        (shutil.copytree if (ROOT / name).is_dir() else shutil.copy2)(ROOT / name, source / name)  # type: ignore[operator]
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "FONTCONFIG_FILE", "MAKE_PDF_SCRATCH")}
    # The pinned versions, from the same index `make setup` uses (pip's cache keeps it quick).
    subprocess.run([str(venv / "bin/python"), "-m", "pip", "install", "-q", "--disable-pip-version-check",
                    "-c", str(ROOT / "requirements.txt"), str(source)], check=True, env=env, timeout=1200)
    project = copy_project(tmp_path / "clinic", with_handouts=True)
    env["TMPDIR"] = tempfile.mkdtemp(prefix="mp-")  # short: the worker processes' socket lives there
    command = [str(venv / "bin/make-pdf")]
    version = subprocess.run([*command, "--version"], capture_output=True, text=True, env=env, cwd=project.root)
    assert version.returncode == 0 and "0." in version.stdout, version.stderr
    for args in (["build"], ["build", "--size", "xl"]):  # run in the project folder: no --project
        done = subprocess.run([*command, *args], capture_output=True, text=True, env=env, cwd=project.root,
                              timeout=600)
        assert done.returncode == 0, done.stdout + done.stderr
    pdfs = sorted(p.relative_to(project.out).as_posix() for p in project.out.rglob("*.pdf"))
    assert pdfs == ["knee/back-of-knee.pdf", "knee/chair-stretch.pdf", "knee/faq.pdf",
                    "xl/knee/chair-stretch.pdf", "xl/knee/faq.pdf"]
    assert (project.out / "index.html").is_file()
    installed = subprocess.run([str(venv / "bin/python"), "-c", "import leaflet; print(leaflet.__file__)"],
                               capture_output=True, text=True, env=env, cwd=tmp_path, check=True)
    assert Path(installed.stdout.strip()).is_relative_to(venv)  # the installed copy, not this checkout
    shutil.rmtree(env["TMPDIR"])
