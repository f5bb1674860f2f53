"""Import what bureaus have: any sheet or table of a spreadsheet, CSV or Word file, its heading row found wherever
it is; Chinese choices and the taxonomy's aliases in, ids out; titles and grades as entries; rows lacking what a
published record needs become drafts; rows matching an existing record update it (annual lists, returned fill-in
workbooks). Every row is reported in the spreadsheet's own words, and the directory is written all at once or not."""

from __future__ import annotations

import difflib
import os
import re
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..canonical import record_text
from ..hours import from_chinese
from ..ids import COMPANY_FORMS, id_for, naming
from ..kinds import MISSING, Text, dotted, is_id, settled, short_names
from ..model.model import Model
from ..schema import RECORD, leaf_fields, normalise_name
from ..table import Column, columns, part_columns
from .directory import DRAFT_NEEDS, Record, node_from_data, record_from_node, record_from_text
from .sheets import Table, read_tables

HEADING_SCAN = 30  # rows searched for the heading row
NOTE_ROW = re.compile(r"^\s*(注|说明|备注|填表说明|填报说明)\s*[0-9一二三四五六七八九十]*\s*[：:.、]")
TOTAL_ROW = re.compile(r"^\s*(合\s*计|小\s*计|总\s*计|共\s*计)")
YEAR = re.compile(r"((?:19|20)[0-9]{2})")
BRACKETS = re.compile(r"[()（）\[\]【】〔〕《》<>「」]")
PHONES = re.compile(r"\s*(?:[、,，;；/]|或|\s{2,})\s*")
EXTENSION = re.compile(r"(?:转|ext\.?|#)[0-9]*", re.IGNORECASE)
MOBILE = re.compile(r"(?:\+?86-?)?1[3-9][0-9]{9}")
HOTLINE = re.compile(r"(?:400|800)[0-9]{7}|[0-9]{5,6}")  # 400/800 numbers and short service numbers (12345, 962288)
SIMILAR = 0.8  # names this alike (after normalising) are listed as "可能是", not added
COMMON_WORDS = re.compile("中小企业|公共|服务|中心|平台|有限公司|公司|科技|管理")  # words too common in names to make two alike
ALL_OF_IT = "全部"  # the sheet of our own workbook export that holds every record


class ImportFailed(Exception):
    """Nothing can be imported; the message says why in Chinese."""


@dataclass
class Report:
    dry_run: bool = False
    lines: list[str] = field(default_factory=list)  # what happened to each row, in spreadsheet words
    written: int = 0
    drafts: int = 0
    updated: int = 0
    activated: int = 0
    rejected: int = 0
    ignored_columns: list[str] = field(default_factory=list)
    paths: list[Path] = field(default_factory=list)
    similar: int = 0
    absent: int = 0

    def say(self, where: str, text: str) -> None:
        self.lines.append(f"{where}：{text}")

    def will(self, done: str, planned: str = "") -> str:
        """Return what was done, or (in a dry run) what would be: 已新增 / 将新增."""
        return (planned or "将" + done) if self.dry_run else done


def set_field(data: dict, path: str, value) -> None:
    """Set a dotted field path (contacts.phone) in a record dict."""
    *parents, last = path.split(".")
    for part in parents:
        data = data.setdefault(part, {})
    data[last] = value


def check_record_text(text: str, target: Path, folder: str, choices: dict) -> str:
    """Validate a record's text as if it were saved at target; return the problems as one line, or an empty string."""
    _, problems = record_from_text(text, str(target), folder, target.stem, choices)
    return "；".join(p.describe() for p in problems)


def headings(taxonomy: dict) -> dict[str, Column]:
    """Return every heading the importer reads → its column: the exports' headings, each field's other headings,
    and the columns that give one part of a title or an evaluation."""
    table = [c for c in columns(taxonomy) if c.path] + part_columns(taxonomy)
    return {alias: c for c in table for alias in c.aliases} | {c.heading: c for c in table}


