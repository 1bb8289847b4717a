"""No input can hang or exhaust the machine (issue 16, part 2): every handout is bounded
in time, memory, pages and input size; the quadratic spots are linear; YAML aliases are
bounded; messages are cut. A limit hit is a named Japanese error for that handout."""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest
from PIL import Image

from leaflet.build.pipeline import MAX_WARNINGS, Result, build_one
from leaflet.build.workers import Workers
from leaflet.guarded_read import TEXT_LIMIT
from leaflet.limits import Limits, TimeLimit, time_limit

from .hardening import FRONT, GOOD, assert_failed_alone, cli, with_neighbours

# System tests: processes, time limits, worker pools (make test-slow; CI runs them).
pytestmark = pytest.mark.slow

DIVS = FRONT + "<div>" * 100_000 + "深い\n"  # ran until killed
SVG_USES = FRONT + (  # each level draws the one below ten times: 10^8 rectangles
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="100" '
    'height="100"><defs><g id="a0"><rect width="1" height="1"/></g>'
    + "".join(f'<g id="a{i}">' + f'<use xlink:href="#a{i - 1}"/>' * 10 + "</g>" for i in range(1, 9))
    + '</defs><use xlink:href="#a8"/></svg>\n')
LONG_FAQ = FRONT + "".join(f"## 質問{i}\n\n" + "答えです。" * 60 + "\n\n" for i in range(150))
ALIAS_BOMB = "---\nkind: faq\ntitle: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(
    f"{b}: &{b} [{', '.join(['*' + a] * 9)}]\n" for a, b in zip("abcdefgh", "bcdefghi")) + "revised: 2026-11-20\n---\n"


@pytest.mark.slow
@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize("case", ["divs", "svg"])
def test_a_handout_that_takes_too_long_is_stopped_and_named(project, write, monkeypatch, jobs, case):
    """In this process a timer signal stops it; in a worker too. The SVG is drawn while
    the PDF is written, by code that catches every exception: the limit still wins, and
    no PDF with a half-drawn picture is kept."""
    monkeypatch.setenv("MAKE_PDF_TIME_LIMIT", "6")  # a good handout takes about 1 s, even on a busy machine
    with_neighbours(write)
    write("bad.md", DIVS if case == "divs" else SVG_USES)
    start = time.monotonic()
    result = cli(project, "build", "--jobs", jobs)
    assert time.monotonic() - start < 60
    assert_failed_alone(project, result.output, result.exit_code, "bad.md", "時間がかかりすぎるため中止しました(6秒の上限)")
    assert not (project.out / "bad.pdf").exists()


def _stubborn(project, task):
    """A job stuck where the time limit's signal cannot reach (blocked, as inside C)."""
    if task == "stuck":
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
        time.sleep(600)
    if task == "crash":
        os.kill(os.getpid(), signal.SIGKILL)
    return Result(source=f"handouts/{task}.md", name=task, pages=1)


def test_a_worker_that_hangs_or_dies_costs_only_its_own_handout(project):
    workers = Workers(2, Limits(seconds=1, memory_mb=2048, grace=1))
    unpicklable = threading.Lock()  # a task that cannot be sent to a worker at all
    tasks = list(enumerate(["a", "stuck", "b", "crash", "c", "d", unpicklable]))
    names = lambda t: ("handouts/lock.md", "lock") if t is unpicklable else (f"handouts/{t}.md", t)
    try:
        start = time.monotonic()
        results = dict(workers.map(_stubborn, project, tasks, names))
        assert time.monotonic() - start < 60
    finally:
        workers.close()
    assert [results[i].name for i in range(7)] == ["a", "stuck", "b", "crash", "c", "d", "lock"]
    assert [i for i in range(7) if results[i].ok] == [0, 2, 4, 5]
    assert results[6].error.startswith("handouts/lock.md: 予期しないエラーです(TypeError")
    assert results[1].error.startswith("handouts/stuck.md: 時間がかかりすぎるため中止しました(1秒の上限)")
    assert results[3].error.startswith("handouts/crash.md: 作成中に処理が強制終了されました")
    assert "メモリ不足の可能性" in results[3].error


def test_a_handout_that_needs_too_much_memory_is_named(project, write, monkeypatch):
    """A picture of 9000×9000 pixels needs well over 500 MB to embed (a one-page handout
    about 250 MB of address space; downsampling it decodes 243 MB more): over a 250 MB limit the worker's allocation fails
    (or the worker dies); either way the handout is named."""
    monkeypatch.setenv("MAKE_PDF_MEMORY_LIMIT", "250")
    with_neighbours(write)
    Image.new("RGB", (9000, 9000), "white").save(project.handouts / "huge.png")
    write("bad.md", FRONT + "![大きな写真](huge.png)\n")
    result = cli(project, "build", "--jobs", "2")
    assert_failed_alone(project, result.output, result.exit_code, "bad.md", "メモリ")


