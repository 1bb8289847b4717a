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


class ExpansionError(yaml.constructor.ConstructorError):
    """Aliases (``&a`` … ``*a``) that would expand into more than ``MAX_NODES`` values,
    or into themselves: 500 bytes of nested aliases (a "billion laughs") become
    hundreds of megabytes the moment anything prints or walks the value."""

    def __init__(self, mark: yaml.Mark, recursive: bool = False) -> None:
        what = "自分自身を含んでいます" if recursive else f"展開すると {MAX_NODES:,} 個を超えます"
        super().__init__(None, None, f"「*」(別名)の参照が{what}", mark)


class DepthError(yaml.constructor.ConstructorError):
    """Lists or mappings nested deeper than ``MAX_DEPTH``: nothing we read needs more than
    a few levels, and Python's own walks (printing, copying, sending to a worker) stop
    with a RecursionError at about a thousand."""

    def __init__(self, mark: yaml.Mark) -> None:
        super().__init__(None, None, f"入れ子が深すぎます({MAX_DEPTH}段まで)", mark)


MAX_NODES = 50_000  # values in one YAML document, aliases expanded (clinic.yaml has ~200)
MAX_DEPTH = 50  # levels of nesting (clinic.yaml has 3)
ALIAS_FIX = "「&名前」と「*名前」を使わず、値をそのまま書いてください"


def explain(error: yaml.YAMLError) -> tuple[int | None, str, str]:
    """Where a YAML error is (0-based line, or None), what is wrong and how to fix it,
    in words for an editor (PyYAML's own text is English)."""
    mark = getattr(error, "problem_mark", None)
    line = mark.line if mark else None
    if isinstance(error, DuplicateKeyError):
        return line, str(error.problem), DUPLICATE_FIX
    if isinstance(error, ExpansionError):
        return line, str(error.problem), ALIAS_FIX
    if isinstance(error, DepthError):
        return line, str(error.problem), "[ ] や { } の入れ子、字下げの段を浅くしてください"
    problem = str(getattr(error, "problem", "") or "")
    for english, words, at_opening in _PROBLEMS:
        if problem.startswith(english):
            opened = getattr(error, "context_mark", None)
            if at_opening and opened is not None:
                line = opened.line
            return line, words, SYNTAX_FIX
    return line, "書き方に誤りがあります", SYNTAX_FIX


def parse(text: str) -> Any:
    """The data of one YAML document; aliases are bounded (``ExpansionError``)."""
    loader = LOADER(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        check_expansion(node)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def compose(text: str) -> yaml.Node | None:
    node = yaml.compose(text, Loader=LOADER)
    if node is not None:
        check_expansion(node)
    return node


def check_expansion(root: yaml.Node) -> None:
    """Count the values ``root`` stands for with every alias expanded, without
    expanding them: each node's size is computed once (linear in the written text).
    Nesting deeper than ``MAX_DEPTH`` is refused on the way."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, bool, int]] = [(root, False, 0)]
    while stack:
        node, children_done, depth = stack.pop()
        key = id(node)
        if key in sizes:
            continue
        children = _children(node)
        if not children_done:
            if key in open_nodes:
                raise ExpansionError(node.start_mark, recursive=True)
            if depth > MAX_DEPTH:
                raise DepthError(node.start_mark)
            open_nodes.add(key)
            stack.append((node, True, depth))
            for child in children:
                if id(child) in open_nodes:
                    raise ExpansionError(child.start_mark, recursive=True)
                if id(child) not in sizes:
                    stack.append((child, False, depth + 1))
            continue
        open_nodes.discard(key)
        sizes[key] = 1 + sum(sizes[id(child)] for child in children)
        if sizes[key] > MAX_NODES:
            raise ExpansionError(node.start_mark)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def read_file(path: Path, root: Path) -> Any:
    """A project YAML file's data (a private copy: callers may change it), read through
    the guarded reader. Raises YAMLError, or ``guarded_read.Refused``."""
    from . import guarded_read

    text = guarded_read.read_text(path, root, guarded_read.TEXT_LIMIT)
    return copy.deepcopy(_cached(text))


@lru_cache(maxsize=64)
def _cached(text: str) -> Any:
    return parse(text)
