"""The field table: every fact about a record's and the taxonomy's fields, declared once.

The validator, the JSON Schema, the spreadsheet columns (exports and import), the `new` prompts, the labels on pages,
in checks and in the catalogue, and the /help/fields/ page all come from RECORD and TAXONOMY below.
"""

from __future__ import annotations

import datetime
import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from .load import Mapping, Scalar, Sequence
from .problems import Problem

MISSING = object()

DISCLOSURE_KEYS = {"content": "服务内容", "process": "服务流程", "standards": "服务标准", "fees": "收费标准", "hours": "服务时间"}
STATUSES = {"active": "在册（公开）", "draft": "草稿（待补全，不公开）", "suspended": "暂停（不公开）", "revoked": "撤销（不公开）"}
VERIFICATION_MONTHS = 12  # default of the taxonomy's verification_months
FIXED_CHOICES = {"statuses": STATUSES, "disclosure_keys": DISCLOSURE_KEYS}

INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad]")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ID_MAX = 64
ID_HINT = f"只用小写英文字母、数字和连字符，不超过 {ID_MAX} 个字符"
EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")
PHONE = re.compile(r"^\+?[0-9(][0-9() -]{3,}[0-9](?: ?(?:转|ext\.?|#) ?[0-9]{1,6})?$")
CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
DEFAULT_WORDS = {"district_word": "区", "area_word": "全市"}
DEFAULT_SUFFIXES = ("自治县", "新区", "区", "县", "市")
PLACEHOLDERS = ("待补充", "待填写", "暂无", "无", "略", "空", "详见附件", "见附件", "-", "—", "/", "N/A", "n/a", "NA", "TBD", "…", "...")
TYPE_NAMES = {"int": "数字", "float": "数字", "bool": "是/否（布尔值）", "null": "空值", "timestamp": "日期时间", "str": "文字"}


@dataclass
class Context:
    """What a conversion needs: the file shown in messages, taxonomy choices, and the problems found."""

    path: str
    choices: dict[str, dict[str, str]]
    problems: list[Problem] = field(default_factory=list)
    deferred: list = field(default_factory=list)  # choices whose table is not known yet (the taxonomy's own references)

    def report(self, code: str, node, name: str, message: str, hint: str = "") -> None:
        """Record an error at a node's position."""
        self.problems.append(Problem(code, self.path, node.line, node.column, name, message, hint=hint))


def _shown(node) -> str:
    if isinstance(node, Scalar):
        return node.value if node.implicit_type() != "null" else "空值"
    return "列表" if isinstance(node, Sequence) else "一组字段"


def is_id(text: str) -> bool:
    """Return True when text is a valid id: lower-case letters, digits and single hyphens, at most ID_MAX characters."""
    return len(text) <= ID_MAX and SLUG.fullmatch(text) is not None


@dataclass
class Field:
    """One field: its Chinese label, whether it is required, help and an example for people, spreadsheet headings."""

    label: str
    required: bool = False
    help: str = ""
    example: str = ""
    headings: tuple[str, ...] = ()  # spreadsheet headings besides the label: the first is written by exports, all are read
    ask: bool = False  # `new` asks for it when no flag gives it
    column: bool = True  # exported and imported as a spreadsheet column

    @property
    def heading(self) -> str:
        """Return the heading exports write for this field."""
        return self.headings[0] if self.headings else self.label

    def convert(self, node, name: str, ctx: Context):
        """Turn a node into a Python value, or report problems and return MISSING."""
        raise NotImplementedError

    def json_schema(self, choices: dict[str, dict[str, str]]) -> dict:
        """Return the JSON Schema fragment of this field."""
        raise NotImplementedError

    def _describe(self, schema: dict) -> dict:
        schema["title"] = self.label
        if self.help:
            schema["description"] = self.help
        return schema


