#!/usr/bin/env python3
"""Phone photos on a stretch sheet: PDF size and build time against the same sheet with
SVG pictures, measured in the same run.

    .venv/bin/python bench/pictures.py [--repeat 5]

The sheet has three 12-megapixel phone photos (2.8 MB JPEGs made with Pillow: one held
upright, i.e. stored turned with an EXIF tag, one landscape, one portrait).

(p1) PDF bytes of the photo sheet                                         target < 1.5 MB
     beside: raw WeasyPrint on the same HTML (no downsampling), and WeasyPrint's own
     ``render(dpi=300)`` option
(p2) `build --force` of the photo sheet vs the SVG sheet, whole processes,
     empty picture cache (the first build after adding the photos)         target < 2x
(p3) the same with the picture cache filled (every later build)           target < 2x
(p4) warm in one process, as `watch` rebuilds: ours vs the SVG sheet, and the same
     pipeline with WeasyPrint's render(dpi=300) instead of ours (no cache)

Nothing is written to the repository; the picture cache is a private one in a temporary
folder (TMPDIR), so the user's is neither used nor touched.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PYTHON = sys.executable
SAMPLE = ROOT / "tests/fixtures/sample"
TOOL_PARTS = ("templates", "styles", "fonts")
SVGS = [SAMPLE / f"handouts/knee/images/chair-stretch-{n}.svg" for n in (1, 2, 3)]
SIZE_TARGET = 1_500_000
TIME_TARGET = 2.0

SHEET = """\
---
kind: stretch
title: 椅子でできる 膝の裏のストレッチ
revised: 2026-11-20
hold_seconds: 20
---

::: helps

膝の裏の筋肉を、やさしく伸ばします。

::: safety

- 痛みが出たら、すぐにやめてください。
- 膝が赤く腫れて熱いときは行わず、まず医師に相談してください。
- 息を止めず、ゆっくり呼吸しましょう。

::: steps

1. ![椅子に浅く腰かける](images/{one})
   椅子に浅く腰かけ、片方の足を前に出します。
2. ![かかとを床につける](images/{two})
   かかとを床につけ、つま先を上に向けます。
3. ![体を前に倒す](images/{three})
   背すじを伸ばし、ゆっくり体を前に倒します。
