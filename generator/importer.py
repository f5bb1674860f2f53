"""Spreadsheet import: one YAML record per row of a bureau's .xlsx or .csv, every rejected row reported with its reason."""

from __future__ import annotations

import csv
import io
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pypinyin import lazy_pinyin

from .directory import record_from_text
from .schema import is_id, normalise_name
from .table import Column, columns, from_text, short_names

SCHEMA_LINE = "# yaml-language-server: $schema=../../schema/institution.schema.json\n"


@dataclass
class ImportReport:
    written: list[Path] = field(default_factory=list)
    rejected: list[tuple[int, str]] = field(default_factory=list)
    remapped: list[tuple[int, str, str]] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)


def read_rows(path: Path) -> list[list[str]]:
    """Read a spreadsheet as rows of text: .xlsx (the 全部 sheet or the first) or .csv in UTF-8 or GB18030."""
    if path.suffix.lower() == ".xlsx":
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True, data_only=True)
        sheet = book["全部"] if "全部" in book.sheetnames else book.worksheets[0]
        return [["" if v is None else (v.date().isoformat() if hasattr(v, "date") else str(v)) for v in row]
                for row in sheet.iter_rows(values_only=True)]
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValueError(f"{path} 既不是 UTF-8 也不是 GB18030 编码")
    return list(csv.reader(io.StringIO(text)))


def slug_for(name: str, taken: set[str]) -> str:
    """Return an id made from a name's pinyin, unique among taken ids."""
    words = [re.sub(r"[^a-z0-9]+", "", w.lower()) for w in lazy_pinyin(name)]
    base = "-".join(w for w in words if w)[:60].strip("-") or "institution"
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    taken.add(slug)
    return slug


def set_field(data: dict, path: str, value) -> None:
    """Set a dotted field path (contacts.phone) in a record dict."""
    *parents, last = path.split(".")
    for part in parents:
        data = data.setdefault(part, {})
    data[last] = value


def _neutralised(text: str) -> str:
    return text[1:] if text.startswith("'") and text[1:2] in ("=", "+", "-", "@") else text


def record_text(data: dict) -> str:
    """Return a record as the YAML file bureau staff edit (with the schema line for editors)."""
    return SCHEMA_LINE + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)


def headings(taxonomy: dict) -> dict[str, Column]:
    """Return every heading the importer reads → its column: the exports' headings and each field's other headings."""
    table = [c for c in columns(taxonomy) if c.path]
    return {alias: c for c in table for alias in c.aliases} | {c.heading: c for c in table}


def import_rows(model, rows: list[list[str]], root: Path, mapping: dict[str, str], today, dry_run: bool = False) -> ImportReport:
    """Turn rows (the first one headings) into record files under root; return what was written and rejected."""
    report = ImportReport()
    by_path = {c.path: c for c in columns(model.taxonomy) if c.path}
    fields = {h: c.path for h, c in headings(model.taxonomy).items()} | mapping
    titles = [h.strip() for h in rows[0]]
    used = {i: fields[h] for i, h in enumerate(titles) if h in fields}
    derived = {c.heading for c in columns(model.taxonomy) if not c.path}
    report.ignored_columns = [h for i, h in enumerate(titles) if i not in used and h and h not in derived]
    historical = {h["name"]: h["maps_to"] for h in model.taxonomy.get("historical_districts", [])}
    historical = {short: target for name, target in historical.items() for short in short_names(name, model.district_suffixes)}
    taken = {p.stem for p in root.glob("*/*.yml")}
    names = {normalise_name(r.data["name"]): r.path for r in model.directory.records}
    choices = model.directory.choice_tables
    for number, row in enumerate(rows[1:], 2):
        if number % 500 == 0:
            print(f"  已处理 {number - 1}/{len(rows) - 1} 行", file=sys.stderr, flush=True)
        cells = {path: _neutralised(row[i].strip()) for i, path in used.items() if i < len(row) and row[i].strip()}
        if not cells:
            continue
        district = cells.get("district", "")
        if district in historical:
            report.remapped.append((number, district, model.districts[historical[district]]))
            cells["district"] = model.districts[historical[district]]
        data = {}
        for path, text in cells.items():
            if path != "id":
                set_field(data, path, from_text(model, by_path.get(path, Column(path, path, "text")), text))
        data.setdefault("verified", today)
        name = str(data.get("name", ""))
        wanted = cells.get("id", "")
        record_id = wanted if is_id(wanted) and wanted not in taken else slug_for(name, taken)
        taken.add(record_id)
        folder = data.get("district", "")
        if folder not in model.districts:
            report.rejected.append((number, f"所在区“{district or '（空）'}”不在分类表中"))
            continue
        target = root / folder / f"{record_id}.yml"
        text = record_text(data)
        problem = check_record_text(text, target, folder, choices)
        if problem:
            report.rejected.append((number, problem))
            continue
        if target.exists():
            report.rejected.append((number, f"{target} 已存在，不覆盖"))
            continue
        if normalise_name(name) in names:
            report.rejected.append((number, f"机构名称与 {names[normalise_name(name)]} 相同"))
            continue
        names[normalise_name(name)] = f"第 {number} 行"
        if not dry_run:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        report.written.append(target)
    return report


def check_record_text(text: str, target: Path, folder: str, choices: dict) -> str:
    """Validate a record's text as if it were saved at target; return the problems as one line, or an empty string."""
    _, problems = record_from_text(text, str(target), folder, target.stem, choices)
    return "；".join(p.describe() for p in problems)


def format_report(report: ImportReport, dry_run: bool) -> str:
    """Return the import report in Chinese."""
    verb = "将写入" if dry_run else "已写入"
    lines = [f"{verb} {len(report.written)} 条记录，{len(report.rejected)} 行未能导入。"]
    lines += [f"  {path}" for path in report.written] if dry_run else []
    lines += [f"第 {row} 行：历史区名 {old} 已按 {new} 导入" for row, old, new in report.remapped]
    lines += [f"第 {row} 行未导入：{reason}" for row, reason in report.rejected]
    if report.ignored_columns:
        lines.append("未使用的列：" + "、".join(report.ignored_columns) + "（可在映射文件中指定对应字段）")
    return "\n".join(lines)
