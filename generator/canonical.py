"""The canonical text of a record: what `fmt` writes and what the form editor (assets/cms-format.js, the same rules
in JavaScript) saves, so that the first save from the form never rewrites a whole file and a one-field edit changes
one line. Keys in the field table's order; block lists; a string is written plain only when no YAML reader could take
it for anything else (it starts with a letter, holds no colon, no # after a space, is not yes/no/null…), otherwise
double-quoted; dates and numbers plain. The first line points editors at the JSON Schema."""

from __future__ import annotations

import datetime
import json
import re

from .schema import RECORD, schema_line

SCHEMA_LINE = schema_line("institution")
PLAIN = re.compile(r"^[^\s\d\"'#&*!|>%@`{}\[\],?:~=+.\-\\][^:\n\\\"]*(?<=\S)$")
WORDS = re.compile(r"^(y|n|yes|no|on|off|true|false|null)$", re.IGNORECASE)


def scalar(value) -> str:
    """Return one value as YAML: numbers, booleans and dates plain, strings plain only when safe."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return (str(int(value)) if isinstance(value, float) and value.is_integer()
                else repr(value) if isinstance(value, float) else str(value))
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value)
    if PLAIN.match(text) and " #" not in text and not WORDS.match(text):
        return text
    return json.dumps(text, ensure_ascii=False)


def _ordered(data: dict, spec) -> list[tuple[str, object, object]]:
    fields = spec.parts() if spec is not None else {}
    known = [(key, data[key], fields[key]) for key in fields if key in data]
    return known + [(key, value, None) for key, value in data.items() if key not in fields]


def _lines(data: dict, spec, indent: str) -> list[str]:
    lines = []
    for key, value, child in _ordered(data, spec):
        if value in (None, [], {}, ""):
            continue
        if isinstance(value, dict):
            lines += [f"{indent}{key}:"] + _lines(value, child, indent + "  ")
        elif isinstance(value, list):
            lines.append(f"{indent}{key}:")
            item_spec = getattr(child, "item", None)
            for item in value:
                if isinstance(item, dict):
                    inner = _lines(item, item_spec, indent + "    ")
                    lines.append(f"{indent}  - {inner[0].lstrip()}")
                    lines += inner[1:]
                else:
                    lines.append(f"{indent}  - {scalar(item)}")
        else:
            lines.append(f"{indent}{key}: {scalar(value)}")
    return lines


def record_text(data: dict) -> str:
    """Return a record's canonical file text."""
    return "\n".join([SCHEMA_LINE, *_lines(data, RECORD, "")]) + "\n"
