"""Write the fill-in workbook: one sheet per district, one row per draft, missing cells highlighted."""

from __future__ import annotations

import sys

from ..problems import FORMATS, has_errors, sort_problems
from ..read.directory import load_directory


def run(args) -> int:
    """Write the fill-in workbook: one sheet per district, one row per draft, missing cells highlighted."""
    from ..write.fillin import write_fillin

    loaded, problems = load_directory(args.directory)
    if loaded is None or has_errors(problems):
        print(FORMATS["text"](sort_problems(problems)), file=sys.stderr)
        print("名录数据有错误，请先改正再生成补全表。", file=sys.stderr)
        return 1
    count = write_fillin(loaded, args.output)
    print(f"已写入 {args.output}：{count} 条草稿待补全" if count else "没有草稿，不需要补全表。", file=sys.stderr)
    return 0