def phone_numbers(text: str) -> list[str]:
    """Return the numbers in a phone cell: split at 、，; / 或 and wide gaps, and where one number ends and the next begins
    in a run of words (021 5555 0000 021 5555 0001), an extension (转 801) staying with its number."""
    found = []
    for piece in filter(None, PHONES.split(text.strip())):
        current: list[str] = []
        for word in piece.split():
            if found and not current and (EXTENSION.fullmatch(word) or found[-1].endswith(("转", "ext", "#"))):
                found[-1] += " " + word
                continue
            current.append(word)
            digits = re.sub(r"[^0-9]", "", " ".join(current)).removeprefix("86")
            if len(digits) >= (11 if digits[:1] in ("0", "1") else 10 if digits[:3] in ("400", "800") else 8):
                found.append(" ".join(current))
                current = []
        if current:
            found.append(" ".join(current))
    return found


def name_key(name: str, prefixes: tuple[str, ...] = ()) -> str:
    """Return the form in which two names of one institution agree: width, spaces and brackets ignored, the city and
    district in front left out (prefixes, longest first), 有限责任公司 and 股份有限公司 read as 有限公司."""
    key = BRACKETS.sub("", normalise_name(name))
    stripped = True
    while stripped:
        stripped = False
        for prefix in prefixes:
            if key.startswith(prefix) and len(key) > len(prefix):
                key, stripped = key[len(prefix):], True
                break  # from the longest again: 上海市浦东新区… loses 上海市, then 浦东新区 (not 浦东)
    for form in COMPANY_FORMS:
        key = key.replace(form, "公司")
    return key


