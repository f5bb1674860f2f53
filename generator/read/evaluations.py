"""Reading the evaluation cycle's own files beside the records: yearly results (evaluations/<year>.yml) and quarterly
bulletins (bulletins/<year>-Q<n>.yml), converted through the field table like records, every problem with its position."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..kinds import MISSING, Context
from ..problems import Problem
from ..schema import BULLETIN_FILE, EVALUATION_FILE
from .load import Mapping, Sequence, decode, parse_yaml

EVALUATIONS = "evaluations"
BULLETINS = "bulletins"
FOLDERS = (EVALUATIONS, BULLETINS)
# The form editor writes file names in lower case (2026-q1.yml); the importer writes 2026-Q1.yml: both are read.
_NAMES = {EVALUATIONS: re.compile(r"(\d{4})\.yml"), BULLETINS: re.compile(r"(\d{4})-[Qq]([1-4])\.yml")}
_EXAMPLES = {EVALUATIONS: "evaluations/2025.yml", BULLETINS: "bulletins/2025-Q3.yml"}
_ENTRIES = {EVALUATIONS: "results", BULLETINS: "figures"}


@dataclass
class CycleFile:
    """One results or bulletin file: its year (and quarter), its data, and where each institution's entry sits."""

    kind: str  # EVALUATIONS or BULLETINS
    year: int
    quarter: int  # 0 for yearly results
    path: str
    data: dict
    positions: dict[str, tuple[int, int]] = field(default_factory=dict)  # record id → line and column of its entry

    @property
    def entries(self) -> list[dict]:
        """Return the file's entries: one per institution."""
        return self.data[_ENTRIES[self.kind]]


def is_cycle_file(name: str) -> bool:
    """Return True when a path below the directory folder belongs to the evaluation cycle, not to a district."""
    return name.partition("/")[0] in FOLDERS


def _positions(node, key: str) -> dict[str, tuple[int, int]]:
    found = {}
    entries = node.items.get(key, (None, None))[1] if isinstance(node, Mapping) else None
    for child in entries.items if isinstance(entries, Sequence) else []:
        item = child.items.get("id") if isinstance(child, Mapping) else None
        if item is not None and getattr(item[1], "value", None) is not None:
            found.setdefault(item[1].value, (child.line, child.column))
    return found


def load_cycle_file(source, name: str, choices: dict) -> tuple[CycleFile | None, list[Problem]]:
    """Read one file of evaluations/ or bulletins/; return (file or None, problems)."""
    folder, _, rest = name.partition("/")
    shown = source.shown(name)
    match = _NAMES[folder].fullmatch(rest)
    if match is None:
        return None, [Problem("bad-cycle-file", shown, 1, 1, "", f"文件名 {rest} 不是{'年份' if folder == EVALUATIONS else '年份和季度'}",
                              hint=f"写成 {_EXAMPLES[folder]}")]
    data, size = source.read(name)
    text, problems = decode(data, shown, size)
    if text is None:
        return None, problems
    node, found = parse_yaml(shown, text)
    if found or node is None:
        return None, found or [Problem("empty-file", shown, 1, 1, "", "文件是空的", hint="删除这个文件，或填写内容")]
    ctx = Context(shown, choices)
    value = (EVALUATION_FILE if folder == EVALUATIONS else BULLETIN_FILE).convert(node, (), ctx)
    if value is MISSING:
        return None, ctx.problems
    quarter = int(match.group(2)) if folder == BULLETINS else 0
    if isinstance(value.get(_ENTRIES[folder]), list):  # an entry without a valid id has its problem already: nothing to apply
        value[_ENTRIES[folder]] = [e for e in value[_ENTRIES[folder]] if isinstance(e, dict) and "id" in e]
    return CycleFile(folder, int(match.group(1)), quarter, shown, value, _positions(node, _ENTRIES[folder])), ctx.problems


def load_cycle(source, names: list[str], choices: dict) -> tuple[list[CycleFile], list[Problem]]:
    """Read every results and bulletin file among the directory's entries; return (files, problems)."""
    files, problems, seen = [], [], {}
    for name in names:
        if not is_cycle_file(name) or name.endswith("/"):
            continue
        loaded, found = load_cycle_file(source, name, choices)
        problems += found
        if loaded is None or _ENTRIES[loaded.kind] not in loaded.data:
            continue
        first = seen.setdefault((loaded.kind, loaded.year, loaded.quarter), name)
        if first != name:
            same = "季度" if loaded.quarter else "年"
            problems.append(Problem("duplicate-cycle-file", loaded.path, 1, 1, "", f"与 {first} 是同一{same}的文件",
                                    hint="把两个文件合并成一个，删除另一个"))
            continue
        files.append(loaded)
    return files, problems


def follow_aliases(files: list[CycleFile], records: list) -> None:
    """Read an entry that names a renamed record by its former id (the record's `aliases`) as naming the record."""
    current = {alias: r.id for r in records for alias in r.data.get("aliases", [])}
    for cycle_file in files:
        ids = {e["id"] for e in cycle_file.entries}
        for entry in cycle_file.entries:
            new = current.get(entry["id"])
            if new and new not in ids:
                cycle_file.positions[new] = cycle_file.positions.get(entry["id"], (1, 1))
                ids.add(new)
                entry["id"] = new


def _grade(grade: str, names: dict[str, str]) -> str:
    return f"{names[grade]}（{grade}）" if grade in names else grade


def check_cycle(files: list[CycleFile], records: list, known_ids: set[str], names: dict[str, str]) -> list[Problem]:
    """Every entry names an existing record; a record's own `evaluations` agree with the year's results file (names:
    the taxonomy's names of the grades, for the message)."""
    problems = []
    for cycle_file in files:
        for entry in cycle_file.entries:
            if entry["id"] not in known_ids:
                line, column = cycle_file.positions.get(entry["id"], (1, 1))
                problems.append(Problem("unknown-record", cycle_file.path, line, column, "id", f"机构标识 {entry['id']} 没有对应的记录",
                                        hint="写 <区标识>/<机构标识>.yml 的机构标识", location=("id",), value=entry["id"]))
    grades = {(f.year, e["id"]): e.get("grade") for f in files if f.kind == EVALUATIONS for e in f.entries}
    for record in records:
        for own in record.data.get("evaluations", []):
            theirs = grades.get((own["year"], record.id))
            if theirs and theirs != own["grade"]:
                line, column = record.position("evaluations")
                problems.append(Problem("evaluation-conflict", record.path, line, column, "evaluations",
                                        f"{own['year']} 年写的等次 {_grade(own['grade'], names)} 与 {EVALUATIONS}/{own['year']}.yml 中的 "
                                        f"{_grade(theirs, names)} 不一致",
                                        hint="以年度评价结果文件为准：改成同一等次，或删除记录中这一年的一项", location=("evaluations",)))
    return problems
