#!/usr/bin/env python3
"""Benchmarks for the editors' loop, as ratios against baselines measured in the same run.

    .venv/bin/python bench/run.py [--repeat N] [--only abcdefghij]     (or: make bench)

(a) build of the bundled handouts vs raw WeasyPrint on the same HTML     target <= 1.15x
(b) unchanged build vs --force build                                     target <= 0.10x
(c) --jobs 2 vs --jobs 1 on 24 handouts (speed-up)                       target >= 1.7x
(d) watch: save -> new PDF for a one-page leaflet                        target <= 0.25 s
(e) PDF bytes vs Chromium --print-to-pdf of the same HTML                target <= 50%
(f) time added by the preflight check                                    (no target)
(g) phrase-aware body text: build with vs without word joiners           target <= 1.15x
(h) time of a tagged build vs the same build untagged (warm)             target <= +25%
(i) bytes of the tagged PDFs vs the same PDFs untagged                   target <= +30%
(j) build --press (print-shop PDF/X-4) vs a normal build                 target <= 1.3x

Every figure is a median of several repeats; whole-process timings include Python's
start-up and imports, as an editor waits for them. Nothing is written to the repository:
each figure builds into a temporary folder.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PYTHON = sys.executable
MAKE_PDF = [PYTHON, str(ROOT / "make_pdf.py")]
PARTS = ("templates", "styles", "fonts", "profiles", "clinic.yaml", "readings.yaml")
ONE_PAGE = "knee/chair-stretch"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

RAW_WEASYPRINT = """\
import sys
from pathlib import Path
from weasyprint import HTML
out = Path(sys.argv[1])
for html in sys.argv[2:]:
    HTML(filename=html).write_pdf(out / (Path(html).stem + ".pdf"))