class _Importer:
    def __init__(self, model: Model, root: Path, mapping: dict[str, str], overwrite: bool | set[str], district: str = "",
                 add_similar: bool = False, source: str = "", dry_run: bool = False, partial: bool = False):
        self.model, self.root, self.overwrite = model, root, overwrite
        self.district, self.add_similar, self.source, self.partial = district, add_similar, source, partial
        taxonomy = model.taxonomy
        self.headings = headings(taxonomy)
        table = list(self.headings.values())
        self.by_path = {c.path: c for c in table}
        for heading, path in mapping.items():
            self.headings[heading] = self.by_path.get(path, Column(heading, path, Text(heading)))
        self.derived = {c.heading for c in columns(taxonomy) if not c.path}
        self.labels = {c.path: c.heading for c in table}
        self.historical = {short: h["maps_to"] for h in taxonomy.historical_districts
                           for short in short_names(h["name"], taxonomy.district_suffixes)}
        suffixes = taxonomy.district_suffixes
        places = [(word, d["id"], "") for d in taxonomy.districts for word in short_names(d["name"], suffixes) if len(word) >= 2]
        places += [(word, h["maps_to"], h["name"]) for h in taxonomy.historical_districts
                   for word in short_names(h["name"], suffixes) if len(word) >= 2]
        self.places = sorted(places, key=lambda p: -len(p[0]))  # 浦东新区 before 浦东
        self.region = region = tuple(short_names(taxonomy.site.region, suffixes)) if taxonomy.site.region else ()
        self.prefixes = {d["id"]: tuple(sorted(region + tuple(w for w, i, _ in places if i == d["id"]), key=len, reverse=True))
                         for d in taxonomy.districts}
        self.placeholders = set(model.directory.choice_tables["placeholders"])
        self.area_code = taxonomy.area_code
        records = model.directory.records
        self.by_id = {r.id: r for r in records}
        self.by_code = {r.data["credit_code"]: r for r in records if r.data.get("credit_code")}
        self.by_name = {self.key(r.data): r for r in records}
        self.by_place = {self.place(r.data): r for r in records if r.data.get("operator") and r.data.get("address")}
        self.taken = {p.stem for p in root.glob("*/*.yml")} | set(self.by_id)
        self.readings, _ = naming(taxonomy)
        self.writes: dict[Path, str] = {}
        self.report = Report(dry_run)
        self.file_headings: dict[str, str] = {}  # field path → the heading this table gives it
        self.seen: dict[str, Record] = {}  # records the list names (matched or added), by id
        self.by_ids = False  # a table with our id column: our own workbook, not a bureau's list
        self.table_district = ""
        self.document_districts: set[str] = set()  # the districts the document itself names: the list's scope
        self.unread: list[str] = []  # this row's values that could not be imported, for the record's notes
        self.neighbours: dict[str, list] | None = None  # the existing records of each district, by normalised name

    def key(self, data: dict) -> tuple[str, str]:
        """Return a record's (district, normalised name)."""
        district = data.get("district", "")
        return district, name_key(data.get("name", ""), self.prefixes.get(district, ()))

    def place(self, data: dict) -> tuple[str, str]:
        """Return a record's normalised (operator, address)."""
        district = data.get("district", "")
        return name_key(data.get("operator", "")), name_key(data.get("address", ""), self.prefixes.get(district, ()))

    def find_district(self, text: str) -> tuple[str, str, str] | None:
        """Return (district id, the word found, the former name it is) for the first district a text names."""
        found = [(text.find(word), -len(word), word, district, old) for word, district, old in self.places if word in text]
        if not found:
            return None
        _, _, word, district, old = min(found)
        return district, word, old

    def heading_row(self, table: Table) -> int | None:
        """Return the index of the row that holds the most known headings (at least two), among the first rows."""
        best, found = 1, None
        for number, row in enumerate(table.rows[:HEADING_SCAN]):
            score = len({cell for cell in row if cell in self.headings})
            if score > best:
                best, found = score, number
        return found

    def run(self, tables: list[Table]) -> Report:
        used = 0
        for table in tables:
            where = f"工作表“{table.name}”" if len(tables) > 1 else ""
            start = self.heading_row(table)
            if start is None:
                if len(tables) == 1 or any(any(row) for row in table.rows[:HEADING_SCAN]):
                    self.report.say(where or "表格", self._no_heading(table))
                continue
            used += 1
            titles = [cell.strip() for cell in table.rows[start]]
            self.report.say(where or "表格", f"第 {start + 1} 行是列标题" + (f"，上面的 {start} 行（标题、空行）已跳过" if start else ""))
            columns_ = {i: self.headings[t] for i, t in enumerate(titles) if t in self.headings}
            self.report.ignored_columns += [t for i, t in enumerate(titles) if t and i not in columns_ and t not in self.derived
                                            and t not in self.report.ignored_columns]
            self.file_headings = {c.path: titles[i] for i, c in columns_.items()}
            self.by_ids = self.by_ids or "id" in self.file_headings
            self.table_district = self.document_district(where or "表格", table, start, "district" in self.file_headings)
            if self.table_district:
                self.document_districts.add(self.table_district)
            for number, row in enumerate(table.rows[start + 1:], start + 2):
                if number % 1000 == 0 and any(row):  # progress on long lists
                    print(f"  已处理 {number} 行", file=sys.stderr, flush=True)
                self.row(f"{where}第 {number} 行", row, columns_)
        if not used:
            raise ImportFailed("\n".join(self.report.lines))
        if not self.by_ids and not self.partial:
            self.absent()
        return self.report

    def document_district(self, where: str, table: Table, start: int, has_column: bool) -> str:
        """Return the district the whole table is about (from --district, the title, the paragraph above the table or the
        sheet name), saying where it came from; rows whose own cell or address names one keep theirs."""
        label = self.labels["district"]
        if self.district:
            self.report.say(where, f"{label}按 --district 取为{self.model.districts[self.district]}")
            return self.district
        if has_column:
            return ""
        above = table.above + [" ".join(c for c in row if c) for row in table.rows[:start] if any(row)]
        sources = ([("标题", above[0])] if above else []) + [("表格上方的段落", text) for text in reversed(above[1:])]
        for source, text in sources + [("工作表名", table.name)]:
            found = self.find_district(text)
            if found:
                self.report.say(where, f"没有“{label}”一列，{label}按{source}“{_short(text)}”取为{self.model.districts[found[0]]}")
                return found[0]
        self.report.say(where, f"没有“{label}”一列，{label}按每行的地址来定")
        return ""

    def absent(self) -> None:
        """Report (and note in each record) the records of the list's scope that the list does not name: the districts
        the document names (its title, the paragraph above the table, --district), else those of its rows, and, when
        the list gives tiers, the same tiers. Nothing is deleted."""
        districts = self.document_districts or {r.data["district"] for r in self.seen.values()}
        tiers = {r.data["tier"] for r in self.seen.values() if r.data.get("tier")}
        for record in self.model.directory.records:
            data = record.data
            if record.id in self.seen or data["district"] not in districts or (tiers and data.get("tier") not in tiers):
                continue
            if not (record.published or record.draft):
                continue
            self.report.absent += 1
            self.report.say("名单中没有", f"{record.folder}/{record.id}.yml（{data['name']}）")
            note = f"{self.source}中没有这家机构（{self.model.today} 导入）"
            if note not in data.get("notes", []):
                final = dict(data, notes=[*data.get("notes", []), note])
                self.writes[self.root / record.folder / f"{record.id}.yml"] = record_text(final)

    def _no_heading(self, table: Table) -> str:
        first = next(((i, " ".join(c for c in row if c)) for i, row in enumerate(table.rows[:HEADING_SCAN]) if any(row)), None)
        known = "、".join(list(dict.fromkeys(c.heading for c in self.headings.values()))[:8])
        if first is None:
            return "是空的"
        return (f"没有找到列标题行：第 {first[0] + 1} 行“{first[1][:40]}”看起来是标题，而不是列标题。"
                f"列标题行至少要有两个认识的列名（如 {known}）；其他列名可以用 --mapping 映射文件指定，"
                "只导入某个工作表请用 --sheet")

    def row(self, where: str, row: list[str], columns_: dict[int, Column]) -> None:
        texts = [c for c in row if c.strip()]
        if not texts:
            return
        if NOTE_ROW.match(texts[0]):
            self.report.say(where, "注释行，已跳过")
            return
        if any(TOTAL_ROW.match(c) for c in texts[:2]):
            self.report.say(where, "合计行，已跳过")
            return
        cells, notes = {}, []
        self.unread: list[str] = []
        for index, column in columns_.items():
            text = row[index].strip() if index < len(row) else ""
            text = text[1:] if text.startswith("'") and text[1:2] in ("=", "+", "-", "@") else text  # our exports' neutralising
            if not text:
                continue
            if text in self.placeholders:
                notes.append(f"“{column.heading}”写的是“{text}”，算作待补全")
                continue
            cells[column.path] = (column, text)
        if not cells:
            return
        data, record_id = self.data(where, cells, notes)
        if data is None:
            return
        existing, how = self.match(record_id, data)
        if how:
            notes.append(f"按{how}对应现有记录")
        if existing is not None:
            self.update(where, existing, data, notes)
            return
        alike = self.similar(data)
        if alike and not self.add_similar:
            self.report.similar += 1
            for record in alike:
                self.report.say(where, f"“{data['name']}”可能是现有记录 {record.folder}/{record.id}.yml（{record.data['name']}），没有新增")
            return
        if alike:
            notes.append("与现有记录相似，按 --add-similar 新增")
        self.create(where, record_id, data, notes)

    def data(self, where: str, cells: dict, notes: list[str]) -> tuple[dict | None, str]:
        data, parts = {}, {}
        for path, (column, text) in cells.items():
            if path == "id":
                continue
            if path in ("contacts.phone", "contacts.hotline"):
                self.phones(path, column, text, data, notes)
            elif path.count(".") == 1 and path.split(".")[0] in ("demonstration", "evaluations"):
                parts.setdefault(path.split(".")[0], {})[path.split(".")[1]] = (column, text)
            else:
                value = self.read(path, column, text, notes)
                if value is not MISSING and value != []:
                    set_field(data, path, value)
        for key, entry in parts.items():
            item = self.entry(key, entry)
            if item:
                data.setdefault(key, []).append(item)
        if data.get("disclosures", {}).get("hours") and "opening_hours" not in data:
            hours = from_chinese(data["disclosures"]["hours"])
            if hours:
                data["opening_hours"] = hours
                notes.append(f"营业时间已按“{data['disclosures']['hours']}”写为 {hours}")
        district = cells.get("district", (None, ""))[1]
        if district in self.historical:
            new = self.historical[district]
            data["district"] = new
            notes.append(f"旧名称“{district}”已按“{self.model.districts[new]}”导入")
        if not district:
            self.row_district(data, notes)
        if data.get("district") not in self.model.districts:
            options = "、".join(self.model.districts.values())
            hint = "" if district else "；没有这一列时可用 --district 指定"
            self.reject(where, f"“{self.heading('district')}”写的是“{district or '（空）'}”，不在分类表中（可选：{options}）{hint}")
            return None, ""
        if not data.get("name"):
            self.reject(where, f"没有“{self.labels['name']}”")
            return None, ""
        return data, cells.get("id", (None, ""))[1]

    def row_district(self, data: dict, notes: list[str]) -> None:
        """Give a row without a district cell the one --district names, else the one its address names, else the table's."""
        found = self.find_district(data.get("address", "")) if not self.district else None
        if found:
            district, word, old = found
            data["district"] = district
            if district != self.table_district or old:
                notes.append(f"{self.labels['district']}按地址中的“{word}”取为{self.model.districts[district]}")
            if old:
                notes.append(f"旧名称“{old}”已按“{self.model.districts[district]}”导入")
        elif self.district or self.table_district:
            data["district"] = self.district or self.table_district

    def heading(self, path: str) -> str:
        """Return a field's heading as this table writes it, else as the field table does."""
        return self.file_headings.get(path) or self.labels.get(path) or self.model.labels.get(path, path)

    def read(self, path: str, column: Column, text: str, notes: list[str]):
        """Return a cell's value; what its kind could not read is kept for the draft's notes (MISSING when nothing is left)."""
        value, unread, remarked = settled(column.read(text, self.model.cells))
        for item in unread:
            self.keep(path, item.text, item.remark)
        notes += [f"“{self.heading(path)}”{item.remark}" for item in remarked]
        return value

    def keep(self, path: str, text, why: str) -> None:
        """Keep a value that cannot be imported in the draft's notes, named by its column heading."""
        self.unread.append(f"“{self.heading(path)}”写的是“{text}”：{why}")

    def phones(self, path: str, column: Column, text: str, data: dict, notes: list[str]) -> None:
        """Put each number of a cell where it belongs: mobile and ordinary numbers as the phone (a second ordinary one as the
        hotline), 400/800 and short service numbers as the hotline; a number with no place left is kept for the notes."""
        contacts = data.setdefault("contacts", {})
        for raw in phone_numbers(text):
            number = column.read(raw, self.model.cells)
            digits = re.sub(r"[^0-9]", "", EXTENSION.sub("", number))
            if digits.isdigit() and self.area_code and number == digits and not number.startswith("0") \
                    and number.startswith(self.area_code.lstrip("0")) and len(number) == len(self.area_code) - 1 + 8:
                fixed = f"{self.area_code}-{number[len(self.area_code) - 1:]}"
                notes.append(f"电话 {number} 缺了开头的 0，已补为 {fixed}")
                number = fixed
            if MOBILE.fullmatch(digits):
                order = ("phone",)
            elif HOTLINE.fullmatch(digits):
                order = ("hotline", "phone")
            else:
                order = ("phone", "hotline") if path == "contacts.phone" else ("hotline", "phone")
            slot = next((key for key in order if not contacts.get(key)), None)
            if slot is None:
                self.keep(path, raw, "电话和服务热线各只能写一个号码，这个号码没有位置")
            else:
                contacts[slot] = number
        if not contacts:
            del data["contacts"]

    def entry(self, key: str, parts: dict) -> dict | None:
        """Return a title (level, year, expiry) or an evaluation (year, grade) from its columns; one cell may hold both
        level and year: 市级 2017, 国家级（2017）, 2017年."""
        item = {}
        for part, (column, text) in parts.items():
            year = YEAR.search(text)
            if part in ("level", "grade"):
                rest = BRACKETS.sub(" ", YEAR.sub(" ", text)).replace("年", " ").replace("示范平台", " ").split()
                if rest:
                    item[part] = column.read(rest[0], self.model.cells)
                if year and "year" not in parts:
                    item["year"] = int(year[1])
            elif part == "year":
                item["year"] = int(year[1]) if year else column.read(text, self.model.cells)
            else:
                item[part] = column.read(text, self.model.cells)
        return item or None

    def match(self, record_id: str, data: dict) -> tuple[Record | None, str]:
        """Return the existing record a row is about and how it was found: by id, credit code, normalised name, or
        operator and address."""
        if record_id and record_id in self.by_id:
            return self.by_id[record_id], ""
        if data.get("credit_code") and data["credit_code"] in self.by_code:
            return self.by_code[data["credit_code"]], "统一社会信用代码相同"
        found = self.by_name.get(self.key(data))
        if found is not None:
            return found, "" if found.data["name"] == data["name"] else "名称只差写法"
        found = self.by_place.get(self.place(data)) if data.get("operator") and data.get("address") else None
        return found, "运营机构和地址相同" if found is not None else ""

    def similar(self, data: dict) -> list[Record]:
        """Return the records of the row's district whose names are alike (after normalising) or whose address is the same."""
        district, key = self.key(data)
        key = COMMON_WORDS.sub("", key)
        address = self.place(data)[1] if data.get("address") else None
        if self.neighbours is None:
            self.neighbours = {}
            for record in self.model.directory.records:
                self.neighbours.setdefault(record.data["district"], []).append((COMMON_WORDS.sub("", self.key(record.data)[1]), record))
        found = []
        for other, record in self.neighbours.get(district, []):
            matcher = difflib.SequenceMatcher(None, key, other)
            alike = matcher.real_quick_ratio() >= SIMILAR and matcher.quick_ratio() >= SIMILAR and matcher.ratio() >= SIMILAR
            if alike or (address and record.data.get("address") and self.place(record.data)[1] == address):
                found.append(record)
        return found

    def convert(self, where: str, data: dict, folder: str, record_id: str, notes: list[str]) -> Record | None:
        """Check the record once, as a draft: each wrong value is left out (saying why); a row without a usable name or
        district is refused."""
        record, problems = record_from_node(node_from_data(dict(data, status="draft")), where, folder, record_id,
                                            self.model.directory.choice_tables)
        if record is None or any(not p.location or p.location[0] in DRAFT_NEEDS for p in problems):
            self.reject(where, "；".join(self.words(p) for p in problems))
            return None
        for problem in problems:
            path = ".".join(part for part in problem.location if isinstance(part, str))
            value = problem.value if problem.value is not None else _short(_get(data, path))
            if problem.code == "missing-field":
                continue
            note = self.words(problem) if problem.code == "unknown-choice" else f"“{self.heading(path)}”写的是“{value}”：{problem.message}"
            if note not in self.unread:
                self.unread.append(note)
        return record

    def noted(self, data: dict, where: str) -> dict:
        """Return the record with this row's unreadable values added to its notes, each also reported on its own line."""
        notes = list(data.get("notes", []))
        for text in self.unread:
            self.report.say(where, f"{text}（{self.report.will('已记入', '将记入')}记录的“{self.model.labels['notes']}”）")
            if f"{self.source}{where}{text}" not in notes:
                notes.append(f"{self.source}{where}{text}")
        return dict(data, notes=notes) if notes else data

    def words(self, problem) -> str:
        """Return a problem in spreadsheet words: the column's heading, the Chinese choices, no YAML."""
        path = ".".join(part for part in problem.location if isinstance(part, str))
        heading = self.heading(path)
        if problem.code == "unknown-choice":
            column = self.by_path.get(path) or self.by_path.get(path.rsplit(".", 1)[0])
            table = column.spec.choice_table() if column else ""
            options = "、".join(self.model.directory.choices(table).values()) if table else ""
            return f"“{heading}”中的“{problem.value}”不在分类表中（可选：{options}；其他说法可加到分类表该项的 aliases）"
        if problem.code == "missing-field":
            return f"缺少“{heading}”"
        return f"“{heading}”：{problem.message}"

    def gaps(self, record: Record) -> list[str]:
        """Return the labels of what the record still lacks: a draft's gaps, and required fields whose value was left out."""
        paths = [g.split("[")[0] for g in record.gaps] + [dotted(p) for p in RECORD.missing(record.data)]
        return list(dict.fromkeys(self.labels.get(p) or self.model.labels.get(p, p) for p in paths))

    def create(self, where: str, wanted: str, data: dict, notes: list[str]) -> None:
        record_id = wanted if is_id(wanted) and wanted not in self.taken else id_for(data["name"], self.taken, self.readings, self.region)
        self.taken.add(record_id)
        folder = data["district"]
        record = self.convert(where, data, folder, record_id, notes)
        if record is None:
            return
        gaps = self.gaps(record)
        final = dict(record.data, status="draft") if gaps else {k: v for k, v in record.data.items() if k != "status"}
        final = self.noted(final, where)
        path = self.root / folder / f"{record_id}.yml"
        self.writes[path] = record_text(final)
        record.data = final
        self.by_id[record_id] = self.seen[record_id] = record
        self.by_name[self.key(final)] = record
        if final.get("operator") and final.get("address"):
            self.by_place[self.place(final)] = record
        if final.get("credit_code"):
            self.by_code[final["credit_code"]] = record
        self.report.paths.append(path)
        if gaps:
            self.report.drafts += 1
            self.report.say(where, f"{self.report.will('新增草稿')} {folder}/{record_id}.yml（待补全：{'、'.join(gaps)}）"
                            + self.joined(notes))
        else:
            self.report.written += 1
            self.report.say(where, f"{self.report.will('新增')} {folder}/{record_id}.yml" + self.joined(notes))

    def update(self, where: str, existing: Record, data: dict, notes: list[str]) -> None:
        merged, changes, conflicts = dict(existing.data), [], []
        self.seen[existing.id] = existing
        for key, value in data.items():
            if key in ("demonstration", "evaluations"):
                old = merged.get(key, [])
                same = (lambda a, b: a["year"] == b.get("year")) if key == "evaluations" else (
                    lambda a, b: (a["level"], a["year"]) == (b.get("level"), b.get("year")))
                new = [item for item in value if not any(same(o, item) for o in old)]
                if new:
                    merged[key] = old + new
                    changes.append(f"添加{self.model.labels[key]} {len(new)} 项")
            elif isinstance(value, dict):
                inner = dict(merged.get(key, {}))
                for sub, item in value.items():
                    self.merge(inner, sub, item, f"{key}.{sub}", changes, conflicts)
                merged[key] = inner
            else:
                self.merge(merged, key, value, key, changes, conflicts)
        record = self.convert(where, merged, existing.folder, existing.id, notes)
        if record is None:
            return
        gaps = self.gaps(record)
        changes = [c for c in changes if not (c.startswith("补充“") and c[3:-1] in gaps)]  # a value it could not read adds nothing
        was_draft = existing.draft
        final = dict(record.data)
        if was_draft and not gaps:
            final.pop("status", None)
        elif was_draft:
            final["status"] = "draft"
        elif "status" in existing.data:
            final["status"] = existing.data["status"]
        else:  # checked as a draft, it stays what it was: a published record is not unpublished by an update
            final.pop("status", None)
        final = self.noted(final, where)
        name = f"{existing.folder}/{existing.id}.yml"
        if final == existing.data:
            if conflicts:
                self.report.say(where, f"现有记录 {name} 没有修改" + self.joined(notes))
            else:
                self.report.say(where, f"与现有记录 {name} 相同，无需修改" + self.joined(notes))
            self.conflicts(where, conflicts)
            return
        path = self.root / existing.folder / f"{existing.id}.yml"
        self.writes[path] = record_text(final)
        existing.data = final
        self.report.updated += 1
        self.report.paths.append(path)
        text = f"{self.report.will('更新现有记录')} {name}" + (f"：{'；'.join(changes)}" if changes else "")
        if was_draft and not gaps:
            self.report.activated += 1
            text += f"；草稿已补全，{self.report.will('改为公开')}（status: active）"
        elif was_draft:
            text += f"；仍是草稿（待补全：{'、'.join(gaps)}）"
        self.report.say(where, text + self.joined(notes))
        self.conflicts(where, conflicts)

    def conflicts(self, where: str, conflicts: list[tuple[str, str, str, bool]]) -> None:
        """Report each value the list gives differently from the record, one line each: replaced, or kept and how to replace."""
        for heading, old, new, replaced in conflicts:
            if replaced:
                self.report.say(where, f"“{heading}”{self.report.will('已按表格改为', '将按表格改为')}“{new}”（原为“{old}”）")
            else:
                self.report.say(where, f"“{heading}”现为“{old}”，表格为“{new}”，未修改（要改为表格的写法请加 --overwrite {heading}）")

    def overwrites(self, path: str) -> bool:
        """Return True when --overwrite names this field (its path, its parent's, its heading or label), or all."""
        if self.overwrite is True:
            return True
        names = {path, path.split(".")[0], self.heading(path), self.labels.get(path, ""), self.model.labels.get(path, "")}
        return bool(self.overwrite and names & self.overwrite)

    def merge(self, holder: dict, key: str, value, path: str, changes: list[str], conflicts: list) -> None:
        old = holder.get(key)
        if old in (None, "", []):
            holder[key] = value
            changes.append(f"补充“{self.heading(path)}”")
        elif old != value:
            replace = self.overwrites(path)
            column = self.by_path.get(path)
            shown = (lambda v: column.spec.write_cell(v, self.model.directory.choice_tables)) if column else (lambda v: v)
            conflicts.append((self.heading(path), _short(shown(old)), _short(shown(value)), replace))
            if replace:
                holder[key] = value

    def reject(self, where: str, reason: str) -> None:
        self.report.rejected += 1
        self.report.say(where, f"未导入：{reason}")

    @staticmethod
    def joined(notes: list[str]) -> str:
        return "（" + "；".join(notes) + "）" if notes else ""