@dataclass
class Text(Field):
    single_line: bool = True
    visible_only: bool = False
    max_length: int = 5000
    expects: str = "文字"

    def scalar(self, node, name: str, ctx: Context) -> str | object:
        if not isinstance(node, Scalar):
            ctx.report("wrong-type", node, name, f"应为{self.expects}，这里写的是{_shown(node)}")
            return MISSING
        kind = node.implicit_type()
        if kind == "null" or not node.value.strip():
            ctx.report("empty-value", node, name, "不能为空", "请填写内容，或删除这一行")
            return MISSING
        if kind != "str" and not self.accepts_plain(kind):
            ctx.report(
                "unquoted-value", node, name,
                f"{node.value} 会被 YAML 读成{TYPE_NAMES.get(kind, kind)}而不是文字",
                f'请加引号，写成 "{node.value}"',
            )
            return MISSING
        return node.value.strip()

    def accepts_plain(self, kind: str) -> bool:
        return False

    def convert(self, node, name, ctx):
        value = self.scalar(node, name, ctx)
        if value is MISSING:
            return MISSING
        if value in ctx.choices.get("placeholders", ()):
            ctx.report("placeholder-value", node, name, f"“{value}”是占位文字，不是内容", "请填写实际内容；暂时没有的，删除这一行")
            return MISSING
        if self.single_line and "\n" in value:
            ctx.report("multiline-value", node, name, "应为一行文字，不能换行")
            return MISSING
        if len(value) > self.max_length:
            ctx.report("too-long", node, name, f"有 {len(value)} 个字符，超过上限 {self.max_length}")
            return MISSING
        if self.visible_only and INVISIBLE.search(value):
            char = INVISIBLE.search(value).group()
            ctx.report("invisible-character", node, name, f"含有看不见的控制字符 U+{ord(char):04X}", "请删除后重新输入名称")
            return MISSING
        return self.check(value, node, name, ctx)

    def check(self, value: str, node, name: str, ctx: Context):
        return value

    def json_schema(self, choices):
        return self._describe({"type": "string", "minLength": 1, "maxLength": self.max_length})


@dataclass
class Slug(Text):
    expects: str = "标识（小写字母、数字和连字符）"

    def check(self, value, node, name, ctx):
        if not is_id(value):
            ctx.report("bad-id", node, name, f"{value} 不是合法的标识", ID_HINT)
            return MISSING
        return value

    def json_schema(self, choices):
        return self._describe({"type": "string", "pattern": SLUG.pattern, "maxLength": ID_MAX})


@dataclass
class Choice(Text):
    choices: str = ""

    def check(self, value, node, name, ctx):
        if self.choices not in ctx.choices:
            ctx.deferred.append((self, value, node, name))
            return value
        options = ctx.choices[self.choices]
        if value in options:
            return value
        by_name = [key for key, label in options.items() if label == value or value in label.split("/")]
        if by_name:
            hint = f"请写标识 {by_name[0]}（{options[by_name[0]]}）"
        else:
            close = difflib.get_close_matches(value, list(options), n=1)
            hint = f"是不是 {close[0]}？" if close else "可选值：" + "、".join(options)
        ctx.report("unknown-choice", node, name, f"{value} 不在分类表（taxonomy.yml）的{self.label}中", hint)
        return MISSING

    def json_schema(self, choices):
        options = choices.get(self.choices, {})
        listed = "；".join(f"{key}：{label}" for key, label in options.items())
        schema = self._describe({"type": "string", "enum": list(options)})
        schema["description"] = (self.help + " " if self.help else "") + "可选值——" + listed
        return schema


@dataclass
class Url(Text):
    def check(self, value, node, name, ctx):
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in value):
            ctx.report("bad-url", node, name, f"{value} 不是 http(s) 网址", "请写完整网址，如 https://www.example.org/")
            return MISSING
        return value

    def json_schema(self, choices):
        return self._describe({"type": "string", "pattern": "^https?://[^\\s]+$"})


@dataclass
class Email(Text):
    def check(self, value, node, name, ctx):
        if not EMAIL.fullmatch(value):
            ctx.report("bad-email", node, name, f"{value} 不是有效的电子邮箱地址", "格式如 service@example.org")
            return MISSING
        return value

    def json_schema(self, choices):
        return self._describe({"type": "string", "pattern": EMAIL.pattern})