"""


def seconds(command: list[str], env: dict[str, str] | None = None, codes: tuple[int, ...] = (0,)) -> float:
    """Wall time of a command; an exit code outside ``codes`` stops the bench."""
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, env=env, cwd=ROOT)
    elapsed = time.perf_counter() - start
    if done.returncode not in codes:
        raise subprocess.CalledProcessError(done.returncode, command, done.stdout, done.stderr)
    return elapsed


def medians(repeat: int, first: Callable[[], float], second: Callable[[], float]) -> tuple[float, float]:
    """Both timings, taken in turns so that a slow spell of a shared machine hits both."""
    a, b = [], []
    for _ in range(repeat):
        a.append(first())
        b.append(second())
    return statistics.median(a), statistics.median(b)


def copy_project(dest: Path, copies: int = 1) -> Path:
    """The project with the bundled handouts; ``copies`` > 1 copies handouts/knee/ that
    many times (handouts/k1/, handouts/k2/…)."""
    for part in PARTS:
        src = ROOT / part
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, dest / part)
    for n in range(copies):
        shutil.copytree(ROOT / "handouts/knee", dest / "handouts" / ("knee" if copies == 1 else f"k{n + 1}"))
    return dest


def build(project: Path, out: Path, *args: str) -> list[str]:
    return [*MAKE_PDF, "build", "--project", str(project), "--out", str(out), *args]


# --- the figures ------------------------------------------------------------------


def figure_a(tmp: Path, repeat: int) -> tuple[float, str]:
    html = tmp / "a-html"
    subprocess.run(build(ROOT, html, "--force", "--html", "--jobs", "1"), check=True, capture_output=True)
    pages = [str(p) for p in handout_pages(html)]
    raw_out = tmp / "a-raw"
    raw_out.mkdir()
    env = {**os.environ, "FONTCONFIG_FILE": str(_no_system_fonts())}
    ours, raw = medians(repeat, lambda: seconds(build(ROOT, tmp / "a-ours", "--force", "--jobs", "1")),
                        lambda: seconds([PYTHON, "-c", RAW_WEASYPRINT, str(raw_out), *pages], env))
    warm_ours, warm_raw = _warm(tmp, pages, repeat)
    return ours / raw, (f"{ours:.2f} s vs {raw:.2f} s for {len(pages)} handouts, one process each, --jobs 1; "
                        f"warm in one process (as in watch): {warm_ours:.2f} s vs {warm_raw:.2f} s")


def _warm(tmp: Path, pages: list[str], repeat: int) -> tuple[float, float]:
    """The same comparison once imports are paid: what each rebuild costs."""
    from weasyprint import HTML

    from leaflet.build.pipeline import build_one
    from leaflet.project import Project

    project = Project.at(ROOT)
    files = project.all_handouts()
    out = tmp / "a-warm"
    (out / "raw").mkdir(parents=True)

    def ours() -> float:
        start = time.perf_counter()
        for file in files:
            assert build_one(project, file, out).ok
        return time.perf_counter() - start

    def raw() -> float:
        start = time.perf_counter()
        for page in pages:
            HTML(filename=page).write_pdf(out / "raw" / (Path(page).stem + ".pdf"))
        return time.perf_counter() - start

    ours(), raw()  # first use
    return medians(repeat, ours, raw)


def _no_system_fonts() -> Path:
    """Raw WeasyPrint gets the fontconfig setup ours runs with (only @font-face fonts)."""
    from leaflet.render.fonts import isolate_fonts

    saved = os.environ.get("FONTCONFIG_FILE")
    isolate_fonts()
    config = Path(os.environ["FONTCONFIG_FILE"])
    if saved is None:
        del os.environ["FONTCONFIG_FILE"]
    else:
        os.environ["FONTCONFIG_FILE"] = saved
    return config


def figure_b(tmp: Path, repeat: int) -> tuple[float, str]:
    out = tmp / "b"
    force, unchanged = medians(repeat, lambda: seconds(build(ROOT, out, "--force")),
                               lambda: seconds(build(ROOT, out)))
    return unchanged / force, f"{unchanged:.3f} s vs {force:.2f} s (--jobs = {os.cpu_count()} cores)"


def figure_c(tmp: Path, repeat: int) -> tuple[float, str]:
    project = copy_project(tmp / "c-project", copies=8)
    count = len(list((project / "handouts").rglob("*.md")))
    one, two = medians(repeat, lambda: seconds(build(project, tmp / "c1", "--force", "--jobs", "1")),
                       lambda: seconds(build(project, tmp / "c2", "--force", "--jobs", "2")))
    # The machine's own ceiling, in the same run: raw WeasyPrint on the same HTML, all in
    # one process vs split over two (a shared 2-core VM rarely gives 2x to anything).
    html = tmp / "c-html"
    subprocess.run(build(project, html, "--force", "--html"), check=True, capture_output=True)
    pages = [str(p) for p in handout_pages(html)]
    raw_one, raw_two = medians(repeat, lambda: _raw_processes(tmp / "c-raw", pages, 1),
                               lambda: _raw_processes(tmp / "c-raw", pages, 2))
    return one / two, (f"{one:.2f} s vs {two:.2f} s for {count} handouts; raw WeasyPrint on the same "
                       f"HTML, 2 processes vs 1: {raw_one / raw_two:.2f}x ({raw_one:.2f} s vs {raw_two:.2f} s)")


def _raw_processes(out: Path, pages: list[str], processes: int) -> float:
    env = {**os.environ, "FONTCONFIG_FILE": str(_no_system_fonts()), "PYTHONWARNINGS": "ignore"}
    start = time.perf_counter()
    running = []
    for n in range(processes):
        (out / str(n)).mkdir(parents=True, exist_ok=True)
        running.append(subprocess.Popen([PYTHON, "-c", RAW_WEASYPRINT, str(out / str(n)), *pages[n::processes]],
                                        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    if any(p.wait() for p in running):
        raise SystemExit("raw WeasyPrint failed")
    return time.perf_counter() - start


def figure_d(tmp: Path, repeat: int) -> tuple[float, str]:
    from leaflet.project import Project
    from leaflet.site.watch import watch

    project = Project.at(copy_project(tmp / "d-project"))
    source = project.handouts / f"{ONE_PAGE}.md"
    pdf = project.out / f"{ONE_PAGE}.pdf"
    built = threading.Event()
    stop = threading.Event()
    thread = threading.Thread(target=watch, args=(project, None, lambda results: built.set(), stop),
                              kwargs={"jobs": 1, "say": lambda line: None})
    thread.start()
    try:  # a failure below must still stop the watcher, or the bench never exits
        if not built.wait(120):
            raise SystemExit("watch did not build the project")
        time.sleep(0.5)
        original = source.read_text(encoding="utf-8")
        latencies = []
        for n in range(repeat):
            built.clear()
            before = pdf.stat().st_ino
            time.sleep(0.3)  # let the watcher settle
            start = time.perf_counter()
            source.write_text(original + ("\n追記。\n" if n % 2 == 0 else ""), encoding="utf-8")
            if not built.wait(30):
                raise SystemExit("watch did not rebuild after a save")
            latencies.append(time.perf_counter() - start)
            if pdf.stat().st_ino == before:
                raise SystemExit("watch did not replace the PDF after a save (did the build fail?)")
    finally:
        stop.set()
        thread.join()
    pages = __import__("pypdfium2").PdfDocument(str(pdf))
    return statistics.median(latencies), (f"median of {repeat} saves of a {len(pages)}-page sheet "
                                          f"(min {min(latencies):.3f}, max {max(latencies):.3f})")


def figure_e(tmp: Path) -> tuple[float | None, str]:
    if not Path(CHROMIUM).is_file():
        return None, "n/a (chromium not installed: apt-get install -y chromium)"
    html = tmp / "a-html"  # written by figure (a): the same HTML our PDFs were made from
    ours = chromium = 0
    # Chromium with its usual fonts (our render's fontconfig isolation is for WeasyPrint).
    chromium_env = {k: v for k, v in os.environ.items() if k != "FONTCONFIG_FILE"}
    for page in handout_pages(html):
        target = tmp / "e" / (page.stem + ".pdf")
        target.parent.mkdir(exist_ok=True)
        subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync",
                        f"--user-data-dir={tmp / 'chromium-profile'}", "--no-pdf-header-footer",
                        f"--print-to-pdf={target}", page.as_uri()],
                       check=True, capture_output=True, timeout=120, env=chromium_env)
        ours += page.with_suffix(".pdf").stat().st_size
        chromium += target.stat().st_size
    return ours / chromium, f"{ours / 1024:.0f} KiB vs {chromium / 1024:.0f} KiB (Chromium, same HTML)"


def handout_pages(html: Path) -> list[Path]:
    """The HTML written by build --html beside each PDF; not the site's own pages (the
    catalog, the staff guide, the print guide), which have no PDF."""
    return sorted(p for p in html.rglob("*.html") if p.with_suffix(".pdf").is_file())


def figure_f(repeat: int) -> tuple[float | None, str]:
    """Time the preflight adds to a warm build: the checks' own time, measured inside
    checked builds (steadier than the difference of two totals), over an unchecked
    build's time, in the same run. The measuring loop is bench/check.py's."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from check import build_all  # bench/check.py

    from leaflet.project import Project

    project = Project.at(ROOT)
    files = project.all_handouts()
    out = Path(tempfile.mkdtemp(prefix="bench-f-"))
    build_all(project, files, out, check=True)  # warm up (fonts' character maps, caches)
    plain, checking = [], []
    for _ in range(repeat):
        plain.append(build_all(project, files, out, check=False)[0])
        checking.append(build_all(project, files, out, check=True)[1])
    shutil.rmtree(out)
    base, added = statistics.median(plain), statistics.median(checking)
    return added / base, f"checks {added * 1000:.0f} ms on a {base * 1000:.0f} ms build (warm)"


