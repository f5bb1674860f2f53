"""Import what bureaus have: any sheet or table of a spreadsheet, CSV or Word file, its heading row found wherever
it is; Chinese choices and the taxonomy's aliases in, ids out; titles and grades as entries; rows lacking what a
published record needs become drafts; rows matching an existing record update it (annual lists, returned fill-in
workbooks). Every row is reported in the spreadsheet's own words, and the directory is written all at once or not."""

from __future__ import annotations

import os
import re
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..canonical import record_text
from ..hours import from_chinese
from ..kinds import ID_MAX, Text, dotted, is_id, short_names
from ..model.model import Model, spell
from ..schema import RECORD, normalise_name
from ..table import Column, columns, part_columns
from .directory import DRAFT_NEEDS, Record, node_from_data, record_from_node, record_from_text
from .sheets import Table, read_tables

HEADING_SCAN = 30  # rows searched for the heading row
NOTE_ROW = re.compile(r"^\s*(注|说明|备注|填表说明|填报说明)\s*[0-9一二三四五六七八九十]*\s*[：:.、]")
TOTAL_ROW = re.compile(r"^\s*(合\s*计|小\s*计|总\s*计|共\s*计)")
YEAR = re.compile(r"((?:19|20)[0-9]{2})")
BRACKETS = re.compile(r"[()（）\[\]【】〔〕《》<>「」]")
PHONES = re.compile(r"\s*(?:[、,，;；/]|或|\s{2,})\s*")
ALL_OF_IT = "全部"  # the sheet of our own workbook export that holds every record


class ImportFailed(Exception):
    """Nothing can be imported; the message says why in Chinese."""


@dataclass
class Report:
    lines: list[str] = field(default_factory=list)  # what happened to each row, in spreadsheet words
    written: int = 0
    drafts: int = 0
    updated: int = 0
    activated: int = 0
    rejected: int = 0
    ignored_columns: list[str] = field(default_factory=list)
    paths: list[Path] = field(default_factory=list)

    def say(self, where: str, text: str) -> None:
        self.lines.append(f"{where}：{text}")


def set_field(data: dict, path: str, value) -> None:
    """Set a dotted field path (contacts.phone) in a record dict."""
    *parents, last = path.split(".")
    for part in parents:
        data = data.setdefault(part, {})
    data[last] = value


def slug_for(name: str, taken: set[str], overrides: dict[str, str] | None = None) -> str:
    """Return an id from a name's pinyin (with the taxonomy's corrections), cut at a syllable, at most 48 characters,
    unique among taken ids (which it joins)."""
    limit = min(48, ID_MAX)
    base = ""
    for syllable in (re.sub(r"[^a-z0-9]+", "", s.lower()) for s in spell(name, overrides or {}).split()):
        if syllable and len(base) + len(syllable) + 1 <= limit - 3:  # room for a -N suffix
            base = f"{base}-{syllable}" if base else syllable
        elif syllable:
            break
    base = base or "institution"
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    taken.add(slug)
    return slug


def check_record_text(text: str, target: Path, folder: str, choices: dict) -> str:
    """Validate a record's text as if it were saved at target; return the problems as one line, or an empty string."""
    _, problems = record_from_text(text, str(target), folder, target.stem, choices)
    return "；".join(p.describe() for p in problems)


def headings(taxonomy: dict) -> dict[str, Column]:
    """Return every heading the importer reads → its column: the exports' headings, each field's other headings,
    and the columns that give one part of a title or an evaluation."""
    table = [c for c in columns(taxonomy) if c.path] + part_columns(taxonomy)
    return {alias: c for c in table for alias in c.aliases} | {c.heading: c for c in table}


def _name_key(name: str) -> str:
    return BRACKETS.sub("", normalise_name(name))


