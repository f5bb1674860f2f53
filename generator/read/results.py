"""Importing a bureau's published result list (序号/平台名称/得分/等次, or a ranking with 排名) or a quarterly bulletin
workbook into evaluations/<year>.yml or bulletins/<year>-Q<n>.yml: institutions matched by credit code or normalised
name, every row reported, the file checked exactly as the validator reads it before it is written."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..canonical import scalar
from ..kinds import MISSING, Context, dotted, settled, short_names
from ..model.evaluations import ranking_group
from ..schema import BULLETIN_FILE, EVALUATION_FILE, RECORD, normalise_name, schema_line
from .directory import node_from_data
from .evaluations import BULLETINS, EVALUATIONS
from .importer import HEADING_SCAN, NOTE_ROW, TOTAL_ROW, ImportFailed, name_key, write_all
from .sheets import read_tables

QUARTER = re.compile(r"((?:19|20)[0-9]{2})-[Qq]([1-4])")
_SPECS = {EVALUATIONS: (EVALUATION_FILE, "results"), BULLETINS: (BULLETIN_FILE, "figures")}
_FINDERS = {"name": (RECORD.fields["name"].label, *RECORD.fields["name"].headings, "机构名称", "单位名称"),
            "credit_code": (RECORD.fields["credit_code"].label, *RECORD.fields["credit_code"].headings)}


@dataclass
class CycleReport:
    target: Path
    matched: int = 0
    lines: list[str] = field(default_factory=list)  # every row, in the list's order
    unmatched: list[str] = field(default_factory=list)  # the rows not imported
    kept: list[str] = field(default_factory=list)  # names of institutions the file had that this list does not

    def refuse(self, text: str) -> None:
        self.lines.append(text)
        self.unmatched.append(text)


def parse_quarter(text: str) -> tuple[int, int] | None:
    """Return (year, quarter) of text like 2025-Q3, or None."""
    match = QUARTER.fullmatch(text.strip())
    return (int(match.group(1)), int(match.group(2))) if match else None


TITLE = re.compile(r"通报|通知|公告|结果|名单|排名|评价")  # a line above the table that names the list
UNIT = re.compile(r"\s*[（(][^）)]*[）)]\s*$")  # 服务企业数（家） is 服务企业数


def _heading(cell: str) -> str:
    return UNIT.sub("", normalise_name(cell)) if cell.strip() else ""


def _headings(item) -> dict[str, str]:
    found = {h: key for key, names in _FINDERS.items() for h in names}
    for key, child in item.fields.items():
        found |= dict.fromkeys((child.label, *child.headings), key)
    return found


def _dump(value) -> str:
    """Return a value inside an entry's {…}: numbers and ids plain, other text in double quotes."""
    if isinstance(value, int | float):
        return scalar(value)
    return str(value) if re.fullmatch(r"[a-z0-9-]+", str(value)) else json.dumps(str(value), ensure_ascii=False)


def cycle_text(kind: str, year: int, quarter: int, data: dict) -> str:
    """Return a results or bulletin file's text: one line per institution, keys in the field table's order (the form
    editor writes the same: assets/cms-format.js)."""
    spec, key = _SPECS[kind]
    title = f"{year} 年度评价结果" if kind == EVALUATIONS else f"{year} 年第 {quarter} 季度通报"
    lines = [schema_line(kind), f"# {title}（由 import 生成）"]
    lines += [f"{k}: {scalar(data[k])}" for k in spec.fields if k != key and k in data]
    lines.append(f"{key}:")
    order = list(spec.fields[key].item.fields)
    for entry in data[key]:
        lines.append("  - {" + ", ".join(f"{k}: {_dump(entry[k])}" for k in order if k in entry) + "}")
    return "\n".join(lines) + "\n"