def _get(data: dict, path: str):
    for part in path.split("."):
        data = data.get(part) if isinstance(data, dict) else None
    return data


def _short(value) -> str:
    text = "、".join(map(str, value)) if isinstance(value, list) else str(value)
    return text if len(text) <= 30 else text[:29] + "…"


def write_all(writes: dict[Path, str]) -> None:
    """Write every file or none: each goes to a temporary file beside its target first, then all are moved in."""
    staged = []
    try:
        for path, text in writes.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
            staged.append((Path(temporary), path))
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text)
    except BaseException:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
        raise
    for temporary, path in staged:
        os.chmod(temporary, 0o644)
        temporary.replace(path)


def overwrite_fields(text: str | None, taxonomy) -> bool | set[str]:
    """Return what --overwrite names: every field (given alone, or as 全部/all), or the set of fields it lists by key,
    heading or label; raise ImportFailed naming a word that is no field."""
    if text is None:
        return False
    words = {w.strip() for w in re.split(r"[,，、;；\s]+", text) if w.strip()}
    if not words or words & {"all", "全部", ALL_OF_IT}:
        return True
    known = set(headings(taxonomy)) | {path for path, _ in leaf_fields()} | set(RECORD.fields) | set(taxonomy.labels.values())
    unknown = sorted(words - known)
    if unknown:
        raise ImportFailed(f"--overwrite 中的“{'、'.join(unknown)}”不是字段名；请写列标题或字段，如 --overwrite 运营机构,地址")
    return words


