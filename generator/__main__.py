"""The command line: `python -m generator COMMAND`; each command is a module of commands/; exit 0 ok, 1 invalid data or
failed build, 2 usage error."""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import re
import signal
import sys
from pathlib import Path

from .commands.new import new_fields
from .commands.schema import SCHEMA_PATH
from .problems import FORMATS
from .write.catalogue import CACHE, PAPER_SIZES

TYPE_NAMES = {"int": "整数", "float": "数字", "Path": "路径"}
USAGE_ERRORS = [  # argparse's messages, as a clerk reads them
    (r"argument (\S+): invalid (\w+) value: '(.*)'", lambda m: f"{m[1]} 的值“{m[3]}”不对：应为{TYPE_NAMES.get(m[2], m[2])}"),
    (r"argument (\S+): invalid choice: '(.*)' \(choose from (.*)\)",
     lambda m: f"{m[1]} 的值“{m[2]}”不是可选的值（可选：{_listed(m[3])}）"),
    (r"argument (\S+): not allowed with argument (\S+)", lambda m: f"{m[1]} 和 {m[2]} 不能同时使用"),
    (r"argument (\S+): expected one argument", lambda m: f"{m[1]} 后面要写一个值"),
    (r"the following arguments are required: (.*)", lambda m: f"缺少参数：{m[1]}"),
    (r"unrecognized arguments: (.*)", lambda m: f"不认识的参数：{m[1]}"),
    (r"ambiguous option: (\S+) could match (.*)", lambda m: f"{m[1]} 可以指 {m[2]}，请写完整"),
]


def _listed(choices: str) -> str:
    return "、".join(c.strip(" '") for c in choices.split(","))


class ChineseParser(argparse.ArgumentParser):
    """An argument parser whose usage errors are in Chinese (exit 2, as argparse's)."""

    def error(self, message):
        said = next((say(m) for pattern, say in USAGE_ERRORS if (m := re.fullmatch(pattern, message))), message)
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}：{said}（用 -h 查看说明）\n")


