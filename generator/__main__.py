"""The command line: `python -m generator validate|build|schema`; exit 0 ok, 1 invalid data, 2 usage error."""

from __future__ import annotations

import argparse
import errno
import json
import logging
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

from .background import BackgroundError
from .catalogue import CACHE, PAPER_SIZES, CatalogueError, write_catalogues
from .directory import load_directory, load_taxonomy, reference_date
from .problems import FORMATS, has_errors, sort_problems
from .schema import ID_HINT, ListOf, fields, is_id, labels, record_json_schema

SCHEMA_PATH = Path("schema/institution.schema.json")


def _validate(directory: Path, output_format: str = "text") -> tuple[object, bool]:
    loaded, problems = load_directory(directory)
    report = FORMATS[output_format](sort_problems(problems))
    if report:
        print(report, file=sys.stderr if output_format == "text" else sys.stdout)
    drafts = [r for r in loaded.records if r.data.get("status") == "draft"] if loaded else []
    if drafts and output_format == "text":
        names = loaded.choices("districts")
        counts = {names[d]: sum(r.folder == d for r in drafts) for d in names if any(r.folder == d for r in drafts)}
        print(f"草稿 {len(drafts)} 条（待补全，不公开）：" + "、".join(f"{name} {n}" for name, n in counts.items()), file=sys.stderr)
    return loaded, loaded is not None and not has_errors(problems)


def _load(directory: Path):
    """Load a directory for a command that needs it; print every problem when it cannot be loaded."""
    loaded, problems = load_directory(directory)
    if loaded is None:
        print(FORMATS["text"](sort_problems(problems)), file=sys.stderr)
    return loaded, problems


def command_validate(args) -> int:
    """Check every record and print every problem."""
    _, ok = _validate(args.directory, args.format)
    return 0 if ok else 1


def disk_error(exc: OSError) -> str:
    """Return one line for a failed write: a full disk in Chinese, the file named (shutil.copytree gathers a list)."""
    if isinstance(exc, shutil.Error) and exc.args and isinstance(exc.args[0], list) and exc.args[0]:
        _, target, why = exc.args[0][0]
        return f"无法写入 {target}（{'磁盘空间不足' if 'Errno 28' in why else why}）"
    why = "磁盘空间不足" if exc.errno == errno.ENOSPC else (exc.strerror or str(exc))
    return f"无法写入 {exc.filename}（{why}）" if exc.filename else f"无法写入（{why}）"


class Interrupted(KeyboardInterrupt):
    """SIGTERM, taken as Ctrl-C: the build stops where it is and cleans up."""


def _terminate(signum, frame):
    raise Interrupted


