"""The kinds of field. Each kind owns everything its values mean: reading a YAML node (the value, or problems at the
node's position), its JSON Schema, the pattern the form checks (the validator's own), its form widget, reading a
spreadsheet cell as people write it, writing a cell in people's words, its description, example and default.
The validator, the JSON Schema, the form, the importer, the exports and /help/fields/ all ask the kind."""

from __future__ import annotations

import copy
import datetime
import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from typing import ClassVar

from .problems import Problem
from .read.load import Mapping, Scalar, Sequence

MISSING = object()

INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad]")
# C0 controls but tab and newline, DEL, C1 controls and the Unicode non-characters: no page, sheet or file can hold them
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufdd0-\ufdef"
                     + "".join(chr(p + 0xFFFE) + chr(p + 0xFFFF) for p in range(0, 0x110000, 0x10000)) + "]")
MARKUP = re.compile('[<>"&]')  # the taxonomy's text is printed by the theme as it is: markup would run in every page
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ID_MAX = 64
ID_HINT = f"只用小写英文字母、数字和连字符，不超过 {ID_MAX} 个字符"
CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
TYPE_NAMES = {"int": "数字", "float": "数字", "bool": "是/否（布尔值）", "null": "空值", "timestamp": "日期时间", "str": "文字"}
DASHES = re.compile("[\u2010-\u2015\u2212\u30fc\uff0d\ufe58\ufe63]")  # ‐ ‑ ‒ – — ― − ー － as typed for a hyphen
ODD_SPACES = re.compile("[\u00a0\u2000-\u200a\u202f\u205f\u3000]")
SEPARATORS = re.compile(r"[、,，;；/／\n]+")  # between choices in one cell
WORDS = re.compile(r"\s+")  # between choices when no other separator is used
FOOTNOTES = re.compile(r"[※＊*†‡§△▲☆★◆◇]+|[①-⑳]+$|[¹²³⁰-⁹]+$")  # footnote marks after or before a name
SCIENTIFIC = re.compile(r"[0-9](?:\.[0-9]+)?[eE]\+?[0-9]+")  # how Excel shows a long number
# Words left between the choices named in free text.
FILLER = re.compile(r"(?:以及|其他|相关|方面|服务|提供|开展|[和与及等、,，;；/.。\s])+")
ITEMS = re.compile(r"[；;\n]+")  # between the entries of a list in one cell
SURROUNDING_SPACE = r"\s*"  # the validator strips a value: the form's pattern allows what it strips


def dotted(path: tuple) -> str:
    """Return a field path as messages write it: ("contacts", "phone") → contacts.phone, ("functions", 2) → functions[2]."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


@dataclass
class Context:
    """What reading a node needs: the file shown in messages, taxonomy choices, and the problems found."""

    path: str
    choices: dict[str, dict[str, str]]
    problems: list[Problem] = field(default_factory=list)
    deferred: list = field(default_factory=list)  # choices whose table is not known yet (the taxonomy's own references)
    plain: bool = False  # text that must not hold markup characters (the taxonomy's)

    def report(self, code: str, node, path: tuple, message: str, hint: str = "", column: int | None = None) -> None:
        """Record an error at a node's position, with the field path and the value found."""
        value = node.value if isinstance(node, Scalar) else None
        self.problems.append(Problem(code, self.path, node.line, node.column if column is None else column, dotted(path), message,
                                     hint=hint, location=path, value=value))


@dataclass
class Cells:
    """What reading a spreadsheet cell needs: the choice tables, the taxonomy's other words for a choice, the district
    suffixes a name may drop."""

    tables: dict[str, dict[str, str]]
    aliases: dict[str, dict[str, str]] = field(default_factory=dict)
    suffixes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reading:
    """A cell read with a remark for the clerk: the value (MISSING when the cell cannot be read), what was written."""

    value: object
    text: str
    remark: str


def settled(value) -> tuple[object, list[Reading], list[Reading]]:
    """Return a cell's reading without its Readings: (the value, MISSING when nothing is left; the parts that could not
    be read; the parts read with a remark)."""
    items = value if isinstance(value, list) else [value]
    kept, unread, remarked = [], [], []
    for item in items:
        if isinstance(item, Reading):
            if item.value is MISSING:
                unread.append(item)
                continue
            remarked.append(item)
            item = item.value
        kept.append(item)
    return (kept if isinstance(value, list) else kept[0] if kept else MISSING), unread, remarked


def _shown(node) -> str:
    if isinstance(node, Scalar):
        return node.value if node.implicit_type() != "null" else "空值"
    return "列表" if isinstance(node, Sequence) else "一组字段"


def is_id(text: str) -> bool:
    """Return True when text is a valid id: lower-case letters, digits and single hyphens, at most ID_MAX characters."""
    return len(text) <= ID_MAX and SLUG.fullmatch(text) is not None


def plain_text(text: str) -> str:
    """Return cell text as a person meant it: odd spaces as spaces, no spaces around it."""
    return ODD_SPACES.sub(" ", text).strip()


def narrow(text: str) -> str:
    """Return text with full-width digits, letters and punctuation as ASCII and odd dashes as hyphens (NFKC)."""
    return DASHES.sub("-", unicodedata.normalize("NFKC", plain_text(text)))