"""


def make_project(dest: Path) -> Path:
    from tests.photos import LANDSCAPE, PORTRAIT, save_photo

    for part in TOOL_PARTS:
        shutil.copytree(ROOT / part, dest / part)
    shutil.copy2(SAMPLE / "clinic.yaml", dest / "clinic.yaml")
    images = dest / "handouts/images"
    save_photo(images / "turned.jpg", PORTRAIT, orientation=6, seed=1)
    save_photo(images / "wide.jpg", LANDSCAPE, seed=2)
    save_photo(images / "tall.jpg", PORTRAIT, seed=3)
    for svg in SVGS:
        shutil.copy2(svg, images / svg.name)
    (dest / "handouts/photos.md").write_text(SHEET.format(one="turned.jpg", two="wide.jpg", three="tall.jpg"),
                                             encoding="utf-8")
    (dest / "handouts/svgs.md").write_text(SHEET.format(**{k: s.name for k, s in zip(("one", "two", "three"), SVGS)}),
                                           encoding="utf-8")
    return dest


def build(project: Path, out: Path, name: str, env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run([PYTHON, str(ROOT / "make_pdf.py"), "build", "--force", "--project", str(project),
                    "--out", str(out), name], check=True, capture_output=True, env=env)
    return time.perf_counter() - start


def alternating(repeat: int, first, second) -> tuple[float, float]:
    a, b = [], []
    for _ in range(repeat):
        a.append(first())
        b.append(second())
    return statistics.median(a), statistics.median(b)


def in_process(project_dir: Path, out: Path, repeat: int) -> tuple[float, float, float, int]:
    """Warm, in this process: one handout built (load, render, check, write: what ``watch``
    does on a save) for each sheet, ours and, on the photo sheet, the same pipeline with
    WeasyPrint's own ``dpi=300`` render option in place of ours (no upright, no
    downsampling of ours: patched out for the measurement)."""
    from unittest import mock

    from leaflet.build.pipeline import build_one
    from leaflet.project import Project
    from leaflet.render import fetcher, page

    project = Project.at(project_dir)

    def ours(name: str, target: Path = out) -> float:
        start = time.perf_counter()
        result = build_one(project, project.handouts / f"{name}.md", target)
        assert result.ok, result.error
        return time.perf_counter() - start

    real_render = page.HTML.render

    def weasy_dpi() -> float:
        with mock.patch.object(fetcher, "upright", lambda data: data), \
                mock.patch.object(page, "shrink_pictures", lambda document: 0), \
                mock.patch.object(page.HTML, "render", lambda self, **kw: real_render(self, dpi=300, **kw)):
            return ours("photos", out / "weasy-dpi")

    ours("photos"), ours("svgs"), weasy_dpi()  # first use; fills our picture cache
    photo_time, svg_time = alternating(repeat, lambda: ours("photos"), lambda: ours("svgs"))
    dpi_time = statistics.median(weasy_dpi() for _ in range(repeat))
    return photo_time, svg_time, dpi_time, (out / "weasy-dpi/photos.pdf").stat().st_size


def raw_size(project_dir: Path, out: Path) -> int:
    """Raw WeasyPrint on our HTML, no options: the photos embedded as they are."""
    from leaflet.build.pipeline import build_one
    from leaflet.project import Project
    from leaflet.render.weasy import HTML

    project = Project.at(project_dir)
    result = build_one(project, project.handouts / "photos.md", out / "html", html=True)
    assert result.ok, result.error
    html = out / "html/photos.html"
    target = out / "raw.pdf"
    HTML(filename=str(html)).write_pdf(target)
    return target.stat().st_size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="repeats per timing (median)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-pictures-") as name:
        tmp = Path(name)
        scratch = tmp / "scratch"
        scratch.mkdir()
        env = {**os.environ, "TMPDIR": str(scratch)}
        tempfile.tempdir = str(scratch)  # this process's scratch folder too
        project = make_project(tmp / "project")
        out = tmp / "out"
        cache = scratch / f"make_pdf-{os.getuid()}" / "pictures"
        build(project, out, "svgs", env)  # first run: fontconfig cache, font maps

        def cold() -> float:
            shutil.rmtree(cache, ignore_errors=True)
            return build(project, out, "photos", env)

        cold_photos, cold_svgs = alternating(args.repeat, cold, lambda: build(project, out, "svgs", env))
        warm_photos, warm_svgs = alternating(args.repeat, lambda: build(project, out, "photos", env),
                                             lambda: build(project, out, "svgs", env))
        size = (out / "photos.pdf").stat().st_size
        photo_bytes = sum(p.stat().st_size for p in (project / "handouts/images").glob("*.jpg"))
        raw = raw_size(project, tmp)
        photo_time, svg_time, dpi_time, dpi_size = in_process(project, tmp, args.repeat)

    verdict = lambda ok: "pass" if ok else "MISS"
    print(f"bench/pictures.py — {time.strftime('%Y-%m-%d')}, {args.repeat} repeats, medians")
    print(f"(p1) PDF bytes, photo sheet: {size / 1e6:.3f} MB (target < {SIZE_TARGET / 1e6:.1f} MB) "
          f"{verdict(size < SIZE_TARGET)}; photos in: {photo_bytes / 1e6:.1f} MB; raw WeasyPrint: "
          f"{raw / 1e6:.2f} MB; WeasyPrint dpi=300: {dpi_size / 1e6:.3f} MB")
    print(f"(p2) build, empty picture cache: {cold_photos / cold_svgs:.2f}x "
          f"({cold_photos:.2f} s vs {cold_svgs:.2f} s for the SVG sheet) "
          f"{verdict(cold_photos / cold_svgs < TIME_TARGET)}")
    print(f"(p3) build, filled picture cache: {warm_photos / warm_svgs:.2f}x "
          f"({warm_photos:.2f} s vs {warm_svgs:.2f} s) {verdict(warm_photos / warm_svgs < TIME_TARGET)}")
    print(f"(p4) warm in one process (watch): {photo_time / svg_time:.2f}x ({photo_time:.3f} s vs "
          f"{svg_time:.3f} s); with WeasyPrint's render(dpi=300) instead of ours: {dpi_time:.3f} s "
          f"({dpi_time / svg_time:.2f}x the SVG sheet: it decodes and scales the photos on every render)")


if __name__ == "__main__":
    main()
