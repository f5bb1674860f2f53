"""Problems found in the directory: data, not exceptions, printed as text, GitHub annotations or JSON."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

ERROR = "error"
WARNING = "warning"
SEVERITY_LABELS = {ERROR: "错误", WARNING: "警告"}


@dataclass(frozen=True)
class Problem:
    code: str
    path: str
    line: int
    column: int
    field: str
    message: str
    severity: str = ERROR
    hint: str = ""

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
    lines.append(f"共 {errors} 个错误，{warnings} 个警告。" if problems else "检查通过：没有发现问题。")
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
