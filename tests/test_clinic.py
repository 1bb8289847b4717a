"""clinic.yaml against its schema (templates/_clinic.yaml): what is accepted, what is an
error, and where the error points. No rendering here (see test_clinic_pdfs.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import make_pdf
from leaflet.errors import HandoutError
from leaflet.source.clinic import load_clinic

FULL = Path(__file__).resolve().parent / "fixtures" / "clinic-full" / "clinic.yaml"


def clinic(project, text: str) -> dict:
    (project.root / "clinic.yaml").write_text(text, encoding="utf-8")
    return load_clinic(project)


def refused(project, text: str) -> HandoutError:
    with pytest.raises(HandoutError) as caught:
        clinic(project, text)
    return caught.value


def test_the_full_fixture_clinic_is_valid(project):
    shutil.copy(FULL, project.root / "clinic.yaml")
    facts = load_clinic(project)
    assert facts["phone"] == "011-000-0000"
    assert facts["hours"] == ["平日 9:00〜18:00", "土曜 9:00〜12:00"]
    assert facts["url"] == "https://example.org/clinic"
    assert facts["fold_ticks"] is True
    assert len(facts["menu"]) == 4 and len(facts["treats"]) == 3


def test_the_sample_clinic_is_valid_and_gives_no_contact(project):
    facts = load_clinic(project)  # the sample's clinic.yaml: as the column gives it
    assert facts["name"] == "札幌ひざのセルクリニック"
    assert not facts.get("phone") and not facts.get("url")
    assert facts["fold_ticks"] is True  # the default


def test_no_clinic_yaml_is_no_facts(project):
    (project.root / "clinic.yaml").unlink()
    assert load_clinic(project) == {"fold_ticks": True}


def test_a_misspelt_key_is_named_on_its_line_with_the_closest_known_one(project):
    error = refused(project, "name: 膝クリニック\n# 電話\nphon: 011-000-0000\n")
    assert (error.path, error.line) == ("clinic.yaml", 3)
    assert error.message == "clinic.yaml に「phon」という項目はありません"
    assert error.hint.startswith("「phone」の書き間違いではありませんか。使える項目: name, doctor, phone,")


def test_an_unknown_key_with_no_close_one_lists_the_known_keys(project):
    error = refused(project, "name: 膝クリニック\nfax: 011-000-0001\n")
    assert error.line == 2 and error.hint.startswith("使える項目: name,")


@pytest.mark.parametrize("url", ["ftp://example.org/", "javascript:alert(1)", "example.org", "https://",
                                 "https://example.org/a b", "file:///etc/passwd"])
def test_a_url_must_be_http_or_https_with_a_host(project, url):
    error = refused(project, f"name: 膝クリニック\nurl: \"{url}\"\n")
    assert error.line == 2
    assert "はホームページのアドレスではありません" in error.message
    assert "https:// か http:// で始まるアドレス" in error.hint


@pytest.mark.parametrize("url", ["https://example.org/clinic", "http://example.org", "https://例え.jp/診療"])
def test_web_addresses_are_accepted(project, url):
    assert clinic(project, f"url: {url}\n")["url"] == url


def test_hours_are_lines_and_one_line_is_a_list_of_one(project):
    assert clinic(project, "hours:\n  - 平日 9:00〜18:00\n  - 土曜 9:00〜12:00\n")["hours"] == [
        "平日 9:00〜18:00", "土曜 9:00〜12:00"]
    assert clinic(project, "hours: 平日 9:00〜18:00\n")["hours"] == ["平日 9:00〜18:00"]


def test_a_list_entry_of_the_wrong_shape_is_an_error_on_the_key_line(project):
    error = refused(project, "name: 膝クリニック\nmenu:\n  - 相談\n  - {予約: 電話}\n")
    assert error.line == 2
    assert error.message.startswith("menu(ご相談・ご予約の内容)の項目")
    assert "文字列で書いてください" in error.hint


@pytest.mark.parametrize("text, line, words", [
    ("name: [一, 二]\n", 1, "name(クリニック名)の値「['一', '二']」の形が違います"),
    ("name: 膝\nfold_ticks: はい\n", 2, "fold_ticks(三つ折りの折り目の目印)の値「はい」の形が違います"),
    ("treats:\n  a: b\n", 1, "treats(診療内容)の値「{'a': 'b'}」の形が違います"),
])
def test_values_of_the_wrong_type(project, text, line, words):
    error = refused(project, text)
    assert (error.line, error.message) == (line, words)


def test_a_boolean_is_read_as_yaml_says(project):
    assert clinic(project, "fold_ticks: false\n")["fold_ticks"] is False


def test_build_reports_a_bad_clinic_yaml_once_per_handout_and_exits_1(project, write):
    write("a.md", "---\nkind: faq\ntitle: 質問\nrevised: 2026-11-20\n---\n\n## 問い\n\n答え。\n")
    (project.root / "clinic.yaml").write_text("name: 膝クリニック\nadress: 札幌市\n", encoding="utf-8")
    result = CliRunner().invoke(make_pdf.cli, ["build", "--project", str(project.root)])
    assert result.exit_code == 1
    assert ("エラー: handouts/a.md: clinic.yaml:2: clinic.yaml に「adress」という項目はありません — "
            "「address」の書き間違いではありませんか。") in result.output
    assert not (project.out / "a.pdf").exists()


def test_clinic_yaml_is_read_once_through_the_guarded_reader(project, monkeypatch):
    """The facts and the text as written (phone numbers kept as typed) come from one read
    of the guarded reader, never from a second open of the path."""
    from leaflet import guarded_read

    shutil.copy(FULL, project.root / "clinic.yaml")
    reads: list[str] = []
    real = guarded_read.read_bytes

    def counted(path, root, *args, **kwargs):
        reads.append(Path(path).name)
        return real(path, root, *args, **kwargs)

    monkeypatch.setattr(guarded_read, "read_bytes", counted)
    monkeypatch.setattr(Path, "read_text", lambda *a, **k: pytest.fail("clinic.yaml read around the guard"))
    assert load_clinic(project)["phone"] == "011-000-0000"
    assert reads.count("clinic.yaml") == 1


def test_a_clinic_yaml_linked_from_outside_the_project_is_refused_unread(project, tmp_path):
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text("name: よそのクリニック\nphone: 099-999-9999\n", encoding="utf-8")
    (project.root / "clinic.yaml").unlink()
    (project.root / "clinic.yaml").symlink_to(outside)
    with pytest.raises(HandoutError) as caught:
        load_clinic(project)
    assert caught.value.path == "clinic.yaml" and "プロジェクトの外" in caught.value.message


def test_the_schema_is_a_dependency_of_every_pdf(project, write):
    from leaflet.build.deps import deps_of
    from leaflet.build.plan import plan_for

    path = write("a.md", "---\nkind: faq\ntitle: 質問\nrevised: 2026-11-20\n---\n\n## 問い\n\n答え。\n")
    assert "templates/_clinic.yaml" in deps_of(project, plan_for(project, path)).inputs


@pytest.mark.parametrize("written, printed", [
    ("0110000000", "0110000000"),  # YAML 1.1 would read an octal number: 18874368
    ("0120-123-456", "0120-123-456"),
    ("'0110000000'", "0110000000"),
])
def test_a_phone_number_is_kept_as_written(project, written, printed):
    assert clinic(project, f"phone: {written}\n")["phone"] == printed


def test_hours_are_kept_as_written(project):
    # YAML 1.1 reads 9:30 as a sexagesimal number (570).
    assert clinic(project, "hours:\n  - 9:30\n  - 平日 9:00〜18:00\n")["hours"] == ["9:30", "平日 9:00〜18:00"]
    assert clinic(project, "hours: 9:30\n")["hours"] == ["9:30"]
