"""Rule 10, tagging: what a screen reader, search and copy-paste get from the PDF.

Decided on the plan of the PDF's structure tree (``render/tagging/plan``), which is
made from the laid-out document: the same plan the writer writes, so ``check`` needs
no PDF. It fails when
- the document has no language (``<html lang>``) or no title (``<title>``),
- a picture has no alternative text (``![](x.svg)``; decoration says ``![装飾](x.svg)``),
- a furigana does not become a ``Ruby`` with its base and its reading, both drawn.
That every mark WeasyPrint paints ends up in the tree or as an artifact is not known
before the marks exist, while the PDF is written: the writer places every one (what
the plan missed goes under ``Document``) and the tests read it back from the PDFs.
"""

from __future__ import annotations

from ..render.tagging import plan
from ..render.tagging.plan import Node
from .context import Context, excerpt, failed, passed
from .report import Outcome, Where

NAME = "tagging"
LABEL = "読み上げ用の構造"

BASES = ("ruby", "rb")  # the elements whose text is a furigana's base


def check(ctx: Context) -> list[Outcome]:
    structure = plan(ctx.document, ctx.handout.kind.reading_order)
    metadata = ctx.document.metadata
    outcomes = []
    if not (metadata.lang or "").strip():
        outcomes.append(failed(NAME, "言語なし", ctx.where(),
                               "PDF に言語(日本語)が指定されていないため、読み上げソフトが正しく読めません。"
                               "種類のテンプレート(templates/*.html)の <html> に lang=\"ja\" を書いてください"))
    if not (metadata.title or "").strip():
        outcomes.append(failed(NAME, "タイトルなし", ctx.where(),
                               "PDF にタイトルがありません。種類のテンプレートの <head> に "
                               "<title>{{ meta.title|plain }}</title> を書いてください"))
    for figure in structure.missing_alt:
        src = str(figure.element.get("src") or "")
        name = src.rsplit("/", 1)[-1] or "(インライン SVG)"
        outcomes.append(failed(
            NAME, "説明のない画像", _where(ctx, figure, src or None),
            f"画像「{name}」に説明(代替テキスト)がありません。読み上げでは何の絵かわかりません。"
            f"![椅子に浅く腰かける](images/{name}) のように [ ] の中に絵の説明を書いてください"
            f"(飾りの絵なら ![装飾](images/{name}))"))
    rubies = structure.find("Ruby")
    for ruby in rubies:
        base, reading = _part(ruby, "RB"), _part(ruby, "RT")
        if not base or not reading:
            outcomes.append(failed(
                NAME, "読みのないふりがな", _where(ctx, ruby, base or reading or None),
                f"ふりがな「{base or '?'}|{reading or '?'}」の{'読み' if base else '漢字'}が PDF に描かれていません。"
                "{漢字|かんじ} の形で書き、ふりがな(rt)を隠すスタイルを使わないでください"))
    for artifact in structure.artifacts:
        element = getattr(artifact.box, "element", None)
        if element is not None and str(element.tag) in BASES:
            text = getattr(artifact.box, "text", "")
            outcomes.append(failed(
                NAME, "飾り扱いのふりがな", ctx.where(artifact.page + 1, text=text or None),
                f"ふりがなのある「{excerpt(text)}」が飾り(読み上げない部分)の中にあります。"
                "本文に書くか、--pdf-artifact を指定したスタイルの外に出してください"))
    if outcomes:
        return outcomes
    figures = structure.find("Figure")
    elements = sum(1 for _ in structure.root.nodes())
    return [passed(NAME, f"{elements}要素・ふりがな{len(rubies)}・画像{len(figures)}",
                   f"言語・タイトルがあり、画像 {len(figures)}点すべてに説明があり、"
                   f"ふりがな {len(rubies)}か所すべてが読みつきの Ruby になります")]


def _part(ruby: Node, role: str) -> str:
    return "".join(kid.text for kid in ruby.kids if isinstance(kid, Node) and kid.role == role).strip()


def _where(ctx: Context, node: Node, text: str | None) -> Where:
    page = node.page if node.page is not None else (node.bbox[0] if node.bbox else None)
    return ctx.where(None if page is None else page + 1, node.in_panel, text, exact=True, line=node.line)
