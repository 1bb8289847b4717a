"""Nothing outside the project is read or deleted (issue 16, part 1): each fixture used
to read, hang on or delete something it should not."""

from __future__ import annotations

import io
import json
import os
import stat

import pytest
from PIL import Image

from leaflet.build.deps import FileHashes
from leaflet.build.pipeline import build_one
from leaflet.build.state import STATE_FILE

from .hardening import (
    FRONT,
    GOOD,
    SECRET,
    assert_failed_alone,
    assert_no_secret,
    cli,
    pdf_bytes,
    run_cli,
    with_neighbours,
)
from .pdfs import text_of

# System tests: processes, time limits, worker pools (make test-slow; CI runs them).
pytestmark = pytest.mark.slow


def jpeg(colour: str, comment: bytes) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (60, 40), colour).save(out, "JPEG", comment=comment)
    return out.getvalue()


@pytest.fixture
def photo(project, write, tmp_path):
    """handouts/photo.jpg (blue, marked INSIDE) shown by x.md, and an outside JPEG (red,
    marked with the secret) for a link to point at."""
    (project.handouts / "photo.jpg").write_bytes(jpeg("blue", b"INSIDE-PHOTO"))
    (tmp_path / "outside.jpg").write_bytes(jpeg("red", SECRET))
    return write("x.md", FRONT + "![写真](photo.jpg)\n"), tmp_path / "outside.jpg"


def swap_for_link(project, outside) -> None:
    photo = project.handouts / "photo.jpg"
    photo.unlink()
    photo.symlink_to(outside)


def test_a_picture_swapped_for_a_link_after_layout_is_not_embedded(project, photo, tmp_path, monkeypatch):
    """A sync client replaces the picture by a link between layout and the PDF write: the
    PDF holds the bytes the fetcher read, not the outside file's."""
    from leaflet.build import pipeline

    handout, outside = photo
    real_write = pipeline.write_pdf

    def swap_then_write(rendered, target, data=None):  # the hook: after layout, before the write
        swap_for_link(project, outside)
        return real_write(rendered, target, data)

    monkeypatch.setattr(pipeline, "write_pdf", swap_then_write)
    result = build_one(project, handout, tmp_path / "out")
    assert result.ok, result.error
    assert (project.handouts / "photo.jpg").is_symlink()  # the swap happened
    data = pdf_bytes(result.pdf)
    assert b"INSIDE-PHOTO" in data
    assert SECRET not in data


def test_without_the_snapshot_weasyprint_would_embed_the_outside_file(project, photo, tmp_path):
    """The control for the test above: WeasyPrint's own fetcher reads the picture again
    by its path when writing, so the same swap embeds the outside file."""
    from weasyprint import HTML

    handout, outside = photo
    document = HTML(string='<img src="photo.jpg">', base_url=str(project.handouts) + "/").render()
    swap_for_link(project, outside)
    target = tmp_path / "raw.pdf"
    document.write_pdf(target)
    assert SECRET in pdf_bytes(target)


@pytest.mark.parametrize("link, kind_file, words", [
    ("templates/faq.html", "faq", "templates/faq.html"),
    ("styles/faq.css", "faq", "styles/faq.css"),
])
def test_a_linked_template_or_stylesheet_is_refused(project, write, tmp_path, link, kind_file, words):
    """Jinja's loader and CSS(filename=) used to follow such links and print the content."""
    from .conftest import write_stretch

    outside = tmp_path / "outside"
    outside.write_bytes(b'{% extends "base.html" %}{% block body %}' + SECRET + b"{% endblock %}"
                        if link.endswith(".html") else b"body::after { content: '" + SECRET + b"'; }")
    (project.root / link).unlink()
    (project.root / link).symlink_to(outside)
    write_stretch(write, "s.md")
    write("bad.md", GOOD)
    result = cli(project, "build", "s", "bad")
    assert result.exit_code == 1, result.output
    assert f"エラー: handouts/bad.md: {words}: プロジェクトの外のファイルは読めません" in result.output
    assert (project.out / "s.pdf").is_file()
    assert SECRET.decode() not in text_of(project.out / "s.pdf")
    assert_no_secret(project.out)


def test_a_fifo_named_like_a_handout_never_hangs_build_list_or_check(project, write):
    with_neighbours(write)
    os.mkfifo(project.handouts / "bad.md")
    built = run_cli(project, "build", "--jobs", "2")
    assert_failed_alone(project, built.stdout + built.stderr, built.returncode, "bad.md",
                        "ふつうのファイルではありません")
    listed = run_cli(project, "list")
    assert listed.returncode == 1
    assert "bad\t(読めません)\thandouts/bad.md: ふつうのファイルではありません" in listed.stdout
    checked = run_cli(project, "check")
    assert checked.returncode == 1
    assert "handouts/bad.md: ふつうのファイルではありません" in checked.stdout + checked.stderr


def test_a_handout_linked_to_dev_zero_is_refused_unread(project, write):
    """It used to grow to 24 GB before the kernel killed the run."""
    with_neighbours(write)
    (project.handouts / "bad.md").symlink_to("/dev/zero")
    result = run_cli(project, "build", "--jobs", "1", timeout=120)
    assert_failed_alone(project, result.stdout + result.stderr, result.returncode, "bad.md",
                        "プロジェクトの外のファイルは読めません")


def test_a_device_and_a_folder_named_like_handouts(project, write):
    with_neighbours(write)
    (project.handouts / "bad.md").mkdir()
    result = cli(project, "build")
    assert_failed_alone(project, result.output, result.exit_code, "bad.md", "ファイルではなくフォルダです")
    if os.geteuid() != 0:
        return
    (project.handouts / "bad.md").rmdir()
    os.mknod(project.handouts / "bad.md", stat.S_IFCHR | 0o600, os.makedev(1, 5))
    result = run_cli(project, "build", timeout=120)
    assert_failed_alone(project, result.stdout + result.stderr, result.returncode, "bad.md",
                        "ふつうのファイルではありません")