def short_names(name: str, suffixes) -> set[str]:
    """Return a name and the names it is also written as once one of its suffixes (区, 县, 自治县 …) is left out."""
    return {name} | {name[: -len(s)] for s in suffixes if name.endswith(s) and len(name) > len(s)}


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
    default: object = MISSING  # the value a reader gets when the field is left out
    described: str = "文字"  # what /help/fields/ calls the kind
    public: bool = True  # shown on pages and in open data (import notes are for editors only)
    many: ClassVar[bool] = False  # a list: several values in one cell
    plain_date: ClassVar[bool] = False  # written in YAML as a plain date (2026-03-01)
    cell_format: ClassVar[str] = ""  # the workbook's number format for this kind's cells (empty: the default)

    @property
    def heading(self) -> str:
        """Return the heading exports write for this field."""
        return self.headings[0] if self.headings else self.label

    def convert(self, node, path: tuple, ctx: Context):
        """Turn a node into a Python value, or report problems and return MISSING."""
        raise NotImplementedError

    def json_schema(self, choices: dict[str, dict[str, str]]) -> dict:
        """Return the JSON Schema fragment of this field."""
        raise NotImplementedError

    def form(self, label: str, tables: dict, given: dict) -> dict:
        """Return the form editor's widget (Decap CMS) for this field."""
        out = {"label": label, "required": self.required}
        return out | ({"hint": self.help} if self.help else {})

    def read_cell(self, text: str, cells: Cells):
        """Return the value a spreadsheet cell stands for, as a person wrote it (the validator judges it afterwards)."""
        return plain_text(text)

    def write_cell(self, value, tables: dict) -> str:
        """Return a value as spreadsheet text in people's words."""
        return "" if value is None else str(value)

    def write_value(self, value, tables: dict):
        """Return what a workbook cell holds: a number for a number, else the text of write_cell()."""
        return self.write_cell(value, tables)

    def describe(self) -> str:
        """Return what /help/fields/ calls this kind of field."""
        return self.described

    def choice_table(self) -> str:
        """Return the taxonomy list this field (or each item of it) chooses from, or an empty string."""
        return ""

    def parts(self) -> dict[str, Field]:
        """Return the fields inside this one, by key (none but for an object)."""
        return {}

    def entry_parts(self) -> dict[str, Field]:
        """Return the fields of one entry: an object's own, a list's item's (none for a single value)."""
        return self.parts()

    def example_for(self, tables: dict[str, dict[str, str]], given: dict[str, str]) -> str:
        """Return the example shown for this field, so each city sees its own: `(table)` becomes the first id of that
        choice table and `<name>` the taxonomy's example value."""
        text = re.sub(r"\((\w+)\)", lambda m: next(iter(tables.get(m.group(1)) or {m.group(0): ""})), self.example)
        return re.sub(r"<(\w+)>", lambda m: given.get(m.group(1), m.group(0)), text)

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
    pattern: str = ""  # a regular expression (the same in Python and JavaScript) the stripped value must match
    pattern_hint: str = ""  # what the form says when the pattern does not match
    footnotes: bool = False  # a cell may carry footnote marks (※, ①) that are not part of the value

    def read_cell(self, text, cells):
        value = plain_text(text)
        if self.footnotes and FOOTNOTES.search(value):
            bare = FOOTNOTES.sub("", value).strip()
            return Reading(bare, value, f"去掉了脚注符号“{''.join(FOOTNOTES.findall(value))}”") if bare else value
        return value

    def scalar(self, node, path: tuple, ctx: Context) -> str | object:
        if not isinstance(node, Scalar):
            ctx.report("wrong-type", node, path, f"应为{self.expects}，这里写的是{_shown(node)}")
            return MISSING
        kind = node.implicit_type()
        if kind == "null" or not node.value.strip():
            ctx.report("empty-value", node, path, "不能为空", "请填写内容，或删除这一行")
            return MISSING
        if kind != "str" and not self.accepts_plain(kind):
            ctx.report("unquoted-value", node, path, f"{node.value} 会被 YAML 读成{TYPE_NAMES.get(kind, kind)}而不是文字",
                       f'请加引号，写成 "{node.value}"')
            return MISSING
        return node.value.strip()

    def accepts_plain(self, kind: str) -> bool:
        return False

    def convert(self, node, path, ctx):
        value = self.scalar(node, path, ctx)
        if value is MISSING:
            return MISSING
        if value in ctx.choices.get("placeholders", ()):
            ctx.report("placeholder-value", node, path, f"“{value}”是占位文字，不是内容", "请填写实际内容；暂时没有的，删除这一行")
            return MISSING
        if self.single_line and "\n" in value:
            ctx.report("multiline-value", node, path, "应为一行文字，不能换行")
            return MISSING
        if len(value) > self.max_length:
            ctx.report("too-long", node, path, f"有 {len(value)} 个字符，超过上限 {self.max_length}")
            return MISSING
        if CONTROL.search(value):
            char = CONTROL.search(value).group()
            ctx.report("control-character", node, path, f"含有控制字符 U+{ord(char):04X}",
                       "请删除这个字符后重新输入（可能是从别处复制来的）")
            return MISSING
        if ctx.plain and MARKUP.search(value):
            ctx.report("markup-character", node, path, f"含有网页标记字符 {MARKUP.search(value).group()}",
                       "分类表中的文字原样印在每个网页上，不能含 < > \" &，请改用全角字符（＜ ＞ “ ” ＆）")
            return MISSING
        if self.visible_only and INVISIBLE.search(value):
            char = INVISIBLE.search(value).group()
            ctx.report("invisible-character", node, path, f"含有看不见的控制字符 U+{ord(char):04X}", "请删除后重新输入名称")
            return MISSING
        return self.check(value, node, path, ctx)

    def matches(self, value: str) -> bool:
        """Return True when the value has this kind's form (always, for a kind without a pattern)."""
        return not self.pattern or re.fullmatch(self.pattern, value) is not None

    def check(self, value: str, node, path: tuple, ctx: Context):
        return value

    def form_pattern(self) -> str:
        """Return the pattern the form checks: the validator's, with the spaces the validator strips allowed around it."""
        core = self.pattern.removeprefix("^").removesuffix("$")
        return f"^{SURROUNDING_SPACE}(?:{core}){SURROUNDING_SPACE}$"

    def form(self, label, tables, given):
        out = super().form(label, tables, given)
        if self.pattern:
            out["pattern"] = [self.form_pattern(), self.pattern_hint.format(**given)]
        return out | {"widget": "string" if self.single_line else "text"}

    def json_schema(self, choices):
        schema = {"type": "string", "minLength": 1, "maxLength": self.max_length}
        return self._describe(schema | ({"pattern": self.pattern} if self.pattern else {}))


