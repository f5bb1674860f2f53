"""The editing tools: diff between git revisions, spreadsheet import (xlsx and GB18030 csv), new from flags."""

import csv
from pathlib import Path

import pytest

from generator.__main__ import main
from generator.read.directory import load_directory
from tests.support import commit, git

ROOT = Path(__file__).parent.parent
BUREAU_HEADINGS = ["机构名称", "区", "层级", "服务功能", "运营单位", "地址", "联系电话", "服务内容", "服务流程", "服务标准", "收费标准",
                   "服务时间", "备注"]
GOOD = ["示例检测中心", "浦东新区", "市级", "质量技术、综合服务", "示例运营有限公司", "上海市浦东新区示例路 9 号", "021-0000-0009",
        "检测", "受理、检测、出报告", "七个工作日", "按目录收费", "工作日 9:00-17:00", "无"]


def rows():
    historical = GOOD.copy()
    historical[0], historical[1] = "试例融资服务站", "南汇区"
    same_pinyin = GOOD.copy()
    same_pinyin[0], same_pinyin[1] = "示例检测中心站", "黄浦区"
    unknown = GOOD.copy()
    unknown[0], unknown[1] = "火星服务站", "火星区"
    missing = GOOD.copy()
    missing[0], missing[10] = "缺少收费标准的站", ""
    duplicate = GOOD.copy()
    duplicate[0] = "示例 检测中心"
    quoted = GOOD.copy()
    quoted[0], quoted[11] = "'=公式开头的中心", "9:00"
    for number, row in enumerate((historical, same_pinyin, unknown, missing, quoted), 10):  # other institutions are elsewhere
        row[5] = f"上海市浦东新区示例路 {number} 号"
    return [BUREAU_HEADINGS, GOOD, historical, same_pinyin, unknown, missing, duplicate, quoted]


def check_report(out: str, root: Path):
    # No 核实日期 column: importing is not verifying, so every row becomes a draft to complete.
    assert "已新增 0 条记录、5 条草稿，已更新 0 条；1 行未能导入。" in out
    assert ("第 3 行：新增草稿 pudong/shi-li-rong-zi-fu-wu-zhan.yml（待补全：最近核实日期）"
            "（营业时间已按“工作日 9:00-17:00”写为 Mo-Fr 09:00-17:00; PH off；旧名称“南汇区”已按“浦东新区”导入）") in out
    assert "第 5 行：未导入：“区”写的是“火星区”，不在分类表中" in out  # the heading as the list writes it
    assert "第 6 行：新增草稿 pudong/que-shao-shou-fei-biao-zhun-de-zhan.yml（待补全：收费标准、最近核实日期）（营业时间已按" in out
    assert "第 7 行：现有记录 pudong/shi-li-jian-ce-zhong-xin.yml 没有修改（营业时间已按" in out
    assert ("按名称只差写法对应现有记录）\n第 7 行：“机构名称”现为“示例检测中心”，表格为“示例 检测中心”，"
            "未修改（要改为表格的写法请加 --overwrite 机构名称）\n"
            "第 8 行：新增草稿") in out  # one sentence a line, each saying one thing
    assert "未使用的列：备注" in out
    written = sorted(p.relative_to(root).as_posix() for p in root.glob("*/*.yml"))
    assert written == ["huangpu/shi-li-jian-ce-zhong-xin-zhan.yml", "pudong/gong-shi-kai-tou-de-zhong-xin.yml",
                       "pudong/que-shao-shou-fei-biao-zhun-de-zhan.yml", "pudong/shi-li-jian-ce-zhong-xin.yml",
                       "pudong/shi-li-rong-zi-fu-wu-zhan.yml"]
    directory, problems = load_directory(root)
    assert [p for p in problems if p.severity == "error"] == []
    record = next(r for r in directory.records if r.id == "shi-li-jian-ce-zhong-xin")
    assert record.data["functions"] == ["quality", "comprehensive"] and record.data["tier"] == "city"
    quoted = next(r for r in directory.records if r.id == "gong-shi-kai-tou-de-zhong-xin")
    assert quoted.data["name"] == "=公式开头的中心" and quoted.data["disclosures"]["hours"] == "9:00"


def test_import_xlsx_with_good_bad_and_historical_rows(target, tmp_path, capsys):
    from openpyxl import Workbook

    book = Workbook()
    for row in rows():
        book.active.append(row)
    book.save(tmp_path / "机构.xlsx")
    assert main(["import", str(tmp_path / "机构.xlsx"), "--directory", str(target)]) == 0
    check_report(capsys.readouterr().out, target)


def test_import_gb18030_csv(target, tmp_path, capsys):
    path = tmp_path / "机构.csv"
    with path.open("w", encoding="gb18030", newline="") as handle:
        csv.writer(handle).writerows(rows())
    assert main(["import", str(path), "--directory", str(target)]) == 0
    check_report(capsys.readouterr().out, target)


