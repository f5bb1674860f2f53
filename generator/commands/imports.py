"""Import a bureau's list (spreadsheet, CSV or Word tables): new records, drafts and updates, every row reported."""

from __future__ import annotations

import sys


def run(args) -> int:
    """Import a bureau's list (spreadsheet, CSV or Word tables): new records, drafts and updates, every row reported."""
    from ..kinds import short_names
    from ..read.importer import ImportFailed, format_report, import_file, overwrite_fields
    from ..read.load import load_yaml_file
    from ..read.sheets import SheetError
    from . import load_for

    model, _ = load_for(args.directory)  # prints what keeps the directory from loading
    if model is None:
        return 1
    if getattr(args, "evaluations", None) is not None or getattr(args, "bulletin", None):
        return _cycle(model, args)
    mapping = {}
    if args.mapping:
        node, problems = load_yaml_file(args.mapping, str(args.mapping))
        if problems or node is None or not hasattr(node, "items"):
            print(f"映射文件 {args.mapping} 应为“列标题: 字段”的列表", file=sys.stderr)
            return 2
        mapping = {key: value.value for key, (_, value) in node.items.items() if hasattr(value, "value")}
    district = ""
    if args.district:
        district = next((key for key, name in model.districts.items() if args.district in (key, name)
                                         or args.district in short_names(name, model.taxonomy.district_suffixes)), "")
        if not district:
            print(f"--district：“{args.district}”不是分类表中的区（可选：{'、'.join(model.districts.values())}）", file=sys.stderr)
            return 2
    try:
        overwrite = overwrite_fields(args.overwrite, model.taxonomy)
    except ImportFailed as exc:
        print(exc, file=sys.stderr)
        return 2
    try:
        report = import_file(model, args.file, args.directory, mapping, args.sheet, args.dry_run, overwrite, district,
                             args.add_similar, args.partial)
    except (SheetError, ImportFailed) as exc:
        print(f"没有导入任何记录：{exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"无法写入名录目录，没有修改任何文件：{exc}", file=sys.stderr)
        return 1
    print(format_report(report, args.dry_run))
    if report.written or report.drafts or report.updated:
        return 0
    print(f"没有导入任何记录：{args.file.name} 中没有可以新增或更新的行（原因见上）", file=sys.stderr)
    return 1


def _cycle(model, args) -> int:
    """Import a result list (--evaluations YEAR) or a bulletin (--bulletin YEAR-Qn) into its own file."""
    from ..read.evaluations import BULLETINS, EVALUATIONS
    from ..read.importer import ImportFailed
    from ..read.results import format_cycle_report, import_cycle, parse_quarter
    from ..read.sheets import SheetError

    if args.bulletin:
        quarter = parse_quarter(args.bulletin)
        if quarter is None:
            print(f"--bulletin 应写成 年份-Q季度，如 2025-Q3，这里写的是 {args.bulletin}", file=sys.stderr)
            return 2
        kind, year, number = BULLETINS, *quarter
    elif 1990 <= args.evaluations <= 2100:
        kind, year, number = EVALUATIONS, args.evaluations, 0
    else:
        print(f"--evaluations 应为年份，如 2025，这里写的是 {args.evaluations}", file=sys.stderr)
        return 2
    try:
        report = import_cycle(model, args.file, args.directory, kind, year, number, args.sheet, args.dry_run)
    except (SheetError, ImportFailed) as exc:
        print(f"没有导入任何内容：{exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"无法写入名录目录，没有修改任何文件：{exc}", file=sys.stderr)
        return 1
    print(format_cycle_report(report, args.dry_run))
    return 0 if report.matched else 1
