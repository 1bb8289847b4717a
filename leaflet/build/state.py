"""What the last builds made, kept beside the PDFs in ``<out>/.make_pdf-state.json``.

One record per PDF (keyed by its path inside the output folder, so a handout's
normal and XL editions are two records): the handout, every file the PDF was made
from with its digest, and the settings (see ``deps``), its page count, title, kind
and revision date, and a ``summary`` of whatever else the build result carries
(warnings, check findings…). ``build`` checks those inputs to skip handouts that did
not change; the catalog page reads the records to list what exists. The file also
keeps the content digests of the inputs by stat, so an unchanged run reads nothing.

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
FORMAT = 2  # 2: requested became a list


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
    summary: dict[str, Any] = field(default_factory=dict)


class State:
    def __init__(self, out: Path, records: dict[str, Record] | None = None) -> None:
        self.out = Path(out)
        self.records: dict[str, Record] = records or {}
        self.hashes: dict[str, list[Any]] = {}  # see deps.FileHashes

    @property
    def path(self) -> Path:
        return self.out / STATE_FILE

    @classmethod
    def load(cls, out: Path) -> "State":
        state = cls(out)
        try:
            data = json.loads(state.path.read_text(encoding="utf-8"))
            if data.get("format") in (1, FORMAT):
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
    """A record as the current format has it. Format 1 kept one requested edition; its
    records stay known (so ``--clean`` can still remove a deleted handout's PDF)."""
    if format == 1:
        value = {**value, "requested": [value.get("requested", "")]}
    return value


def summary_of(result: Any, skip: set[str]) -> dict[str, Any]:
    """A build result's other fields, generically: what later features add to
    ``Result`` (check findings, say) is stored without this module knowing them."""
    return {f.name: jsonable(getattr(result, f.name)) for f in dataclasses.fields(result)
            if f.name not in skip}


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