def make_parser() -> argparse.ArgumentParser:
    """Return the argument parser of every command."""
    parser = ChineseParser(prog="python -m generator", description="中小企业公共服务机构名录：校验数据、生成网站。")
    subcommands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    directory = argparse.ArgumentParser(add_help=False)
    directory.add_argument("--directory", type=Path, default=Path("directory"), help="名录目录（默认 directory/）")

    validate = subcommands.add_parser("validate", parents=[directory], help="校验全部记录并列出所有问题")
    validate.add_argument("--format", choices=sorted(FORMATS), default="text", help="输出格式")
    validate.set_defaults(run="validate")

    build = subcommands.add_parser("build", parents=[directory], help="校验并生成网站")
    build.add_argument("--site-dir", type=Path, default=Path("site"), help="输出目录（默认 site/）")
    build.add_argument("--config-file", type=Path, default=Path("mkdocs.yml"), help="MkDocs 配置文件")
    build.add_argument("--no-catalogue", action="store_true", help="不生成印刷版 PDF（快速预览）")
    build.add_argument("--paper", choices=PAPER_SIZES, help="印刷版纸张（默认取 mkdocs.yml 中 directory 插件的 paper，即 A4）")
    build.add_argument("--cache-dir", help="生成缓存的文件夹（默认取 mkdocs.yml 中 directory 插件的 cache_dir，"
                       "即 .cache/build；写 none 不用缓存）")
    build.set_defaults(run="build")

    catalogue = subcommands.add_parser("catalogue", parents=[directory], help="只生成印刷版目录（PDF）")
    catalogue.add_argument("--out", type=Path, default=Path("site/downloads"), help="输出目录（默认 site/downloads/）")
    catalogue.add_argument("--paper", choices=PAPER_SIZES, default="A4", help="纸张（默认 A4）")
    catalogue.add_argument("--site-url", default="", help="网站地址，用于二维码（默认取 mkdocs.yml 的 site_url）")
    catalogue.add_argument("--config-file", type=Path, default=Path("mkdocs.yml"), help="MkDocs 配置文件")
    catalogue.add_argument("--cache-dir", type=Path, default=CACHE, help=f"排版缓存（默认 {CACHE}；写 none 不用缓存）")
    catalogue.set_defaults(run="catalogue")

    diff = subcommands.add_parser("diff", help="两个 git 版本之间名录的变化（中文 Markdown）")
    diff.add_argument("base", help="原版本（如 origin/main）")
    diff.add_argument("head", help="新版本（如 HEAD）")
    diff.add_argument("--repo", type=Path, default=Path("."), help="git 仓库（默认当前目录）")
    diff.add_argument("--path", default="directory", help="仓库中名录目录的路径（默认 directory）")
    diff.set_defaults(run="diff")

    new = subcommands.add_parser("new", parents=[directory], help="新建一条机构记录（缺少的内容会逐项询问）")
    new.add_argument("--id", help="机构标识（默认由名称拼音生成）")
    for path, prompt, _ in new_fields():
        new.add_argument("--" + path.split(".")[-1], help=prompt)
    new.set_defaults(run="new")

    imports = subcommands.add_parser("import", parents=[directory], help="从表格（.xlsx .xls .ods .csv .txt）或 Word（.docx）导入机构")
    imports.add_argument("file", type=Path, help="名单文件；每个工作表或表格都会读取")
    imports.add_argument("--mapping", type=Path, help="列标题与字段的对应表（YAML：列标题: 字段）")
    imports.add_argument("--sheet", help="只导入这个工作表（或 Word 中的“表格 N”）")
    imports.add_argument("--overwrite", nargs="?", const="all", metavar="字段,…",
                         help="与现有记录不同的内容按表格覆盖（默认列出、不修改）；可只写要覆盖的列，如 --overwrite 运营机构,地址")
    imports.add_argument("--district", metavar="区", help="名单没有“所在区”一列时，所有行都算这个区（标识或中文名）")
    imports.add_argument("--add-similar", action="store_true", help="与现有记录相似（可能是同一家）的行也作为新机构导入")
    imports.add_argument("--partial", action="store_true", help="名单只是补充的一部分：不列出、也不记下名单中没有的现有机构")
    imports.add_argument("--dry-run", action="store_true", help="只显示将要写入的内容，不写文件")
    cycle = imports.add_mutually_exclusive_group()
    cycle.add_argument("--evaluations", metavar="YEAR", type=int,
                       help="导入主管部门公布的年度评价结果（序号/平台名称/得分/等次，或含排名），写入 evaluations/YEAR.yml")
    cycle.add_argument("--bulletin", metavar="YEAR-Qn", help="导入季度通报的表格，写入 bulletins/YEAR-Qn.yml")
    imports.set_defaults(run="imports")

    drafts = subcommands.add_parser("drafts", parents=[directory], help="生成草稿补全表（Excel），发给机构填写后再导入")
    drafts.add_argument("--output", type=Path, required=True, help="输出的 .xlsx 文件")
    drafts.set_defaults(run="drafts")

    check = subcommands.add_parser("check", parents=[directory], help="列出需要人工核实的记录（核实超期、称号到期、草稿、网站）")
    check.add_argument("--links", action="store_true", help="同时检查每个网站能否访问")
    check.add_argument("--format", choices=("text", "json", "markdown"), default="text", help="输出格式（markdown 为核实清单议题的正文）")
    check.add_argument("--timeout", type=float, default=10, help="每个网站的超时秒数（默认 10；每个网址总共最多两倍）")
    check.add_argument("--json", type=Path, help="同时把全部结果写入这个 JSON 文件（议题正文过长时的完整清单）")
    check.add_argument("--allow-private", action="store_true",
                       help="也访问本机、内网和保留地址的网站（只用于本地测试；默认不访问，报告为“未访问”）")
    check.set_defaults(run="check")

    fmt = subcommands.add_parser("fmt", parents=[directory], help="把记录整理成标准格式（与网页表单保存的格式相同）")
    fmt.add_argument("--check", action="store_true", help="只检查，不修改；有需要整理的文件时退出码为 1")
    fmt.set_defaults(run="fmt")

    hours = subcommands.add_parser("hours", parents=[directory], help="从“服务时间”原文建议结构化的营业时间（opening_hours）")
    hours.add_argument("--suggest", action="store_true", required=True, help="列出建议（没有 --write 时不改文件）")
    hours.add_argument("--write", action="store_true", help="把能确定的建议写进记录文件")
    hours.set_defaults(run="hours")

    schema = subcommands.add_parser("schema", parents=[directory], help="生成记录、评价结果和季度通报的 JSON Schema")
    schema.add_argument("--output", type=Path, default=SCHEMA_PATH,
                        help=f"记录的 JSON Schema 文件（默认 {SCHEMA_PATH}）；评价结果和季度通报的写在同一文件夹")
    schema.set_defaults(run="schema")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command and return its exit code."""
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `… | head` ends quietly, as other command-line tools do
    args = make_parser().parse_args(argv)
    try:
        return importlib.import_module(f"{__package__}.commands.{args.run}").run(args)
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130


def exit_now(code: int) -> None:
    """Exit without the interpreter's own clean-up, which frees every object one by one (4 s after a 10,000-record
    build, a tenth of a cached build): by then the command has closed its files and stopped its processes and threads."""
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    exit_now(main())