def test_import_dry_run_writes_nothing(target, tmp_path, capsys):
    path = tmp_path / "机构.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(rows()[:2])
    assert main(["import", str(path), "--directory", str(target), "--dry-run"]) == 0
    assert "将新增 0 条记录、1 条草稿，将更新 0 条；0 行未能导入。" in capsys.readouterr().out
    assert list(target.glob("*/*.yml")) == []


def test_mapping_file_names_other_headings(target, tmp_path, capsys):
    path = tmp_path / "机构.csv"
    table = rows()[:2]
    table[0][0] = "单位全称"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(table)
    (tmp_path / "map.yml").write_text("单位全称: name\n", encoding="utf-8")
    assert main(["import", str(path), "--directory", str(target), "--mapping", str(tmp_path / "map.yml")]) == 0
    assert [p.name for p in target.glob("*/*.yml")] == ["shi-li-jian-ce-zhong-xin.yml"]


@pytest.mark.parametrize("name", ["directory.csv", "directory.xlsx"])
def test_exports_import_back_to_the_same_published_records(sample_site, target, name, capsys):
    assert main(["import", str(sample_site / "downloads" / name), "--directory", str(target)]) == 0
    original, _ = load_directory(ROOT / "directory")
    imported, problems = load_directory(target)
    assert [p for p in problems if p.severity == "error"] == []
    assert {r.id: r.data for r in imported.records} == {r.id: r.data for r in original.published}


def test_new_from_flags_writes_a_valid_record_and_refuses_to_overwrite(target, capsys):
    flags = ["new", "--directory", str(target), "--name", "新建示例站", "--district", "静安区", "--tier", "street",
             "--functions", "创业辅导", "--operator", "示例公司", "--address", "上海市静安区示例路 1 号", "--phone", "021-0000-0001",
             "--content", "创业辅导", "--process", "预约、辅导", "--standards", "当天回复", "--fees", "免费", "--hours", "9:00-17:00"]
    assert main(flags) == 0
    path = target / "jingan" / "xin-jian-shi-li-zhan.yml"
    assert path.read_text(encoding="utf-8").startswith("# yaml-language-server: $schema=../../schema/institution.schema.json\n")
    directory, problems = load_directory(target)
    assert problems == [] and directory.records[0].data["functions"] == ["startup"]
    assert main([*flags, "--id", "xin-jian-shi-li-zhan"]) == 1
    assert "已存在，不会覆盖" in capsys.readouterr().err


def test_new_without_required_fields_writes_nothing_and_says_what_is_missing_in_labels(target, capsys):
    assert main(["new", "--directory", str(target), "--name", "不完整", "--district", "pudong", "--tier", "city",
                 "--functions", "quality"]) == 1
    assert capsys.readouterr().err == ("记录还不完整，没有写入：运营机构：缺少必填字段（运营机构）；地址：缺少必填字段（地址）；"
                                       "联系方式：缺少必填字段（联系方式）；服务五公开：缺少必填字段（服务五公开）\n")
    assert main(["new", "--directory", str(target), "--name", "不完整"]) == 1
    assert capsys.readouterr().err.startswith("没有写所在区：请用 --district 指定，可选：huangpu（黄浦区）、xuhui（徐汇区）")
    assert list(target.glob("*/*.yml")) == []


def test_new_names_what_it_cannot_read_instead_of_writing_it(target, capsys):
    assert main(["new", "--directory", str(target), "--name", "不完整", "--district", "pudong", "--functions", "质量技术 外卖"]) == 2
    assert capsys.readouterr().err == ("“服务功能”中的“外卖”：没有对应的服务功能（其他说法可加到分类表该项的 aliases）\n"
                                       "请改正 --functions 后再运行。\n")
    assert list(target.glob("*/*.yml")) == []