@dataclass
class Phone(Text):
    def check(self, value, node, name, ctx):
        if not PHONE.fullmatch(value):
            ctx.report("bad-phone", node, name, f"{value} 不是有效的电话号码", "只写数字、空格、括号和连字符（区号-号码），可带“转”分机号，并加引号")
            return MISSING
        return value

    def json_schema(self, choices):
        return self._describe({"type": "string", "pattern": PHONE.pattern})


def credit_code_check_char(code17: str) -> str:
    """Return the check character of the first 17 characters of a unified social credit code (GB 32100)."""
    total = sum(CREDIT_CHARS.index(c) * w for c, w in zip(code17, CREDIT_WEIGHTS))
    return CREDIT_CHARS[(31 - total % 31) % 31]


@dataclass
class CreditCode(Text):
    def check(self, value, node, name, ctx):
        code = value.upper()
        if len(code) != 18 or any(c not in CREDIT_CHARS for c in code):
            ctx.report("bad-credit-code", node, name, f"{value} 不是 18 位统一社会信用代码", "只含数字和大写字母（不含 I、O、S、V、Z）")
            return MISSING
        if credit_code_check_char(code[:17]) != code[17]:
            ctx.report("bad-credit-code", node, name, f"{value} 的校验位不对", "请对照营业执照重新抄写")
            return MISSING
        return code

    def json_schema(self, choices):
        return self._describe({"type": "string", "pattern": "^[0-9A-HJ-NPQRTUWXY]{18}$"})


@dataclass
class PostalCode(Text):
    expects: str = "6 位数字的邮政编码"

    def accepts_plain(self, kind):
        return kind == "int"

    def check(self, value, node, name, ctx):
        if not re.fullmatch(r"[0-9]{6}", value):
            ctx.report("bad-postal-code", node, name, f"{value} 不是 6 位数字的邮政编码", "邮政编码是 6 位数字，如 \"123456\"")
            return MISSING
        return value

    def json_schema(self, choices):
        return self._describe({"type": ["string", "integer"], "pattern": "^[0-9]{6}$", "minimum": 0, "maximum": 999999})


@dataclass
class OpeningHours(Text):
    expects: str = "OpenStreetMap opening_hours 写法的营业时间"

    def check(self, value, node, name, ctx):
        from .hours import syntax_error

        error = syntax_error(value)
        if error is None:
            return value
        offset, part = error
        column = node.column + offset + (0 if node.plain else 1) if "\n" not in value else node.column
        ctx.problems.append(Problem("bad-opening-hours", ctx.path, node.line, column, name, f"读不懂“{part}”",
                                    hint="写法如 Mo-Fr 08:30-17:30; Sa 09:00-12:00; PH off（周一至周五、周六上午，法定节假日休息）"))
        return MISSING


@dataclass
class Integer(Text):
    minimum: int = 0
    maximum: int = 10**9
    expects: str = "整数"

    def accepts_plain(self, kind):
        return kind == "int"

    def check(self, value, node, name, ctx):
        if not re.fullmatch(r"[0-9]+", value):
            ctx.report("wrong-type", node, name, f"应为整数，这里写的是 {value}", "只写阿拉伯数字，如 2023")
            return MISSING
        number = int(value)
        if not self.minimum <= number <= self.maximum:
            ctx.report("out-of-range", node, name, f"{number} 超出范围 {self.minimum}–{self.maximum}")
            return MISSING
        return number

    def json_schema(self, choices):
        return self._describe({"type": "integer", "minimum": self.minimum, "maximum": self.maximum})


@dataclass
class Number(Text):
    """A number between minimum and maximum, written plain or in quotes."""

    minimum: float = 0
    maximum: float = 1
    expects: str = "0 到 1 之间的小数"

    def accepts_plain(self, kind):
        return kind in ("int", "float")

    def hint(self, number: float | None) -> str:
        return "只写数字"

    def check(self, value, node, name, ctx):
        try:
            number = float(value)
        except ValueError:
            number = None
        if number is None or not self.minimum <= number <= self.maximum:
            space = " " if self.expects[:1].isdigit() else ""  # a space between Chinese and a number, as elsewhere
            ctx.report("out-of-range", node, name, f"应为{space}{self.expects}，这里写的是 {value}", self.hint(number))
            return MISSING
        return number

    def json_schema(self, choices):
        return self._describe({"type": "number", "minimum": self.minimum, "maximum": self.maximum})