def command_build(args) -> int:
    """Validate, then build the site into --site-dir, replacing the old site only on success."""
    from mkdocs.exceptions import Abort, ConfigurationError, PluginError

    from .build import BuildBusy, build_site

    signal.signal(signal.SIGTERM, _terminate)

    logging.basicConfig(level=logging.INFO, format="%(levelname)-7s -  %(message)s")
    for noisy in ("weasyprint", "fontTools"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    started = time.monotonic()
    loaded, ok = _validate(args.directory)
    if not ok:
        print("数据有错误，网站没有生成，原有网站保持不变。", file=sys.stderr)
        return 1
    options = {"catalogue": not args.no_catalogue} | ({"paper": args.paper} if args.paper else {})
    try:
        build_site(args.directory, args.site_dir, args.config_file, loaded, options)
    except CatalogueError as exc:
        print(f"印刷版无法生成，网站未更新：{exc}（只生成网站请加 --no-catalogue）", file=sys.stderr)
        return 1
    except BackgroundError as exc:
        print(f"网站生成失败，原有网站保持不变：{exc}", file=sys.stderr)
        return 1
    except (Abort, PluginError, ConfigurationError, BuildBusy) as exc:
        print(f"网站生成失败，原有网站保持不变：{exc}", file=sys.stderr)
        return 1
    except OSError as exc:  # a full or read-only disk
        print(f"网站生成失败，原有网站保持不变：{disk_error(exc)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("生成已中断，网站没有更新，原有网站保持不变。", file=sys.stderr)
        return 130
    print(f"网站已生成：{args.site_dir}（用时 {time.monotonic() - started:.1f} 秒）", file=sys.stderr)
    return 0


def command_catalogue(args) -> int:
    """Validate, then write only the printed catalogues (catalogue.pdf and one per district) into --out."""
    from .model import Model

    loaded, ok = _validate(args.directory)
    if not ok:
        print("数据有错误，印刷版没有生成。", file=sys.stderr)
        return 1
    site_url = args.site_url
    if not site_url and args.config_file.exists():
        from mkdocs.config import load_config

        site_url = load_config(str(args.config_file)).site_url or ""
    site = Model(loaded, reference_date(), site_url)
    staging = Path(tempfile.mkdtemp(prefix=".catalogue-", dir=args.out.parent if args.out.parent.exists() else None))
    try:
        write_catalogues(site, staging, args.paper, None if args.cache_dir == Path("none") else args.cache_dir)
        args.out.mkdir(parents=True, exist_ok=True)
        for path in staging.iterdir():
            path.replace(args.out / path.name)
    except (CatalogueError, BackgroundError) as exc:
        print(f"印刷版无法生成：{exc}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return 0


def command_diff(args) -> int:
    """Print the change summary (Chinese Markdown) between two git revisions; exit 1 when an address would break."""
    from .git import GitError
    from .review import diff_revisions

    try:
        summary, change = diff_revisions(args.repo, args.base, args.head, args.path)
    except GitError as exc:
        print(f"无法读取 git 版本：{exc}", file=sys.stderr)
        return 2
    print(summary)
    if change.broken:
        print("本次修改会让已发布的网址失效，不能合并：\n" + change.broken_message(), file=sys.stderr)
        return 1
    return 0


def new_fields(taxonomy: dict | None = None) -> list[tuple[str, str, object]]:
    """Return (dotted path, prompt, field) for each field `new` asks for, from the field table, in display order."""
    named = labels(taxonomy or {})
    asked = []
    for path, spec in fields():
        if spec.ask:
            notes = ["多个用顿号分隔"] if isinstance(spec, ListOf) else []
            notes += [spec.help] if spec.help and isinstance(spec, ListOf) else []
            notes += [] if spec.required or path.startswith("disclosures.") else ["可留空"]
            asked.append((path, named[path] + (f"（{'，'.join(notes)}）" if notes else ""), spec))
    return asked


def command_new(args) -> int:
    """Write a new record from flags, asking in Chinese for what the flags leave out; never overwrite a file."""
    from .canonical import record_text
    from .importer import check_record_text, set_field, slug_for
    from .model import Model
    from .table import columns, from_text

    loaded, _ = load_directory(args.directory)
    if loaded is None:
        print("名录目录或分类表有错误，请先运行 validate。", file=sys.stderr)
        return 1
    model = Model(loaded, reference_date())
    by_path = {c.path: c for c in columns(loaded.taxonomy)}
    data = {}
    for path, prompt, spec in new_fields(loaded.taxonomy):
        value = getattr(args, path.split(".")[-1])
        if value is None and sys.stdin.isatty():
            table = getattr(spec, "choices", "") or getattr(getattr(spec, "item", None), "choices", "")
            hint = "（可选：" + "、".join(f"{k} {v}" for k, v in loaded.choices(table).items()) + "）" if table else ""
            value = input(f"{prompt}{hint}：").strip()
        if value:
            set_field(data, path, from_text(model, by_path[path], value))
    data["verified"] = reference_date()
    if args.id is not None and not is_id(args.id):
        print(f"机构标识 {args.id} 不合法：{ID_HINT}", file=sys.stderr)
        return 2
    record_id = args.id or slug_for(str(data.get("name", "")), {p.stem for p in args.directory.glob("*/*.yml")}, model.pinyin_overrides)
    folder = data.get("district", "")
    if folder not in model.districts:
        print(f"所在区不在分类表中；可选：{'、'.join(model.districts)}", file=sys.stderr)
        return 1
    target = args.directory / folder / f"{record_id}.yml"
    if target.exists():
        print(f"{target} 已存在，不会覆盖。请换一个 --id。", file=sys.stderr)
        return 1
    text = record_text(data)
    problems = check_record_text(text, target, folder, loaded.choice_tables)
    if problems:
        print(f"记录还不完整，没有写入：{problems}", file=sys.stderr)
        return 1
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    print(f"已写入 {target}", file=sys.stderr)
    return 0


def command_import(args) -> int:
    """Import a bureau's list (spreadsheet, CSV or Word tables): new records, drafts and updates, every row reported."""
    from .importer import ImportFailed, format_report, import_file
    from .load import load_yaml_file
    from .model import Model
    from .sheets import SheetError

    loaded, _ = load_directory(args.directory)
    if loaded is None:
        print("名录目录或分类表有错误，请先运行 validate。", file=sys.stderr)
        return 1
    mapping = {}
    if args.mapping:
        node, problems = load_yaml_file(args.mapping, str(args.mapping))
        if problems or node is None or not hasattr(node, "items"):
            print(f"映射文件 {args.mapping} 应为“列标题: 字段”的列表", file=sys.stderr)
            return 2
        mapping = {key: value.value for key, (_, value) in node.items.items() if hasattr(value, "value")}
    try:
        report = import_file(Model(loaded, reference_date()), args.file, args.directory, mapping, args.sheet, args.dry_run, args.overwrite)
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


def command_drafts(args) -> int:
    """Write the fill-in workbook: one sheet per district, one row per draft, missing cells highlighted."""
    from .fillin import write_fillin

    loaded, problems = load_directory(args.directory)
    if loaded is None or has_errors(problems):
        print(FORMATS["text"](sort_problems(problems)), file=sys.stderr)
        print("名录数据有错误，请先改正再生成补全表。", file=sys.stderr)
        return 1
    count = write_fillin(loaded, args.output)
    print(f"已写入 {args.output}：{count} 条草稿待补全" if count else "没有草稿，不需要补全表。", file=sys.stderr)
    return 0


def command_check(args) -> int:
    """Report what needs a person (overdue verification, expiring titles, drafts, websites); exit 0 whatever it finds."""
    from .linkcheck import check_links
    from .upkeep import findings, format_json, format_markdown, format_text, website_urls

    loaded, _ = _load(args.directory)
    if loaded is None:
        print("名录目录或分类表有错误，无法检查。", file=sys.stderr)
        return 1
    links = None
    if args.links:
        urls = website_urls(loaded)
        print(f"检查 {len(urls)} 个网站 …", file=sys.stderr, flush=True)
        if hasattr(signal, "SIGPIPE"):  # a server hanging up must not end the check (main() restores the default for stdout)
            signal.signal(signal.SIGPIPE, signal.SIG_IGN)
        links = check_links(urls, timeout=args.timeout, allow_private=args.allow_private,
                            progress=lambda done, total: print(f"  {done}/{total}", file=sys.stderr, flush=True))
        if hasattr(signal, "SIGPIPE"):
            signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    items = findings(loaded, reference_date(), links)
    if args.format == "markdown":
        print(format_markdown(items, loaded))
    else:
        print(format_json(items) if args.format == "json" else format_text(items))
    if args.json:
        args.json.write_text(format_json(items) + "\n", encoding="utf-8")
    return 0


def command_hours(args) -> int:
    """Suggest opening_hours from each record's 服务时间 text (and with --write, add the unambiguous ones to the files)."""
    from .hours import from_chinese
    from .schema import RECORD

    loaded, _ = _load(args.directory)
    if loaded is None:
        return 1
    later = list(RECORD.fields)[list(RECORD.fields).index("opening_hours") + 1:]
    written = suggested = unclear = 0
    for record in loaded.records:
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
            path = Path(record.path)
            lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
            at = next((i for i, line in enumerate(lines) if line.split(":")[0] in later and not line.startswith(" ")), len(lines))
            lines.insert(at, f"opening_hours: {json.dumps(suggestion, ensure_ascii=False)}\n")
            path.write_text("".join(lines), encoding="utf-8")
            written += 1
    done = f"已写入 {written} 条" if args.write else f"共 {suggested} 条建议（加 --write 写入记录文件）"
    print(f"{done}；{unclear} 条无法自动识别。", file=sys.stderr)
    return 0


def command_fmt(args) -> int:
    """Write every record in the canonical form the form editor saves (with --check, only list those that differ)."""
    from .canonical import record_text

    loaded, problems = _load(args.directory)
    if loaded is None:
        return 1
    broken = {p.path for p in problems if p.severity == "error"}
    differ = []
    for record in loaded.records:
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


def command_schema(args) -> int:
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


def make_parser() -> argparse.ArgumentParser:
    """Return the argument parser of every command."""
    parser = argparse.ArgumentParser(prog="python -m generator", description="中小企业公共服务机构名录：校验数据、生成网站。")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    directory = argparse.ArgumentParser(add_help=False)
    directory.add_argument("--directory", type=Path, default=Path("directory"), help="名录目录（默认 directory/）")

    validate = commands.add_parser("validate", parents=[directory], help="校验全部记录并列出所有问题")
    validate.add_argument("--format", choices=sorted(FORMATS), default="text", help="输出格式")
    validate.set_defaults(run=command_validate)

    build = commands.add_parser("build", parents=[directory], help="校验并生成网站")
    build.add_argument("--site-dir", type=Path, default=Path("site"), help="输出目录（默认 site/）")
    build.add_argument("--config-file", type=Path, default=Path("mkdocs.yml"), help="MkDocs 配置文件")
    build.add_argument("--no-catalogue", action="store_true", help="不生成印刷版 PDF（快速预览）")
    build.add_argument("--paper", choices=PAPER_SIZES, help="印刷版纸张（默认取 mkdocs.yml 中 directory 插件的 paper，即 A4）")
    build.set_defaults(run=command_build)

    catalogue = commands.add_parser("catalogue", parents=[directory], help="只生成印刷版目录（PDF）")
    catalogue.add_argument("--out", type=Path, default=Path("site/downloads"), help="输出目录（默认 site/downloads/）")
    catalogue.add_argument("--paper", choices=PAPER_SIZES, default="A4", help="纸张（默认 A4）")
    catalogue.add_argument("--site-url", default="", help="网站地址，用于二维码（默认取 mkdocs.yml 的 site_url）")
    catalogue.add_argument("--config-file", type=Path, default=Path("mkdocs.yml"), help="MkDocs 配置文件")
    catalogue.add_argument("--cache-dir", type=Path, default=CACHE, help=f"排版缓存（默认 {CACHE}；写 none 不用缓存）")
    catalogue.set_defaults(run=command_catalogue)

    diff = commands.add_parser("diff", help="两个 git 版本之间名录的变化（中文 Markdown）")
    diff.add_argument("base", help="原版本（如 origin/main）")
    diff.add_argument("head", help="新版本（如 HEAD）")
    diff.add_argument("--repo", type=Path, default=Path("."), help="git 仓库（默认当前目录）")
    diff.add_argument("--path", default="directory", help="仓库中名录目录的路径（默认 directory）")
    diff.set_defaults(run=command_diff)

    new = commands.add_parser("new", parents=[directory], help="新建一条机构记录（缺少的内容会逐项询问）")
    new.add_argument("--id", help="机构标识（默认由名称拼音生成）")
    for path, prompt, _ in new_fields():
        new.add_argument("--" + path.split(".")[-1], help=prompt)
    new.set_defaults(run=command_new)

    imports = commands.add_parser("import", parents=[directory], help="从表格（.xlsx .xls .ods .csv .txt）或 Word（.docx）导入机构")
    imports.add_argument("file", type=Path, help="名单文件；每个工作表或表格都会读取")
    imports.add_argument("--mapping", type=Path, help="列标题与字段的对应表（YAML：列标题: 字段）")
    imports.add_argument("--sheet", help="只导入这个工作表（或 Word 中的“表格 N”）")
    imports.add_argument("--overwrite", action="store_true", help="与现有记录不同的内容按表格覆盖（默认列出、不修改）")
    imports.add_argument("--dry-run", action="store_true", help="只显示将要写入的内容，不写文件")
    imports.set_defaults(run=command_import)

    drafts = commands.add_parser("drafts", parents=[directory], help="生成草稿补全表（Excel），发给机构填写后再导入")
    drafts.add_argument("--output", type=Path, required=True, help="输出的 .xlsx 文件")
    drafts.set_defaults(run=command_drafts)

    check = commands.add_parser("check", parents=[directory], help="列出需要人工核实的记录（核实超期、称号到期、草稿、网站）")
    check.add_argument("--links", action="store_true", help="同时检查每个网站能否访问")
    check.add_argument("--format", choices=("text", "json", "markdown"), default="text", help="输出格式（markdown 为核实清单议题的正文）")
    check.add_argument("--timeout", type=float, default=10, help="每个网站的超时秒数（默认 10；每个网址总共最多两倍）")
    check.add_argument("--json", type=Path, help="同时把全部结果写入这个 JSON 文件（议题正文过长时的完整清单）")
    check.add_argument("--allow-private", action="store_true",
                       help="也访问本机、内网和保留地址的网站（只用于本地测试；默认不访问，报告为“未访问”）")
    check.set_defaults(run=command_check)

    fmt = commands.add_parser("fmt", parents=[directory], help="把记录整理成标准格式（与网页表单保存的格式相同）")
    fmt.add_argument("--check", action="store_true", help="只检查，不修改；有需要整理的文件时退出码为 1")
    fmt.set_defaults(run=command_fmt)

    hours = commands.add_parser("hours", parents=[directory], help="从“服务时间”原文建议结构化的营业时间（opening_hours）")
    hours.add_argument("--suggest", action="store_true", required=True, help="列出建议（没有 --write 时不改文件）")
    hours.add_argument("--write", action="store_true", help="把能确定的建议写进记录文件")
    hours.set_defaults(run=command_hours)

    schema = commands.add_parser("schema", parents=[directory], help="生成记录的 JSON Schema")
    schema.add_argument("--output", type=Path, default=SCHEMA_PATH, help=f"输出文件（默认 {SCHEMA_PATH}）")
    schema.set_defaults(run=command_schema)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command and return its exit code."""
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `… | head` ends quietly, as other command-line tools do
    args = make_parser().parse_args(argv)
    try:
        return args.run(args)
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