def test_diff_between_revisions(repo, capsys):
    center = repo / "directory" / "pudong" / "test-center.yml"
    text = center.read_text(encoding="utf-8")
    center.write_text(text.replace('"021-0000-0001"', '"021-0000-0099"').replace("按目录收费，咨询免费", "全部免费")
                      .replace("verified: 2026-10-01", "status: suspended\nverified: 2026-10-01"), encoding="utf-8")
    (repo / "directory" / "huangpu" / "test-finance.yml").unlink()
    added = text.replace("测试检测中心", "新增检测中心").replace("Test Centre", "New Centre").replace("tier: city", "tier: galaxy")
    (repo / "directory" / "pudong" / "new-center.yml").write_text(added, encoding="utf-8")
    (repo / "directory" / "pudong" / "second-center.yml").write_text(
        text.replace("测试检测中心", "第二检测中心").replace("Test Centre", "Second Centre"), encoding="utf-8")
    commit(repo, "head")
    # Deleting a record breaks its address: the summary is printed, and the command fails with the reason.
    assert main(["diff", "HEAD~1", "HEAD", "--repo", str(repo)]) == 1
    out, err = capsys.readouterr()
    assert "huangpu/test-finance.yml（测试融资服务站）被删除或改名，旧网址 /institutions/test-finance/ 将失效。" in err
    assert "## 名录变更摘要（HEAD~1 → HEAD）" in out
    assert "新增 1 家，删除 1 家，停止公开 1 家，修改 1 家。" in out
    assert "### 新增\n- 第二检测中心（`pudong/second-center.yml`）" in out
    assert "### 删除\n- 测试融资服务站（`huangpu/test-finance.yml`）" in out
    assert "### 停止公开\n- 测试检测中心（`pudong/test-center.yml`）" in out
    assert "  - 联系方式·电话：021-0000-0001 → 021-0000-0099" in out  # labels and choice names, not YAML paths and ids
    assert "  - 服务五公开·收费标准：按目录收费，咨询免费 → 全部免费" in out
    assert "  - 状态：（无） → 暂停（不公开）" in out
    assert "### 本次修改引入的数据问题\n- `pudong/new-center.yml` 第 4 行：字段 tier：galaxy 不在分类表" in out


def test_diff_of_an_unknown_revision_is_a_usage_error(tmp_path, capsys):
    git(tmp_path, "init", "-q")
    assert main(["diff", "nope", "HEAD", "--repo", str(tmp_path)]) == 2
    assert "无法读取 git 版本" in capsys.readouterr().err


@pytest.mark.parametrize("bad", ["../outside", "pudong/x", "X", "a b", ".."])
def test_new_refuses_ids_that_are_not_slugs(target, tmp_path, bad, capsys):
    assert main(["new", "--directory", str(target), "--id", bad, "--name", "x", "--district", "pudong"]) == 2
    assert "不合法" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["directory"]


def test_diff_lets_a_draft_go_says_first_publication_and_shows_a_rename(repo, capsys):
    folder = repo / "directory" / "pudong"
    text = (folder / "test-center.yml").read_text(encoding="utf-8")
    draft = text.replace("测试检测中心", "草稿检测中心").replace("verified: 2026-10-01", "status: draft\nverified: 2026-10-01")
    (folder / "draft-one.yml").write_text(draft, encoding="utf-8")
    (folder / "draft-two.yml").write_text(draft.replace("草稿检测中心", "第二草稿中心"), encoding="utf-8")
    (folder / "draft-three.yml").write_text(draft.replace("草稿检测中心", "第三草稿中心"), encoding="utf-8")
    commit(repo, "drafts")
    (folder / "draft-one.yml").unlink()  # a duplicate draft that was never published
    (folder / "draft-two.yml").write_text(draft.replace("草稿检测中心", "第二草稿中心").replace("status: draft\n", ""), encoding="utf-8")
    (folder / "draft-three.yml").unlink()
    (folder / "third-center.yml").write_text(draft.replace("草稿检测中心", "第三草稿中心")
                                             .replace("verified:", "aliases:\n  - draft-three\nverified:")
                                             .replace("tier: city", "tier: street"), encoding="utf-8")
    (folder / "test-center.yml").write_text(text.replace("tier: city", "tier: street"), encoding="utf-8")
    commit(repo, "clean up")
    assert main(["diff", "HEAD~1", "HEAD", "--repo", str(repo)]) == 0
    out = capsys.readouterr().out
    assert "删除 1 家，首次公开 1 家，改名 1 家，修改 3 家。" in out
    assert "### 删除\n- 草稿检测中心（`pudong/draft-one.yml`）（草稿，从未公开）" in out
    assert "### 首次公开\n- 第二草稿中心（`pudong/draft-two.yml`）" in out
    assert "### 改名\n- 第三草稿中心：`pudong/draft-three.yml` → `pudong/third-center.yml`\n" in out
    assert "  - 层级：市级 → 街镇/园区级" in out


def test_diff_lists_the_results_and_bulletin_files_a_change_adds(repo, capsys):
    (repo / "directory" / "evaluations").mkdir()
    (repo / "directory" / "evaluations" / "2025.yml").write_text("results:\n  - {id: test-center, grade: excellent}\n", encoding="utf-8")
    commit(repo, "results")
    assert main(["diff", "HEAD~1", "HEAD", "--repo", str(repo)]) == 0
    out = capsys.readouterr().out
    assert "### 年度评价结果和季度通报\n- `evaluations/2025.yml`：新增（1 家机构）" in out and "没有改变任何机构记录" not in out