@dataclass
class Patterned(Text):
    """A kind whose rule is its pattern: the validator refuses what the form's pattern refuses, with the kind's message."""

    code: str = ""
    refusal: str = ""  # the message, with {value}
    fix: str = ""

    def check(self, value, node, path, ctx):
        if not self.matches(value):
            ctx.report(self.code, node, path, self.refusal.format(value=value), self.fix)
            return MISSING
        return value

    def json_schema(self, choices):
        return self._describe({"type": "string", "pattern": self.pattern})


@dataclass
class Slug(Patterned):
    expects: str = "标识（小写字母、数字和连字符）"
    pattern: str = rf"^(?=[a-z0-9-]{{1,{ID_MAX}}}$)[a-z0-9]+(?:-[a-z0-9]+)*$"
    pattern_hint: str = "只用小写英文字母、数字和连字符"
    code: str = "bad-id"
    refusal: str = "{value} 不是合法的标识"
    fix: str = ID_HINT
    described: str = "标识"

    def json_schema(self, choices):
        return self._describe({"type": "string", "pattern": SLUG.pattern, "maxLength": ID_MAX})


@dataclass
class Choice(Text):
    choices: str = ""
    described: str = "可选值"

    def check(self, value, node, path, ctx):
        if self.choices not in ctx.choices:
            ctx.deferred.append((self, value, node, path))
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
        ctx.report("unknown-choice", node, path, f"{value} 不在分类表（taxonomy.yml）的{self.label}中", hint)
        return MISSING

    def json_schema(self, choices):
        options = choices.get(self.choices, {})
        listed = "；".join(f"{key}：{label}" for key, label in options.items())
        schema = self._describe({"type": "string", "enum": list(options)})
        schema["description"] = (self.help + " " if self.help else "") + "可选值——" + listed
        return schema

    def choice_table(self):
        return self.choices

    def options(self, tables: dict) -> list[dict]:
        """Return the form's options: each Chinese name with the id it stores."""
        return [{"label": name, "value": key} for key, name in tables[self.choices].items()]

    def form(self, label, tables, given):
        return Field.form(self, label, tables, given) | {"widget": "select", "options": self.options(tables)}

    def read_cell(self, text, cells):
        """Return the id for a Chinese name, an alias or an id, tolerating the district suffixes and 平台; unknown text
        is returned as it is."""
        names, text = cells.tables[self.choices], SPACED_HAN.sub("", plain_text(text))  # 合 格 is 合格
        if text in names:
            return text
        if text in cells.aliases.get(self.choices, {}):
            return cells.aliases[self.choices][text]
        suffixes = cells.suffixes if self.choices == "districts" else ()
        for option, name in names.items():
            if text in short_names(name, suffixes) | {name + "平台", name + "示范平台"} or text.removesuffix("平台") == name:
                return option
        for option, name in names.items():
            if "/" in name and text.removesuffix("平台") in name.split("/"):
                return option
        return text

    def known(self, text: str, cells: Cells) -> bool:
        """Return True when a cell's text names one of the choices."""
        return self.read_cell(text, cells) in cells.tables[self.choices]

    def named_in(self, text: str, cells: Cells) -> tuple[list[str], str]:
        """Return the choices free text names (their names and aliases, longest first) and what is left of the text."""
        words = {name: option for option, name in cells.tables[self.choices].items()} | cells.aliases.get(self.choices, {})
        found, rest = [], text
        for word in sorted((w for w in words if len(w) >= 2), key=len, reverse=True):
            if word in rest:
                found.append((text.find(word), words[word]))
                rest = rest.replace(word, "、")
        return [option for _, option in sorted(found)], FILLER.sub(" ", rest).strip()

    def write_cell(self, value, tables):
        return "" if value is None else tables[self.choices][value]