def import_cycle(model, path: Path, root: Path, kind: str, year: int, quarter: int = 0, sheet: str | None = None,
                 dry_run: bool = False) -> CycleReport:
    """Import a result list or a bulletin into root; raise SheetError or ImportFailed when nothing can be imported.
    Into an existing file, the list's rows replace those institutions' entries; the others, the publication date and
    the source are kept, and the report names what was kept."""
    spec, key = _SPECS[kind]
    item = spec.fields[key].item
    name = f"{year}.yml" if kind == EVALUATIONS else f"{year}-Q{quarter}.yml"
    report = CycleReport(Path(root) / kind / name)
    tables = [t for t in read_tables(path) if sheet is None or t.name == sheet]
    if not tables:
        raise ImportFailed(f"{Path(path).name} 中没有名为“{sheet}”的工作表或表格")
    records = model.directory.records
    taxonomy = model.taxonomy
    places = {w for d in (*taxonomy.districts, *taxonomy.historical_districts)
              for w in short_names(d["name"], taxonomy.district_suffixes) if len(w) >= 2}
    region = short_names(taxonomy.site.region, taxonomy.district_suffixes) if taxonomy.site.region else set()
    prefixes = tuple(sorted(region | places, key=len, reverse=True))  # 上海市闵行区… is …
    by_code = {r.data["credit_code"]: r for r in records if r.data.get("credit_code")}
    by_name = {name_key(r.data["name"], prefixes): r for r in records}
    by_id = {r.id: r for r in records}
    known = {_heading(h): key for h, key in _headings(item).items()}
    existing = next((f for f in model.directory.cycle_files if (f.kind, f.year, f.quarter) == (kind, year, quarter)), None)
    before = {e["id"]: e for e in existing.entries} if existing else {}
    entries: dict[str, dict] = {}
    title = ""  # the list's own title (the row or paragraph above its headings): the file's source
    for table in tables:
        start = next((n for n, row in enumerate(table.rows[:HEADING_SCAN]) if len({_heading(c) for c in row} & set(known)) >= 2
                      and {known.get(_heading(c)) for c in row} & {"name", "credit_code", "id"}), None)
        if start is None:
            continue
        lines_above = table.above + [" ".join(c.strip() for c in row if c.strip()) for row in table.rows[:start]]
        title = title or next((t for t in lines_above if TITLE.search(t)), "")
        columns = {i: known[_heading(c)] for i, c in enumerate(table.rows[start]) if _heading(c) in known}
        unused = [c.strip() for i, c in enumerate(table.rows[start]) if c.strip() and i not in columns]
        if unused:
            report.lines.append(f"未使用的列：{'、'.join(unused)}")
        for number, row in enumerate(table.rows[start + 1:], start + 2):
            cells = {columns[i]: c.strip() for i, c in enumerate(row) if i in columns and c.strip()}
            first = next((c.strip() for c in row if c.strip()), "")
            if TOTAL_ROW.match(first) or NOTE_ROW.match(first):
                report.lines.append(f"第 {number} 行：{'合计行' if TOTAL_ROW.match(first) else '说明'}，不是机构，未导入")
                continue
            if not cells:
                continue
            where = f"第 {number} 行" + (f"（{cells['name']}）" if "name" in cells else "")
            name, _, _ = settled(RECORD.fields["name"].read_cell(cells.get("name", ""), model.cells))  # ※ left out
            code = normalise_name(cells.get("credit_code", "")).upper().lstrip("'")
            record = by_id.get(cells.get("id", "")) or by_code.get(code) or by_name.get(name_key(name, prefixes))
            if record is None:
                report.refuse(f"{where}：名录中找不到这家机构（统一社会信用代码和名称都对不上），未导入")
                continue
            entry = {"id": record.id}
            for k, text in cells.items():
                if k in item.fields and k != "id":
                    value, unread, _ = settled(item.fields[k].read_cell(text, model.cells))
                    entry[k] = unread[0].text if unread else value  # what it cannot read, the check below names
            if kind == EVALUATIONS:  # the group it was ranked in that year, kept when its tier changes later
                entry["group"] = ranking_group(record, taxonomy.evaluation_rules.ranking)
            ctx = Context(str(path), model.directory.choice_tables)
            value = item.convert(node_from_data(entry, number), (), ctx)
            if ctx.problems or value is MISSING:
                wrong = "；".join(f"{item.fields[p.location[0]].label if p.location else dotted(p.location)}：{p.message}"
                                  for p in ctx.problems)
                report.refuse(f"{where}：{wrong}，未导入")
                continue
            if record.id in entries:
                report.refuse(f"{where}：{record.data['name']} 已在前面的行中出现，未导入")
                continue
            entries[record.id] = value
            change = "" if record.id not in before else "，与文件中原有的相同" if before[record.id] == value else "，替换文件中原有的一项"
            report.lines.append(f"{where}：对应 {record.id}{change}")
    if not entries and not report.unmatched:
        raise ImportFailed(f"{Path(path).name} 中没有找到列标题行（至少要有 平台名称 或 统一社会信用代码，以及 "
                           + ("得分、排名 或 等次" if kind == EVALUATIONS else "季度数字的列") + "）")
    report.matched = len(entries)
    names = {r.id: r.data["name"] for r in records}
    report.kept = [names.get(i, i) for i in before if i not in entries]
    if entries and not dry_run:
        data = {"source": title or Path(path).name} | (existing.data if existing else {})
        data[key] = list(entries.values()) + [e for i, e in before.items() if i not in entries]
        write_all({report.target: cycle_text(kind, year, quarter, data)})
    return report


def format_cycle_report(report: CycleReport, dry_run: bool) -> str:
    """Return the import report in Chinese: what matched, what did not."""
    verb = "将写入" if dry_run else "已写入"
    head = f"{verb} {report.target}：{report.matched} 家机构；{len(report.unmatched)} 行未能对应。"
    lines = [head, *report.lines]
    if report.kept:
        keep = "将保留" if dry_run else "已保留"
        lines.append(f"文件中原有、这份名单中没有的 {len(report.kept)} 家{keep}：{'、'.join(report.kept)}。"
                     "如不应保留，请从文件中删除这几项。")
    return "\n".join(lines)