def test_a_picture_linked_to_dev_zero_or_outside_is_refused(project, write, tmp_path):
    with_neighbours(write)
    (project.handouts / "zero.png").symlink_to("/dev/zero")
    write("bad.md", FRONT + '<img src="zero.png">\n')
    result = cli(project, "build")
    assert_failed_alone(project, result.output, result.exit_code, "bad.md:9", "プロジェクトの外")


@pytest.mark.parametrize("written", ["![図](a%00.png)", '<img src="a%00.png">'])
def test_a_nul_in_a_picture_path_is_a_named_error(project, write, written):
    with_neighbours(write)
    write("bad.md", FRONT + written + "\n")
    result = cli(project, "build", "--jobs", "2")
    assert_failed_alone(project, result.output, result.exit_code, "bad.md:9", "使えない文字(%00)")


FORGED = {
    "../README.md": "../README.md",  # one level up from out/: the project's README
    "victim": None,  # an absolute path elsewhere (filled in by the test)
}


def test_forged_state_entries_are_never_hashed_or_deleted(project, write, tmp_path, monkeypatch):
    """A state file whose records name outside paths (as PDFs to delete with --clean, and
    as inputs to hash): a full rebuild with a note; nothing outside is touched."""
    with_neighbours(write)
    assert cli(project, "build").exit_code == 0
    victim = tmp_path / "victim.pdf"
    victim.write_bytes(b"%PDF keep me")
    (project.root / "README.md").write_text("keep me")
    state = json.loads((project.out / STATE_FILE).read_text(encoding="utf-8"))
    record = next(iter(state["pdfs"].values()))
    for key, pdf, source in [("../README.md", "../README.md", "handouts/gone.md"),
                             (str(victim), str(victim), "handouts/gone2.md"),
                             ("x.pdf", "x.pdf", "/etc/passwd")]:
        state["pdfs"][key] = {**record, "pdf": pdf, "source": source}
    record["inputs"] = {"/etc/shadow": "0", "/": "0", "../outside/": "0", **record["inputs"]}
    (project.out / STATE_FILE).write_text(json.dumps(state), encoding="utf-8")
    hashed: list[str] = []
    real = FileHashes.__call__
    monkeypatch.setattr(FileHashes, "__call__", lambda self, path, root: hashed.append(str(path)) or real(self, path, root))

    result = cli(project, "build", "--clean")

    assert result.exit_code == 0, result.output
    assert f"注意: {STATE_FILE} の中身が正しくないため、すべて作り直します" in result.output
    assert victim.read_bytes() == b"%PDF keep me"
    assert (project.root / "README.md").read_text() == "keep me"
    assert hashed and all(path.startswith(str(project.root) + "/") for path in hashed), hashed
    assert (project.out / "a.pdf").is_file() and (project.out / "index.html").is_file()
    again = json.loads((project.out / STATE_FILE).read_text(encoding="utf-8"))
    assert sorted(again["pdfs"]) == ["a.pdf", "z.pdf"]


def test_clean_leaves_a_link_in_out_and_what_it_points_to(project, write, tmp_path):
    with_neighbours(write)
    write("gone.md", GOOD)
    assert cli(project, "build").exit_code == 0
    victim = tmp_path / "victim.pdf"
    victim.write_bytes(b"%PDF keep me")
    (project.out / "gone.pdf").unlink()
    (project.out / "gone.pdf").symlink_to(victim)
    (project.handouts / "gone.md").unlink()
    result = cli(project, "build", "--clean")
    assert "削除しませんでした: out/gone.pdf" in result.output
    assert victim.read_bytes() == b"%PDF keep me"
    assert (project.out / "gone.pdf").is_symlink()


# A file only one handout uses fails that handout; one that every handout of a kind
# (or every handout) uses fails those, each with its own named error.
UNREADABLE = {
    "handouts/photo.png": ({"bad"}, "handouts/photo.png"),
    "templates/faq.html": ({"a", "bad"}, "templates/faq.html"),
    "clinic.yaml": ({"a", "bad", "z"}, "clinic.yaml"),
    "fonts/BIZUDPGothic-Bold.ttf": ({"a", "bad", "z"}, "BIZUDPGothic-Bold.ttf"),
}


@pytest.mark.parametrize("unreadable", UNREADABLE)
def test_an_unreadable_file_is_named_and_the_others_build(project, write, unreadable):
    """Mode 000, read by a process without root's power to read anything (setpriv). It
    used to end the run with a traceback, mostly before anything was built."""
    from .conftest import write_stretch

    failing, named = UNREADABLE[unreadable]
    Image.new("RGB", (300, 200), "white").save(project.handouts / "photo.png")
    write("a.md", GOOD)
    write_stretch(write, "z.md")
    write("bad.md", FRONT + "![写真](photo.png)\n")
    (project.root / unreadable).chmod(0)
    result = run_cli(project, "build", "--jobs", "2", drop_read_override=True)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Traceback" not in output
    for name in ("a", "bad", "z"):
        errors = [line for line in output.splitlines() if line.startswith(f"エラー: handouts/{name}.md")]
        if name in failing:
            assert errors and "権限がありません" in errors[0] and named in errors[0], output
            assert not (project.out / f"{name}.pdf").exists()
        else:
            assert not errors and (project.out / f"{name}.pdf").is_file(), output
    assert f"{len(failing)}件が失敗しました" in output
    assert (project.out / "index.html").is_file() or unreadable == "clinic.yaml", output
