"""The catalogue of checks: every code the validator, loader and importer emit is declared once, and each one is
triggered here by the smallest input that causes it."""

import re
import shutil
from pathlib import Path

import pytest

from generator.kinds import ID_MAX
from generator.problems import CODES, Problem, has_errors
from generator.read.directory import load_directory
from tests.support import TODAY

SOURCE = Path(__file__).parent.parent / "generator"
RECORD = "pudong/test-center.yml"


def _edit(old: str, new: str):
    def change(root: Path):
        path = root / RECORD
        text = path.read_text(encoding="utf-8")
        assert old in text, old
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return change


def _write(name: str, data: bytes | str):
    def change(root: Path):
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data if isinstance(data, bytes) else data.encode())
    return change


def _twice(first: str, second: str, text: str):
    def change(root: Path):
        _write(first, text)(root)
        _write(second, text)(root)
    return change


def _copy_record(name: str, old: str = "", new: str = ""):
    def change(root: Path):
        text = (root / RECORD).read_text(encoding="utf-8").replace(old, new, 1) if old else (root / RECORD).read_text(encoding="utf-8")
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return change


def _edit_taxonomy(old: str, new: str):
    def change(root: Path):
        path = root / "taxonomy.yml"
        text = path.read_text(encoding="utf-8")
        assert old in text, old
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return change


TRIGGERS = {
    "missing-directory": lambda root: shutil.rmtree(root),
    "missing-taxonomy": lambda root: (root / "taxonomy.yml").unlink(),
    "file-too-large": _write("pudong/big.yml", "name: " + "长" * 400_000 + "\n"),
    "file-not-utf8": _write("pudong/gbk.yml", "name: 测试".encode("gbk")),
    "empty-file": _write("pudong/empty.yml", "# nothing yet\n"),
    "misplaced-file": _write("loose.yml", "name: x\n"),
    "unknown-district-folder": _write("mars/x.yml", "name: x\n"),
    "wrong-extension": _copy_record("pudong/other.yaml"),
    "linked-file": lambda root: (root / "pudong" / "linked.yml").symlink_to("/etc/passwd"),
    "bad-id": _copy_record("pudong/Bad_Name.yml", "测试检测中心", "另一个中心"),
    "yaml-syntax": _edit("name: 测试检测中心", 'name: "测试检测中心'),
    "yaml-alias": _edit("  hours: 周一至周五 9:00-17:00", "  hours: *h"),
    "yaml-anchor": _edit("  hours: 周一至周五 9:00-17:00", "  hours: &h 周一至周五"),
    "yaml-tag": _edit("name: 测试检测中心", "name: !!str 测试检测中心"),
    "yaml-merge-key": _edit("contacts:\n", "contacts:\n  <<: {person: 王}\n"),
    "yaml-duplicate-key": _edit("name_en: Test Centre", "name_en: Test Centre\nname_en: Again"),
    "yaml-complex-key": _edit("name_en: Test Centre", "[a, b]: Test Centre"),
    "yaml-too-deep": _edit("free_services:\n  - 检测咨询", "free_services: [[[[[[[x]]]]]]]"),
    "yaml-multiple-documents": lambda root: (root / RECORD).write_text((root / RECORD).read_text(encoding="utf-8") + "---\nname: x\n",
                                                                       encoding="utf-8"),
    "unknown-field": _edit("name_en: Test Centre", "adress: 示例路"),
    "missing-field": _edit("verified: 2026-10-01", ""),
    "wrong-type": _edit("functions: [quality, comprehensive]", "functions: quality"),
    "empty-value": _edit("operator: 测试运营有限公司", "operator: ''"),
    "unquoted-value": _edit("  hours: 周一至周五 9:00-17:00", "  hours: 9:00"),
    "multiline-value": _edit("name: 测试检测中心", 'name: "测试\\n检测中心"'),
    "too-long": _edit("name: 测试检测中心", "name: " + "长" * 101),
    "invisible-character": _edit("name: 测试检测中心", "name: 测试\u200b检测中心"),
    "control-character": _edit("name: 测试检测中心", 'name: "测试\\x7f检测中心"'),
    "markup-character": _edit_taxonomy("name: 浦东新区", "name: <b>浦东新区</b>"),
    "placeholder-value": _edit("  fees: 按目录收费，咨询免费", "  fees: 待补充"),
    "unknown-choice": _edit("tier: city", "tier: 市级"),
    "bad-url": _edit("https://test-center.example.org/", "www.example.org"),
    "private-website": _edit("https://test-center.example.org/", "http://2130706433/"),
    "bad-email": _edit("service@test-center.example.org", "service.example.org"),
    "bad-phone": _edit('"021-0000-0001"', '"电话待定"'),
    "bad-credit-code": _edit("91310115MA1K000003", "91310115MA1K000004"),
    "out-of-range": _edit("satisfaction: 0.95", "satisfaction: 95"),
    "bad-postal-code": _edit("address: 上海市浦东新区示例路 1 号", "address: 上海市浦东新区示例路 1 号\npostal_code: 12345"),
    "fee-range-reversed": _edit("  hours: 周一至周五 9:00-17:00",
                                "  hours: 周一至周五 9:00-17:00\nfee_items:\n  - {item: 检测, amount: 500, amount_max: 100}"),
    "bad-opening-hours": _edit("  hours: 周一至周五 9:00-17:00", "  hours: 周一至周五 9:00-17:00\nopening_hours: Mo-Fr 9-17:00x"),
    "bad-date": _edit("verified: 2026-10-01", "verified: 2026-02-30"),
    "duplicate-item": _edit("functions: [quality, comprehensive]", "functions: [quality, quality]"),
    "too-few-items": _edit("functions: [quality, comprehensive]", "functions: []"),
    "missing-disclosure": _edit_taxonomy("key: hours", "key: content"),
    "district-folder-mismatch": _edit("district: pudong", "district: huangpu"),
    "duplicate-id": _copy_record("huangpu/test-center.yml", "测试检测中心", "另一个中心"),
    "duplicate-name": _copy_record("pudong/test-center-2.yml"),
    "alias-collision": _edit("verified: 2026-10-01", "verified: 2026-10-01\naliases: [test-finance]"),
    "verification-overdue": _edit("verified: 2026-10-01", "verified: 2024-01-01"),
    "title-expired": _edit("expires: 2099-12-31", "expires: 2019-12-31"),
    "below-tier-criteria": _edit("floor_area_m2: 5000", "floor_area_m2: 100"),
    "revoked-with-title": _edit("verified: 2026-10-01", "verified: 2026-10-01\nstatus: revoked"),
    "bad-cycle-file": _write("evaluations/2025年.yml", "results: []\n"),
    "duplicate-cycle-file": _twice("bulletins/2025-Q3.yml", "bulletins/2025-q3.yml", "figures:\n  - {id: test-center, demands: 1}\n"),
    "unknown-record": _write("evaluations/2025.yml", "results:\n  - {id: no-such-center, grade: pass}\n"),
    "evaluation-conflict": _write("evaluations/2025.yml", "results:\n  - {id: test-center, grade: pass}\n"),
}