@dataclass
class Url(Patterned):
    pattern: str = r"^[Hh][Tt][Tt][Pp][Ss]?://[^\s/?#]+[^\s]*$"
    pattern_hint: str = "以 http:// 或 https:// 开头的完整网址"
    code: str = "bad-url"
    refusal: str = "{value} 不是 http(s) 网址"
    fix: str = "请写完整网址，如 https://www.example.org/"
    described: str = "网址"

    def read_cell(self, text, cells):
        value = narrow(text).replace(" ", "")
        if not re.match(r"[A-Za-z][A-Za-z0-9+.-]*://", value) and re.fullmatch(r"[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+(/\S*)?", value):
            return "https://" + value  # www.example.org as people write it
        return value


@dataclass
class Email(Patterned):
    pattern: str = r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$"
    pattern_hint: str = "格式如 service@example.org"
    code: str = "bad-email"
    refusal: str = "{value} 不是有效的电子邮箱地址"
    fix: str = "格式如 service@example.org"
    described: str = "电子邮箱"

    def read_cell(self, text, cells):
        return narrow(text)


@dataclass
class Phone(Patterned):
    pattern: str = r"^\+?[0-9(][0-9() -]{3,}[0-9](?: ?(?:转|ext\.?|#) ?[0-9]{1,6})?$"
    pattern_hint: str = "只写数字、空格、括号和连字符，如 {phone}，可带“转”分机号"
    code: str = "bad-phone"
    refusal: str = "{value} 不是有效的电话号码"
    fix: str = "只写数字、空格、括号和连字符（区号-号码），可带“转”分机号，并加引号"
    described: str = "电话号码"

    def read_cell(self, text, cells):
        return re.sub(r"-+", "-", narrow(text)).strip("-")  # 021——5555 as typed with a Chinese dash


def credit_code_check_char(code17: str) -> str:
    """Return the check character of the first 17 characters of a unified social credit code (GB 32100)."""
    total = sum(CREDIT_CHARS.index(c) * w for c, w in zip(code17, CREDIT_WEIGHTS))
    return CREDIT_CHARS[(31 - total % 31) % 31]


@dataclass
class CreditCode(Text):
    pattern: str = "^[0-9A-HJ-NPQRTUWXYa-hj-npqrtuwxy]{18}$"
    pattern_hint: str = "18 位统一社会信用代码（数字和大写字母）"
    described: str = "统一社会信用代码"

    def check(self, value, node, path, ctx):
        code = value.upper()
        if not self.matches(value):
            ctx.report("bad-credit-code", node, path, f"{value} 不是 18 位统一社会信用代码", "只含数字和大写字母（不含 I、O、S、V、Z）")
            return MISSING
        if credit_code_check_char(code[:17]) != code[17]:
            ctx.report("bad-credit-code", node, path, f"{value} 的校验位不对", "请对照营业执照重新抄写")
            return MISSING
        return code

    def json_schema(self, choices):
        return self._describe({"type": "string", "pattern": "^[0-9A-HJ-NPQRTUWXY]{18}$"})

    def read_cell(self, text, cells):
        code = narrow(text).replace(" ", "").upper()
        damaged = SCIENTIFIC.fullmatch(code) or (code.isdigit() and len(code) >= 16 and code.endswith("000")
                                                 and (len(code) != 18 or credit_code_check_char(code[:17]) != code[17]))
        return Reading(MISSING, code, "Excel 把信用代码变成了科学计数法，请从原件重新填写") if damaged else code


@dataclass
class PostalCode(Patterned):
    expects: str = "6 位数字的邮政编码"
    pattern: str = "^[0-9]{6}$"
    pattern_hint: str = "6 位数字，如 123456"
    code: str = "bad-postal-code"
    refusal: str = "{value} 不是 6 位数字的邮政编码"
    fix: str = "邮政编码是 6 位数字，如 \"123456\""
    described: str = "邮政编码"

    def accepts_plain(self, kind):
        return kind == "int"

    def json_schema(self, choices):
        return self._describe({"type": ["string", "integer"], "pattern": self.pattern, "minimum": 0, "maximum": 999999})

    def read_cell(self, text, cells):
        return _whole(narrow(text))


@dataclass
class OpeningHours(Text):
    expects: str = "OpenStreetMap opening_hours 写法的营业时间"
    described: str = "营业时间（OpenStreetMap 写法）"

    def check(self, value, node, path, ctx):
        from .hours import syntax_error

        error = syntax_error(value)
        if error is None:
            return value
        offset, part = error
        column = node.column + offset + (0 if node.plain else 1) if "\n" not in value else node.column
        ctx.report("bad-opening-hours", node, path, f"读不懂“{part}”",
                   "写法如 Mo-Fr 08:30-17:30; Sa 09:00-12:00; PH off（周一至周五、周六上午，法定节假日休息）", column=column)
        return MISSING

    def write_cell(self, value, tables):
        """Return the hours in Chinese (周一至周五 09:00–17:00，法定节假日休息) when that reads back to the same value,
        else the OpenStreetMap text itself (date rules, 不调休 and the like have no plain Chinese form here)."""
        from .hours import from_chinese, to_chinese

        if value is None:
            return ""
        words = to_chinese(value)
        return words if words and from_chinese(words) == value else value

    def read_cell(self, text, cells):
        from .hours import from_chinese, syntax_error

        text = plain_text(text)
        return text if not text or syntax_error(text) is None else from_chinese(text) or text