@dataclass
class Fraction(Number):
    def hint(self, number):
        return f"百分比请写成小数，如 {number / 100:g}" if number is not None and 1 < number <= 100 else "写成 0 到 1 之间的小数，如 0.95"


@dataclass
class Amount(Number):
    maximum: float = 10**8
    expects: str = "不小于 0 的金额（元）"

    def hint(self, number):
        return "只写数字，如 500"

    def check(self, value, node, name, ctx):
        number = super().check(value, node, name, ctx)
        return number if number is MISSING or not number.is_integer() else int(number)


@dataclass
class Date(Text):
    expects: str = "日期"

    def accepts_plain(self, kind):
        return kind == "timestamp"

    def check(self, value, node, name, ctx):
        try:
            if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
                raise ValueError
            return datetime.date.fromisoformat(value)
        except ValueError:
            ctx.report("bad-date", node, name, f"{value} 不是有效日期", "格式为 年-月-日，如 2025-03-01")
            return MISSING

    def json_schema(self, choices):
        return self._describe({"type": "string", "format": "date"})


@dataclass
class Flag(Text):
    expects: str = "true 或 false"

    def accepts_plain(self, kind):
        return kind == "bool"

    def check(self, value, node, name, ctx):
        if value not in ("true", "false"):
            ctx.report("wrong-type", node, name, f"应为 true 或 false，这里写的是 {value}")
            return MISSING
        return value == "true"

    def json_schema(self, choices):
        return self._describe({"type": "boolean"})


@dataclass
class ListOf(Field):
    item: Field = None
    min_items: int = 0
    unique: bool = False
    unique_key: str = ""

    def convert(self, node, name, ctx):
        if not isinstance(node, Sequence):
            ctx.report("wrong-type", node, name, f"应为列表，这里写的是{_shown(node)}", "每一项另起一行，以“- ”开头")
            return MISSING
        values, seen = [], {}
        for number, child in enumerate(node.items, 1):
            value = self.item.convert(child, f"{name}[{number}]", ctx)
            if value is MISSING:
                continue
            if self.unique or self.unique_key:
                key = value.get(self.unique_key) if self.unique_key else value
                if key in seen:
                    ctx.report("duplicate-item", child, f"{name}[{number}]", f"{key} 与第 {seen[key]} 项重复")
                    continue
                seen[key] = number
            values.append(value)
        if len(values) < self.min_items and len(node.items) < self.min_items:
            ctx.report("too-few-items", node, name, f"至少要有 {self.min_items} 项")
        return values

    def json_schema(self, choices):
        schema = {"type": "array", "items": self.item.json_schema(choices)}
        if self.min_items:
            schema["minItems"] = self.min_items
        if self.unique:
            schema["uniqueItems"] = True
        return self._describe(schema)


@dataclass
class Object(Field):
    fields: dict[str, Field] = field(default_factory=dict)
    at_least_one_of: tuple[str, ...] = ()

    def convert(self, node, name, ctx):
        if not isinstance(node, Mapping):
            ctx.report("wrong-type", node, name, f"应为一组字段（键: 值），这里写的是{_shown(node)}")
            return MISSING
        prefix = f"{name}." if name else ""
        values = {}
        for key, (key_node, child) in node.items.items():
            if key not in self.fields:
                close = difflib.get_close_matches(key, list(self.fields), n=1, cutoff=0.6)
                hint = f"是不是 {close[0]}？" if close else "可用字段：" + "、".join(self.fields)
                ctx.report("unknown-field", key_node, prefix + key, "不是认识的字段", hint)
        for key, spec in self.fields.items():
            if key in node.items:
                value = spec.convert(node.items[key][1], prefix + key, ctx)
                if value is not MISSING:
                    values[key] = value
            elif spec.required:
                ctx.report("missing-field", node, prefix + key, f"缺少必填字段（{spec.label}）", f"请添加一行 {key}: …")
        if self.at_least_one_of and not any(k in node.items for k in self.at_least_one_of):
            ctx.report("missing-field", node, name, f"至少要填写 {'、'.join(self.at_least_one_of)} 中的一项")
        return values

    def json_schema(self, choices):
        schema = {
            "type": "object",
            "properties": {key: spec.json_schema(choices) for key, spec in self.fields.items()},
            "additionalProperties": False,
        }
        required = [key for key, spec in self.fields.items() if spec.required]
        if required:
            schema["required"] = required
        if self.at_least_one_of:
            schema["anyOf"] = [{"required": [key]} for key in self.at_least_one_of]
        return self._describe(schema)


