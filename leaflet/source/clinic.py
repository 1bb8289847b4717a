"""The clinic's facts (``clinic.yaml``), checked against their schema
(``templates/_clinic.yaml``) the way a handout's front matter is checked against its
kind's: an unknown key is an error on its line naming the closest known one, a value of
the wrong type too. Every template gets the result as ``clinic``."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import yaml

from .. import guarded_read, yamlfile
from ..errors import HandoutError
from ..project import CLINIC_FILE, CLINIC_SCHEMA, Project, load_yaml_mapping, yaml_mapping
from .kinds import Fields, validate_fields

# What a patient can use to reach the clinic: a ご相談 heading needs one of them.
CONTACT_FIELDS = ("phone", "url")


def load_clinic(project: Project) -> dict[str, Any]:
    """The clinic's facts, validated; defaults filled, a fact not set is None or absent."""
    file = project.root / CLINIC_FILE
    # Read once, through the guarded reader: the data and the text as written (below)
    # come from the same bytes.
    text = yamlfile.read_text(file, project.root) if guarded_read.exists(file) else ""
    data = yaml_mapping(text, file, project)
    fields = _schema(project)
    written = dict(_written(text))
    where = Fields(path=project.rel(file), lines={key: line for key, (line, _) in written.items()},
                   first_line=1, place=CLINIC_FILE, unknown=f"{CLINIC_FILE} に「{{name}}」という項目はありません")
    values = {str(k): v for k, v in data.items()}
    for key, (_, raw) in written.items():
        # Text as the clinic typed it: YAML reads phone: 0110000000 as an octal number
        # (18874368) and 1:30 as 90; a text field keeps the characters written.
        if isinstance(raw, str) and (fields.get(key) or {}).get("type", "str") in ("str", "url"):
            values[key] = raw
        if isinstance(raw, str) and (fields.get(key) or {}).get("items") == "str":
            values[key] = raw  # one line for a list: validate_fields makes it a list of one
        elif isinstance(raw, tuple) and (fields.get(key) or {}).get("items") == "str":
            values[key] = [item if item is not None else parsed for item, parsed in zip(raw, values[key])]
    return validate_fields(fields, values, where)


def _schema(project: Project) -> dict[str, dict[str, Any]]:
    path = project.templates / CLINIC_SCHEMA
    data = load_yaml_mapping(path, project)
    fields = data.get("fields")
    if not isinstance(fields, dict):
        raise HandoutError(project.rel(path), 1, "fields: がありません",
                           "各項目の type と label を fields: の下に書いてください")
    return fields


Written = Any  # a plain scalar's text, a tuple of them for a list, or None


@lru_cache(maxsize=8)
def _written(text: str) -> tuple[tuple[str, tuple[int, Written]], ...]:
    """Each top-level key's 1-based line and its value as written (only asked for once
    the text parsed, so composing it cannot fail)."""
    node = yamlfile.compose(text) if text else None
    if not isinstance(node, yaml.MappingNode):
        return ()
    return tuple((str(key.value), (key.start_mark.line + 1, _text(value))) for key, value in node.value)


def _text(node: yaml.Node) -> Written:
    """A plain (unquoted) scalar's characters; quoted ones and null are left to YAML."""
    if isinstance(node, yaml.ScalarNode):
        plain = not node.style and node.tag != "tag:yaml.org,2002:null"  # libyaml says "" for plain
        return node.value if plain and node.value not in ("", "~") else None
    if isinstance(node, yaml.SequenceNode):
        return tuple(_text(item) if isinstance(item, yaml.ScalarNode) else None for item in node.value)
    return None