COUNTED = re.compile(r"第?\s*([-+]?[0-9][0-9,]*(?:\.[0-9]+)?)\s*(?![万千百亿])[\u4e00-\u9fff]{0,3}")
SPACED_HAN = re.compile(r"(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])")


def _counted(text: str) -> str:
    """Return a count or score as a person wrote it without its unit and separators: 85分, 第2名, 1,234 家 → 85, 2, 1234
    (万, 千, 百 and 亿 are no units: 3万 stays as it is and is reported)."""
    match = COUNTED.fullmatch(text.strip())
    if match is None or not re.fullmatch(r"[-+]?[0-9]{1,3}(,[0-9]{3})*(\.[0-9]+)?|[-+]?[0-9]+(\.[0-9]+)?", match.group(1)):
        return text
    return match.group(1).replace(",", "")


def _whole(text: str) -> str:
    """Return a number Excel wrote with a decimal part of zero (2017.0) as the whole number a person typed."""
    return text[:-2] if re.fullmatch(r"[0-9]+\.0", text) else text


@dataclass
class Integer(Text):
    minimum: int = 0
    maximum: int = 10**9
    expects: str = "整数"
    described: str = "整数"

    def accepts_plain(self, kind):
        return kind in ("int", "float")  # a plain 1.5 is a number, just not a whole one: check() says so

    def check(self, value, node, path, ctx):
        if re.fullmatch(r"[-+]?[0-9]*\.[0-9]+", value):
            ctx.report("wrong-type", node, path, f"应为整数，这里写的是 {value}", "不写小数")
            return MISSING
        if not re.fullmatch(r"[-+]?[0-9]+", value):
            ctx.report("wrong-type", node, path, f"应为整数，这里写的是 {value}", "只写阿拉伯数字，如 2023")
            return MISSING
        number = int(value)
        if not self.minimum <= number <= self.maximum:
            bound = f"不小于 {self.minimum} " if number < self.minimum else f"不大于 {self.maximum} "
            ctx.report("out-of-range", node, path, f"应为{bound}的整数，这里写的是 {number}")
            return MISSING
        return number

    def json_schema(self, choices):
        return self._describe({"type": "integer", "minimum": self.minimum, "maximum": self.maximum})

    def form(self, label, tables, given):
        return Field.form(self, label, tables, given) | {"widget": "number", "value_type": "int", "min": self.minimum, "max": self.maximum}

    def read_cell(self, text, cells):
        return _number(_whole(_counted(narrow(text))))

    def write_cell(self, value, tables):
        return "" if value is None else str(value)

    def write_value(self, value, tables):
        return value if isinstance(value, int) else self.write_cell(value, tables)


@dataclass
class Number(Text):
    """A number between minimum and maximum, written plain or in quotes."""

    minimum: float = 0
    maximum: float = 1
    expects: str = "0 到 1 之间的小数"
    described: str = "小数"

    def accepts_plain(self, kind):
        return kind in ("int", "float")

    def hint(self, number: float | None) -> str:
        return "只写数字"

    def check(self, value, node, path, ctx):
        try:
            number = float(value)
        except ValueError:
            number = None
        if number is None or not self.minimum <= number <= self.maximum:
            space = " " if self.expects[:1].isdigit() else ""  # a space between Chinese and a number, as elsewhere
            ctx.report("out-of-range", node, path, f"应为{space}{self.expects}，这里写的是 {value}", self.hint(number))
            return MISSING
        return number

    def json_schema(self, choices):
        return self._describe({"type": "number", "minimum": self.minimum, "maximum": self.maximum})

    def form(self, label, tables, given):
        return Field.form(self, label, tables, given) | {"widget": "number", "value_type": "float", "min": self.minimum,
                                                         "max": self.maximum}

    def read_cell(self, text, cells):
        return _number(_counted(narrow(text)))

    def write_cell(self, value, tables):
        return "" if value is None else _plain_number(value)

    def write_value(self, value, tables):
        return value if isinstance(value, (int, float)) else self.write_cell(value, tables)


@dataclass
class Fraction(Number):
    """A share between 0 and 1: written to a sheet as a percentage (95%), read from one as 95% or 0.95."""

    cell_format: ClassVar[str] = "0%"

    def hint(self, number):
        return f"百分比请写成小数，如 {number / 100:g}" if number is not None and 1 < number <= 100 else "写成 0 到 1 之间的小数，如 0.95"

    def write_cell(self, value, tables):
        return "" if value is None else _plain_number(round(value * 100, 8)) + "%" if isinstance(value, (int, float)) else str(value)

    def read_cell(self, text, cells):
        text = narrow(text)
        number = _number(text.removesuffix("%").strip())
        return round(number / 100, 10) if text.endswith("%") and isinstance(number, (int, float)) else _number(text)


@dataclass
class Amount(Number):
    maximum: float = 10**8
    expects: str = "不小于 0 的金额（元）"
    described: str = "金额（元）"

    def hint(self, number):
        return "只写数字，如 500"

    def check(self, value, node, path, ctx):
        number = super().check(value, node, path, ctx)
        return number if number is MISSING or not number.is_integer() else int(number)


