"""Problems found in the directory: data, not exceptions; every code declared once in CODES; printed as text,
GitHub annotations or JSON."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

ERROR = "error"
WARNING = "warning"
SEVERITY_LABELS = {ERROR: "错误", WARNING: "警告"}
HELP_PAGE = "help/checks/"


@dataclass(frozen=True)
class Check:
    """One problem code as a clerk looks it up: how serious, what it means, how to fix it, an example that causes it."""

    severity: str
    title: str
    fix: str
    example: str


def _error(title: str, fix: str, example: str) -> Check:
    return Check(ERROR, title, fix, example)


def _warning(title: str, fix: str, example: str) -> Check:
    return Check(WARNING, title, fix, example)


CODES = {
    # Reading the file
    "missing-directory": _error("名录目录不存在", "检查 --directory 指定的文件夹", "--directory 指向了不存在的文件夹"),
    "missing-taxonomy": _error("缺少分类表", "在名录目录中放一份 taxonomy.yml", "名录目录里没有 taxonomy.yml"),
    "file-too-large": _error("文件超过 1 MB", "一条记录不需要这么大，请删除粘贴进来的多余内容", "粘贴了整份文件的记录"),
    "linked-file": _error("记录文件是符号链接", "把文件本身放进名录目录", "pudong/x.yml 链接到 /etc/passwd"),
    "file-not-utf8": _error("文件不是 UTF-8 编码", "用编辑器把文件另存为 UTF-8 编码", "用 GBK 编码保存的记录"),
    "empty-file": _error("文件是空的", "填写记录内容，或删除这个文件", "只有注释的 .yml 文件"),
    "misplaced-file": _error("记录文件不在区文件夹里", "移到 <区标识>/<机构标识>.yml", "directory/x.yml"),
    "unknown-district-folder": _error("文件夹不是分类表中的区", "把文件夹改成分类表中的区标识", "directory/mars/x.yml"),
    "wrong-extension": _error("记录文件的扩展名不是 .yml", "改名为 .yml", "east/x.yaml"),
    "bad-id": _error("标识不合法", "只用小写英文字母、数字和连字符", "文件名 East_Center.yml"),
    # YAML hazards, refused while reading
    "yaml-syntax": _error("YAML 格式错误", "检查缩进、冒号后的空格和引号是否成对", 'name: "未闭合的引号'),
    "yaml-alias": _error("使用了别名 *", "直接写出内容，不要用 & 和 *", "hours: *a"),
    "yaml-anchor": _error("使用了锚点 &", "直接写出内容，不要用 & 和 *", "hours: &a 9-17"),
    "yaml-tag": _error("使用了标签 !", "删除 ! 开头的标签", "since: !!int 2012"),
    "yaml-merge-key": _error("使用了合并键 <<", "直接写出每个字段", "<<: {tier: city}"),
    "yaml-duplicate-key": _error("字段重复出现", "删除其中一个，只保留正确的值", "同一记录中写了两行 name:"),
    "yaml-complex-key": _error("字段名不是简单的文字", "字段名只写文字", "[a, b]: x"),
    "yaml-too-deep": _error("嵌套层数过深", "记录不需要这么深的结构", "a: [[[[[[[x]]]]]]]"),
    "yaml-multiple-documents": _error("一个文件里有多个 YAML 文档", "删除多余的 --- 分隔行", "两条记录写在同一个文件里"),
    # One field
    "unknown-field": _error("不认识的字段", "检查拼写，可用的字段见“字段说明”页", "adress: …"),
    "missing-field": _error("缺少必填字段", "添加这个字段", "没有 verified:"),
    "wrong-type": _error("值的类型不对", "按字段说明填写文字、数字、列表或一组字段", "functions: innovation（应为列表）"),
    "empty-value": _error("值是空的", "填写内容，或删除这一行", "operator:"),
    "unquoted-value": _error("没有加引号的值会被 YAML 误读", "给值加上引号", "hours: 9:00（会读成 540）"),
    "multiline-value": _error("应为一行的字段里有换行", "写成一行", "name: |（多行）"),
    "too-long": _error("文字超过长度上限", "删减到上限以内", "name 超过 100 个字符"),
    "invisible-character": _error("含有看不见的控制字符", "删除后重新输入", "名称中夹了零宽空格"),
    "control-character": _error("含有控制字符", "删除这个字符后重新输入", r'name: "检测\x7f中心"（DEL、C1 控制字符或 U+FFFE）'),
    "markup-character": _error("分类表文字含有网页标记字符", "改用全角字符 ＜ ＞ “ ” ＆", "区名写成 <b>示例区</b>"),
    "placeholder-value": _error("占位文字不是内容", "填写实际内容；暂时没有的，删除这一行（草稿中算作待补全）", "fees: 待补充"),
    "unknown-choice": _error("不在分类表的可选值中", "写分类表中的标识", "tier: 一级平台（应写层级的标识）"),
    "bad-url": _error("不是 http(s) 网址", "写完整网址", "website: www.example.org"),
    "bad-email": _error("不是有效的电子邮箱", "格式如 service@example.org", "email: service.example.org"),
    "bad-phone": _error("不是有效的电话号码", "写数字、空格、连字符，可带“转”分机号，并加引号", 'phone: "电话待定"'),
    "bad-credit-code": _error("统一社会信用代码不对", "对照营业执照重新抄写 18 位代码", "credit_code: 91310000MA1K00000X"),
    "out-of-range": _error("数字超出范围", "按字段说明的范围填写", "satisfaction: 95（应为 0.95）"),
    "bad-postal-code": _error("不是 6 位数字的邮政编码", "写 6 位数字", "postal_code: 12345"),
    "bad-opening-hours": _error("营业时间写法读不懂", "按 OpenStreetMap opening_hours 写法，如 Mo-Fr 08:30-17:30; PH off",
                                "opening_hours: Mo-Fr 9-17点"),
    "bad-date": _error("不是有效日期", "格式为 年-月-日", "verified: 2026-02-30"),
    "duplicate-item": _error("列表中有重复项", "删除重复的一项", "functions: [innovation, innovation]"),
    "too-few-items": _error("列表项太少", "至少填写所需的项数", "functions: []"),
    # The taxonomy
    "missing-disclosure": _error("分类表的服务五公开不齐", "五项（content、process、standards、fees、hours）都要列出",
                                 "disclosures 只列了四项"),
    # The evaluation cycle's files (evaluations/<year>.yml, bulletins/<year>-Q<n>.yml)
    "bad-cycle-file": _error("评价结果或季度通报的文件名不对", "写成 evaluations/2025.yml 或 bulletins/2025-Q3.yml",
                             "evaluations/2025年.yml"),
    "duplicate-cycle-file": _error("同一年（或同一季度）有两个文件", "合并成一个文件，删除另一个",
                                   "bulletins/2025-Q3.yml 和 bulletins/2025-q3.yml"),
    "unknown-record": _error("没有这个机构标识的记录", "写记录文件名中的机构标识", "results 中写了 id: no-such-center"),
    "evaluation-conflict": _error("记录中的年度评价与年度评价结果文件不一致", "以结果文件为准，改成同一等次",
                                  "记录写 2025 年 pass，evaluations/2025.yml 写 fail"),
    # Across records
    "district-folder-mismatch": _error("所在区与文件夹不一致", "改 district，或把文件移到对应的文件夹", "east/x.yml 中写 district: west"),
    "duplicate-id": _error("两条记录的标识相同", "给其中一个文件换个名字", "east/x.yml 和 west/x.yml"),
    "duplicate-name": _error("两条记录的机构名称相同", "同一机构只保留一条记录", "两个文件都写 name: 示例中心"),
    "alias-collision": _error("原标识与现有标识冲突", "原标识只写已经不用的旧标识，每个只写在一条记录里", "aliases: [另一条记录的标识]"),
    "verification-overdue": _warning("超过 12 个月没有核实", "重新核实后更新 verified", "verified: 2024-01-01"),
    "title-expired": _warning("示范平台称号已到期", "网站显示为已过期；如已续期请更新 expires", "expires: 2019-12-31"),
    "below-tier-criteria": _warning("运营指标低于层级的认定条件", "核实指标，或调整层级",
                                    "层级要求 1000 平方米，写的是 floor_area_m2: 100"),
    "fee-range-reversed": _error("最高金额低于金额", "amount 写最低金额，amount_max 写最高金额", "amount: 500, amount_max: 100"),
    "private-website": _warning("网站在本机或内网地址上", "写机构在互联网上的网址", "website: http://127.0.0.1/"),
    "revoked-with-title": _warning("已撤销的机构仍持有未到期的称号", "核实称号是否已被收回，并填写 expires",
                                   "status: revoked 且称号未到期"),
}


@dataclass(frozen=True)
class Problem:
    code: str
    path: str
    line: int
    column: int
    field: str
    message: str
    severity: str = ""  # taken from CODES
    hint: str = ""
    location: tuple = ()  # the field path as data: ("contacts", "phone"), ("functions", 2)
    value: str | None = None  # the text found there, when it was a single value

    def __post_init__(self):
        if self.code not in CODES:
            raise ValueError(f"problem code {self.code!r} is not in problems.CODES")
        if not self.severity:
            object.__setattr__(self, "severity", CODES[self.code].severity)

    def describe(self) -> str:
        """Return the message with the field named and the hint appended, as bureau staff read it."""
        text = f"字段 {self.field}：{self.message}" if self.field else self.message
        return f"{text}（{self.hint}）" if self.hint else text


def has_errors(problems: list[Problem]) -> bool:
    """Return True when any problem is an error (warnings alone leave the data valid)."""
    return any(p.severity == ERROR for p in problems)


def sort_problems(problems: list[Problem]) -> list[Problem]:
    """Order problems by file, then position, so output is stable."""
    return sorted(problems, key=lambda p: (p.path, p.line, p.column, p.code, p.field))


def format_text(problems: list[Problem]) -> str:
    """Format problems as `path:line:column: 错误 [code] message` lines with a closing count."""
    lines = [
        f"{p.path}:{p.line}:{p.column}: {SEVERITY_LABELS[p.severity]} [{p.code}] {p.describe()}"
        for p in problems
    ]
    errors = sum(p.severity == ERROR for p in problems)
    warnings = len(problems) - errors
    lines.append(f"共 {errors} 个错误，{warnings} 个警告。方括号中的代码见网站的“检查项说明”页（/{HELP_PAGE}）。"
                 if problems else "检查通过：没有发现问题。")
    return "\n".join(lines)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def format_github(problems: list[Problem]) -> str:
    """Format problems as GitHub workflow commands, escaped so record text cannot forge another one."""
    lines = []
    for p in problems:
        props = ",".join(
            [
                f"file={_escape_property(p.path)}",
                f"line={p.line}",
                f"col={p.column}",
                f"title={_escape_property(p.code)}",
            ]
        )
        lines.append(f"::{p.severity} {props}::{_escape_data(p.describe())}")
    return "\n".join(lines)


def format_json(problems: list[Problem]) -> str:
    """Format problems as a JSON list of objects, one per problem."""
    return json.dumps([asdict(p) for p in problems], ensure_ascii=False, indent=2)


FORMATS = {"text": format_text, "github": format_github, "json": format_json}