def _named(label: str, extra: dict[str, Field] | None = None) -> Object:
    """An object with an id and a Chinese name: the shape of every taxonomy list entry."""
    fields = {"id": Slug("标识", required=True), "name": Text("中文名称", required=True),
              "aliases": ListOf("别称", item=Text("别称"), help="导入表格时也认作这一项的说法，如 人才培训")}
    return Object(label, fields=fields | (extra or {}))


def _taxonomy_list(label: str, item: Object) -> ListOf:
    return ListOf(label, required=True, item=item, min_items=1, unique_key="id")


TAXONOMY = Object("分类表", fields={
    "site": Object("网站", required=True, fields={
        "title": Text("网站标题", required=True),
        "authority": Text("主管部门", required=True),
        "region": Text("所在省市", help="用于开放数据和结构化数据中的地址"),
        "description": Text("简介", single_line=False, help="网页的描述（搜索引擎摘要）和首页开头的一段话"),
        "notice": Text("提示", single_line=False, help="显示在首页、关于页和每页页脚，如“示例数据”"),
        "timezone": Text("时区", help="网页判断“现在开放”时按这个时区的时间，默认 Asia/Shanghai"),
        "area_code": Text("电话区号", help="导入时补回表格丢掉的区号开头的 0，如 021"),
        "district_word": Text("对区的称呼", help=f"如 区、区县、县市区；默认 {DEFAULT_WORDS['district_word']}"),
        "area_word": Text("对全域的称呼", help=f"如 全市、全省；默认 {DEFAULT_WORDS['area_word']}"),
        "examples": Object("示例", help="输入提示中的示例", fields={
            "phone": Text("电话示例"), "id": Slug("机构标识示例"), "query": Text("搜索示例"),
        }),
    }),
    "districts": _taxonomy_list("区", _named("区", {"name_en": Text("英文名称", required=True)})),
    "district_suffixes": ListOf("区名后缀", item=Text("后缀"), help="导入时可省略的区名后缀，如 区、县、市、新区、自治县"),
    "historical_districts": ListOf("历史区名", item=Object("历史区名", fields={
        "name": Text("旧区名", required=True),
        "id": Slug("旧区标识", help="旧区曾有网页时写它的标识，/districts/<旧标识>/ 会跳转到现在的区"),
        "maps_to": Choice("并入的区", required=True, choices="districts"),
        "year": Integer("撤并年份", minimum=1949, maximum=2100),
    })),
    "function_categories": _taxonomy_list("功能大类", _named("功能大类")),
    "functions": _taxonomy_list("服务功能", _named("服务功能", {
        "category": Choice("所属大类", required=True, choices="function_categories"),
        "target": Integer("规划目标数"),
        "description": Text("说明", single_line=False),
    })),
    "tiers": _taxonomy_list("层级", _named("层级", {
        "description": Text("说明", single_line=False),
        "criteria": Object("认定条件", fields={
            "floor_area_m2": Integer("服务场地面积下限（平方米）"),
            "smes_served": Integer("年服务企业数下限"),
            "satisfaction": Fraction("满意度下限"),
        }),
    })),
    "demonstration_levels": _taxonomy_list("示范平台级别", _named("示范平台级别", {
        "validity_years": Integer("有效年数", minimum=1, maximum=50,
                                  help="称号没写有效期时，认定年份加上这个年数的年底到期（如 2016 年认定、3 年有效，2019-12-31 到期）"),
    })),
    "evaluation_grades": _taxonomy_list("评价等级", _named("评价等级")),
    "industries": _taxonomy_list("服务产业", _named("服务产业", {"strategic": Flag("战略性新兴或高技术产业")})),
    "disclosures": ListOf("服务五公开", required=True, min_items=5, unique_key="key", item=Object("公开项", fields={
        "key": Choice("公开项", required=True, choices="disclosure_keys"),
        "label": Text("显示名称", required=True),
    })),
    "pinyin_overrides": ListOf("拼音更正（排序用）", item=Object("拼音更正", fields={
        "text": Text("词语", required=True),
        "pinyin": Text("拼音（不带声调，空格分隔）", required=True),
    })),
    "thesaurus": ListOf("同义词表", item=ListOf("同义词组", item=Text("词"), min_items=2),
                        help="搜索时，查询中的一个词也按同组的其他词查找，结果排在原词之后；每组一行，如 [检测, 检验, 测试]"),
    "placeholders": ListOf("占位文字", item=Text("占位文字"), help=f"不算数据的填写，如 {'、'.join(PLACEHOLDERS[:5])}；不写时用默认的列表"),
    "verification_months": Integer("核实周期（月）", minimum=1, maximum=120,
                                   help=f"记录多久没有核实就提醒；默认 {VERIFICATION_MONTHS} 个月"),
    "plan": Object("规划目标", fields={
        "platforms": Integer("平台总数目标"),
        "demonstration": Integer("示范平台目标"),
        "strategic_share": Fraction("服务战略性新兴产业的比例目标"),
    }),
})

