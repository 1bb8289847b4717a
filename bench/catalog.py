"""How much the catalog adds to a build: print its cost as a ratio of building the
bundled handouts, all measured in this run (no absolute thresholds).

    .venv/bin/python bench/catalog.py
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from leaflet.build import build  # noqa: E402
from leaflet.project import Project  # noqa: E402
from leaflet.site.catalog import THUMBS, update_catalog  # noqa: E402


def timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def main(rounds: int = 3) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        project = Project.at(ROOT, out)
        files = project.all_handouts()
        build(project, files, out)  # warm-up: fonts, imports
        builds, colds, warms = [], [], []
        for _ in range(rounds):
            builds.append(timed(lambda: build(project, files, out)))
            shutil.rmtree(out / THUMBS, ignore_errors=True)
            colds.append(timed(lambda: update_catalog(project, out)))
            warms.append(timed(lambda: update_catalog(project, out)))
        build_s, cold_s, warm_s = min(builds), min(colds), min(warms)
        size = sum(p.stat().st_size for p in (out / THUMBS).rglob("*.png"))
        print(f"handouts: {len(files)}  build (no catalog): {build_s:.3f} s")
        print(f"catalog, thumbnails drawn:  {cold_s:.3f} s = {cold_s / build_s:.2f} × build")
        print(f"catalog, thumbnails cached: {warm_s:.3f} s = {warm_s / build_s:.2f} × build")
        page = (out / "index.html").stat().st_size
        print(f"thumbnails: {size / 1024:.0f} KiB in all; index.html: {page / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
