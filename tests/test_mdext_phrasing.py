"""Where a line may end (leaflet/mdext/phrasing.py): BudouX phrases, joined where a cut
would split a number from its unit, a katakana or Latin word, a kana word BudouX cut in
two, or break a kinsoku rule; a paragraph's short last phrase joins the one before."""

from __future__ import annotations

import budoux
import pytest

from leaflet.check import thresholds as T
from leaflet.source.markdown.phrasing import RUNT_CHARS, body_breaks, boundaries, keep_together, split_phrases

BUDOUX = budoux.load_default_japanese_parser()


def budoux_cuts(text: str) -> set[int]:
    cuts, position = set(), 0
    for phrase in BUDOUX.parse(text)[:-1]:
        position += len(phrase)
        cuts.add(position)
    return cuts


@pytest.mark.parametrize("text, whole", [
    ("2026年11月20日に改訂しました。", "2026年11月20日に"),  # BudouX: 202|6年
    ("伸ばしたまま20秒ほど保ちます。", "20秒ほど"),
    ("1日3回、14日目には2分ほど続けます。", "1日3回、"),
    ("5,000件の相談があり、3 mmの変化です。", "3 mmの"),
    ("60歳以上の方の約3割にみられます。", "約3割"),
    ("週に2〜3回、10分ほど歩きます。", "2〜3回、"),
    ("リハビリテーションのご案内", "リハビリテーションの"),
    ("筋力トレーニング、生活習慣の見直しで", "筋力トレーニング、"),
    ("超音波検査やMRI検査を行います。", "MRI検査を"),
    ("痛みをがまんして深く曲げるのもやめましょう。", "痛みをがまんして"),  # BudouX: を|が|まんして
    ("関節の修復をうながす新しい治療です。", "うながす新しい"),  # BudouX: うなが|す新しい
    ("正座や深くしゃがみ込む動作", "しゃがみ込む"),
])
def test_words_numbers_and_units_stay_in_one_phrase(text, whole):
    phrases = split_phrases(text)
    assert "".join(phrases) == text
    assert any(whole in phrase for phrase in phrases), phrases


@pytest.mark.parametrize("before, after", [
    ("約", "3割"), ("第", "2週"), ("202", "6年"), ("20", "秒"), ("3 ", "mm"), ("5,", "000件"), ("2〜", "3回"),
    ("リハビリテーショ", "ンの"), ("クッ", "ション"), ("MR", "I"), ("痛みを", "が"), ("が", "まんして"),
    ("うなが", "す新しい"), ("相談", "。"), ("(", "膝の"), ("1日", "3回、"), ("2026年", "11月")])
def test_cuts_that_are_joined(before, after):
    assert keep_together(before, after)


@pytest.mark.parametrize("before, after", [
    ("膝の", "裏が"), ("血の", "めぐりが"), ("ときは、", "無理な"), ("家では", "正座椅子を"),
    ("ハムストリングスと", "クッションと"), ("リハビリテーション・", "センター"), ("する", "お風呂"), ("14日目には", "2分ほど"), ("1つ目、", "2つ目"), ("西2丁目 3-4 ", "ひざビル")])
def test_cuts_that_stay(before, after):
    assert not keep_together(before, after)


def test_kinsoku_punctuation_and_brackets_stay_with_their_phrase():
    phrases = split_phrases("医師や理学療法士(リハビリの専門職)に相談を。「年齢のせい」と言われました。")
    for phrase in phrases:
        assert phrase[0] not in "、。)」", phrases
        assert phrase[-1] not in "(「", phrases


def test_phrases_still_break_where_they_should():
    assert split_phrases("膝の裏に違和感があるときは、無理な正座は控えましょう。") == [
        "膝の", "裏に", "違和感が", "ある", "ときは、", "無理な", "正座は", "控えましょう。"]
    assert split_phrases("お風呂でご案内します") == ["お風呂で", "ご案内します"]  # お|, ご| are prefixes


TEXTS = ["膝の裏の痛みには、いくつかの原因があります。年齢のせいとあきらめる前に、原因を知りましょう。",
         "まずレントゲンで骨の状態を調べます。ベーカー嚢腫(膝の裏の袋に液がたまる病気)や半月板を見ます。",
         "体が持つ治る力を引き出し、関節の修復をうながす新しい治療です。PRP治療などがあります。"]


@pytest.mark.parametrize("text", TEXTS)
def test_every_break_is_a_budoux_boundary(text):
    # Cuts are only ever removed: a line never ends where BudouX would not end it.
    assert boundaries(text) <= budoux_cuts(text)
    assert body_breaks(text) <= boundaries(text)


@pytest.mark.parametrize("text, last", [
    ("新しい治療です。", "新しい治療です。"),  # 「です。」 would not be a phrase of its own anyway
    ("医師に相談を。", "相談を。"),
    ("まず医師に相談しましょう。", "相談しましょう。"),
    ("膝の裏の痛みの予防に役立ちます。", "役立ちます。"),
    ("温めないでください。まず", "ください。まず"),
])
def test_the_last_line_holds_at_least_four_characters(text, last):
    cuts = body_breaks(text)
    tail = text[max(cuts, default=0):]
    assert len(tail) >= RUNT_CHARS
    assert tail.endswith(last) or last.endswith(tail)


def test_runt_figure_is_the_preflights():
    assert RUNT_CHARS == T.LAST_LINE_CHARS_MIN