class _Importer:
    def __init__(self, model: Model, root: Path, mapping: dict[str, str], overwrite: bool):
        self.model, self.root, self.overwrite = model, root, overwrite
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
        self.placeholders = set(model.directory.choice_tables["placeholders"])
        self.area_code = taxonomy.area_code
        records = model.directory.records
        self.by_id = {r.id: r for r in records}
        self.by_code = {r.data["credit_code"]: r for r in records if r.data.get("credit_code")}
        self.by_name = {_name_key(r.data["name"]): r for r in records}
        self.taken = {p.stem for p in root.glob("*/*.yml")} | set(self.by_id)
        self.writes: dict[Path, str] = {}
        self.report = Report()

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
            for number, row in enumerate(table.rows[start + 1:], start + 2):
                if number % 1000 == 0 and any(row):  # progress on long lists
                    print(f"  已处理 {number} 行", file=sys.stderr, flush=True)
                self.row(f"{where}第 {number} 行", row, columns_)
        if not used:
            raise ImportFailed("\n".join(self.report.lines))
        return self.report

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
        existing = self.match(record_id, data)
        if existing is not None:
            self.update(where, existing, data, notes)
        else:
            self.create(where, record_id, data, notes)

    def data(self, where: str, cells: dict, notes: list[str]) -> tuple[dict | None, str]:
        data, parts = {}, {}
        for path, (column, text) in cells.items():
            if path == "id":
                continue
            if path in ("contacts.phone", "contacts.hotline"):
                self.phones(path, text, data, notes)
            elif path.count(".") == 1 and path.split(".")[0] in ("demonstration", "evaluations"):
                parts.setdefault(path.split(".")[0], {})[path.split(".")[1]] = (column, text)
            else:
                set_field(data, path, column.read(text, self.model.cells))
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
        if data.get("district") not in self.model.districts:
            options = "、".join(self.model.districts.values())
            self.reject(where, f"“{self.labels['district']}”写的是“{district or '（空）'}”，不在分类表中（可选：{options}）")
            return None, ""
        if not data.get("name"):
            self.reject(where, f"没有“{self.labels['name']}”")
            return None, ""
        return data, cells.get("id", (None, ""))[1]

    def phones(self, path: str, text: str, data: dict, notes: list[str]) -> None:
        numbers = [n for n in PHONES.split(text) if n]
        for number, target in zip(numbers, (path, "contacts.hotline" if path == "contacts.phone" else path)):
            if number.isdigit() and self.area_code and not number.startswith("0") and number.startswith(self.area_code.lstrip("0")) \
                    and len(number) == len(self.area_code) - 1 + 8:
                fixed = f"{self.area_code}-{number[len(self.area_code) - 1:]}"
                notes.append(f"电话 {number} 缺了开头的 0，已补为 {fixed}")
                number = fixed
            if not data.get("contacts", {}).get(target.split(".")[1]):
                set_field(data, target, number)
        if len(numbers) > 2:
            notes.append(f"“{text}”中第三个以后的电话没有导入")

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

    def match(self, record_id: str, data: dict) -> Record | None:
        if record_id and record_id in self.by_id:
            return self.by_id[record_id]
        if data.get("credit_code") and data["credit_code"] in self.by_code:
            return self.by_code[data["credit_code"]]
        return self.by_name.get(_name_key(data["name"]))

    def convert(self, where: str, data: dict, folder: str, record_id: str, notes: list[str]) -> Record | None:
        """Check the record once, as a draft: each wrong value is left out (saying why); a row without a usable name or
        district is refused."""
        record, problems = record_from_node(node_from_data(dict(data, status="draft")), where, folder, record_id,
                                            self.model.directory.choice_tables)
        if record is None or any(not p.location or p.location[0] in DRAFT_NEEDS for p in problems):
            self.reject(where, "；".join(self.words(p) for p in problems))
            return None
        for problem in problems:
            note = f"{self.words(problem)}，已留空"
            if note not in notes:
                notes.append(note)
        return record

    def words(self, problem) -> str:
        """Return a problem in spreadsheet words: the column's heading, the Chinese choices, no YAML."""
        path = ".".join(part for part in problem.location if isinstance(part, str))
        heading = self.labels.get(path) or self.model.labels.get(path) or path
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
        record_id = wanted if is_id(wanted) and wanted not in self.taken else slug_for(data["name"], self.taken,
                                                                                       self.model.pinyin_overrides)
        self.taken.add(record_id)
        folder = data["district"]
        record = self.convert(where, data, folder, record_id, notes)
        if record is None:
            return
        gaps = self.gaps(record)
        final = dict(record.data, status="draft") if gaps else {k: v for k, v in record.data.items() if k != "status"}
        path = self.root / folder / f"{record_id}.yml"
        self.writes[path] = record_text(final)
        record.data = final
        self.by_id[record_id] = record
        self.by_name[_name_key(final["name"])] = record
        if final.get("credit_code"):
            self.by_code[final["credit_code"]] = record
        self.report.paths.append(path)
        if gaps:
            self.report.drafts += 1
            self.report.say(where, f"新增草稿 {folder}/{record_id}.yml（待补全：{'、'.join(gaps)}）" + self.joined(notes))
        else:
            self.report.written += 1
            self.report.say(where, f"新增 {folder}/{record_id}.yml" + self.joined(notes))

    def update(self, where: str, existing: Record, data: dict, notes: list[str]) -> None:
        merged, changes, conflicts = dict(existing.data), [], []
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
        was_draft = existing.draft
        final = dict(record.data)
        if was_draft and not gaps:
            final.pop("status", None)
        elif was_draft:
            final["status"] = "draft"
        if final == existing.data:
            differs = "；以下内容与表格不同，未修改（要覆盖请加 --overwrite）：" + "；".join(conflicts) if conflicts else ""
            self.report.say(where, f"与现有记录 {existing.folder}/{existing.id}.yml 相同，无需修改" + differs)
            return
        path = self.root / existing.folder / f"{existing.id}.yml"
        self.writes[path] = record_text(final)
        existing.data = final
        self.report.updated += 1
        self.report.paths.append(path)
        text = f"更新现有记录 {existing.folder}/{existing.id}.yml" + (f"：{'；'.join(changes)}" if changes else "")
        if was_draft and not gaps:
            self.report.activated += 1
            text += "；草稿已补全，改为公开（status: active）"
        elif was_draft:
            text += f"；仍是草稿（待补全：{'、'.join(gaps)}）"
        if conflicts:
            text += ("；以下内容与现有记录不同，" + ("已按表格覆盖：" if self.overwrite else "未修改（要覆盖请加 --overwrite）：")
                     + "；".join(conflicts))
        self.report.say(where, text + self.joined(notes))

    def merge(self, holder: dict, key: str, value, path: str, changes: list[str], conflicts: list[str]) -> None:
        old = holder.get(key)
        if old in (None, "", []):
            holder[key] = value
            changes.append(f"补充“{self.labels.get(path) or self.model.labels.get(path, path)}”")
        elif old != value:
            conflicts.append(f"“{self.labels.get(path) or self.model.labels.get(path, path)}”现为“{_short(old)}”，表格为“{_short(value)}”")
            if self.overwrite:
                holder[key] = value

    def reject(self, where: str, reason: str) -> None:
        self.report.rejected += 1
        self.report.say(where, f"未导入：{reason}")

    @staticmethod
    def joined(notes: list[str]) -> str:
        return "（" + "；".join(notes) + "）" if notes else ""


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


def import_file(model: Model, path: Path, root: Path, mapping: dict[str, str] | None = None, sheet: str | None = None,
                dry_run: bool = False, overwrite: bool = False) -> Report:
    """Import a file into the directory at root; raise SheetError or ImportFailed when nothing can be imported."""
    tables = read_tables(path)
    if sheet is not None:
        tables = [t for t in tables if t.name == sheet]
        if not tables:
            raise ImportFailed(f"{Path(path).name} 中没有名为“{sheet}”的工作表或表格")
    elif any(t.name == ALL_OF_IT for t in tables):
        tables = [t for t in tables if t.name == ALL_OF_IT]  # our own workbook: the other sheets repeat it by district
    importer = _Importer(model, Path(root), mapping or {}, overwrite)
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
    if report.ignored_columns:
        lines.append("未使用的列：" + "、".join(report.ignored_columns) + "（可在映射文件中指定对应字段，如“单位全称: name”）")
    return "\n".join(lines)
