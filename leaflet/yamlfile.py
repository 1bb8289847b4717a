"""YAML reading for the whole tool: libyaml's loader when PyYAML has it (several times
faster), and project files (clinic.yaml, readings.yaml, kind schemas) parsed once per
process while unchanged — a build renders many handouts from the same few files.
Import it lazily: an up-to-date build never parses YAML."""

from __future__ import annotations

import copy
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

YAMLError = yaml.YAMLError


class DuplicateKeyError(yaml.constructor.ConstructorError):
    """A mapping names the same key twice. YAML would silently keep the last value, so an
    editor who adds ``title:`` again at the bottom would never learn the top one is dead."""

    def __init__(self, key: str, mark: yaml.Mark) -> None:
        super().__init__(None, None, f"「{key}」が2回書かれています", mark)
        self.key = key


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    def flatten_mapping(self, node: yaml.MappingNode) -> None:
        # Every mapping passes here before ``<<`` merges rewrite its keys (also when it
        # is merged into another one first), so its keys are checked as written, once.
        checked = self.__dict__.setdefault("_checked", set())
        if id(node) not in checked:
            checked.add(id(node))
            seen: set[str] = set()
            for key_node, _ in node.value:
                if isinstance(key_node, yaml.ScalarNode) and key_node.tag != "tag:yaml.org,2002:merge":
                    if key_node.value in seen:
                        raise DuplicateKeyError(key_node.value, key_node.start_mark)
                    seen.add(key_node.value)
        super().flatten_mapping(node)


LOADER = _Loader


SYNTAX_FIX = "「名前: 値」の形か、「:」の後の空白、インデント、引用符の閉じ忘れを確認してください"
DUPLICATE_FIX = "同じ名前は1回だけ書けます。残す方を決めて、もう一方の行を消してください"


# PyYAML's English problems, in an editor's words: (problem starts with, what is wrong,
# whether the line to show is where the bracket or quote was opened, not where YAML gave up).
_PROBLEMS = [
    ("did not find expected ',' or ']'", "「[」が「]」で閉じられていません", True),
    ("did not find expected ',' or '}'", "「{」が「}」で閉じられていません", True),
    ("found unexpected end of stream", "引用符(\" または ')が閉じられていません", True),
    ("mapping values are not allowed",
     "「: 」の位置か字下げに誤りがあります(名前は行の先頭から。値に「: 」を含めるなら値全体を \"…\" で囲む)", False),
    ("could not find expected ':'", "「名前: 値」の形になっていない行があります", True),
    ("found a tab character", "タブ文字は使えません(半角の空白にしてください)", False),
    ("found character '\\t'", "タブ文字は使えません(半角の空白にしてください)", False),
    ("found undefined alias", "「*」で始まる値があります(文字として書くなら \"…\" で囲んでください)", False),
    ("found character",
     "値の先頭や行の頭に使えない文字(タブ、@、` など)があります(値は \"…\" で囲んでください)", False),
]


def explain(error: yaml.YAMLError) -> tuple[int | None, str, str]:
    """Where a YAML error is (0-based line, or None), what is wrong and how to fix it,
    in words for an editor (PyYAML's own text is English)."""
    mark = getattr(error, "problem_mark", None)
    line = mark.line if mark else None
    if isinstance(error, DuplicateKeyError):
        return line, str(error.problem), DUPLICATE_FIX
    problem = str(getattr(error, "problem", "") or "")
    for english, words, at_opening in _PROBLEMS:
        if problem.startswith(english):
            opened = getattr(error, "context_mark", None)
            if at_opening and opened is not None:
                line = opened.line
            return line, words, SYNTAX_FIX
    return line, "書き方に誤りがあります", SYNTAX_FIX


def parse(text: str) -> Any:
    return yaml.load(text, Loader=LOADER)


def compose(text: str) -> yaml.Node | None:
    return yaml.compose(text, Loader=LOADER)


def read_file(path: Path) -> Any:
    """A YAML file's data (a private copy: callers may change it). Raises YAMLError."""
    st = Path(path).stat()
    return copy.deepcopy(_cached(str(path), st.st_mtime_ns, st.st_size))


@lru_cache(maxsize=64)
def _cached(path: str, mtime_ns: int, size: int) -> Any:
    return parse(Path(path).read_text(encoding="utf-8-sig"))
