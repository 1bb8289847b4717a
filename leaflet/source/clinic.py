"""The clinic's facts (``clinic.yaml``), checked against their schema
(``templates/_clinic.yaml``) the way a handout's front matter is checked against its
kind's: an unknown key is an error on its line naming the closest known one, a value of
the wrong type too. Every template gets the result as ``clinic``."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from .. import yamlfile
from ..errors import HandoutError
from ..project import CLINIC_FILE, CLINIC_SCHEMA, Project, load_yaml_mapping
from .kinds import Fields, validate_fields

# What a patient can use to reach the clinic: a ご相談 heading needs one of them.
CONTACT_FIELDS = ("phone", "url")


def load_clinic(project: Project) -> dict[str, Any]:
    """The clinic's facts, validated; defaults filled, a fact not set is None or absent."""
    data = load_yaml_mapping(project.root / CLINIC_FILE, project)
    fields = _schema(project)
    where = Fields(path=project.rel(project.root / CLINIC_FILE), lines=_key_lines(project.root / CLINIC_FILE),
                   first_line=1, place=CLINIC_FILE, unknown=f"{CLINIC_FILE} に「{{name}}」という項目はありません")
    return validate_fields(fields, {str(k): v for k, v in data.items()}, where)


def _schema(project: Project) -> dict[str, dict[str, Any]]:
    path = project.templates / CLINIC_SCHEMA
    data = load_yaml_mapping(path, project)
    fields = data.get("fields")
    if not isinstance(fields, dict):
        raise HandoutError(project.rel(path), 1, "fields: がありません", "各項目の type と label を fields: の下に書いてください")
    return fields


def _key_lines(path: Path) -> dict[str, int]:
    """Each top-level key's 1-based line (only asked for once the file parsed)."""
    if not path.is_file():
        return {}
    st = path.stat()
    return dict(_key_lines_cached(str(path), st.st_mtime_ns, st.st_size))


@lru_cache(maxsize=8)
def _key_lines_cached(path: str, mtime_ns: int, size: int) -> tuple[tuple[str, int], ...]:
    node = yamlfile.compose(Path(path).read_text(encoding="utf-8-sig"))
    if not isinstance(node, yaml.MappingNode):
        return ()
    return tuple((str(key.value), key.start_mark.line + 1) for key, _ in node.value)
