"""What the last builds made, kept beside the PDFs in ``<out>/.make_pdf-state.json``.

One record per PDF (keyed by its path inside the output folder, so a handout's
normal and XL editions are two records): the handout, every file the PDF was made
from with its digest, and the settings (see ``deps``), its page count, title, kind
and revision date, its warnings and the check rules it failed. ``build`` checks those
inputs to skip handouts that did not change (and says the warnings again); the catalog
page reads the records to list what exists. The file also keeps the content digests of
the inputs by stat, so an unchanged run reads nothing.

Only successful builds are recorded, so a failing handout is tried again next time.
Written atomically: a crash never leaves half a file. A file that cannot be read, or
is not exactly of the shape this version writes (types, and paths that stay in the
output folder and the project), means everything is rebuilt, with a note.
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
        self.problem: str | None = None  # why the state file on disk was not used

    @property
    def path(self) -> Path:
        return self.out / STATE_FILE

    @classmethod
    def load(cls, out: Path) -> State:
        """The state in ``out``; an empty one (build everything) when there is none, or
        when the file is not exactly what this version writes — then ``problem`` says
        so. Its paths are checked too: a record naming ``/etc/shadow`` as an input or
        ``../README.md`` as its PDF would otherwise be hashed, or deleted by --clean."""
        from .. import guarded_read
        from ..errors import HandoutError

        state = cls(out)
        if not guarded_read.exists(state.path):
            return state
        try:
            data = json.loads(guarded_read.read_bytes(state.path, out, guarded_read.OUTPUT_LIMIT))
            records, hashes = _checked(data)
        except (HandoutError, ValueError, RecursionError) as error:
            state.problem = (f"{STATE_FILE} の中身が正しくないため、すべて作り直します"
                             f"({str(error)[:120]})")
            return state
        state.records, state.hashes = records, hashes
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


class _Shape(ValueError):
    """The state file is not what this version writes."""


_TYPES: dict[str, type | tuple[type, ...]] = {
    "name": str, "source": str, "pdf": str, "edition": str, "digest": str, "pages": int,
    "title": str, "kind": str, "revised": str, "requested": list, "pdf_mtime_ns": int,
    "inputs": dict, "settings": dict, "warnings": list, "check_failures": (list, type(None)),
}
_REQUIRED = {"name", "source", "pdf", "edition", "digest", "pages"}


def _checked(data: Any) -> tuple[dict[str, Record], dict[str, list[Any]]]:
    if not isinstance(data, dict) or data.get("format") not in (1, 2, FORMAT):
        raise _Shape("別の版の形式です")
    pdfs, hashes = data.get("pdfs"), data.get("hashes") or {}
    if not isinstance(pdfs, dict) or not isinstance(hashes, dict):
        raise _Shape("pdfs・hashes の形が違います")
    records = {}
    for key, value in pdfs.items():
        if not isinstance(value, dict) or not isinstance(value.get("summary", {}), dict):
            raise _Shape(f"{str(key)[:60]} の形が違います")
        try:
            upgraded = _upgrade(value, data["format"])
        except (TypeError, AttributeError):
            raise _Shape(f"{str(key)[:60]} の形が違います") from None
        record = _record(upgraded)
        if record.pdf != key:
            raise _Shape(f"{str(key)[:60]} の名前が一致しません")
        records[key] = record
    return records, hashes


def _record(value: dict[str, Any]) -> Record:
    """A record whose every field has its type and whose paths stay where they belong:
    the PDF inside the output folder, the handout and inputs inside the project."""
    pdf = str(value.get("pdf", ""))[:60]
    if set(value) - set(_TYPES) or _REQUIRED - set(value):
        raise _Shape(f"{pdf} の項目が違います")
    for name, kind in _TYPES.items():
        if name in value and (not isinstance(value[name], kind) or isinstance(value[name], bool)):
            raise _Shape(f"{pdf} の {name} の形が違います")
    inputs = value.get("inputs", {})
    if not (all(isinstance(r, str) for r in value.get("requested", []))
            and all(isinstance(k, str) and isinstance(v, str) for k, v in inputs.items())
            and all(isinstance(w, str) for w in value.get("warnings", []))
            and all(isinstance(c, str) for c in value.get("check_failures") or [])):
        raise _Shape(f"{pdf} の中身の形が違います")
    if not (relative_path(value["pdf"]) and value["pdf"].endswith(".pdf")):
        raise _Shape(f"PDF の場所「{pdf}」が出力フォルダの中ではありません")
    source = value["source"]
    if not (relative_path(source) and source.startswith("handouts/") and source.lower().endswith(".md")):
        raise _Shape(f"原稿の場所「{source[:60]}」が handouts/ の中ではありません")
    bad = next((k for k in inputs if not relative_path(k.rstrip("/"))), None)
    if bad is not None:
        raise _Shape(f"材料の場所「{bad[:60]}」がプロジェクトの中ではありません")
    return Record(**value)


def relative_path(text: str) -> bool:
    """A relative POSIX path that stays below where it starts: no ``/`` at the start,
    no ``..``, no backslash or NUL, nothing empty."""
    if not text or text.startswith("/") or "\\" in text or "\x00" in text or ":" in text.split("/")[0]:
        return False
    return all(part not in ("", ".", "..") for part in text.split("/"))


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