def test_layout_stops_past_four_times_the_page_budget(project, write):
    """150 questions used to be laid out in full (3,502 pages for a 5 MB FAQ); now the
    layout stops at 8 pages and the overflow is still measured."""
    with_neighbours(write)
    write("bad.md", LONG_FAQ)
    result = cli(project, "build")
    assert_failed_alone(project, result.output, result.exit_code, "bad.md:",
                        "よくある質問は 2ページまでですが、長すぎるため 8ページで組版を止めました",
                        "3ページ目以降に少なくとも約")
    check = cli(project, "check", "bad")
    assert check.exit_code == 1 and "+" in check.output and "行以上" in check.output


def test_an_input_over_the_size_limit_is_refused_unread(project, write):
    with_neighbours(write)
    write("bad.md", FRONT + "あ" * (TEXT_LIMIT // 3 + 10))
    result = cli(project, "build")
    assert_failed_alone(project, result.output, result.exit_code, "bad.md", "ファイルが大きすぎます", "上限 1 MB")


def test_a_picture_with_too_many_pixels_is_named_not_warned_in_english(project, write, capfd):
    with_neighbours(write)
    Image.new("1", (10_000, 10_000)).save(project.handouts / "bomb.png")  # 100 Mpx, 1.5 MB
    write("bad.md", FRONT + "![巨大](bomb.png)\n")
    result = cli(project, "build")
    assert_failed_alone(project, result.output, result.exit_code, "bad.md:9", "画素数が多すぎます")
    assert "DecompressionBomb" not in result.output + capfd.readouterr().err


@pytest.mark.parametrize("case, text", [
    ("braces", FRONT + "{" + "|" * 30_000 + "{" + "|" * 30_000 + "\n"),  # quadratic furigana warning
    ("comments", "---\nkind: faq\n" + "# メモ\n" * 20_000 + "title: 題\nrevised: 2026-11-20\n---\n\n## 問\n\n答え。\n"),
])
def test_the_quadratic_spots_are_linear(project, write, monkeypatch, case, text):
    """A 60 KB line of "{" and "|" took 60 s; 20,000 comment lines in the front matter
    5½ minutes. Under a 20-second limit neither may be stopped by time."""
    monkeypatch.setenv("MAKE_PDF_TIME_LIMIT", "20")
    path = write("x.md", text)
    result = build_one(project, path, project.out)
    assert result.ok, result.error


def test_the_furigana_warning_is_linear_in_the_length_of_a_line():
    from leaflet.source.markdown.furigana import warn_malformed

    with time_limit(5):  # the old pattern took about a minute on this line
        warn_malformed("{" + "|" * 60_000 + "{", "x.md", 1)


def test_a_yaml_alias_bomb_is_refused_in_a_short_line(project, write):
    """502 bytes that expand to 387 million values: str() of it was a 180 MB error line."""
    with_neighbours(write)
    write("bad.md", ALIAS_BOMB)
    start = time.monotonic()
    result = cli(project, "build")
    assert time.monotonic() - start < 60
    assert_failed_alone(project, result.output, result.exit_code, "bad.md:", "「*」(別名)の参照が展開すると 50,000 個を超えます")
    assert max(len(line) for line in result.output.splitlines()) < 500


def test_a_yaml_alias_bomb_in_clinic_yaml_is_refused_too(project, write):
    (project.root / "clinic.yaml").write_text(ALIAS_BOMB.split("---\n")[1].replace("kind: faq\n", ""),
                                              encoding="utf-8")
    write("a.md", GOOD)
    result = cli(project, "build")
    assert result.exit_code == 1
    assert "エラー: handouts/a.md: clinic.yaml:" in result.output and "別名" in result.output


def test_messages_quoting_a_huge_value_are_cut(project, write):
    with_neighbours(write)
    write("bad.md", "---\nkind: faq\ntitle: [" + ", ".join(["長い値"] * 40_000) + "]\nrevised: 2026-11-20\n---\n")
    result = cli(project, "build")
    assert_failed_alone(project, result.output, result.exit_code, "bad.md:3", "の形が違います", "文字)」")
    assert max(len(line) for line in result.output.splitlines()) < 1000


def test_warnings_are_counted_past_twenty(project, write):
    path = write("x.md", FRONT + "".join(f"{{膝|ひざ{n}\n\n" for n in range(100)))
    result = build_one(project, path, project.out)
    assert result.ok, result.error
    assert len(result.warnings) == MAX_WARNINGS + 1
    assert result.warnings[-1] == "ほかに警告が 80 件あります(最初の 20 件だけを表示しました)"


def test_time_limit_is_a_base_exception_that_fires_again():
    """Code that catches every exception and carries on is interrupted again a second later."""
    caught = 0
    with pytest.raises(TimeLimit), time_limit(0.2):
        while True:
            try:
                time.sleep(5)
            except TimeLimit:
                caught += 1
                if caught == 2:
                    raise
    assert caught == 2


def test_limits_from_the_environment(monkeypatch):
    monkeypatch.setenv("MAKE_PDF_TIME_LIMIT", "7.5")
    monkeypatch.setenv("MAKE_PDF_MEMORY_LIMIT", "900")
    assert Limits.from_env() == Limits(seconds=7.5, memory_mb=900)
    monkeypatch.setenv("MAKE_PDF_TIME_LIMIT", "nonsense")
    assert Limits.from_env().seconds == Limits().seconds