def _plain_number(value) -> str:
    """Return a number as people write it: 1500, 0.95, 1234567.5 (no exponent, no trailing .0)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value) if isinstance(value, int) else format(value, "f").rstrip("0") if "e" in repr(value) else repr(value)


def _number(text: str):
    text = text.strip()
    if re.fullmatch(r"[-+]?[0-9]+", text):
        return int(text)
    try:
        return float(text)
    except ValueError:
        return text


def excel_date(text: str) -> str:
    """Return an Excel date serial number (as text, e.g. 45292) as an ISO date, or the text unchanged."""
    text = _whole(text)
    if text.isdigit() and 20000 <= int(text) <= 80000:
        return (datetime.date(1899, 12, 30) + datetime.timedelta(days=int(text))).isoformat()
    return text


@dataclass
class Date(Text):
    plain_date: ClassVar[bool] = True
    expects: str = "日期"
    described: str = "日期（年-月-日）"

    def accepts_plain(self, kind):
        return kind == "timestamp"

    def check(self, value, node, path, ctx):
        try:
            if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
                raise ValueError
            return datetime.date.fromisoformat(value)
        except ValueError:
            ctx.report("bad-date", node, path, f"{value} 不是有效日期", "格式为 年-月-日，如 2025-03-01")
            return MISSING

    def json_schema(self, choices):
        return self._describe({"type": "string", "format": "date"})

    def form(self, label, tables, given):
        return Field.form(self, label, tables, given) | {"widget": "datetime", "format": "YYYY-MM-DD", "date_format": "YYYY-MM-DD",
                                                         "time_format": False}

    def read_cell(self, text, cells):
        text = excel_date(narrow(text))
        match = re.fullmatch(r"((?:19|20)[0-9]{2})\s*[年./-]\s*([0-9]{1,2})\s*[月./-]\s*([0-9]{1,2})\s*日?", text)
        text = f"{match[1]}-{int(match[2]):02d}-{int(match[3]):02d}" if match else text.split(" ")[0]
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            return text

    def write_cell(self, value, tables):
        return "" if value is None else value.isoformat() if isinstance(value, datetime.date) else str(value)


@dataclass
class Flag(Text):
    expects: str = "true 或 false"
    described: str = "是/否"

    def accepts_plain(self, kind):
        return kind == "bool"

    def check(self, value, node, path, ctx):
        if value not in ("true", "false"):
            ctx.report("wrong-type", node, path, f"应为 true 或 false，这里写的是 {value}")
            return MISSING
        return value == "true"

    def json_schema(self, choices):
        return self._describe({"type": "boolean"})

    def form(self, label, tables, given):
        return Field.form(self, label, tables, given) | {"widget": "boolean"}

    def read_cell(self, text, cells):
        text = plain_text(text)
        return {"是": True, "否": False, "免费": True, "收费": False}.get(text, text.lower() in ("true", "yes", "y", "1"))

    def write_cell(self, value, tables):
        return "" if value is None else "是" if value else "否"


@dataclass
class ListOf(Field):
    many: ClassVar[bool] = True
    item: Field = None
    min_items: int = 0
    unique: bool = False
    unique_key: str = ""

    def convert(self, node, path, ctx):
        if not isinstance(node, Sequence):
            ctx.report("wrong-type", node, path, f"应为列表，这里写的是{_shown(node)}", "每一项另起一行，以“- ”开头")
            return MISSING
        values, seen = [], {}
        for number, child in enumerate(node.items, 1):
            value = self.item.convert(child, (*path, number), ctx)
            if value is MISSING:
                continue
            if self.unique or self.unique_key:
                key = value.get(self.unique_key) if self.unique_key else value
                if key is None:  # no key (its own problem is reported): nothing to compare
                    values.append(value)
                    continue
                if key in seen:
                    ctx.report("duplicate-item", child, (*path, number), f"{key} 与第 {seen[key]} 项重复")
                    continue
                seen[key] = number
            values.append(value)
        if len(values) < self.min_items and len(node.items) < self.min_items:
            ctx.report("too-few-items", node, path, f"至少要有 {self.min_items} 项")
        return values

    def json_schema(self, choices):
        schema = {"type": "array", "items": self.item.json_schema(choices)}
        if self.min_items:
            schema["minItems"] = self.min_items
        if self.unique:
            schema["uniqueItems"] = True
        return self._describe(schema)

    def choice_table(self):
        return self.item.choice_table()

    def entry_parts(self):
        return self.item.parts()

    def describe(self):
        parts = self.item.fields.values() if isinstance(self.item, Object) else ()
        return "列表" + ("（每项含 " + "、".join(f.label for f in parts) + "）" if parts else "")

    def form(self, label, tables, given):
        out = Field.form(self, label, tables, given)
        if isinstance(self.item, Choice):
            return out | {"widget": "select", "multiple": True, "options": self.item.options(tables), "min": self.min_items or None}
        if isinstance(self.item, Object):
            return out | {"widget": "list", "fields": self.item.form_fields({}, tables, given)}
        return out | {"widget": "list", "field": {"name": "item"} | self.item.form(self.item.label, tables, given)}

    def read_cell(self, text, cells):
        if isinstance(self.item, Choice):  # two words naming one choice (知识产权，研发设计) give it once
            found = [value for part in SEPARATORS.split(text) if part.strip() for value in self._choices(plain_text(part), cells)]
            return [v for n, v in enumerate(found) if isinstance(v, Reading) or v not in found[:n]]
        if isinstance(self.item, Object):
            return [self.item.read_entry(entry, cells) for entry in filter(None, (p.strip() for p in ITEMS.split(text)))]
        return [self.item.read_cell(part, cells) for part in ITEMS.split(text) if part.strip()]

    def _choices(self, part: str, cells: Cells) -> list:
        """Return the choices one part of a cell names: the part itself, its words (技术创新 质量技术), or the names found in
        free text (提供技术创新和质量检测服务); text naming none is kept as it is, the words left over as a Reading."""
        if self.item.known(part, cells):
            return [self.item.read_cell(part, cells)]
        words = WORDS.split(part)
        if len(words) > 1 and all(self.item.known(w, cells) for w in words):
            return [self.item.read_cell(w, cells) for w in words]
        found, rest = self.item.named_in(part, cells)
        if not found:
            return [self.item.read_cell(part, cells)]
        return found + ([Reading(MISSING, rest, f"没有对应的{self.item.label}（其他说法可加到分类表该项的 aliases）")] if rest else [])

    def write_cell(self, value, tables):
        if value is None:
            return ""
        if isinstance(self.item, Object):
            return "；".join(self.item.write_entry(item, tables) for item in value)
        return ("、" if isinstance(self.item, Choice) else "；").join(self.item.write_cell(v, tables) for v in value)


@dataclass
class Object(Field):
    fields: dict[str, Field] = field(default_factory=dict)
    at_least_one_of: tuple[str, ...] = ()
    described: str = "一组字段"

    def convert(self, node, path, ctx):
        if not isinstance(node, Mapping):
            ctx.report("wrong-type", node, path, f"应为一组字段（键: 值），这里写的是{_shown(node)}")
            return MISSING
        values = {}
        for key, (key_node, child) in node.items.items():
            if key not in self.fields:
                close = difflib.get_close_matches(key, list(self.fields), n=1, cutoff=0.6)
                hint = f"是不是 {close[0]}？" if close else "可用字段：" + "、".join(self.fields)
                ctx.report("unknown-field", key_node, (*path, key), "不是认识的字段", hint)
        for key, spec in self.fields.items():
            if key in node.items:
                value = spec.convert(node.items[key][1], (*path, key), ctx)
                if value is not MISSING:
                    values[key] = value
            elif spec.required:
                ctx.report("missing-field", node, (*path, key), f"缺少必填字段（{spec.label}）", f"请添加一行 {key}: …")
        if self.at_least_one_of and not any(k in node.items for k in self.at_least_one_of):
            ctx.report("missing-field", node, path, f"至少要填写 {'、'.join(self.at_least_one_of)} 中的一项")
        return values

    def parts(self):
        return self.fields

    def missing(self, values: dict, path: tuple = ()) -> list[tuple]:
        """Return the paths of the required fields (and the one-of groups) that values lack: what a draft must still get."""
        found = []
        for key, spec in self.fields.items():
            if key not in values:
                if spec.required:
                    found.append((*path, key))
            elif isinstance(spec, Object) and isinstance(values[key], dict):
                found += spec.missing(values[key], (*path, key))
        if self.at_least_one_of and not any(values.get(k) for k in self.at_least_one_of):
            found.append(path)
        return found

    def complete(self, values: dict) -> dict:
        """Return values with every default of the field table filled in (nested objects too)."""
        done = dict(values)
        for key, spec in self.fields.items():
            if key not in done and spec.default is not MISSING:
                done[key] = copy.deepcopy(spec.default)
            if isinstance(spec, Object) and isinstance(done.get(key, {}), dict) and (key in done or spec.required):
                done[key] = spec.complete(done.get(key, {}))
        return done

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

    def form_fields(self, labels: dict, tables: dict, given: dict, prefix: str = "") -> list[dict]:
        """Return the form's widgets of this object's fields, labelled by the taxonomy's words where it has them."""
        found = []
        for key, child in self.fields.items():
            label = labels.get(prefix + key, child.label)
            if isinstance(child, Object):
                widget = child.form(label, tables, given, labels, f"{prefix}{key}.")
            else:
                widget = child.form(label, tables, given)
            found.append({"name": key} | {k: v for k, v in widget.items() if v is not None})
        return found

    def form(self, label, tables, given, labels: dict | None = None, prefix: str = ""):
        inner = self.form_fields(labels or {}, tables, given, prefix)
        if not self.required:  # the form would demand a year for metrics nobody entered; the validator checks it when given
            inner = [dict(f, required=False) for f in inner]
        return Field.form(self, label, tables, given) | {"widget": "object", "collapsed": not self.required, "fields": inner}

    def read_entry(self, text: str, cells: Cells) -> dict:
        """Return one list entry written in a cell as its parts joined by colons, in field order."""
        parts = text.split(":", len(self.fields) - 1)
        return {key: spec.read_cell(part, cells) for (key, spec), part in zip(self.fields.items(), parts) if part.strip()}

    def write_entry(self, value: dict, tables: dict) -> str:
        """Return one list entry as its parts joined by colons, in field order (read back by read_entry)."""
        return ":".join(spec.write_cell(value.get(key), tables) for key, spec in self.fields.items())


