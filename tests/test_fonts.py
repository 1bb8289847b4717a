"""No system font may stand in for a glyph our fonts lack."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from array import array
from pathlib import Path

import pytest

from leaflet.build.pipeline import build_one

from .conftest import ROOT, copy_project
from .pdfs import fonts


def test_missing_glyph_is_not_drawn_in_a_system_font(project, write, tmp_path):
    """⚕ ♿ ₩ are not in BIZ UDPGothic; a system font that has them (DejaVu Sans, here)
    must not stand in: the PDF embeds our fonts only, and the glyph rule names them."""
    system = {k: v for k, v in os.environ.items() if k != "FONTCONFIG_FILE"}  # fontconfig's own view
    found = subprocess.run(["fc-list", ":charset=2695 267f 20a9", "family"], capture_output=True, text=True,
                           env=system)
    if not found.stdout.strip():
        pytest.skip("no system font has ⚕ ♿ ₩: nothing could stand in for them here")
    path = write("x.md", "---\nkind: faq\ntitle: 題\nrevised: 2026-11-20\n---\n\n記号 ⚕ ♿ ₩ です。\n")
    result = build_one(project, path, tmp_path / "out")
    assert result.ok, result.error
    assert set(fonts(result.pdf)) <= {"BIZ-UDPGothic", "BIZ-UDPGothic-Bold"}, fonts(result.pdf)
    assert result.checks is not None
    assert {o.figure for o in result.checks.failures if o.rule == "glyphs"} == {"U+2695", "U+267F", "U+20A9"}


def test_fontconfig_sees_no_system_fonts():
    from weasyprint.text.ffi import ffi, fontconfig

    from leaflet.render.engine import prepare

    prepare()  # what the first font configuration does (weasy.FontFaces)

    config = fontconfig.FcInitLoadConfigAndFonts()
    fonts_set = fontconfig.FcConfigGetFonts(config, fontconfig.FcSetSystem)
    count = 0 if fonts_set == ffi.NULL else fonts_set.nfont
    fontconfig.FcConfigDestroy(config)
    assert count == 0


def test_weasyprint_loads_its_libraries_without_searching():
    """``render.weasy`` imports WeasyPrint without ctypes.util.find_library (each call
    runs ldconfig in a subprocess; ≈0.15 s a start), puts the real function back, and
    WeasyPrint still has Pango and HarfBuzz. In a fresh interpreter: here it is loaded."""
    code = textwrap.dedent("""
        import ctypes.util, os, sys
        calls = []
        real = ctypes.util.find_library
        ctypes.util.find_library = lambda name: calls.append(name) or real(name)
        counting = ctypes.util.find_library
        import leaflet.render.weasy
        from weasyprint.text import ffi
        assert ctypes.util.find_library is counting, "find_library was not put back"
        assert ffi.pango and ffi.harfbuzz and ffi.fontconfig and ffi.harfbuzz_subset
        assert "FONTCONFIG_FILE" not in os.environ  # importing changes nothing
        print(len(calls))
    """)
    env = {k: v for k, v in os.environ.items() if k != "FONTCONFIG_FILE"}  # this process set it
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          env={**env, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "0"


def test_a_font_is_read_once_and_its_facts_cached_by_its_identity(tmp_path, monkeypatch):
    """The glyph and fonts rules share what a font file holds (code points, fsType,
    outlines), cached in a file named by the font's identity; a cache file that cannot be
    read is made again, never trusted; a font changed in place is read again."""
    from leaflet.check import fontfile, glyphs

    monkeypatch.setattr(fontfile, "cache_dir", lambda: tmp_path / "cache")
    (tmp_path / "cache").mkdir()
    project = tmp_path / "proj"
    (project / "fonts").mkdir(parents=True)
    font = project / "fonts/f.ttf"
    shutil.copyfile(ROOT / "fonts/BIZUDPGothic-Regular.ttf", font)
    reads = []
    real_read = fontfile.guarded_read.read_bytes
    monkeypatch.setattr(fontfile.guarded_read, "read_bytes", lambda *a, **k: reads.append(a[0]) or real_read(*a, **k))

    def fresh() -> fontfile.FontFile:
        fontfile._facts.cache_clear()
        return fontfile.font_file(font, project)

    full = fresh()
    assert ord("膝") in full.codepoints and ord("⚕") not in full.codepoints
    assert full.has_outlines and full.fs_type & 0x000F != 0x0002
    assert glyphs.cmap(font, project) == full.codepoints  # the same reading, not a second one
    assert len(reads) == 1
    (saved,) = (tmp_path / "cache").glob("font-*.bin")
    assert fresh() == full and len(reads) == 1  # a later process: read from the cache

    payload = fontfile._HEAD.pack(8, 1) + array("I", [ord("A")]).tobytes()  # a whole cache file is believed
    saved.write_bytes(fontfile.FORMAT + hashlib.sha256(payload).digest() + payload)
    assert fresh() == fontfile.FontFile(frozenset({ord("A")}), 8, True)

    whole = saved.read_bytes()
    for damaged in (b"", whole[:-4], whole[:-1], whole.replace(b"font 1", b"font 0"),
                    whole[:-4] + array("I", [ord("B")]).tobytes(), payload):
        saved.write_bytes(damaged)  # empty, torn, another format, edited, no header
        assert fresh() == full, damaged
        assert saved.read_bytes() != damaged  # and written again

    before = len(reads)
    with font.open("r+b") as handle:  # changed in place, its modification time put back
        stat = font.stat()
        handle.write(b"\0\0\0\0")
    os.utime(font, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    with pytest.raises(fontfile.NotAFont):
        fresh()
    assert len(reads) == before + 1
    fontfile._facts.cache_clear()


def short_scratch() -> Path:
    """A TMPDIR of its own, with a short path: the worker processes' fork server puts
    its socket there, and a socket's path may not be longer than 107 bytes."""
    return Path(tempfile.mkdtemp(prefix="mp-"))