RECORD = Object("服务机构记录", fields={
    "name": Text("机构名称", required=True, visible_only=True, max_length=100, ask=True, help="营业执照或认定文件上的全称",
                 example="示例区知识产权服务中心", headings=("名称", "平台名称", "服务机构名称")),
    "name_en": Text("英文名称", visible_only=True, max_length=200, example="Example IP Service Center"),
    "district": Choice("所在区", required=True, choices="districts", ask=True, help="分类表中的区标识，必须与记录所在的文件夹同名",
                       example="(districts)", headings=("所在区", "区", "区县", "所属区")),
    "tier": Choice("层级", required=True, choices="tiers", ask=True, help="平台的认定层级", example="(tiers)",
                   headings=("层级", "平台层级")),
    "functions": ListOf("服务功能", required=True, min_items=1, unique=True, item=Choice("服务功能", choices="functions"),
                        ask=True, help="一项或多项，第一项为主要功能", example="(functions)", headings=("服务功能", "功能", "服务类别")),
    "industries": ListOf("服务产业", unique=True, item=Choice("服务产业", choices="industries"), help="主要服务的产业，可多项",
                         example="(industries)"),
    "operator": Text("运营机构", required=True, visible_only=True, max_length=200, ask=True, help="负责运营平台的法人单位",
                     example="示例科技服务有限公司", headings=("运营机构", "运营单位", "运营主体")),
    "credit_code": CreditCode("统一社会信用代码", help="运营机构营业执照上的 18 位代码，含校验位", example="<credit_code>",
                              headings=("统一社会信用代码", "信用代码")),
    "address": Text("地址", required=True, max_length=300, ask=True, help="服务场所的详细地址", example="示例路 100 号 5 楼"),
    "postal_code": PostalCode("邮政编码", help="服务场所的 6 位邮政编码；开放数据（HSDS）的地址需要它", example="123456"),
    "contacts": Object("联系方式", required=True, at_least_one_of=("phone", "hotline", "email", "website"),
                       help="电话、服务热线、电子邮箱、网站至少填写一项", fields={
        "person": Text("联系人", max_length=50, example="王老师"),
        "phone": Phone("电话", ask=True, help="带区号，写在引号里", example='"<phone>"', headings=("电话", "联系电话", "电话号码")),
        "hotline": Phone("服务热线", help="可带“转”分机号", example='"400-000-0000 转 8"', headings=("服务热线", "热线")),
        "email": Email("电子邮箱", ask=True, example="service@example.org", headings=("电子邮箱", "邮箱")),
        "website": Url("网站", help="以 http:// 或 https:// 开头的完整网址", example="https://www.example.org/", headings=("网站", "网址")),
    }),
    "disclosures": Object("服务五公开", required=True, help="五项都必须填写；网站上的名称来自分类表", fields={
        key: Text(label, required=True, single_line=False, ask=True, example=example)
        for (key, label), example in zip(DISCLOSURE_KEYS.items(), ("专利检索、知识产权咨询", "线上预约，现场受理，五个工作日内答复",
                                                                   "按示例行业服务规范执行", "基础咨询免费，检索按次收费",
                                                                   '"周一至周五 9:00-17:00"'))
    }),
    "opening_hours": OpeningHours("营业时间（结构化）", max_length=500, help=(
        "OpenStreetMap opening_hours 写法，网页据此显示“现在开放/现在休息”：Mo–Su 是周一到周日，PH off 表示法定节假日休息；"
        "调休上班日按工作日时间开放，不调休的在其中写上 \"不调休\"。服务时间（五公开）仍照机构原文填写"),
        example="Mo-Fr 08:30-17:30; Sa 09:00-12:00; PH off", headings=("营业时间（结构化）", "opening_hours")),
    "fee_items": ListOf("收费项目", help="逐项列出收费：项目、是否免费、金额（元）、最高金额、单位、说明；收费标准（五公开）仍照机构原文填写",
                        example="- {item: 政策咨询, free: true}", headings=("收费项目",), item=Object("收费项目", fields={
        "item": Text("项目", required=True, max_length=200),
        "free": Flag("免费"),
        "amount": Amount("金额（元）"),
        "amount_max": Amount("最高金额（元）"),
        "unit": Text("单位", max_length=20),
        "note": Text("说明", max_length=300),
    })),
    "free_services": ListOf("免费基础服务", item=Text("免费基础服务", max_length=300), help="向中小企业免费提供的服务，每项一行",
                            example="政策咨询", headings=("免费基础服务", "免费服务")),
    "demonstration": ListOf("示范平台称号", help="每项写明级别和认定年份，可加有效期和证书编号；过期的称号显示为已过期",
                            example="- {level: (demonstration_levels), year: 2024}", item=Object("示范平台称号", fields={
        "level": Choice("级别", required=True, choices="demonstration_levels", headings=("示范级别", "示范平台级别", "认定级别", "级别")),
        "year": Integer("认定年份", required=True, minimum=1990, maximum=2100, headings=("认定年份", "认定年度", "认定时间")),
        "expires": Date("有效期至", headings=("有效期至", "有效期", "称号有效期")),
        "certificate": Text("证书或文件编号", max_length=200),
    })),
    "evaluations": ListOf("年度评价", unique_key="year", help="每年一项：年份和等级", example="- {year: 2025, grade: (evaluation_grades)}",
                          item=Object("年度评价", fields={
        "year": Integer("年份", required=True, minimum=1990, maximum=2100, headings=("评价年度", "考核年度", "评价年份")),
        "grade": Choice("等级", required=True, choices="evaluation_grades", headings=("评价等级", "考核等级", "考核结果", "年度评价结果")),
    })),
    "metrics": Object("运营指标", help="与层级的认定条件比较，低于条件时给出警告", fields={
        "year": Integer("统计年份", required=True, minimum=1990, maximum=2100, example="2025", headings=("指标年份",)),
        "floor_area_m2": Integer("服务场地面积（平方米）", example="500"),
        "smes_served": Integer("年服务企业数", example="6000"),
        "satisfaction": Fraction("满意度", help="0 到 1 之间的小数，如 0.95 表示 95%", example="0.95"),
    }),
    "status": Choice("状态", choices="statuses", column=False, help="不写即为 active（公开）；suspended、revoked 不公开，记录保留",
                     example="(statuses)"),
    "description": Text("简介", single_line=False, help="一两句话介绍机构"),
    "since": Integer("成立年份", minimum=1900, maximum=2100, example="2012"),
    "aliases": ListOf("原标识", unique=True, item=Slug("原标识"),
                      help="记录改过文件名（标识）时，把旧标识写在这里：旧网址会跳转到新网址，打印的二维码仍然有效",
                      example="- <id>"),
    "pinyin": Text("名称拼音", max_length=300, help="用于排序，可选；自动注音有误时填写", example="shi li qu zhi shi chan quan"),
    "verified": Date("最近核实日期", required=True, help="主管部门最近一次核实这条记录的日期", example="2026-03-01",
                     headings=("最近核实日期", "核实日期")),
})