def _closing_group(text: str) -> tuple[str, str] | None:
    """Return (what comes before, what is inside) for text ending in a bracketed group, nested brackets kept whole:
    专项服务 1500 元/次（按合同约定（示例）） → (专项服务 1500 元/次, 按合同约定（示例）); None without one."""
    if not text.endswith(("）", ")")):
        return None
    depth = 0
    for at in range(len(text) - 1, -1, -1):
        depth += text[at] in "）)"
        depth -= text[at] in "（("
        if depth == 0:
            return text[:at].rstrip(), text[at + 1:-1]
    return None


@dataclass
class Phrased(Object):
    """A list entry written in a cell in people's words (phrases()), each phrasing used only when it reads back to the
    very same entry; otherwise, and for cells written so, the parts joined by colons in field order."""

    def phrases(self, value: dict, tables: dict) -> list[str]:
        """Return ways of writing the entry in people's words, the most natural first."""
        raise NotImplementedError

    def read_phrase(self, text: str, cells: Cells) -> dict | None:
        """Return the entry people's words stand for, or None when the text is not such words."""
        raise NotImplementedError

    def write_entry(self, value, tables):
        cells = Cells(tables)
        for words in self.phrases(value, tables):
            if ":" not in words and "；" not in words and self.read_phrase(words, cells) == value:
                return words
        return super().write_entry(value, tables)

    def read_entry(self, text, cells):
        text = plain_text(text)
        if text.count(":") >= len(self.fields) - 1:
            return super().read_entry(text, cells)
        return self.read_phrase(text, cells) or super().read_entry(text, cells)


