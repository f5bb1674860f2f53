"""Reading a directory: the taxonomy and every record, from a folder on disk or a git revision, all problems collected.

One loader turns text into a record, whatever the text came from: a file, a git blob or an imported row.
"""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass, field
from pathlib import Path

from ..background import halved
from ..cache import Memo, key
from ..kinds import ID_HINT, MISSING, Context, is_id
from ..model.checks import check_directory
from ..problems import Problem, has_errors
from ..schema import FIXED_CHOICES, RECORD, TAXONOMY, leaf_fields
from ..taxonomy import Taxonomy, choice_tables
from .evaluations import CycleFile, check_cycle, follow_aliases, is_cycle_file, load_cycle
from .load import Mapping, Scalar, Sequence, decode, parse_yaml, read_head

TAXONOMY_FILE = "taxonomy.yml"
DRAFT_GAPS = ("missing-field", "placeholder-value")  # what a draft may still lack
DRAFT_NEEDS = ("name", "district")  # what even a draft must have


@dataclass
class Record:
    id: str
    path: str
    folder: str
    data: dict
    places: dict[str, tuple[int, int]]  # line and column of the record ("") and of each top-level field's value
    gaps: list[str] = field(default_factory=list)  # a draft's fields still to fill in (dotted paths)

    @property
    def published(self) -> bool:
        """Return True when the record appears on the site and in the catalogue."""
        return self.data.get("status", "active") == "active"

    def current_titles(self, taxonomy, today: datetime.date) -> list[dict]:
        """Return the demonstration titles that have not expired on the given day."""
        return [t for t in self.data.get("demonstration", []) if (taxonomy.title_expiry(t) or today) >= today]

    @property
    def draft(self) -> bool:
        """Return True when the record is a draft: still to be completed, not published."""
        return self.data.get("status") == "draft"

    def position(self, key: str) -> tuple[int, int]:
        """Return the line and column of a top-level field (or of the record) for messages."""
        return self.places.get(key) or self.places[""]


@dataclass
class Directory:
    root: Path
    taxonomy: Taxonomy
    records: list[Record] = field(default_factory=list)
    cycle_files: list[CycleFile] = field(default_factory=list)  # yearly results and quarterly bulletins

    @property
    def choice_tables(self) -> dict[str, dict[str, str]]:
        """Return the id → Chinese name table of every list a field may choose from."""
        return self.taxonomy.tables

    def choices(self, key: str) -> dict[str, str]:
        """Return the id → Chinese name table of one taxonomy list."""
        return self.taxonomy.tables[key]

    @property
    def published(self) -> list[Record]:
        """Return the records shown to the public."""
        return [r for r in self.records if r.published]

    @property
    def drafts(self) -> list[Record]:
        """Return the drafts: records still to be completed."""
        return [r for r in self.records if r.draft]


def reference_date() -> datetime.date:
    """Return the date the data is judged at: SOURCE_DATE_EPOCH when set (reproducible builds), else today."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.datetime.fromtimestamp(int(epoch), datetime.UTC).date()
    return datetime.date.today()


def shown_path(path: Path) -> str:
    """Return a path as messages show it: relative to the working folder when it can be."""
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


class Folder:
    """A directory folder on disk (git.Revision reads one at a git revision the same way)."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.base = shown_path(self.root)  # once: relpath for each of 10,000 files took a second

    def entries(self) -> list[str]:
        """Return the files and first-level folders (with a trailing /) below the folder, sorted."""
        found = []
        with os.scandir(self.root) as entries:  # scandir: a file's kind without a stat call (10,000 of them)
            for entry in entries:
                if entry.is_dir():
                    found.append(entry.name + "/")
                    with os.scandir(entry.path) as inner:
                        found += [f"{entry.name}/{p.name}" for p in inner if p.is_file()]
                elif entry.is_file():
                    found.append(entry.name)
        return sorted(found)

    def read(self, name: str) -> tuple[bytes, int]:
        """Return a file's first bytes (enough to judge its size) and its size."""
        return read_head(self.root / name)

    def shown(self, name: str) -> str:
        """Return how messages name a file (as shown_path would)."""
        return name if self.base == "." else f"{self.base}/{name}"


def record_from_text(text: str, shown: str, folder: str, record_id: str, choices: dict) -> tuple[Record | None, list[Problem]]:
    """Turn a record's YAML text into a Record; return (record or None, problems). The one loader of records."""
    node, problems = parse_yaml(shown, text)
    if problems:
        return None, problems
    if node is None:
        return None, [Problem("empty-file", shown, 1, 1, "", "文件是空的", hint="删除这个文件，或填写记录内容")]
    return record_from_node(node, shown, folder, record_id, choices)


