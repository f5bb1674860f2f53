"""The directory model: the taxonomy and every record, loaded from a folder with all problems collected."""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass, field
from pathlib import Path

from .checks import check_directory
from .load import Mapping, load_yaml_file
from .problems import Problem
from .schema import FIXED_CHOICES, MISSING, RECORD, SLUG, TAXONOMY, Context

TAXONOMY_FILE = "taxonomy.yml"


@dataclass
class Record:
    id: str
    path: str
    folder: str
    data: dict
    node: Mapping

    @property
    def published(self) -> bool:
        """Return True when the record appears on the site and in the catalogue."""
        return self.data.get("status", "active") == "active"

    def position(self, key: str) -> tuple[int, int]:
        """Return the line and column of a top-level field (or of the record) for messages."""
        item = self.node.items.get(key)
        node = item[1] if item else self.node
        return node.line, node.column


@dataclass
class Directory:
    root: Path
    taxonomy: dict
    records: list[Record] = field(default_factory=list)
    choice_tables: dict = field(default_factory=dict)  # what record fields may name, as the schema checks them

    def choices(self, key: str) -> dict[str, str]:
        """Return the id → Chinese name table of one taxonomy list."""
        return {item["id"]: item["name"] for item in self.taxonomy.get(key, [])}

    @property
    def published(self) -> list[Record]:
        """Return the records shown to the public."""
        return [r for r in self.records if r.published]


def reference_date() -> datetime.date:
    """Return the date the data is judged at: SOURCE_DATE_EPOCH when set (reproducible builds), else today."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.datetime.fromtimestamp(int(epoch), datetime.UTC).date()
    return datetime.date.today()


def _shown_path(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def load_taxonomy(root: Path) -> tuple[dict | None, dict, list[Problem]]:
    """Load taxonomy.yml; return (taxonomy or None, choices for records, problems)."""
    path = root / TAXONOMY_FILE
    shown = _shown_path(path)
    if not path.is_file():
        return None, {}, [Problem("missing-taxonomy", shown, 1, 1, "", f"找不到分类表 {TAXONOMY_FILE}", hint="每个名录目录都需要 taxonomy.yml")]
    node, problems = load_yaml_file(path, shown)
    if node is None:
        return None, {}, problems or [Problem("empty-file", shown, 1, 1, "", "文件是空的")]
    ctx = Context(shown, dict(FIXED_CHOICES))
    taxonomy = TAXONOMY.convert(node, "", ctx)
    problems += ctx.problems
    keys = [d.get("key") for d in taxonomy.get("disclosures", [])] if taxonomy is not MISSING else []
    if taxonomy is not MISSING and sorted(keys) != sorted(FIXED_CHOICES["disclosure_keys"]):
        problems.append(Problem("missing-disclosure", shown, node.line, node.column, "disclosures", "服务五公开必须五项齐全：" + "、".join(FIXED_CHOICES["disclosure_keys"])))
    if taxonomy is MISSING or problems:
        return None, {}, problems
    return taxonomy, ctx.choices, problems


def _record_files(root: Path, district_ids: set[str]) -> tuple[list[tuple[str, Path]], list[Problem]]:
    files, problems = [], []
    for entry in sorted(root.iterdir()):
        if entry.name.startswith(".") or entry.name == TAXONOMY_FILE:
            continue
        shown = _shown_path(entry)
        if not entry.is_dir():
            if entry.suffix in (".yml", ".yaml"):
                problems.append(Problem("misplaced-file", shown, 1, 1, "", "记录文件应放在所在区的文件夹里", hint="移到 <区标识>/<机构标识>.yml"))
            continue
        if entry.name not in district_ids:
            close = "、".join(sorted(district_ids))
            problems.append(Problem("unknown-district-folder", shown, 1, 1, "", f"文件夹 {entry.name} 不是分类表中的区标识", hint=f"可用的区标识：{close}"))
            continue
        for path in sorted(entry.iterdir()):
            if path.suffix == ".yaml":
                problems.append(Problem("wrong-extension", _shown_path(path), 1, 1, "", "记录文件的扩展名应为 .yml", hint=f"改名为 {path.stem}.yml"))
            elif path.suffix == ".yml" and path.is_file():
                files.append((entry.name, path))
    return files, problems


def load_record(folder: str, path: Path, choices: dict) -> tuple[Record | None, list[Problem]]:
    """Load and convert one record file; return (record or None, problems)."""
    shown = _shown_path(path)
    node, problems = load_yaml_file(path, shown)
    if problems:
        return None, problems
    if node is None:
        return None, [Problem("empty-file", shown, 1, 1, "", "文件是空的", hint="删除这个文件，或填写记录内容")]
    ctx = Context(shown, choices)
    data = RECORD.convert(node, "", ctx)
    problems = ctx.problems
    record_id = path.stem
    if not SLUG.fullmatch(record_id) or len(record_id) > 64:
        problems.append(Problem("bad-id", shown, 1, 1, "", f"文件名 {path.name} 不是合法的机构标识", hint="文件名只用小写英文字母、数字和连字符，如 pudong-ip-center.yml"))
    if data is MISSING:
        return None, problems
    return Record(record_id, shown, folder, data, node), problems


def load_directory(root: Path, today: datetime.date | None = None) -> tuple[Directory | None, list[Problem]]:
    """Load the taxonomy and every record under root and run all checks; return (directory or None, problems)."""
    root = Path(root)
    if not root.is_dir():
        return None, [Problem("missing-directory", _shown_path(root), 1, 1, "", "名录目录不存在")]
    taxonomy, choices, problems = load_taxonomy(root)
    if taxonomy is None:
        return None, problems
    files, problems = _record_files(root, set(choices["districts"]))
    directory = Directory(root, taxonomy, choice_tables=choices)
    for folder, path in files:
        record, found = load_record(folder, path, choices)
        problems += found
        if record is not None and not any(p.severity == "error" for p in found):
            directory.records.append(record)
    problems += check_directory(directory, today or reference_date())
    return directory, problems