@pytest.mark.slow
def test_a_parallel_build_leaves_no_copies_of_the_fonts(tmp_path):
    """WeasyPrint copies the fonts (9 MB) for every font configuration and removes the
    copy only in ``__del__``, which worker processes never ran: each handout of a parallel
    build used to leave a folder in /tmp. TMPDIR points the run at a folder of its own."""
    project = copy_project(tmp_path / "proj", with_handouts=True)
    scratch = short_scratch()
    env = {**os.environ, "TMPDIR": str(scratch), "PYTHONWARNINGS": "ignore"}
    for jobs in ("2", "1"):
        done = subprocess.run([sys.executable, str(ROOT / "make_pdf.py"), "build", "--force", "--jobs", jobs,
                               "--project", str(project.root)], capture_output=True, text=True, env=env)
        assert done.returncode == 0, done.stdout + done.stderr
        assert (project.out / "knee/faq.pdf").is_file()
        left = [p.name for p in scratch.rglob("*") if p.is_dir() and ("fonts-" in p.name or "weasyprint-" in p.name)]
        assert left == [], (jobs, left)
    assert any(scratch.glob(f"make_pdf-{os.getuid()}/font-*.bin"))  # the cache did go there
    shutil.rmtree(scratch)


@pytest.mark.slow
def test_two_builds_at_once_share_the_scratch_folder_safely(tmp_path):
    """Two parallel builds of the same user at the same time (as a build beside ``serve``,
    or ``make test`` beside a build): each one's font copies are its own, locked while in
    use; neither sweeps away the other's (which once failed a build with
    "FileNotFoundError: …/make_pdf-0/fonts-…")."""
    scratch = short_scratch()
    env = {**os.environ, "TMPDIR": str(scratch), "PYTHONWARNINGS": "ignore"}
    projects = [copy_project(tmp_path / name, with_handouts=True) for name in ("a", "b")]
    for project in projects:  # more handouts: more font configurations made while the other sweeps
        for n in range(3):
            shutil.copytree(project.handouts / "knee", project.handouts / f"copy{n}")
    runs = [subprocess.Popen([sys.executable, str(ROOT / "make_pdf.py"), "build", "--force", "--jobs", "2",
                              "--project", str(project.root)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, env=env) for project in projects]
    for project, run in zip(projects, runs):
        out, err = run.communicate(timeout=600)
        assert run.returncode == 0, out + err
        assert len(list(project.out.rglob("*.pdf"))) == 12, out + err
    left = [p.name for p in scratch.rglob("*") if p.is_dir() and "fonts-" in p.name]
    assert left == []
    shutil.rmtree(scratch)


def test_a_sweep_in_another_process_never_takes_a_folder_being_made(tmp_path, monkeypatch):
    """Right before this process locks a new font folder, another process sweeps: it
    must not find the folder unlocked (it is made under a hidden name, locked, then
    renamed)."""
    import fcntl

    from leaflet.render import fonts as fonts_module

    monkeypatch.setattr(fonts_module, "cache_dir", lambda: tmp_path)
    sweep = ("import sys; from pathlib import Path; from leaflet.render import fonts; "
             "fonts.cache_dir = lambda: Path(sys.argv[1]); fonts.sweep_font_folders()")
    real = fcntl.flock
    swept = []

    def flock_after_a_sweep(handle, operation):  # type: ignore[no-untyped-def]
        if not operation & fcntl.LOCK_NB:  # the maker about to take its lock
            subprocess.run([sys.executable, "-c", sweep, str(tmp_path)], cwd=ROOT, check=True,
                           env={**os.environ, "PYTHONPATH": str(ROOT)})
            swept.append(True)
        return real(handle, operation)

    monkeypatch.setattr(fonts_module.fcntl, "flock", flock_after_a_sweep)
    folder, lock = fonts_module.new_font_folder()
    assert swept and folder.is_dir() and (folder / fonts_module.LOCK).is_file()
    assert folder.name.startswith(fonts_module.FONT_COPIES)
    lock.close()


def test_font_copies_of_ended_processes_are_swept(tmp_path, monkeypatch):
    """A folder is in use while its process holds its lock (whatever its number says);
    one nobody holds, or an old one that never got a lock, is removed."""
    import fcntl

    from leaflet.render import fonts as fonts_module

    monkeypatch.setattr(fonts_module, "cache_dir", lambda: tmp_path)
    in_use, held = fonts_module.new_font_folder()
    ended, released = fonts_module.new_font_folder()
    released.close()  # as when its process ends, however it ends
    fresh = tmp_path / "fonts-1-fresh"  # made a moment ago, its lock not taken yet
    old = tmp_path / "fonts-1-old"
    for folder in (fresh, old):
        folder.mkdir()
    past = time.time() - 2 * fonts_module.UNLOCKED_GRACE
    os.utime(old, (past, past))
    other = tmp_path / "font-0.bin"
    other.write_bytes(b"")
    fonts_module.sweep_font_folders()
    assert in_use.exists() and fresh.exists() and other.exists()
    assert not ended.exists() and not old.exists()
    with pytest.raises(BlockingIOError), open(in_use / fonts_module.LOCK, "rb") as lock:  # still ours
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    held.close()


@pytest.mark.parametrize("plant", ["open to all", "a symlink"])
def test_a_planted_scratch_folder_is_not_used(tmp_path, plant):
    """The shared scratch folder's name is predictable; one that someone else could
    write to (or that leads elsewhere) is passed over for a private folder, which the
    worker processes share and which is gone after the run."""
    shared = tmp_path / f"make_pdf-{os.getuid()}"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    if plant == "a symlink":
        shared.symlink_to(elsewhere)
    else:
        shared.mkdir()
        shared.chmod(0o777)
    code = textwrap.dedent("""
        import os, sys
        from leaflet.render.fonts import cache_dir, isolate_fonts
        isolate_fonts()
        print(cache_dir())
        print(os.environ["FONTCONFIG_FILE"])
        print(os.environ.get("MAKE_PDF_SCRATCH"))
    """)
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "TMPDIR": str(tmp_path), "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    folder, config, handed_on = done.stdout.split()
    assert Path(folder).parent == tmp_path and Path(folder).name.startswith("make_pdf-private-")
    assert Path(config).parent == Path(folder) and handed_on == folder
    assert not Path(folder).exists()  # removed at exit
    assert list(elsewhere.iterdir()) == [] and (plant == "a symlink" or list(shared.iterdir()) == [])