def node_from_data(value, line: int = 1):
    """Return the node tree YAML text of a record's data would parse to (strings quoted, other values plain),
    so that data made in memory (an imported row) is checked exactly as its file will be, without writing it."""
    if isinstance(value, dict):
        return Mapping(line, 1, {str(k): (Scalar(str(k), line, 1, True), node_from_data(v, line)) for k, v in value.items()})
    if isinstance(value, list):
        return Sequence(line, 1, [node_from_data(v, line) for v in value])
    if isinstance(value, str):
        return Scalar(value, line, 1, False)
    text = value.isoformat() if hasattr(value, "isoformat") else ("true" if value is True else "false" if value is False else str(value))
    return Scalar(text, line, 1, True)


def record_from_node(node, shown: str, folder: str, record_id: str, choices: dict) -> tuple[Record | None, list[Problem]]:
    """Convert a record's node tree (from text, or from data) into a Record; return (record or None, problems)."""
    ctx = Context(shown, choices)
    data = RECORD.convert(node, (), ctx)
    problems, gaps = ctx.problems, []
    if data is not MISSING and data.get("status") == "draft":
        # A draft's gaps are a summary, not errors, except for what every record needs to have a place at all.
        gaps = [p for p in problems if p.code in DRAFT_GAPS and p.field not in DRAFT_NEEDS]
        problems = [p for p in problems if p not in gaps]
    if not is_id(record_id):
        problems.append(Problem("bad-id", shown, 1, 1, "", f"文件名 {record_id}.yml 不是合法的机构标识", hint=ID_HINT))
    if data is MISSING:
        return None, problems
    # Only the top level's positions are kept: the node tree, two thirds of a loaded record's memory, is let go.
    places = {"": (node.line, node.column)} | {key: (value.line, value.column) for key, (_, value) in node.items.items()}
    return Record(record_id, shown, folder, data, places, [p.field for p in gaps]), problems


def _head(source, name: str):
    data, size = source.read(name)
    return data, source.shown(name), size


def load_taxonomy(source) -> tuple[Taxonomy | None, dict, list[Problem]]:
    """Load taxonomy.yml; return (taxonomy or None, the choice tables records are checked against, problems)."""
    source = Folder(source) if isinstance(source, str | Path) else source
    shown = source.shown(TAXONOMY_FILE)
    if TAXONOMY_FILE not in source.entries():
        return None, {}, [Problem("missing-taxonomy", shown, 1, 1, "", f"找不到分类表 {TAXONOMY_FILE}",
                                  hint="每个名录目录都需要 taxonomy.yml")]
    text, problems = decode(*_head(source, TAXONOMY_FILE))
    node, found = parse_yaml(shown, text) if text is not None else (None, [])
    problems += found
    if node is None:
        return None, {}, problems or [Problem("empty-file", shown, 1, 1, "", "文件是空的")]
    ctx = Context(shown, dict(FIXED_CHOICES), plain=True)
    data = TAXONOMY.convert(node, (), ctx)
    if data is MISSING:
        return None, {}, problems + ctx.problems
    # The taxonomy's lists refer to each other (a function's category, a historical district's successor):
    # those references are checked once every table is known.
    ctx.choices, deferred = choice_tables(data), ctx.deferred
    for spec, value, item, path in deferred:
        spec.check(value, item, path, ctx)
    problems += ctx.problems
    keys = [d.get("key") for d in data.get("disclosures", [])]
    if sorted(keys) != sorted(FIXED_CHOICES["disclosure_keys"]):
        problems.append(Problem("missing-disclosure", shown, node.line, node.column, "disclosures",
                                "服务五公开必须五项齐全：" + "、".join(FIXED_CHOICES["disclosure_keys"]), location=("disclosures",)))
    if problems:
        return None, {}, problems
    taxonomy = Taxonomy(data)
    return taxonomy, taxonomy.tables, problems


def _record_files(source, district_ids: set[str]) -> tuple[list[tuple[str, str]], list[Problem]]:
    files, problems = [], []
    for name in source.entries():
        top, slash, rest = name.partition("/")
        if top.startswith(".") or name == TAXONOMY_FILE or is_cycle_file(name):
            continue
        if not slash and name.endswith((".yml", ".yaml")):
            problems.append(Problem("misplaced-file", source.shown(name), 1, 1, "", "记录文件应放在所在区的文件夹里",
                                    hint="移到 <区标识>/<机构标识>.yml"))
        elif slash and not rest and top not in district_ids:
            close = "、".join(sorted(district_ids))
            problems.append(Problem("unknown-district-folder", source.shown(top), 1, 1, "", f"文件夹 {top} 不是分类表中的区标识",
                                    hint=f"可用的区标识：{close}"))
        elif rest and top in district_ids:
            if rest.endswith(".yaml"):
                problems.append(Problem("wrong-extension", source.shown(name), 1, 1, "", "记录文件的扩展名应为 .yml",
                                        hint=f"改名为 {rest[:-5]}.yml"))
            elif rest.endswith(".yml"):
                files.append((top, name))
    return files, problems


