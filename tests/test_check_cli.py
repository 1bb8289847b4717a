"""``make_pdf.py check`` and the checks inside ``build``: exit codes, the table, JSON,
relaxing a rule, and the bundled handouts passing every rule."""

from __future__ import annotations

import hashlib
import json
import shutil

import pytest
from click.testing import CliRunner

import make_pdf
from leaflet.build.pipeline import build_one, render_handout
from leaflet.check.preflight import LABELS, RULES
from leaflet.project import Project
from leaflet.render.page import write_pdf

from .check_tools import FIXTURES, build_fixture, outcomes

GOOD = "---\nkind: faq\ntitle: 良い例\nrevised: 2026-11-20\n---\n\n## 質問\n\n答え。\n"


def run(project, *args):
    return CliRunner().invoke(make_pdf.cli, [*args, "--project", str(project.root)])


def add(project, name: str) -> None:
    shutil.copy(FIXTURES / name, project.handouts / name)


def test_rules_registered_with_labels():
    assert [rule.NAME for rule in RULES] == [
        "text_size", "contrast", "glyphs", "overflow", "safe_area", "lines", "images", "overlap", "fonts", "furigana",
        "breaks", "tagging", "contact"]
    assert all(LABELS.values())


def test_bundled_handouts_pass_every_rule(sample):
    result = CliRunner().invoke(make_pdf.cli, ["check", "--json", "--project", str(sample.root)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["passed"] is True
    assert {h["name"] for h in data["handouts"]} == {"knee/back-of-knee", "knee/chair-stretch", "knee/faq"}
    for handout in data["handouts"]:
        # The column gives no phone number or web address: the brochure's ご相談・ご予約
        # heading is a warning (rule contact), every other outcome passes.
        contact = "warn" if handout["name"] == "knee/back-of-knee" else "pass"
        assert [c["status"] for c in handout["checks"]] == ["pass"] * (len(RULES) - 1) + [contact], handout


def test_build_prints_one_summary_line_per_handout(project, write):
    write("a.md", GOOD)
    result = run(project, "build")
    assert result.exit_code == 0, result.output
    assert "作成: out/a.pdf(1ページ" in result.output
    assert f"  検査: {len(RULES)}項目すべて合格\n" in result.output


def test_build_with_a_failed_check_writes_the_pdf_and_exits_1(project, write):
    write("a.md", GOOD)
    add(project, "tiny-text.md")
    result = run(project, "build")
    assert result.exit_code == 1
    assert (project.root / "out/tiny-text.pdf").is_file()  # still written, to look at
    assert (project.root / "out/a.pdf").is_file()
    assert "作成: out/tiny-text.pdf(1ページ" in result.output
    # each failed rule with its first figure (the 6 pt reading also lands on its base)
    assert "  検査: 不合格 — 文字の大きさ(6.0pt)、ふりがなの重なり(" in result.output
    assert "1件が検査で不合格です(PDF は作成済み): tiny-text" in result.output


def test_check_prints_a_table_and_exits_1_on_failure(project):
    add(project, "pale-grey.md")
    result = run(project, "check")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == f"handouts/pale-grey.md: 不合格({len(RULES)}項目中 1項目)"
    assert lines[1].split() == ["項目", "結果", "測定値", "場所"]
    assert lines[3].split() == ["コントラスト", "不合格", "2.3:1", "1ページ", "handouts/pale-grey.md:9"]
    assert lines[4].startswith("      → 「薄い灰色で書いた注意書き…」の文字色 #aaaaaa と背景 #ffffff")
    assert "Traceback" not in result.output
    assert not (project.root / "out").exists()  # check writes no PDF


def test_check_passes_and_names_each_rule(project, write):
    write("a.md", GOOD)
    result = run(project, "check", "a")
    assert result.exit_code == 0, result.output
    rows = [line.split()[:2] for line in result.output.splitlines()[2:]]
    assert rows == [[label, "合格"] for label in LABELS.values()]


def test_check_json_is_valid_and_names_the_cause(project):
    add(project, "missing-glyph.md")
    result = run(project, "check", "--json")
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["passed"] is False
    handout, = data["handouts"]
    glyphs = [c for c in handout["checks"] if c["rule"] == "glyphs"]
    assert [(c["status"], c["figure"], c["where"]["line"]) for c in glyphs] == [
        ("fail", "U+2695", 8), ("fail", "U+20BB7", 10)]
    assert glyphs[0]["label"] == "フォントにない文字"
    assert glyphs[0]["where"] == {"page": 1, "panel": None, "file": "handouts/missing-glyph.md", "line": 8,
                                  "text": "1ページ handouts/missing-glyph.md:8"}


def test_check_reports_a_broken_handout_and_goes_on(project, write):
    write("a.md", GOOD)
    write("b.md", "---\nkind: faq\ntitle: x\n---\n")
    result = run(project, "check", "--json")
    assert result.exit_code == 1
    data = json.loads(result.output)
    a, b = data["handouts"]
    assert a["passed"] is True and b["passed"] is False
    assert b["error"] == "handouts/b.md:2: revised(改訂日)がありません — フロントマターに revised: を書いてください"


def test_check_unknown_handout_is_a_usage_error(project):
    assert run(project, "check", "nothere").exit_code == 2


def test_check_is_wired_to_the_package(project, write, monkeypatch):
    write("a.md", GOOD)
    seen = {}

    def fake(project_, files, edition, explicit, press):
        seen.update(files=[f.name for f in files], edition=edition, explicit=explicit, press=press)
        return []

    monkeypatch.setattr("leaflet.build.checking.check_handouts", fake)
    result = run(project, "check", "a", "--size", "xl", "--json")
    assert result.exit_code == 0
    assert seen == {"files": ["a.md"], "edition": "xl", "explicit": True, "press": False}
    assert json.loads(result.output) == {"passed": True, "handouts": []}
    assert run(project, "check", "a", "--press").exit_code == 0
    assert seen["press"] is True


# --- relax ---------------------------------------------------------------------------


def test_relaxed_rule_is_reported_with_its_reason_and_does_not_fail(project):
    result = build_fixture(project, "relaxed-contrast.md")
    relaxed, = outcomes(result, "contrast")
    assert relaxed.status == "relaxed" and relaxed.figure == "2.3:1"
    assert relaxed.relaxed_reason == "見本として薄い色を示すための行。同じ文を下に濃い色でも載せています。"
    assert result.passed
    output = run(project, "check", "relaxed-contrast").output
    assert "コントラスト        緩和" in output
    assert "(緩和の理由: 見本として薄い色を示すための行。" in output


def test_a_rule_may_be_relaxed_by_its_japanese_label(project, write):
    text = (FIXTURES / "relaxed-contrast.md").read_text(encoding="utf-8").replace("  contrast:", "  コントラスト:")
    result = build_one(project, write("j.md", text), project.root / "out")
    relaxed, = outcomes(result, "contrast")
    assert relaxed.status == "relaxed" and result.passed


@pytest.mark.parametrize("relax, line, words", [
    ("relax:\n  kontrast: 理由", 6, "relax の「kontrast」という検査はありません — 使える名前: text_size(文字の大きさ), contrast"),
    ("relax:\n  contrast: \"\"", 6, "relax の contrast(コントラスト)に理由が書かれていません"),
    ("relax:\n  lines:", 6, "relax の lines(行の長さと行間)に理由が書かれていません"),
    ("relax: contrast", 5, "relax(検査の緩和(検査名: 理由))の値「contrast」の形が違います"),
])
def test_bad_relax_is_an_error_with_its_line(project, write, relax, line, words):
    path = write("x.md", f"---\nkind: faq\ntitle: 題\nrevised: 2026-11-20\n{relax}\n---\n本文\n")
    result = build_one(project, path, project.root / "out")
    assert result.error and result.error.startswith(f"handouts/x.md:{line}: ")
    assert words in result.error


# --- measuring changes nothing ---------------------------------------------------------


def test_checks_do_not_change_the_pdf(sample, tmp_path):
    project = Project.at(sample.root, tmp_path)
    file = project.handouts / "knee/back-of-knee.md"
    plain = render_handout(project, file)
    write_pdf(plain, tmp_path / "plain.pdf")
    checked = build_one(project, file, tmp_path)
    assert checked.passed
    digest = [hashlib.sha256(p.read_bytes()).hexdigest() for p in (tmp_path / "plain.pdf", checked.pdf)]
    assert digest[0] == digest[1]


def test_a_rule_that_crashes_is_a_failure_not_a_traceback(project, write, monkeypatch):
    from leaflet.check import images

    def broken(ctx):
        raise ValueError("boom")

    monkeypatch.setattr(images, "check", broken)
    write("a.md", GOOD)
    result = run(project, "build")
    assert result.exit_code == 1
    assert "  検査: 不合格 — 画像の解像度(—)" in result.output
    assert (project.root / "out/a.pdf").is_file()
    assert "Traceback" not in result.output


def test_xl_check_of_everything_skips_brochures_and_allows_one_more_page(project):
    import shutil

    from .conftest import SAMPLE

    shutil.copytree(SAMPLE / "handouts", project.handouts, dirs_exist_ok=True)
    result = run(project, "check", "--size", "xl")
    assert result.exit_code == 0, result.output
    assert "handouts/knee/back-of-knee.md: 対象外(三つ折りパンフレット(brochure)には「xl」版がありません)" in result.output
    assert "handouts/knee/faq.md: 合格" in result.output  # 3 pages: the FAQ's 2 + 1 for XL


def test_markdown_warnings_are_in_check_and_said_again_by_an_up_to_date_build(project, write):
    """A malformed furigana is only a warning (the text is printed as written); it must
    not vanish from view after the one build that rebuilt the handout."""
    write("w.md", "---\nkind: faq\ntitle: 題\nrevised: 2026-11-20\n---\n\n## 質問\n\n{嚢腫|のうしゅ の話。\n")
    said = "handouts/w.md:9: ふりがなの書き方が正しくありません「{嚢腫|のうしゅ の話。」"
    checked = CliRunner().invoke(make_pdf.cli, ["check", "--project", str(project.root)])
    assert said in checked.output
    as_json = CliRunner().invoke(make_pdf.cli, ["check", "--json", "--project", str(project.root)])
    assert any(said in w for w in json.loads(as_json.output)["handouts"][0]["warnings"])
    for _ in range(2):  # built, then up to date: warned both times
        built = CliRunner().invoke(make_pdf.cli, ["build", "--project", str(project.root)])
        assert said in built.output
    assert "最新: w(変更なし)" in built.output


def test_malformed_furigana_in_the_title_is_warned_on_its_line(project, write):
    write("t.md", "---\nkind: faq\ntitle: \"{膝窩筋|の痛み\"\nrevised: 2026-11-20\n---\n\n## 質問\n\n答え。\n")
    built = CliRunner().invoke(make_pdf.cli, ["build", "--project", str(project.root)])
    assert built.exit_code == 0, built.output
    assert "警告: handouts/t.md:3: ふりがなの書き方が正しくありません「{膝窩筋|の痛み」" in built.output