def figure_g(tmp: Path, repeat: int) -> tuple[float, str]:
    """What breaking body text only between phrases costs: the same whole build of the
    bundled handouts (both editions, one process each, --jobs 1), with the word joiners
    and without them (load.PLAIN_BREAKS_ENV, a switch for this measurement only). The
    ratio is of CPU time (user + system of the build processes): on a shared VM the wall
    time of the same build varies by more than the difference measured; wall time is
    given beside it."""
    from leaflet.source.load import PLAIN_BREAKS_ENV

    plain_env = {**os.environ, PLAIN_BREAKS_ENV: "1"}
    wall: dict[bool, list[float]] = {True: [], False: []}

    def whole(joined: bool) -> float:
        env, codes = (None, (0,)) if joined else (plain_env, (0, 1))  # without joiners rule 10 fails
        out = tmp / ("g-joined" if joined else "g-plain")
        before = _children_cpu()
        wall[joined].append(seconds(build(ROOT, out, "--force", "--jobs", "1"), env, codes)
                            + seconds(build(ROOT, out, "--force", "--jobs", "1", "--size", "xl"), env, codes))
        return _children_cpu() - before

    joined, plain = medians(repeat, lambda: whole(True), lambda: whole(False))
    wall_joined, wall_plain = statistics.median(wall[True]), statistics.median(wall[False])
    warm_joined, warm_plain = _warm_breaks(tmp, repeat, PLAIN_BREAKS_ENV)
    return joined / plain, (
        f"CPU {joined:.2f} s vs {plain:.2f} s, both editions; wall {wall_joined:.2f} s vs "
        f"{wall_plain:.2f} s ({wall_joined / wall_plain:.2f}x); warm in one process (CPU): "
        f"{warm_joined * 1000:.0f} ms vs {warm_plain * 1000:.0f} ms ({warm_joined / warm_plain:.2f}x)")


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _warm_breaks(tmp: Path, repeat: int, switch: str) -> tuple[float, float]:
    from leaflet.build.pipeline import build_one
    from leaflet.project import Project

    project = Project.at(ROOT)
    files = project.all_handouts()

    def run(plain: bool) -> float:
        if plain:
            os.environ[switch] = "1"
        try:
            start = time.process_time()
            for file in files:
                for edition in (None, "xl"):
                    assert build_one(project, file, tmp / "g-warm", edition, explicit=False).ok
            return time.process_time() - start
        finally:
            os.environ.pop(switch, None)

    run(False), run(True)  # first use
    return medians(repeat, lambda: run(False), lambda: run(True))


