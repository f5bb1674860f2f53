"""Write the JSON Schema of a record (for editor autocompletion), generated from the validator's schema."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from ..problems import FORMATS
from ..read.directory import load_taxonomy
from ..schema import record_json_schema

SCHEMA_PATH = Path("schema/institution.schema.json")


def run(args) -> int:
    """Write the JSON Schema of a record (for editor autocompletion), generated from the validator's schema."""
    taxonomy, choices, problems = load_taxonomy(args.directory)
    if taxonomy is None:
        print(FORMATS["text"](problems), file=sys.stderr)
        return 1
    text = json.dumps(record_json_schema(choices), ensure_ascii=False, indent=2) + "\n"
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    print(f"已写入 {args.output}", file=sys.stderr)
    return 0
