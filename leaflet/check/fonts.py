"""Rule 8, fonts: every font is embedded, and only the project's fonts are used.

Three measurements: each ``@font-face`` the document loaded is a file in the project's
fonts/ folder; its licence lets it be embedded in a PDF (OpenType ``fsType``) and it has
outlines to embed; and every text run was actually set in one of those faces (read from
Pango's layout, so a system font sneaking in is caught even if fontconfig isolation
breaks). WeasyPrint embeds (a subset of) every font it draws with.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .. import guarded_read
from ..render.weasy import drawn_families
from .context import Context, excerpt, failed, passed
from .fontfile import NotAFont, font_file
from .report import Outcome

NAME = "fonts"
LABEL = "フォント"

RESTRICTED = 0x0002  # fsType: "Restricted License embedding", may not be embedded
BITMAP_ONLY = 0x0200  # fsType: only bitmaps may be embedded


def check(ctx: Context) -> list[Outcome]:
    outcomes = []
    fonts_dir = ctx.project.fonts.resolve()
    for face in ctx.faces:
        files = face.files()
        if not files:
            sources = ", ".join(url for _, url in face.sources)
            outcomes.append(failed(NAME, face.family, None,
                                   f"フォント「{face.family}」({sources}) は fonts/ のファイルではありません。"
                                   "@font-face の src は url(\"../fonts/…\") にしてください"))
        for path in files:
            problem = _problem(path, fonts_dir, ctx.project.root)
            if problem:
                outcomes.append(failed(NAME, path.name, None, f"フォント「{face.family}」: {problem}"))
    families = {face.family for face in ctx.faces}
    strangers: dict[str, Any] = {}
    names: dict[int, str] = {}
    for run in ctx.layout.runs:
        for family in drawn_families(run.box, names):
            if family not in families:
                strangers.setdefault(family, run)
    for family, run in strangers.items():
        outcomes.append(failed(NAME, family, ctx.where_run(run),
                               f"「{excerpt(run.text)}」がプロジェクトにないフォント「{family}」で描かれています。"
                               "fonts/ のフォントだけを使うよう、スタイルの font-family を確認してください"))
    if outcomes:
        return outcomes
    if not ctx.faces:
        return [failed(NAME, "なし", None, "@font-face で読み込んだフォントがありません。"
                       "styles/base.css の @font-face を確認してください")]
    names_list = "・".join(sorted(families))
    return [passed(NAME, f"{names_list}({len(ctx.faces)}書体)",
                   "fonts/ のフォントだけを使い、すべて PDF に埋め込めます")]


def _problem(path: Path, fonts_dir: Path, root: Path) -> str | None:
    try:
        path.resolve().relative_to(fonts_dir)
    except ValueError:
        return f"{path.name} はプロジェクトの fonts/ の外にあります。fonts/ に置いてください"
    if not path.is_file():
        return f"{path.name} が見つかりません"
    try:
        facts = font_file(path, root)
    except guarded_read.Refused as refused:
        return f"{path.name}: {refused.message}"
    except NotAFont:
        return f"{path.name} はフォントとして読めません"
    fs_type = facts.fs_type
    if fs_type & 0x000F == RESTRICTED or fs_type & BITMAP_ONLY:
        return (f"{path.name} はライセンスで PDF への埋め込みが禁止されています(fsType {fs_type:#06x})。"
                "別のフォントにしてください")
    if not facts.has_outlines:
        return f"{path.name} には埋め込める輪郭データがありません"
    return None