_TAGGING: dict[str, tuple[float, str]] = {}


def tagging_cost(repeat: int) -> dict[str, tuple[float, str]]:
    """Warm builds of the bundled handouts in one process, tagged (as shipped) and
    untagged (``Document.write_pdf`` with the same options, without the tagging rule),
    in turns; and the bytes of both sets of PDFs. Measured once for (h) and (i)."""
    if _TAGGING:
        return _TAGGING
    from leaflet.build.pipeline import build_one
    from leaflet.check import preflight
    from leaflet.project import Project
    from leaflet.render import page

    project = Project.at(ROOT)
    files = project.all_handouts()
    out = Path(tempfile.mkdtemp(prefix="bench-h-"))
    tagged_writer, rules = page.write_tagged, list(preflight.RULES)

    def untagged_writer(document, target, reading_order=(), **options):
        document.write_pdf(target, **options)  # the same fonts (fontslim), no tags

    def run(tagged: bool) -> float:
        page.write_tagged = tagged_writer if tagged else untagged_writer
        preflight.RULES[:] = rules if tagged else [r for r in rules if r.NAME != "tagging"]
        try:
            start = time.perf_counter()
            for file in files:
                assert build_one(project, file, out / ("tagged" if tagged else "plain")).ok
            return time.perf_counter() - start
        finally:
            page.write_tagged, preflight.RULES[:] = tagged_writer, rules

    run(True), run(False)  # first use
    tagged, plain = medians(repeat, lambda: run(True), lambda: run(False))
    size = {kind: sum(p.stat().st_size for p in (out / kind).rglob("*.pdf")) for kind in ("tagged", "plain")}
    shutil.rmtree(out)
    _TAGGING["h"] = (tagged / plain - 1, f"{tagged * 1000:.0f} ms vs {plain * 1000:.0f} ms for {len(files)} handouts "
                                         "(render, check, write; warm)")
    _TAGGING["i"] = (size["tagged"] / size["plain"] - 1,
                     f"{size['tagged'] / 1024:.0f} KiB vs {size['plain'] / 1024:.0f} KiB")
    return _TAGGING


# --- report -------------------------------------------------------------------------


WARM_PRESS = """\
import sys, time
sys.path.insert(0, sys.argv[1])
from leaflet.build.pipeline import build_one
from leaflet.project import Project
project = Project.at(sys.argv[1], sys.argv[2])
files = project.all_handouts()
def run(press):
    start = time.perf_counter()
    for file in files:
        build_one(project, file, project.out / ("press" if press else "normal"), press=press)
    return time.perf_counter() - start
run(False), run(True)  # imports, caches, the profile read once
normal, press = [], []
for _ in range(int(sys.argv[3])):
    normal.append(run(False))
    press.append(run(True))
normal.sort(), press.sort()
print(normal[len(normal) // 2], press[len(press) // 2])
"""


