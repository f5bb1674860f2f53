"""Suggest opening_hours from each record's 服务时间 text (and with --write, add the unambiguous ones to the files)."""

from __future__ import annotations

import sys
from pathlib import Path

from . import load_for


def run(args) -> int:
    """Suggest opening_hours from each record's 服务时间 text (and with --write, add the unambiguous ones to the files)."""
    from ..canonical import record_text
    from ..hours import from_chinese

    model, _ = load_for(args.directory)
    if model is None:
        return 1
    written = suggested = unclear = 0
    for record in model.directory.records:
        text = record.data.get("disclosures", {}).get("hours")
        if record.data.get("opening_hours") or not text:
            continue
        suggestion = from_chinese(text)
        if suggestion is None:
            unclear += 1
            print(f"{record.path}: “{text}” 无法自动识别，请手工填写 opening_hours")
            continue
        print(f"{record.path}: “{text}” → opening_hours: {suggestion}")
        suggested += 1
        if args.write:
            Path(record.path).write_text(record_text(dict(record.data, opening_hours=suggestion)), encoding="utf-8")
            written += 1
    done = f"已写入 {written} 条" if args.write else f"共 {suggested} 条建议（加 --write 写入记录文件）"
    print(f"{done}；{unclear} 条无法自动识别。", file=sys.stderr)
    return 0
