"""Write the JSON Schemas of records, results and bulletins (for editor autocompletion), generated from the field table."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from ..problems import FORMATS
from ..read.directory import load_taxonomy
from ..schema import json_schema, schema_files

SCHEMA_PATH = Path("schema/institution.schema.json")


def run(args) -> int:
    """Write the record's schema to args.output and the results' and bulletins' schemas beside it."""
    taxonomy, choices, problems = load_taxonomy(args.directory)
    if taxonomy is None:
        print(FORMATS["text"](problems), file=sys.stderr)
        return 1
    args.output.parent.mkdir(parents=True, exist_ok=True)
    for name in schema_files():
        target = args.output if name == "institution" else args.output.parent / f"{name}.schema.json"
        target.write_text(json.dumps(json_schema(name, choices), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(f"已写入 {target}", file=sys.stderr)
    return 0
