"""Where things live in a project, and the project-wide configuration files."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import HandoutError, UsageError

CLINIC_FILE = "clinic.yaml"
READINGS_FILE = "readings.yaml"
CATALOG_FILE = "index.html"  # the catalog page, in the output folder
THUMBNAILS = ".thumbs"  # the catalog's pictures of first pages, inside the output folder


@dataclass(frozen=True)
class Project:
    """A project folder: handouts/, templates/, styles/, fonts/, clinic.yaml, readings.yaml."""

    root: Path
    out: Path = field(default=Path())

    @classmethod
    def at(cls, root: Path | str, out: Path | str | None = None) -> Project:
        root = Path(root).resolve()
        return cls(root=root, out=Path(out).resolve() if out else root / "out")

    @property
    def handouts(self) -> Path:
        return self.root / "handouts"

    @property
    def templates(self) -> Path:
        return self.root / "templates"

    @property
    def styles(self) -> Path:
        return self.root / "styles"

    @property
    def fonts(self) -> Path:
        return self.root / "fonts"

    def rel(self, path: Path) -> str:
        """A path as the editor knows it: relative to the project root when inside it."""
        for candidate in (absolute(path), Path(path).resolve()):
            try:
                return str(candidate.relative_to(self.root))
            except ValueError:
                pass
        return str(path)

    def contains(self, path: Path) -> bool:
        """True when ``path`` (symlinks resolved) is inside the project folder."""
        try:
            Path(path).resolve().relative_to(self.root)
        except (ValueError, OSError, RuntimeError):  # outside; a NUL in the name; a link loop
            return False
        return True

    # --- handouts -------------------------------------------------------------

    def out_problem(self) -> str | None:
        """Why the output folder would overwrite or litter the sources, if it would:
        PDFs, index.html, thumbnails and the state file go there, and ``--clean``
        deletes there."""
        out = self.out.resolve()
        sources = [self.root, self.handouts, self.templates, self.styles, self.fonts, self.root / "leaflet"]
        if out == self.root or any(out == s.resolve() or s.resolve() in out.parents for s in sources[1:]):
            return f"出力先「{self.rel(out)}」は原稿やプログラムのフォルダです"
        if out in self.root.parents:
            return f"出力先「{out}」はプロジェクトを含むフォルダです"
        return None

    def all_handouts(self) -> list[Path]:
        """Every ``.md`` under handouts/, except hidden files and folders: editors' lock
        files (``.#faq.md``), macOS's ``._faq.md`` on shared drives, a desktop's
        ``.Trash-1000/`` are not handouts."""
        top = absolute(self.handouts)
        return sorted(p for p in self.handouts.rglob("*") if is_markdown(p)
                      and not is_hidden(absolute(p).relative_to(top)))

    def name_of(self, path: Path) -> str:
        """``handouts/knee/faq.md`` → ``knee/faq``. Symlinks are not followed here (a
        link's target may be outside; ``load`` refuses that with a clear error)."""
        return absolute(path).relative_to(absolute(self.handouts)).with_suffix("").as_posix()

    def find(self, names: tuple[str, ...] | list[str]) -> list[Path]:
        """Resolve CLI arguments (a path to a .md or a name under handouts/) to files."""
        if not names:
            return self.all_handouts()
        found: list[Path] = []
        handouts = absolute(self.handouts)
        for name in names:
            candidates = [Path(name), self.handouts / name, *same_name(self.handouts / f"{name}.md")]
            match = next((absolute(c) for c in candidates if is_markdown(c) and c.is_file()
                          and handouts in absolute(c).parents), None)
            if match is None:
                known = ", ".join(self.name_of(p) for p in self.all_handouts()) or "(なし)"
                raise UsageError(f"リーフレット「{name}」が handouts/ の中に見つかりません。使える名前: {known}")
            if match not in found:
                found.append(match)
        return found

    def pdf_for(self, source: Path, out: Path | None = None, edition: str = "") -> Path:
        """Output mirrors the tree: handouts/knee/faq.md → out/knee/faq.pdf (out/xl/… for XL)."""
        base = out or self.out
        if edition:
            base = base / edition
        return base / f"{self.name_of(source)}.pdf"

    # --- configuration ----------------------------------------------------------

    def clinic(self) -> dict[str, Any]:
        """The clinic's facts. A fact that is not configured is simply absent."""
        return load_yaml_mapping(self.root / CLINIC_FILE, self)

    def readings(self) -> dict[str, str]:
        data = load_yaml_mapping(self.root / READINGS_FILE, self)
        return {str(k): str(v) for k, v in data.items() if v}


def absolute(path: Path) -> Path:
    """Absolute, with ``..`` folded, symlinks not followed."""
    return Path(os.path.abspath(path))


def is_markdown(path: Path) -> bool:
    """A handout's name ends in .md; editors on Windows may save NAME.MD."""
    return path.suffix.lower() == ".md"


def same_name(path: Path) -> list[Path]:
    """The handouts in ``path``'s folder that make the same PDF as it: ``a.md`` and
    ``a.MD`` (or ``a.Md``) are one name on Windows and two files here."""
    try:
        return sorted(p for p in path.parent.iterdir()
                      if p.stem == path.stem and is_markdown(p) and (p == path or p.is_file()))
    except OSError:
        return []


def is_hidden(relative: Path) -> bool:
    """A path (relative to handouts/) with a part starting with a dot."""
    return any(part.startswith(".") for part in relative.parts)


def remove_empty_folders(folder: Path, top: Path) -> None:
    """Remove ``folder`` and its parents while they are empty, stopping at ``top``
    (after --clean: the PDFs and thumbnails of deleted handouts leave no husks)."""
    folder, top = absolute(folder), absolute(top)
    while folder != top and top in folder.parents:
        try:
            folder.rmdir()
        except OSError:  # not empty (or not there)
            return
        folder = folder.parent


def load_yaml_mapping(path: Path, project: Project) -> dict[str, Any]:
    """Read an optional YAML mapping; a syntax error is reported with its line."""
    from . import guarded_read, yamlfile  # here, not at the top: an up-to-date build never parses YAML

    if not guarded_read.exists(path):
        return {}
    try:
        data = yamlfile.read_file(path, project.root)
    except yamlfile.YAMLError as error:
        line, problem, fix = yamlfile.explain(error)
        raise HandoutError(project.rel(path), None if line is None else line + 1,
                           f"YAML の書き方に誤りがあります({problem})", fix) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise HandoutError(project.rel(path), 1, "「名前: 値」の形で書いてください")
    return data