def normalise_name(name: str) -> str:
    """Return the form two names are compared in: NFKC, without spaces or invisible characters."""
    folded = unicodedata.normalize("NFKC", name)
    return "".join(c for c in INVISIBLE.sub("", folded) if not c.isspace()).casefold()


def record_json_schema(choices: dict[str, dict[str, str]]) -> dict:
    """Return the JSON Schema of a record, with the taxonomy's choices as enums."""
    schema = RECORD.json_schema(choices | FIXED_CHOICES)
    return {"$schema": "https://json-schema.org/draft-07/schema#", "$id": "institution.schema.json"} | schema


def fields(spec: Object = RECORD, prefix: str = "") -> list[tuple[str, Field]]:
    """Return (dotted path, field) for every field in display order, nested objects included after their parent."""
    found = []
    for key, child in spec.fields.items():
        found.append((prefix + key, child))
        if isinstance(child, Object):
            found += fields(child, f"{prefix}{key}.")
    return found


def leaf_fields(spec: Object = RECORD) -> list[tuple[str, Field]]:
    """Return (dotted path, field) for every field that holds a value (nested objects flattened), in display order."""
    return [(path, child) for path, child in fields(spec) if not isinstance(child, Object)]


def words(taxonomy: dict) -> dict[str, str]:
    """Return the taxonomy's words for a district and for the whole area, with the defaults."""
    return DEFAULT_WORDS | {key: taxonomy.get("site", {})[key] for key in DEFAULT_WORDS if key in taxonomy.get("site", {})}


