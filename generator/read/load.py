"""Safe YAML reading: text → a tree of string scalars with positions, and problems; never raises on bad data.

Hazards (aliases, anchors, merge keys, tags, duplicate keys, deep nesting) are refused at the event level,
before any Python object is built, so a hostile file costs milliseconds and cannot crash the process.
"""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..problems import Problem

MAX_BYTES = 1024 * 1024
LINKED = -1  # the size read_head gives a symbolic link
MAX_DEPTH = 6

_Parser = getattr(yaml, "CLoader", yaml.SafeLoader)
_resolver = yaml.resolver.Resolver()


@dataclass
class Scalar:
    value: str
    line: int
    column: int
    plain: bool

    def implicit_type(self) -> str:
        """Return what YAML 1.1 would read a plain scalar as: str, int, float, bool, null or timestamp."""
        if not self.plain:
            return "str"
        tag = _resolver.resolve(yaml.ScalarNode, self.value, (True, False))
        return tag.rsplit(":", 1)[-1]


@dataclass
class Mapping:
    line: int
    column: int
    items: dict[str, tuple[Scalar, object]] = field(default_factory=dict)


@dataclass
class Sequence:
    line: int
    column: int
    items: list = field(default_factory=list)


class _Stop(Exception):
    """Parsing of this file ends here; the problem is already recorded."""


class _TreeBuilder:
    def __init__(self, path: str, text: str):
        self.path = path
        self.parser = _Parser(text)
        self.problems: list[Problem] = []
        self.depth = 0

    def problem(self, code: str, mark, message: str, hint: str = "", fatal: bool = False) -> None:
        self.problems.append(Problem(code, self.path, mark.line + 1, mark.column + 1, "", message, hint=hint))
        if fatal:
            raise _Stop

    def next_event(self):
        event = self.parser.get_event()
        if isinstance(event, yaml.AliasEvent):
            self.problem("yaml-alias", event.start_mark, f"不允许使用别名 *{event.anchor}", "记录中请直接写出内容，不要用 & 和 *",
                         fatal=True)
        if getattr(event, "anchor", None):
            self.problem("yaml-anchor", event.start_mark, f"不允许使用锚点 &{event.anchor}", "记录中请直接写出内容，不要用 & 和 *",
                         fatal=True)
        if getattr(event, "tag", None):
            self.problem("yaml-tag", event.start_mark, f"不允许使用标签 {event.tag}", "请删除 ! 开头的标签", fatal=True)
        return event

    def build(self):
        """Return the single document's root node (or None) after checking the event stream."""
        self.next_event()  # stream start
        event = self.next_event()
        if isinstance(event, yaml.StreamEndEvent):
            return None
        root = self.node(self.next_event())
        self.next_event()  # document end
        event = self.next_event()
        if not isinstance(event, yaml.StreamEndEvent):
            self.problem("yaml-multiple-documents", event.start_mark, "一个文件只能包含一个 YAML 文档", "请删除多余的 --- 分隔行")
        return root

    def node(self, event):
        mark = event.start_mark
        if isinstance(event, yaml.ScalarEvent):
            return Scalar(event.value, mark.line + 1, mark.column + 1, event.implicit[0])
        self.depth += 1
        if self.depth > MAX_DEPTH:
            self.problem("yaml-too-deep", mark, f"嵌套层数超过 {MAX_DEPTH} 层，记录不需要这么深的结构", fatal=True)
        if isinstance(event, yaml.SequenceStartEvent):
            node = Sequence(mark.line + 1, mark.column + 1)
            while not isinstance(event := self.next_event(), yaml.SequenceEndEvent):
                node.items.append(self.node(event))
        else:
            node = Mapping(mark.line + 1, mark.column + 1)
            while not isinstance(event := self.next_event(), yaml.MappingEndEvent):
                self.mapping_item(node, event)
        self.depth -= 1
        return node

    def mapping_item(self, node: Mapping, key_event) -> None:
        key_mark = key_event.start_mark
        key = self.node(key_event)
        value = self.node(self.next_event())
        if not isinstance(key, Scalar):
            self.problem("yaml-complex-key", key_mark, "字段名必须是简单的文字")
        elif key.plain and key.value == "<<":
            self.problem("yaml-merge-key", key_mark, "不允许使用合并键 <<", "记录中请直接写出每个字段", fatal=True)
        elif key.value in node.items:
            first = node.items[key.value][0]
            self.problem("yaml-duplicate-key", key_mark, f"字段 {key.value} 重复出现（第一次在第 {first.line} 行）",
                         "请删除其中一个，只保留正确的值")
        else:
            node.items[key.value] = (key, value)


def parse_yaml(path: str, text: str) -> tuple[object, list[Problem]]:
    """Parse YAML text into a node tree; return (root or None, problems)."""
    builder = _TreeBuilder(path, text)
    root = None
    try:
        root = builder.build()
    except _Stop:
        root = None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        reason = exc.problem or "无法解析"
        builder.problems.append(Problem("yaml-syntax", path, mark.line + 1, mark.column + 1, "", f"YAML 格式错误：{reason}",
                                        hint="检查缩进、冒号后的空格和引号是否成对"))
        root = None
    except yaml.YAMLError as exc:
        builder.problems.append(Problem("yaml-syntax", path, 1, 1, "", f"YAML 格式错误：{exc}"))
        root = None
    return root, builder.problems


def decode(data: bytes, shown: str, size: int | None = None) -> tuple[str | None, list[Problem]]:
    """Decode a file's bytes as UTF-8 (a BOM is accepted), refusing more than 1 MB; return (text or None, problems).

    `size` is the file's whole size when `data` holds only its first MAX_BYTES + 1 bytes.
    """
    size = len(data) if size is None else size
    if size == LINKED:
        return None, [Problem("linked-file", shown, 1, 1, "", "是符号链接，没有读取", hint="把记录文件本身放进名录目录，不要用链接")]
    if size > MAX_BYTES:
        return None, [Problem("file-too-large", shown, 1, 1, "", f"文件有 {size} 字节，超过 1 MB 的上限",
                              hint="一条记录不需要这么大，请检查是否粘贴了多余内容")]
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, [Problem("file-not-utf8", shown, line, column, "", "文件不是 UTF-8 编码", hint="请用编辑器把文件另存为 UTF-8 编码")]


def read_head(path: Path) -> tuple[bytes, int]:
    """Return a file's first MAX_BYTES + 1 bytes (enough to refuse a large file without reading it) and its size;
    for a symbolic link, nothing and LINKED (it may point at any file of the machine, and messages quote lines)."""
    try:
        handle = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return b"", LINKED
        raise
    with os.fdopen(handle, "rb") as stream:
        return stream.read(MAX_BYTES + 1), os.fstat(stream.fileno()).st_size


def load_yaml_file(path: Path, shown: str) -> tuple[object, list[Problem]]:
    """Read and parse one YAML file; return (root node or None, problems)."""
    data, size = read_head(path)
    text, problems = decode(data, shown, size)
    if text is None:
        return None, problems
    return parse_yaml(shown, text)
