#!/usr/bin/env python3
"""What the preflight adds to a build: (render + check + write) / (render + write).

Both are measured in the same run on the bundled handouts, alternating, several
repeats; the median is reported. Target: the checks add at most 30 %.
Also shown: the first check in a process (font facts read from the scratch cache).

    .venv/bin/python bench/check.py [--repeats 9]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from leaflet.build.pipeline import render_handout  # noqa: E402
from leaflet.check import fontfile  # noqa: E402
from leaflet.check.preflight import run_checks  # noqa: E402
from leaflet.project import Project  # noqa: E402
from leaflet.render.page import write_pdf  # noqa: E402

TARGET = 1.30


def build_all(project: Project, files: list[Path], out: Path, check: bool) -> tuple[float, float]:
    """Seconds for the whole build, and for the checks alone."""
    checking = 0.0
    start = time.perf_counter()
    for file in files:
        rendered = render_handout(project, file)
        if check:
            before = time.perf_counter()
            run_checks(project, rendered)
            checking += time.perf_counter() - before
        write_pdf(rendered, out / f"{file.stem}.pdf")
    return time.perf_counter() - start, checking


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=9)
    args = parser.parse_args()
    project = Project.at(ROOT)
    files = project.all_handouts()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        # Cold: the first check in a process reads the fonts' cmaps and OS/2 tables.
        fontfile._facts.cache_clear()
        rendered = render_handout(project, files[0])
        start = time.perf_counter()
        run_checks(project, rendered)
        cold = time.perf_counter() - start
        build_all(project, files, out, check=False)  # warm up WeasyPrint and the OS caches
        plain, checked, checks = [], [], []
        for _ in range(args.repeats):
            plain.append(build_all(project, files, out, check=False)[0])
            total, checking = build_all(project, files, out, check=True)
            checked.append(total)
            checks.append(checking)
    base, with_checks = statistics.median(plain), statistics.median(checked)
    checking = statistics.median(checks)
    ratio = with_checks / base
    # The checks' own time, measured inside the checked builds: steadier than the
    # difference of two totals on a busy machine.
    added = (base + checking) / base
    print(f"handouts: {len(files)}, repeats: {args.repeats} (medians)")
    print(f"render + write:          {base * 1000:7.0f} ms")
    print(f"render + check + write:  {with_checks * 1000:7.0f} ms   ratio {ratio:.2f}")
    print(f"checks alone:            {checking * 1000:7.0f} ms   ratio {added:.2f} "
          f"(target <= {TARGET:.2f}) {'ok' if added <= TARGET else 'OVER TARGET'}")
    print(f"first check in a process: +{cold * 1000:.0f} ms once (reading the fonts' cmaps)")
    return 0 if added <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