def import_file(model: Model, path: Path, root: Path, mapping: dict[str, str] | None = None, sheet: str | None = None,
                dry_run: bool = False, overwrite: bool | set[str] = False, district: str = "", add_similar: bool = False,
                partial: bool = False) -> Report:
    """Import a file into the directory at root; raise SheetError or ImportFailed when nothing can be imported. With
    partial (a supplementary list), the records it does not name are not reported."""
    tables = read_tables(path)
    if sheet is not None:
        tables = [t for t in tables if t.name == sheet]
        if not tables:
            raise ImportFailed(f"{Path(path).name} 中没有名为“{sheet}”的工作表或表格")
    elif any(t.name == ALL_OF_IT for t in tables):
        tables = [t for t in tables if t.name == ALL_OF_IT]  # our own workbook: the other sheets repeat it by district
    importer = _Importer(model, Path(root), mapping or {}, overwrite, district, add_similar, f"《{Path(path).name}》", dry_run,
                         partial)
    report = importer.run(tables)
    if not dry_run:
        write_all(importer.writes)
    return report


def format_report(report: Report, dry_run: bool) -> str:
    """Return the import report in Chinese."""
    verb = "将" if dry_run else "已"
    lines = [f"{verb}新增 {report.written} 条记录、{report.drafts} 条草稿，{verb}更新 {report.updated} 条"
             + (f"（其中 {report.activated} 条草稿补全后公开）" if report.activated else "") + f"；{report.rejected} 行未能导入。"]
    lines += report.lines
    if report.similar:
        lines.append(f"{report.similar} 行与现有记录相似，没有新增；确是另一家机构的，请核对后加 --add-similar 再导入。")
    if report.absent:
        lines.append(f"{report.absent} 条现有记录不在名单中，记录没有删除；已撤销的请把状态改为 revoked。"
                     "名单只是补充的一部分时，加 --partial 导入就不会列出和记下这些记录。")
    if report.ignored_columns:
        lines.append("未使用的列：" + "、".join(report.ignored_columns) + "（可在映射文件中指定对应字段，如“单位全称: name”）")
    return "\n".join(lines)
