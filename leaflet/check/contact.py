"""Rule 12, contact: a heading that asks the reader to get in touch (ご相談, ご予約,
お問い合わせ, お電話), whether the template's or the editor's, needs a way to do it: the
clinic's phone number or web address in clinic.yaml. Without either it is a warning: the
leaflet still prints, but a patient is left with nothing to act on."""

from __future__ import annotations

from ..project import CLINIC_FILE
from ..source.clinic import load_clinic
from .boxes import HEADING
from .context import Context, excerpt, passed
from .report import Outcome

NAME = "contact"
LABEL = "連絡先"

INVITATIONS = ("ご相談", "ご予約", "お問い合わせ", "お問合せ", "お電話")


def check(ctx: Context) -> list[Outcome]:
    clinic = load_clinic(ctx.project)
    ways = [label for key, label in (("phone", "電話"), ("url", "ホームページ")) if clinic.get(key)]
    headings = [run for run in ctx.layout.runs
                if run.role == HEADING and any(word in run.block for word in INVITATIONS)]
    if not headings:
        return [passed(NAME, "見出しなし", "相談や予約を呼びかける見出しはありません")]
    if ways:
        return [passed(NAME, "・".join(ways), f"相談や予約の見出しに、連絡先({'・'.join(ways)})があります")]
    first = headings[0]
    return [passed(
        NAME, "電話・ホームページなし",
        f"見出し「{excerpt(first.block)}」は相談や予約を呼びかけていますが、{CLINIC_FILE} に電話番号もホームページも"
        f"ないため、連絡の方法が印刷されません。{CLINIC_FILE} に phone:(電話番号)か url:(ホームページ)を書いてください",
        warning=True, where=ctx.where_run(first))]