WARNINGS = {"verification-overdue", "title-expired", "below-tier-criteria", "revoked-with-title", "private-website"}


def test_every_catalogued_code_has_a_trigger_here():
    assert sorted(TRIGGERS) == sorted(CODES)


@pytest.mark.parametrize("code", sorted(TRIGGERS))
def test_each_code_is_emitted_by_its_smallest_cause(code, valid_dir):
    root = valid_dir
    TRIGGERS[code](root)
    _, problems = load_directory(root, TODAY)
    assert code in {p.code for p in problems}, [(p.code, p.message) for p in problems]
    # A warning leaves the data publishable; an error stops the build. Judged from this test's own list, not from CODES.
    expected = "warning" if code in WARNINGS else "error"
    assert {p.severity for p in problems if p.code == code} == {expected}
    assert has_errors(problems) == (expected == "error"), [(p.code, p.severity) for p in problems]


def test_every_code_written_in_the_source_is_catalogued():
    pattern = re.compile(r'(?:Problem|report|problem)\(\s*"([a-z0-9-]+)"|_problem\(record, "[a-z_]+", "([a-z0-9-]+)"')
    written = {a or b for path in SOURCE.rglob("*.py") for a, b in pattern.findall(path.read_text(encoding="utf-8"))}
    assert len(written) > 30
    assert written - set(CODES) == set()


def test_a_code_outside_the_catalogue_cannot_be_reported():
    with pytest.raises(ValueError, match="not in problems.CODES"):
        Problem("no-such-code", "x.yml", 1, 1, "", "…")


def test_every_catalogue_entry_says_what_it_means_how_to_fix_it_and_gives_an_example():
    for code, check in CODES.items():
        assert check.severity in ("error", "warning") and check.title and check.fix and check.example, code


def test_id_rule_limit_is_shared_by_file_names(valid_dir):
    root = valid_dir
    _copy_record(f"pudong/{'a' * (ID_MAX + 1)}.yml", "测试检测中心", "另一个中心")(root)
    _, problems = load_directory(root, TODAY)
    assert [p.code for p in problems if p.severity == "error"] == ["bad-id"]