def labels(taxonomy: dict) -> dict[str, str]:
    """Return the label of every record field by dotted path, as the taxonomy words them: the district by the city's
    word for it, the disclosures by the taxonomy's labels."""
    named = {path: child.label for path, child in fields()}
    named["district"] = "所在" + words(taxonomy)["district_word"]
    return named | {f"disclosures.{d['key']}": d["label"] for d in taxonomy.get("disclosures", [])}


def examples(taxonomy: dict) -> dict[str, str]:
    """Return the example values shown in hints and placeholders: the taxonomy's own, else made from its lists."""
    districts = taxonomy.get("districts") or [{"id": "example", "name": "示例区"}]
    suffixes = taxonomy.get("district_suffixes") or DEFAULT_SUFFIXES
    place = next((districts[0]["name"].removesuffix(s) for s in suffixes if districts[0]["name"].endswith(s)), districts[0]["name"])
    topic = (taxonomy.get("industries") or taxonomy.get("functions") or [{"name": "检测"}])[0]["name"]
    code = "91000000MA0000000"
    given = taxonomy.get("site", {}).get("examples", {})
    return {"phone": "0000-0000-0000", "id": f"{districts[0]['id']}-service-center", "query": f"{place} {topic}",
            "credit_code": code + credit_code_check_char(code)} | given


def choice_tables(taxonomy: dict) -> dict[str, dict[str, str]]:
    """Return every id → Chinese name table a field may choose from (the taxonomy's lists and the fixed ones), and
    under `placeholders` the words a text field may not hold."""
    tables = {key: {item["id"]: item["name"] for item in taxonomy.get(key, [])}
              for key, spec in TAXONOMY.fields.items() if isinstance(spec, ListOf) and spec.unique_key == "id"}
    tables["placeholders"] = dict.fromkeys(taxonomy.get("placeholders") or PLACEHOLDERS, "")  # text that is not data
    return tables | FIXED_CHOICES


def example(spec: Field, tables: dict[str, dict[str, str]], given: dict[str, str]) -> str:
    """Return a field's example, so each city sees its own: `(table)` becomes the first id of that choice table and
    `<name>` the taxonomy's example value (see examples())."""
    text = re.sub(r"\((\w+)\)", lambda m: next(iter(tables.get(m.group(1)) or {m.group(0): ""})), spec.example)
    return re.sub(r"<(\w+)>", lambda m: given.get(m.group(1), m.group(0)), text)
