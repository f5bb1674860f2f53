import time

import pytest

from generator.read.load import MAX_DEPTH, Mapping, Scalar, Sequence, parse_yaml


def codes(problems):
    return [(p.code, p.line, p.column) for p in problems]


def test_scalars_stay_strings_with_positions():
    root, problems = parse_yaml("a.yml", "a: 9:00\nb: [no, '1']\n")
    assert problems == []
    assert isinstance(root, Mapping)
    _key, value = root.items["a"]
    assert (value.value, value.line, value.column, value.plain) == ("9:00", 1, 4, True)
    items = root.items["b"][1]
    assert isinstance(items, Sequence)
    assert [(s.value, s.plain) for s in items.items] == [("no", True), ("1", False)]


@pytest.mark.parametrize(
    "value, kind",
    [("9:00", "int"), ("no", "bool"), ("on", "bool"), ("1.10", "float"), ("~", "null"), ("", "null"),
     ("2024-01-01", "timestamp"), ("9:00-17:00", "str"), ("周一 9:00", "str")],
)
def test_implicit_type_reports_what_yaml_1_1_would_read(value, kind):
    assert Scalar(value, 1, 1, True).implicit_type() == kind
    assert Scalar(value, 1, 1, False).implicit_type() == "str"


@pytest.mark.parametrize(
    "text, code, line, message",
    [
        ("a: &x 1\nb: *x\n", "yaml-anchor", 1, "不允许使用锚点 &x"),
        ("a: *x\n", "yaml-alias", 1, "不允许使用别名 *x"),
        ("a: 1\n<<: {b: 2}\n", "yaml-merge-key", 2, "不允许使用合并键 <<"),
        ("a: !!python/object:os.system x\n", "yaml-tag", 1, "不允许使用标签 tag:yaml.org,2002:python/object:os.system"),
        ("a: !custom x\n", "yaml-tag", 1, "不允许使用标签 !custom"),
        ("a: 1\nb: 2\na: 3\n", "yaml-duplicate-key", 3, "字段 a 重复出现（第一次在第 1 行）"),
        ("a: [1\n", "yaml-syntax", 2, None),
        ("a: 1\n---\nb: 2\n", "yaml-multiple-documents", 2, "一个文件只能包含一个 YAML 文档"),
        ("a: " + "[" * 50 + "]" * 50 + "\n", "yaml-too-deep", 1, f"嵌套层数超过 {MAX_DEPTH} 层，记录不需要这么深的结构"),
    ],
)
def test_hazards_are_refused_with_position(text, code, line, message):
    _root, problems = parse_yaml("a.yml", text)
    assert problems[0].code == code
    assert problems[0].line == line
    if message:
        assert problems[0].message == message


def test_alias_bomb_is_refused_fast():
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [*a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}]" for i in range(1, 10)]
    started = time.monotonic()
    root, problems = parse_yaml("bomb.yml", "\n".join(lines) + "\n")
    assert root is None and problems[0].code == "yaml-anchor"
    assert time.monotonic() - started < 1


def test_merge_key_bomb_is_refused_fast():
    text = "a: &a {x: 1}\n" + "".join(f"b{i}: &b{i}\n  <<: [*a, *a, *a]\n" for i in range(30))
    started = time.monotonic()
    _, problems = parse_yaml("merge.yml", text)
    assert problems[0].code == "yaml-anchor"
    assert time.monotonic() - started < 1
    started = time.monotonic()
    _, problems = parse_yaml("merge.yml", "b:\n  <<: [{x: 1}, {y: 2}, {z: 3}]\n")
    assert problems[0].code == "yaml-merge-key"
    assert time.monotonic() - started < 1


def test_fifty_thousand_nested_brackets_do_not_crash_and_stop_early():
    started = time.monotonic()
    root, problems = parse_yaml("deep.yml", "a: " + "[" * 50000 + "]" * 50000 + "\n")
    assert root is None
    assert codes(problems) == [("yaml-too-deep", 1, 4 + MAX_DEPTH - 1)]
    assert time.monotonic() - started < 1


def test_empty_document_gives_no_root_and_no_problem():
    assert parse_yaml("e.yml", "# only a comment\n") == (None, [])