BLOCK = 2000  # record files read at a time: their texts are held together


def _load_records(source, files: list[tuple[str, str]], choices: dict, memos: dict[str, Memo], tables: str):
    """Yield (record or None, problems) for each record file (folder, name), in order. With a memo (the build cache's
    entry of the file's folder), a file's conversion is kept under its text, its name and `tables`, the digest of the
    choice tables. Of each block's files still to convert, half are converted by a forked child meanwhile: the other
    core idled while the records were read (10,000 records: 7.3 s of CPU, before any other work can start)."""
    for start in range(0, len(files), BLOCK):
        block = []  # (folder, name, shown, text, problems, memo entry)
        for folder, name in files[start : start + BLOCK]:
            text, problems = decode(*_head(source, name))
            shown = source.shown(name)
            entry = key("record", tables, shown, folder, name, text) if text is not None and folder in memos else ""
            block.append((folder, name, shown, text, problems, entry))
        todo = [n for n, (folder, _, _, text, _, entry) in enumerate(block)
                if text is not None and not (entry and memos[folder].has(entry))]
        made = _converted(block, todo, choices)
        for n, (folder, _, _, text, problems, entry) in enumerate(block):
            if text is None:
                yield None, problems
            else:
                yield memos[folder].get(entry, lambda n=n, made=made: made[n]) if entry else made[n]


def _converted(block: list[tuple], todo: list[int], choices: dict) -> dict[int, tuple]:
    """Return the conversion of each of the block's files `todo` by number (half of them converted by a forked child)."""
    def convert(numbers: list[int]) -> list[tuple]:
        return [record_from_text(block[n][3], block[n][2], block[n][0], block[n][1].rsplit("/", 1)[-1][:-4], choices)
                for n in numbers]

    return dict(zip(todo, halved("读取记录", convert, todo)))


def load_directory(source, today: datetime.date | None = None, cache: Path | None = None) -> tuple[Directory | None, list[Problem]]:
    """Load the taxonomy and every record of a folder (or a git.Revision) and run all checks; return (directory or None,
    problems). With `cache` (the build cache's folder), each record's reading is kept there, one entry per folder: ten
    thousand files of their own took longer to write than the records to read (the checks across records run every
    time)."""
    if isinstance(source, str | Path):
        if not Path(source).is_dir():
            return None, [Problem("missing-directory", shown_path(Path(source)), 1, 1, "", "名录目录不存在")]
        source = Folder(source)
    taxonomy, choices, problems = load_taxonomy(source)
    if taxonomy is None:
        return None, problems
    files, problems = _record_files(source, set(choices["districts"]))
    directory = Directory(getattr(source, "root", Path(".")), taxonomy)
    tables = key("tables", repr(sorted(choices.items()))) if cache else ""
    # one entry per folder, under its name as shown: two directories keep theirs apart
    memos = {folder: Memo(cache, "records", tables, source.shown(folder)) for folder in dict.fromkeys(f for f, _ in files)} if cache else {}
    for record, found in _load_records(source, files, choices, memos, tables):
        problems += found
        if record is not None and not has_errors(found):
            directory.records.append(record)
    for memo in memos.values():
        memo.save()
    directory.cycle_files, found = load_cycle(source, source.entries(), choices)
    follow_aliases(directory.cycle_files, directory.records)
    problems += found + check_cycle(directory.cycle_files, directory.records, {n.rsplit("/", 1)[-1][:-4] for _, n in files},
                                 choices.get("evaluation_grades", {}))
    problems += check_directory(directory, today or reference_date())
    return directory, problems


def compare_records(old: dict, new: dict) -> list[tuple[str, object, object]]:
    """Return (dotted field, old value, new value) for each field whose value differs, in the field table's order."""
    changed = []
    for path, _ in leaf_fields():
        parent, _, key = path.rpartition(".")
        before = (old.get(parent) or {}).get(key) if parent else old.get(key)
        after = (new.get(parent) or {}).get(key) if parent else new.get(key)
        if before != after:
            changed.append((path, before, after))
    return changed
