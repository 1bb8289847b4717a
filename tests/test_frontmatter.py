"""Front matter and file decoding: each bad input gives its line and a fix."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from leaflet.errors import HandoutError
from leaflet.source.frontmatter import read_text, split


def error_of(text: str) -> HandoutError:
    with pytest.raises(HandoutError) as caught:
        split(text, "handouts/x.md")
    return caught.value


def test_parses_fields_and_body_line():
    source = split("---\nkind: faq\ntitle: 題\nrevised: 2026-11-20\n---\n本文\n", "x.md")
    assert source.meta == {"kind": "faq", "title": "題", "revised": dt.date(2026, 11, 20)}
    assert source.meta_lines == {"kind": 2, "title": 3, "revised": 4}
    assert source.body.startswith("本文")
    assert source.body_line == 6


@pytest.mark.parametrize("text, line, words", [
    ("", 1, "ファイルが空です"),
    ("   \n\n", 1, "ファイルが空です"),
    ("kind: faq\n本文", 1, "フロントマターがありません"),
    ("---\nkind: faq\ntitle: x\n本文\n", 1, "フロントマターが閉じていません"),
    # YAML gives up a line later; the editor is sent to where the bracket or quote opened.
    ("---\nkind: faq\ntitle: [閉じていない\nrevised: 2026-01-01\n---\n", 3, "「[」が「]」で閉じられていません"),
    ("---\nkind: faq\ntitle: \"閉じていない\n---\n", 3, "引用符"),
    ("---\nkind: faq\ntitle: 膝: 裏\n---\n", 3, "「: 」の位置か字下げに誤りがあります"),
    ("---\nkind: faq\ntitle 題\nrevised: 2026-01-01\n---\n", 3, "「名前: 値」の形になっていない行があります"),
    ("---\nkind: faq\n\ttitle: 題\n---\n", 3, "タブ文字は使えません"),
    # The closing --- forgotten and a later --- rule in the body: YAML would read the
    # heading as a comment and drop it (or give up on the text), so say what happened.
    ("---\nkind: faq\ntitle: 題\n\n## 質問1\n\n---\n\n## 質問2\n", 5, "フロントマターが閉じていません"),
    ("---\nkind: faq\ntitle: 題\n\n答えです。\n\n---\n", 5, "フロントマターが閉じていません"),
    ("---\nkind: brochure\ntitle: 題\n\n::: cover\n\n表紙\n---\n", 5, "フロントマターが閉じていません"),
    # ... a heading straight under the keys; a body line that looks like "name: value";
    # a section marker before one; a paragraph that starts with furigana
    ("---\nkind: faq\ntitle: 題\n## 受付時間は?\n\n平日の9時からです。\n\n---\n", 4, "フロントマターが閉じていません"),
    ("---\nkind: faq\ntitle: 題\n\n## 受付時間は?\n\n平日: 9時からです。\n\n---\n", 5, "フロントマターが閉じていません"),
    ("---\nkind: brochure\ntitle: 題\n\n::: cover\n\n電話: 03-0000-0000\n---\n", 5, "フロントマターが閉じていません"),
    ("---\nkind: faq\ntitle: 題\n\n{膝|ひざ}の話です。\n\n---\n", 5, "フロントマターが閉じていません"),
    ("---\n- a\n- b\n---\n", 2, "「名前: 値」"),
    ("---\nkind: faq\ntitle:膝の話\nrevised: 2026-01-01\n---\n", 3, "「title:」の後に空白がありません"),
    ("---\nkind: faq\ntitle：膝の話\nrevised: 2026-01-01\n---\n", 3, "「title：」の「：」が全角です"),
    ("---\nkind: faq\ntitle: 題\nrelax:\n  contrast：理由\n---\n", 5, "「contrast：」の「：」が全角です"),
    # a full-width space from the input method, after or before the colon, or as an indent
    ("---\nkind: faq\ntitle:\u3000膝の話\nrevised: 2026-01-01\n---\n", 3, "「title:」の「:」の後の空白が全角です"),
    ("---\nkind: faq\ntitle\u3000: 膝の話\nrevised: 2026-01-01\n---\n", 3, "「title:」の「:」の前の空白が全角です"),
    ("---\nkind: faq\ntitle: 題\nrelax:\n  contrast:\u3000理由\n---\n", 5, "「contrast:」の「:」の後の空白が全角です"),
    ("---\nkind: faq\n\u3000title: 膝の話\n---\n", 3, "行の頭に全角の空白があります"),
    # YAML would keep the last title silently; the editor is told which line repeats it.
    ("---\nkind: faq\ntitle: 古い題\nrevised: 2026-01-01\ntitle: 新しい題\n---\n", 5, "「title」が2回"),
    ("---\nkind: faq\ntitle: 題\nrelax:\n  overflow: 理由\n  overflow: 別の理由\n---\n", 6, "「overflow」が2回"),
])
def test_bad_front_matter(text, line, words):
    error = error_of(text)
    assert error.line == line
    assert words in error.message
    assert error.hint  # always says how to fix it
    assert str(error).startswith(f"handouts/x.md:{line}: ")


def test_yaml_problems_are_told_in_japanese():
    for text in ("---\nkind: faq\ntitle: [x\n---\n", "---\nkind: faq\ntitle: @x\n---\n",
                 "---\nkind: faq\ntitle x\nrevised: 1\n---\n", "---\nkind: faq\ntitle: *x\n---\n"):
        message = error_of(text).message
        assert not re.search(r"[A-Za-z]{3,}", message.replace("YAML", "")), message


@pytest.mark.parametrize("front", [
    "kind: faq\n# メモ\ntitle: 題\n\n# もう一つ\nrelax:\n  contrast: 理由\ntags:\n  - a\n",
    "kind: faq\n## 設定メモ\ntitle: 題\ntags: [a]\n",          # a "##" comment between keys
    "kind: faq\ntitle: 題\n\n## メモ\ntags: [a]\n",            # ... after a blank line, keys follow
    "kind: faq\ntitle: 題\n\n#\tメモ\ntags: [a]\n",
    "kind: faq\ntitle: 題\ntags:\n\n- a\n",                    # a block list after a blank line
    "kind: faq\ntitle: \"題の\n\n 続き\"\ntags: [a]\n",         # a quoted value over a blank line
])
def test_valid_front_matter_is_not_taken_for_a_forgotten_close(front):
    source = split(f"---\n{front}---\n本文\n", "x.md")
    assert source.meta["tags"] == ["a"] and source.body == "本文\n"


def test_a_repeated_key_says_to_keep_one():
    error = error_of("---\nkind: faq\ntitle: 題\ntitle: 題2\n---\n")
    assert "1回だけ" in error.hint


def test_yaml_merge_keys_are_not_repeats():
    source = split("---\nkind: faq\nbase: &b {x: 1}\nother:\n  <<: *b\n  y: 2\ntitle: 題\n---\n", "x.md")
    assert source.meta["other"] == {"x": 1, "y": 2}
    # A merged mapping that itself merges and overrides, merged before it is read.
    nested = "---\nkind: faq\ntitle: 題\nouter:\n  base: &b\n    <<: {k: 1}\n    k: 2\nother:\n  <<: *b\n---\n"
    assert split(nested, "x.md").meta["other"] == {"k": 2}


def test_bom_and_crlf_are_fine(tmp_path):
    file = tmp_path / "x.md"
    file.write_bytes("\ufeff---\r\nkind: faq\r\ntitle: 題\r\n---\r\n本文\r\n".encode())
    source = split(read_text(file, "x.md", tmp_path), "x.md")
    assert source.meta["title"] == "題"
    assert source.body == "本文\n"


def test_not_utf8_names_the_line(tmp_path):
    file = tmp_path / "x.md"
    file.write_bytes(b"---\nkind: faq\n" + "title: 膝\n".encode("shift_jis") + b"---\n")
    with pytest.raises(HandoutError) as caught:
        read_text(file, "handouts/x.md", tmp_path)
    assert caught.value.line == 3
    assert "UTF-8" in caught.value.message


@pytest.mark.parametrize("line, title", [
    ("title: {膝窩|しっか}の痛み", "{膝窩|しっか}の痛み"),  # YAML alone would see a mapping
    ("title: {膝窩|しっか}", "{膝窩|しっか}"),
    ("title: {膝窩｜しっか}の'痛み'  # 注", "{膝窩｜しっか}の'痛み'"),
    ('title: "{膝|ひざ}の話"', "{膝|ひざ}の話"),  # quoted by the editor: unchanged
])
def test_a_value_may_start_with_furigana(line, title):
    source = split(f"---\nkind: faq\n{line}\nrevised: 2026-11-20\n---\n", "x.md")
    assert source.meta["title"] == title
    assert source.meta_lines["title"] == 3


def test_a_real_mapping_stays_a_mapping():
    assert split("---\nkind: faq\ntitle: 題\nx: {a: 1}\n---\n", "x.md").meta["x"] == {"a": 1}


def test_colons_inside_values_are_fine():
    source = split("---\nkind: faq\ntitle: 午前10:30から\nnote: \"a:b\"\nurl: https://x\n---\n", "x.md")
    assert source.meta["title"] == "午前10:30から"
