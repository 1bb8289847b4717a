"""What the last builds made, kept beside the PDFs in ``<out>/.make_pdf-state.json``.

One record per PDF (keyed by its path inside the output folder, so a handout's
normal and XL editions are two records): the handout, every file the PDF was made
from with its digest, and the settings (see ``deps``), its page count, title, kind
and revision date, its warnings and the check rules it failed. ``build`` checks those
inputs to skip handouts that did not change (and says the warnings again); the catalog
page reads the records to list what exists. The file also keeps the content digests of
the inputs by stat, so an unchanged run reads nothing.

Only successful builds are recorded, so a failing handout is tried again next time.
Written atomically: a crash never leaves half a file, and an unreadable file just
means everything is rebuilt.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

STATE_FILE = ".make_pdf-state.json"
FORMAT = 3  # 2: requested became a list; 3: warnings and check_failures are fields (were in "summary")


@dataclass
class Record:
    name: str  # knee/faq
    source: str  # handouts/knee/faq.md, relative to the project root
    pdf: str  # knee/faq.pdf, relative to the output folder
    edition: str
    digest: str
    pages: int
    title: str = ""
    kind: str = ""
    revised: str = ""  # ISO date
    # The command-line editions ("" = no --size) that make this PDF: `build` and
    # `build --size normal` make the same normal PDF, and must not rebuild each other.
    requested: list[str] = field(default_factory=list)
    pdf_mtime_ns: int = 0  # the PDF file this record describes (0: not known)
    inputs: dict[str, str] = field(default_factory=dict)  # project path → content digest
    settings: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)  # said again while it stays up to date
    # Labels of the failed check rules ([] = all passed, None = not checked): the catalog
    # shows them, and a handout that failed is checked again on every build.
    check_failures: list[str] | None = None


class State:
    def __init__(self, out: Path, records: dict[str, Record] | None = None) -> None:
        self.out = Path(out)
        self.records: dict[str, Record] = records or {}
        self.hashes: dict[str, list[Any]] = {}  # see deps.FileHashes

    @property
    def path(self) -> Path:
        return self.out / STATE_FILE

    @classmethod
    def load(cls, out: Path) -> State:
        state = cls(out)
        try:
            data = json.loads(state.path.read_text(encoding="utf-8"))
            if data.get("format") in (1, 2, FORMAT):
                state.records = {key: Record(**_upgrade(value, data["format"])) for key, value in data["pdfs"].items()}
                state.hashes = dict(data.get("hashes") or {})
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            pass  # no state yet, or from another version: build everything
        return state

    def key(self, pdf: Path) -> str:
        return Path(pdf).resolve().relative_to(self.out.resolve()).as_posix()

    def get(self, pdf: Path) -> Record | None:
        return self.records.get(self.key(pdf))

    def candidates(self, source: str, requested: str) -> list[Record]:
        """The records a build of ``source`` with this command-line edition made."""
        return [r for r in self.records.values() if r.source == source and requested in r.requested]

    def put(self, record: Record) -> None:
        self.records[record.pdf] = record

    def drop(self, record: Record) -> None:
        self.records.pop(record.pdf, None)

    def save(self) -> None:
        data = {"format": FORMAT,
                "pdfs": {key: dataclasses.asdict(r) for key, r in sorted(self.records.items())},
                "hashes": self.hashes}
        from ..atomic import write_atomic  # only when something was built

        write_atomic(self.path, json.dumps(data, ensure_ascii=False, indent=1, default=jsonable) + "\n")


def _upgrade(value: dict[str, Any], format: int) -> dict[str, Any]:
    """A record as the current format has it, so earlier builds stay known (and
    ``--clean`` can still remove a deleted handout's PDF). Format 1 kept one requested
    edition; formats 1 and 2 kept the warnings and failed checks in a "summary"."""
    if format == 1:
        value = {**value, "requested": [value.get("requested", "")]}
    if format < 3:
        summary = value.get("summary") or {}
        value = {k: v for k, v in value.items() if k != "summary"}
        value["warnings"] = list(summary.get("warnings") or [])
        value["check_failures"] = summary.get("check_failures")
    return value


def jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return jsonable(dataclasses.asdict(value))
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [jsonable(v) for v in value]
    if isinstance(value, (dt.date, Path)):
        return str(value)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)
