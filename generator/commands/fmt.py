"""Write every record in the canonical form the form editor saves (with --check, only list those that differ)."""

from __future__ import annotations

import sys
from pathlib import Path

from . import load_for


def run(args) -> int:
    """Write every record in the canonical form the form editor saves (with --check, only list those that differ)."""
    from ..canonical import record_text

    model, problems = load_for(args.directory)
    if model is None:
        return 1
    broken = {p.path for p in problems if p.severity == "error"}
    differ = []
    for record in model.directory.records:
        if record.path in broken:
            continue
        path = Path(record.path)
        text = record_text(record.data)
        if path.read_text(encoding="utf-8") != text:
            differ.append(record.path)
            if not args.check:
                path.write_text(text, encoding="utf-8")
    for path in sorted(broken):
        print(f"{path}：有错误，没有整理（先运行 validate 改正）", file=sys.stderr)
    if args.check:
        for path in differ:
            print(f"{path}：格式不是标准形式，请运行 python -m generator fmt", file=sys.stderr)
        print(f"{len(differ)} 个文件需要整理。" if differ else "全部记录都是标准格式。", file=sys.stderr)
        return 1 if differ or broken else 0
    print(f"已整理 {len(differ)} 个文件。", file=sys.stderr)
    return 1 if broken else 0
