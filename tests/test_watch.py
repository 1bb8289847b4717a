"""``watch``: a watcher thread on a throwaway project rebuilds what a save affects.

No timing assertions: each step polls with a generous deadline."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any
from unittest import mock

import pytest
from click.testing import CliRunner

import make_pdf
from leaflet.project import Project
from leaflet.site.watch import watch

from .conftest import wait_for, write_stretch
from .pdfs import text_of

# System tests: processes, time limits, worker pools (make test-slow; CI runs them).
pytestmark = pytest.mark.slow

FAQ = "---\nkind: faq\ntitle: {title}\nrevised: 2026-11-20\n---\n\n## 質問\n\n{answer}\n"
WAIT = 60.0  # seconds to join the watcher thread


class Watcher:
    """watch() in a thread; collects what it says and what it built."""

    def __init__(self, project: Project, before_report: Callable[[list[Any]], None] | None = None) -> None:
        self.lines: list[str] = []
        self.batches: list[list[str]] = []
        self.stop = threading.Event()
        self.before_report = before_report
        self.thread = threading.Thread(target=watch, args=(project, None, self._built, self.stop),
                                       kwargs={"say": lambda line: self.lines.append(line[0])})

    def _built(self, results) -> None:
        if self.before_report:
            self.before_report(self.batches)
        self.batches.append([r.name for r in results if not r.up_to_date])

    def said(self, words: str) -> bool:
        return any(words in line for line in self.lines)


@pytest.fixture
def watcher(project: Project, write):
    write("a.md", FAQ.format(title="A", answer="最初の答え。"))
    write("b.md", FAQ.format(title="B", answer="Bの答え。"))
    w = Watcher(project)
    w.thread.start()
    wait_for(lambda: w.said("監視中"), "the first build")
    yield w
    w.stop.set()
    w.thread.join(timeout=WAIT)
    assert not w.thread.is_alive()


def pdf_text(project: Project, name: str) -> str:
    path = project.out / f"{name}.pdf"
    return text_of(path) if path.is_file() else ""


def test_watch_builds_first_then_rebuilds_the_edited_handout(project, write, watcher):
    assert watcher.batches[0] == ["a", "b"]
    write("a.md", FAQ.format(title="A", answer="書き直した答え。"))
    wait_for(lambda: "書き直した答え" in pdf_text(project, "a"), "a.pdf rebuilt")
    wait_for(lambda: len(watcher.batches) == 2, "the rebuild reported")
    assert watcher.batches[1] == ["a"]
    assert watcher.said("変更: handouts/a.md")
    assert watcher.said("作成: out/a.pdf(1ページ")


def test_watch_rebuilds_every_handout_of_an_edited_stylesheet(project, write, watcher):
    write("s.md", (project.root / "handouts/a.md").read_text(encoding="utf-8").replace("A", "S"))
    # Reported, not just written: the PDF exists a moment before its batch is reported.
    wait_for(lambda: ["s"] in watcher.batches, "a new handout built")
    count = len(watcher.batches)
    css = project.styles / "faq.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n.q { color: #000; }\n", encoding="utf-8")
    wait_for(lambda: any(sorted(batch) == ["a", "b", "s"] for batch in watcher.batches[count:]),
             "every handout of the stylesheet rebuilt in one batch")


def test_watch_survives_a_broken_save(project, write, watcher):
    write("a.md", "---\nkind: faq\ntitle: 壊れた\n")
    wait_for(lambda: watcher.said("エラー: handouts/a.md:1: フロントマターが閉じていません"), "the error")
    write("a.md", FAQ.format(title="A", answer="直した答え。"))
    wait_for(lambda: "直した答え" in pdf_text(project, "a"), "a.pdf rebuilt after the fix")


def test_watch_reports_a_deleted_handouts_pdf(project, watcher):
    (project.handouts / "b.md").unlink()
    wait_for(lambda: watcher.said("元の .md がない PDF: out/b.pdf"), "the stale PDF reported")
    assert (project.out / "b.pdf").is_file()  # removed only by build --clean


def test_watch_ignores_its_own_output(project, watcher, write):
    """Files in out/ and files no handout depends on change nothing; a save made after
    them is the next thing the watcher reports (so it was awake all along)."""
    count = len(watcher.lines)
    (project.out / "note.txt").write_text("x", encoding="utf-8")
    (project.root / "README.txt").write_text("not a dependency", encoding="utf-8")
    time.sleep(1.0)  # nothing should happen; give it the chance
    assert watcher.lines[count:] == []
    write("a.md", FAQ.format(title="A", answer="そのあとの答え。"))
    wait_for(lambda: watcher.said("作成: out/a.pdf") and len(watcher.batches) == 2, "the rebuild after")
    assert watcher.lines[count] == "変更: handouts/a.md"
    assert watcher.batches[-1] == ["a"]


def test_watch_on_an_up_to_date_project_maps_changes_from_the_state(project, write):
    """Started on a built project, watch knows each handout's inputs from the state
    file (nothing is rebuilt) and still rebuilds the right ones on a change."""
    from leaflet.build import build

    write("a.md", FAQ.format(title="A", answer="答え。"))
    write_stretch(write, "s.md")
    assert all(r.ok for r in build(project, project.all_handouts(), project.out))
    w = Watcher(project)
    w.thread.start()
    try:
        wait_for(lambda: w.said("監視中"), "the start")
        assert w.said("最新: a(変更なし)") and w.said("最新: s(変更なし)")
        css = project.styles / "stretch.css"
        css.write_text(css.read_text(encoding="utf-8") + "\n/* changed */\n", encoding="utf-8")
        wait_for(lambda: any(w.batches[1:]), "the stretch sheet rebuilt")
        assert w.batches[1:] == [["s"]]
    finally:
        w.stop.set()
        w.thread.join(timeout=WAIT)


def test_a_save_during_the_first_build_is_not_lost(project, write):
    """The watch is live before the first build starts: a save made while that build
    runs (here: the moment it has finished, before any loop) still gets its rebuild.
    It used to be lost until the next save, with the catalog already showing the edit."""
    write("a.md", FAQ.format(title="A", answer="最初の答え。"))

    def edit_after_the_first_build(batches: list[list[str]]) -> None:
        if not batches:
            write("a.md", FAQ.format(title="A", answer="起動中に直した答え。"))

    w = Watcher(project, before_report=edit_after_the_first_build)
    w.thread.start()
    try:
        wait_for(lambda: "起動中に直した答え" in pdf_text(project, "a"), "the save during start-up built")
        assert w.batches[0] == ["a"]
    finally:
        w.stop.set()
        w.thread.join(timeout=WAIT)


def test_cli_watch_calls_the_package_function(project):
    with mock.patch("leaflet.site.watch.watch", autospec=True) as called:
        result = CliRunner().invoke(make_pdf.cli, ["watch", "--jobs", "3", "--size", "xl",
                                                   "--project", str(project.root)])
    assert result.exit_code == 0, result.output
    args, kwargs = called.call_args
    assert args[0].root == project.root and args[1] == project.out
    assert kwargs == {"edition": "xl", "jobs": 3}


def test_a_watch_stopped_before_it_started_builds_nothing(project, write):
    write("a.md", FAQ.format(title="A", answer="答え。"))
    w = Watcher(project)
    w.stop.set()
    w.thread.start()
    w.thread.join(timeout=WAIT)
    assert not w.thread.is_alive()
    assert w.lines == ["監視を終了しました。"]
    assert not (project.out / "a.pdf").exists()


def test_a_handout_in_a_new_folder_is_built(project, watcher, write):
    """The file is written the moment its folder is made, before the OS watch on the
    new folder can exist: the watcher looks inside folders that appear."""
    folder = project.handouts / "new/deeper"
    folder.mkdir(parents=True)
    (folder / "w.md").write_text(FAQ.format(title="W", answer="新しいフォルダ。"), encoding="utf-8")
    wait_for(lambda: "新しいフォルダ" in pdf_text(project, "new/deeper/w"), "the handout in the new folder")