def figure_j(tmp: Path, repeat: int) -> tuple[float, str]:
    """The print-shop edition: CMYK pictures, the profile embedded, boxes and marks, and
    the press rule reading the PDF back, against the office build of the same handouts."""
    normal, press = medians(repeat, lambda: seconds(build(ROOT, tmp / "j-normal", "--force", "--jobs", "1")),
                            lambda: seconds(build(ROOT, tmp / "j-press", "--force", "--jobs", "1", "--press")))
    warm = subprocess.run([PYTHON, "-c", WARM_PRESS, str(ROOT), str(tmp / "j-warm"), str(repeat)],
                          check=True, capture_output=True, text=True, cwd=ROOT).stdout.split()
    warm_normal, warm_press = (float(v) for v in warm)
    return press / normal, (f"{press:.2f} s vs {normal:.2f} s, whole processes, --jobs 1; warm in one process: "
                            f"{warm_press:.2f} s vs {warm_normal:.2f} s ({warm_press / warm_normal:.2f}x)")


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            cpu = next(line.split(":", 1)[1].strip() for line in info if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    from importlib.metadata import version

    return (f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"WeasyPrint {version('weasyprint')}, {platform.system()} {platform.release()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="repeats per timing (median)")
    parser.add_argument("--only", default="abcdefghij", help="the figures to measure, e.g. --only ac")
    args = parser.parse_args()
    repeat = args.repeat
    print(f"make_pdf bench, {dt.date.today().isoformat()}: {machine()}\n", flush=True)
    rows = []
    with tempfile.TemporaryDirectory(prefix="make_pdf-bench-") as folder:
        tmp = Path(folder)
        steps = [
            ("(a) build vs raw WeasyPrint, same HTML", lambda: figure_a(tmp, repeat), "<= 1.15x",
             lambda v: v <= 1.15, "{:.2f}x"),
            ("(b) unchanged build vs --force build", lambda: figure_b(tmp, repeat), "<= 0.10x",
             lambda v: v <= 0.10, "{:.3f}x"),
            ("(c) --jobs 2 vs --jobs 1, 24 handouts", lambda: figure_c(tmp, max(3, repeat // 2)), ">= 1.7x",
             lambda v: v >= 1.7, "{:.2f}x"),
            ("(d) watch: save -> new PDF, one page", lambda: figure_d(tmp, max(9, repeat)), "<= 0.25 s",
             lambda v: v <= 0.25, "{:.3f} s"),
            ("(e) PDF bytes vs Chromium", lambda: figure_e(tmp), "<= 50%",
             lambda v: v <= 0.5, "{:.0%}"),
            ("(f) time added by check", lambda: figure_f(repeat), "-", None, "{:+.0%}"),
            ("(g) phrase-aware body text, whole build", lambda: figure_g(tmp, repeat), "<= 1.15x",
             lambda v: v <= 1.15, "{:.2f}x"),
            ("(h) tagged build vs untagged, time", lambda: tagging_cost(repeat)["h"], "<= +25%",
             lambda v: v <= 0.25, "{:+.0%}"),
            ("(i) tagged PDFs vs untagged, bytes", lambda: tagging_cost(repeat)["i"], "<= +30%",
             lambda v: v <= 0.30, "{:+.0%}"),
            ("(j) build --press vs normal build", lambda: figure_j(tmp, repeat), "<= 1.3x",
             lambda v: v <= 1.3, "{:.2f}x"),
        ]
        if "e" in args.only and "a" not in args.only:
            args.only += "a"  # (e) prints the HTML that (a) writes
        for name, measure, target, passes, shape in steps:
            if name[1] not in args.only:
                continue
            value, detail = measure()
            shown = "n/a" if value is None else shape.format(value)
            verdict = "-" if value is None or passes is None else ("PASS" if passes(value) else "MISS")
            print(f"{name}: {shown}  [{detail}]", flush=True)
            rows.append((name, shown, target, verdict))
    print("\n| figure | measured | target | |\n|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
