"""The command line: `python -m generator validate|build|schema`; exit 0 ok, 1 invalid data, 2 usage error."""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from pathlib import Path

from .directory import load_directory, load_taxonomy
from .problems import FORMATS, has_errors, sort_problems
from .schema import record_json_schema

SCHEMA_PATH = Path("schema/institution.schema.json")


def _validate(directory: Path, output_format: str = "text") -> tuple[object, bool]:
    loaded, problems = load_directory(directory)
    report = FORMATS[output_format](sort_problems(problems))
    if report:
        print(report, file=sys.stderr if output_format == "text" else sys.stdout)
    return loaded, loaded is not None and not has_errors(problems)


def command_validate(args) -> int:
    """Check every record and print every problem."""
    _, ok = _validate(args.directory, args.format)
    return 0 if ok else 1


def command_build(args) -> int:
    """Validate, then build the site into --site-dir, replacing the old site only on success."""
    from mkdocs.exceptions import Abort, ConfigurationError, PluginError

    from .publish import build_site

    logging.basicConfig(level=logging.INFO, format="%(levelname)-7s -  %(message)s")
    started = time.monotonic()
    loaded, ok = _validate(args.directory)
    if not ok:
        print("数据有错误，网站没有生成，原有网站保持不变。", file=sys.stderr)
        return 1
    try:
        build_site(args.directory, args.site_dir, args.config_file, loaded)
    except (Abort, PluginError, ConfigurationError) as exc:
        print(f"网站生成失败，原有网站保持不变：{exc}", file=sys.stderr)
        return 1
    print(f"网站已生成：{args.site_dir}（用时 {time.monotonic() - started:.1f} 秒）", file=sys.stderr)
    return 0


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
    build.set_defaults(run=command_build)

    schema = commands.add_parser("schema", parents=[directory], help="生成记录的 JSON Schema")
    schema.add_argument("--output", type=Path, default=SCHEMA_PATH, help=f"输出文件（默认 {SCHEMA_PATH}）")
    schema.set_defaults(run=command_schema)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command and return its exit code."""
    args = make_parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
