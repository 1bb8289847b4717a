"""The one error type the package raises for bad input.

Click stays out of the package: the CLI turns a ``HandoutError`` into the one-line
``file:line: message — hint`` an editor can act on, and an exit code.
"""

from __future__ import annotations

from pathlib import Path

MAX_MESSAGE = 400  # characters: a message quotes what the editor wrote, which can be huge


def cut(text: str, size: int) -> str:
    """``text`` shortened to ``size`` characters (a value printed in a message can be
    megabytes: a whole list, a data: URL)."""
    return text if len(text) <= size else text[:size] + f"…(ほか {len(text) - size:,} 文字)"


class HandoutError(Exception):
    """Bad input in one handout (or a project file), with where and how to fix it."""

    def __init__(self, path: Path | str, line: int | None, message: str, hint: str = "") -> None:
        message, hint = cut(message, MAX_MESSAGE), cut(hint, MAX_MESSAGE)
        super().__init__(path, line, message, hint)  # args rebuild it when a worker sends it back
        self.path = cut(str(path), MAX_MESSAGE)
        self.line = line
        self.message = message
        self.hint = hint

    def where(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path

    def __str__(self) -> str:
        text = f"{self.where()}: {self.message}"
        return f"{text} — {self.hint}" if self.hint else text


class UsageError(Exception):
    """The command was asked for something that does not exist (exit code 2)."""


class SetupError(Exception):
    """The tool's own installation cannot work (an unsupported WeasyPrint, say): no
    handout can be built until it is fixed."""


def line_of(text: str, needle: str, first_line: int = 1) -> int | None:
    """1-based line of the first occurrence of ``needle`` in ``text`` (for error messages)."""
    index = text.find(needle)
    if index < 0:
        return None
    return first_line + text.count("\n", 0, index)