PRICE = re.compile(r"(?P<item>.+?)\s+(?P<amount>[0-9]+(?:\.[0-9]+)?)(?:\s*[–-]\s*(?P<amount_max>[0-9]+(?:\.[0-9]+)?))?\s*元"
                   r"(?:\s*/\s*(?P<unit>.+))?")


@dataclass
class FeeItem(Phrased):
    """A fee item: 政策咨询（免费）, 专项服务 1500 元/次（按项目约定）, 检测 800–1200 元/项."""

    def phrases(self, value, tables):
        amount = _plain_number(value["amount"]) if "amount" in value else ""
        top = _plain_number(value["amount_max"]) if "amount_max" in value else ""
        price = f" {amount}" + (f"–{top}" if top else "") + " 元" + (f"/{value['unit']}" if value.get("unit") else "") if amount else ""
        flag = {True: ["免费"], False: [] if amount else ["收费"]}.get(value.get("free"), [])
        notes = flag + ([value["note"]] if value.get("note") else [])
        return [value.get("item", "") + price + (f"（{'，'.join(notes)}）" if notes else "")]

    def read_phrase(self, text, cells):
        head, notes = _closing_group(text) or (text, "")
        flag, _, note = notes.partition("，")
        found = {}
        if flag in ("免费", "收费"):
            found["free"] = flag == "免费"
        else:
            note = notes
        price = PRICE.fullmatch(head)
        if price:
            found |= {key: _number(part) if key.startswith("amount") else part.strip() for key, part in price.groupdict().items() if part}
        else:
            found["item"] = head
        if note:
            found["note"] = note
        if "free" not in found and "amount" in found and price:
            found["free"] = False
        entry = {key: found[key] for key in self.fields if key in found}
        return entry if entry.get("item") else None


@dataclass
class Title(Phrased):
    """A demonstration title: 国家级示范平台（2018 年，至 2021 年底）, its expiry from the level's validity unless the
    record gives its own (有效期至 2021-06-30), and the certificate (编号 工信示范〔2022〕40 号)."""

    def phrases(self, value, tables):
        level, year = tables["demonstration_levels"].get(value.get("level"), value.get("level")), value.get("year")
        ends = value.get("expires") or _validity_end(value, tables)
        certificate = f"，编号 {value['certificate']}" if value.get("certificate") else ""
        found = []
        if ends and (ends.month, ends.day) == (12, 31):
            found.append(f"{level}示范平台（{year} 年，至 {ends.year} 年底{certificate}）")
        if value.get("expires"):
            found.append(f"{level}示范平台（{year} 年，有效期至 {value['expires'].isoformat()}{certificate}）")
        return found + [f"{level}示范平台（{year} 年{certificate}）"]

    def read_phrase(self, text, cells):
        head, inside = _closing_group(text) or (text, "")
        inside, _, certificate = inside.partition("，编号 ")
        parts = [p.strip() for p in re.split(r"[，,]", inside)] if inside else []
        year = re.fullmatch(r"([0-9]{4})\s*年(?:认定)?", parts[0]) if parts else None
        if not year:
            return None
        found = {"level": self.fields["level"].read_cell(head, cells), "year": int(year[1])}
        for part in parts[1:]:
            if end := re.fullmatch(r"至\s*([0-9]{4})\s*年底", part):
                expires = datetime.date(int(end[1]), 12, 31)
                if expires != _validity_end(found, cells.tables):
                    found["expires"] = expires
            elif end := re.fullmatch(r"有效期至\s*(.+)", part):
                found["expires"] = self.fields["expires"].read_cell(end[1], cells)
            else:
                return None
        if certificate.strip():
            found["certificate"] = certificate.strip()
        return {key: found[key] for key in self.fields if key in found}


def _validity_end(title: dict, tables: dict) -> datetime.date | None:
    """Return the end of the year a title's level validity ends (no own expiry), from the choice tables' validity."""
    years = tables.get("validity_years", {}).get(title.get("level"))
    return datetime.date(title["year"] + int(years), 12, 31) if years and isinstance(title.get("year"), int) else None
