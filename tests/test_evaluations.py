"""The evaluation cycle: results and bulletin files checked like records, the taxonomy's rules applied by the model
(cancelled titles, warnings from the ranking, lists), the pages, the feed, `check`, the exports and the import."""

import csv
import datetime
import io
import json
import subprocess
import sys
from pathlib import Path

from generator.model.model import load_model
from generator.model.upkeep import findings
from generator.problems import format_text
from generator.read.directory import load_directory
from generator.table import columns
from generator.write.exports import export_rows
from generator.write.feed import announcements
from generator.write.hsds import hsds_rows
from generator.write.pages import render_evaluation, render_institution
from tests.support import ROOT

RULES = """
evaluation_rules:
  ranking: tier
  cancel_grades: [fail]
  cancel_from: {cancel_from}
  cancel_reason: "{{year}} 年度评价{{grade}}，取消称号"
  warnings:
    - {{id: yellow-card, name: 黄牌警告}}
    - {{id: replace-operator, name: 建议更换运营单位, years: 2, tiers: [city]}}
  lists:
    - {{id: white, name: 白名单, grades: [excellent]}}
    - {{id: black, name: 黑名单, grades: [fail]}}
"""


def with_rules(directory: Path, cancel_from: str = "published") -> Path:
    taxonomy = directory / "taxonomy.yml"
    taxonomy.write_text(taxonomy.read_text(encoding="utf-8") + RULES.format(cancel_from=cancel_from), encoding="utf-8")
    return directory


def add_center(directory: Path, record_id: str, name: str) -> None:
    """Another city-tier record like test-center, without its title, credit code and own grades."""
    text = (directory / "pudong" / "test-center.yml").read_text(encoding="utf-8")
    dropped = ("credit_code", "demonstration", "  - {level", "evaluations", "  - {year")
    kept = [line for line in text.splitlines() if not line.startswith(dropped)]
    (directory / "pudong" / f"{record_id}.yml").write_text("\n".join(kept).replace("测试检测中心", name) + "\n", encoding="utf-8")


def results(directory: Path, year: int, lines: str, published: str | None = None) -> None:
    folder = directory / "evaluations"
    folder.mkdir(exist_ok=True)
    head = f"published: {published}\n" if published else ""
    (folder / f"{year}.yml").write_text(head + "results:\n" + lines, encoding="utf-8")


def three_centers(directory: Path) -> Path:
    add_center(directory, "second-center", "第二检测中心")
    add_center(directory, "third-center", "第三检测中心")
    results(directory, 2024, "  - {id: test-center, score: 90, rank: 1, grade: excellent}\n"
                             "  - {id: second-center, score: 80, rank: 2, grade: pass}\n"
                             "  - {id: third-center, score: 70, rank: 3, grade: pass}\n", "2024-12-20")
    results(directory, 2025, "  - {id: test-center, score: 91, grade: excellent}\n"
                             "  - {id: second-center, score: 60, grade: pass}\n"
                             "  - {id: third-center, score: 75, grade: pass}\n", "2025-12-20")
    return directory


def model_of(directory: Path, today=datetime.date(2026, 3, 1)):
    model, problems = load_model(directory, today)
    assert model is not None and not [p for p in problems if p.severity == "error"], format_text(problems)
    return model


def test_fail_grade_cancels_a_national_title_from_the_day_the_results_are_published(valid_dir):
    with_rules(valid_dir)
    results(valid_dir, 2025, "  - {id: test-center, score: 50, grade: fail}\n", "2026-01-15")
    (valid_dir / "pudong" / "test-center.yml").write_text(
        (valid_dir / "pudong" / "test-center.yml").read_text(encoding="utf-8").replace("grade: excellent", "grade: fail"), encoding="utf-8")
    before = model_of(valid_dir, datetime.date(2026, 1, 14))
    record = next(r for r in before.records if r.id == "test-center")
    assert [t["level"] for t in before.titles(record)["current"]] == ["national"]
    after = model_of(valid_dir, datetime.date(2026, 1, 15))
    record = next(r for r in after.records if r.id == "test-center")
    titles = after.titles(record)
    assert titles == {"current": [], "expired": []}
    assert [(c.title["level"], c.date, c.reason) for c in after.cancelled_titles(record)] == [
        ("national", datetime.date(2026, 1, 15), "2025 年度评价不合格，取消称号")]
    assert after.badges["test-center"] is None
    html = render_institution(after, record, "", "").html
    assert "国家级示范平台 2024（已取消）" in html
    assert "国家级示范平台称号（2024 年认定）自 2026-01-15 起取消：2025 年度评价不合格，取消称号。" in html
    assert "dir-badge--national" not in html
    assert after.record_data(record)["cancelled_titles"] == [
        {"level": "national", "year": 2024, "expires": datetime.date(2099, 12, 31), "cancelled": datetime.date(2026, 1, 15),
         "reason": "2025 年度评价不合格，取消称号"}]


def test_following_checks_advice_on_a_cancelled_title_leaves_nothing_to_do(valid_dir):
    with_rules(valid_dir)
    results(valid_dir, 2025, "  - {id: test-center, score: 50, grade: fail}\n", "2026-01-15")
    record = valid_dir / "pudong" / "test-center.yml"
    record.write_text(record.read_text(encoding="utf-8").replace("grade: excellent", "grade: fail"), encoding="utf-8")
    day = datetime.date(2026, 3, 1)
    todo = [f.todo for f in findings(model_of(valid_dir, day).directory, day) if f.kind.startswith("title-")]
    assert len(todo) == 1 and "请在这一项写上 expires: 2026-01-15，或删除这一项" in todo[0]
    record.write_text(record.read_text(encoding="utf-8").replace("expires: 2099-12-31", "expires: 2026-01-15"), encoding="utf-8")
    assert [f.kind for f in findings(model_of(valid_dir, day).directory, day) if f.kind.startswith("title-")] == []


def test_cancel_from_year_end_cancels_on_the_last_day_of_the_evaluation_year(valid_dir):
    with_rules(valid_dir, "year_end")
    results(valid_dir, 2025, "  - {id: test-center, grade: fail}\n")
    (valid_dir / "pudong" / "test-center.yml").write_text(
        (valid_dir / "pudong" / "test-center.yml").read_text(encoding="utf-8").replace("grade: excellent", "grade: fail"), encoding="utf-8")
    model = model_of(valid_dir, datetime.date(2025, 12, 30))
    record = next(r for r in model.records if r.id == "test-center")
    assert model.cancelled_titles(record) == []
    found = [f.todo for f in findings(model.directory, datetime.date(2025, 12, 30)) if f.kind == "title-cancelling"]
    assert found == ["国家级示范平台称号（2024 年认定）将于 2025-12-31 取消（2025 年度评价不合格，取消称号）：请通知机构"]
    later = model_of(valid_dir, datetime.date(2025, 12, 31))
    assert [c.date for c in later.cancelled_titles(record)] == [datetime.date(2025, 12, 31)]
    found = [f.todo for f in findings(later.directory, datetime.date(2025, 12, 31)) if f.kind.startswith("title-cancel")]
    assert found == [("国家级示范平台称号（2024 年认定）已于 2025-12-31 取消（2025 年度评价不合格，取消称号）：网站显示为已取消；"
                      "请在这一项写上 expires: 2025-12-31，或删除这一项")]


def test_last_place_two_years_in_a_row_yields_the_operator_notice(valid_dir):
    model = model_of(three_centers(with_rules(valid_dir)))
    notices = [(n.year, n.record_id, n.name) for n in model.cycle.notices]
    assert sorted(notices) == [(2024, "third-center", "黄牌警告"), (2025, "second-center", "黄牌警告")]
    # second-center is last in 2025 only; make it last in 2024 too
    results(valid_dir, 2024, "  - {id: test-center, score: 90, rank: 1, grade: excellent}\n"
                             "  - {id: third-center, score: 80, rank: 2, grade: pass}\n"
                             "  - {id: second-center, score: 70, rank: 3, grade: pass}\n", "2024-12-20")
    model = model_of(valid_dir)
    assert sorted((n.year, n.record_id, n.name) for n in model.cycle.notices) == [
        (2024, "second-center", "黄牌警告"), (2025, "second-center", "建议更换运营单位"), (2025, "second-center", "黄牌警告")]
    assert [r.rank for r in model.cycle.results[2025]] == [1, 2, 3]  # ranked by score where the list gave no rank
    record = next(r for r in model.records if r.id == "second-center")
    html = render_institution(model, record, "", "").html
    assert "<strong class=\"dir-warning\">建议更换运营单位</strong>：2024—2025 年度评价连续 2 年在同组排名末位。" in html
    assert "<strong class=\"dir-warning\">黄牌警告</strong>：2024 年度评价在同组排名末位。" in html
    page = render_evaluation(model, 2025).html
    assert "<strong class=\"dir-warning\">黄牌警告</strong> <strong class=\"dir-warning\">建议更换运营单位</strong>" in page
    assert model.evaluation(record) == {"year": 2025, "grade": "pass", "score": 60.0, "rank": 3,
                                        "warnings": ["黄牌警告", "建议更换运营单位"]}


def test_the_lists_are_derived_from_the_grades(valid_dir):
    model = model_of(three_centers(with_rules(valid_dir)))
    assert [(entry["name"], ids) for entry, ids in model.cycle.lists(2025)] == [("白名单", ["test-center"]), ("黑名单", [])]
    page = render_evaluation(model, 2025).html
    assert "2025 年度评为优秀的机构（共 1 家）：" in page and "2025 年度评为不合格的机构（共 0 家）：无。" in page


def test_a_city_without_these_rules_shows_none_of_it(valid_dir):
    model = model_of(three_centers(valid_dir))
    assert model.cycle.notices == [] and model.cycle.cancellations == [] and model.cycle.lists(2025) == []
    page = render_evaluation(model, 2025).html
    record = next(r for r in model.records if r.id == "second-center")
    html = render_institution(model, record, "", "").html
    for text in ("黄牌", "更换运营单位", "白名单", "黑名单", "已取消", "dir-warning"):
        assert text not in page and text not in html
    assert "最近评价警告" not in [c.heading for c in columns(model.taxonomy)]
    tables, _ = hsds_rows(model)
    assert "评价警告" not in [t["name"] for t in tables["taxonomies"]]


def test_results_files_are_checked_like_records(valid_dir):
    folder = valid_dir / "evaluations"
    folder.mkdir()
    (folder / "2025.yml").write_text("results:\n  - {id: test-center, score: 九十, grade: excellent}\n"
                                     "  - {id: no-such-center, grade: pass}\n"
                                     "  - {id: test-center, grade: excellent}\n  - {id: test-finance, score: 70, grade: fail}\n",
                                     encoding="utf-8")
    (folder / "2025年.yml").write_text("results: []\n", encoding="utf-8")
    (valid_dir / "bulletins").mkdir()
    (valid_dir / "bulletins" / "2025-Q3.yml").write_text("figures:\n  - {id: test-center, demands: 三}\n", encoding="utf-8")
    (valid_dir / "huangpu" / "test-finance.yml").write_text(
        (valid_dir / "huangpu" / "test-finance.yml").read_text(encoding="utf-8") + "evaluations:\n  - {year: 2025, grade: pass}\n",
        encoding="utf-8")
    _, problems = load_directory(valid_dir, datetime.date(2026, 3, 1))
    shown = {f"{Path(p.path).resolve().relative_to(valid_dir.resolve()).as_posix()}:{p.line}:{p.column} [{p.code}] {p.describe()}"
             for p in problems if p.severity == "error"}
    assert shown == {
        "evaluations/2025.yml:2:30 [out-of-range] 字段 results[1].score：应为 0 到 1000 之间的分数，这里写的是 九十（只写数字）",
        ("evaluations/2025.yml:3:5 [unknown-record] 字段 id：机构标识 no-such-center 没有对应的记录"
         "（写 <区标识>/<机构标识>.yml 的机构标识）"),
        "evaluations/2025.yml:4:5 [duplicate-item] 字段 results[3]：test-center 与第 1 项重复",
        "evaluations/2025年.yml:1:1 [bad-cycle-file] 文件名 2025年.yml 不是年份（写成 evaluations/2025.yml）",
        "bulletins/2025-Q3.yml:2:32 [wrong-type] 字段 figures[1].demands：应为整数，这里写的是 三（只写阿拉伯数字，如 2023）",
        "huangpu/test-finance.yml:" + _line(valid_dir / "huangpu" / "test-finance.yml", "evaluations:") +
        ":3 [evaluation-conflict] 字段 evaluations：2025 年写的等次 合格（pass） 与 evaluations/2025.yml 中的 不合格（fail） 不一致"
        "（以年度评价结果文件为准：改成同一等次，或删除记录中这一年的一项）",
    }


def _line(path: Path, start: str) -> str:
    return str(next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if line.startswith(start)) + 1)


def test_results_published_after_the_day_do_not_count_yet(valid_dir):
    with_rules(valid_dir)
    results(valid_dir, 2025, "  - {id: test-center, grade: excellent}\n  - {id: test-finance, grade: fail}\n", "2026-01-15")
    # the records' own grades of that year wait for the file's date too
    assert model_of(valid_dir, datetime.date(2026, 1, 14)).cycle.years == []
    assert model_of(valid_dir, datetime.date(2026, 1, 15)).cycle.lists(2025)[1][1] == ["test-finance"]


def test_the_feed_announces_the_results_and_the_cancelled_title(valid_dir):
    with_rules(valid_dir)
    results(valid_dir, 2025, "  - {id: test-center, score: 50, grade: fail}\n"
                             "  - {id: test-finance, score: 80, grade: pass}\n", "2026-01-15")
    (valid_dir / "pudong" / "test-center.yml").write_text(
        (valid_dir / "pudong" / "test-center.yml").read_text(encoding="utf-8").replace("grade: excellent", "grade: fail"), encoding="utf-8")
    news = announcements(model_of(valid_dir))
    assert [(n.date, n.title, n.page, n.summary) for n in news] == [
        ("2026-01-15T00:00:00Z", "2025 年度评价结果公布", "evaluations/2025/", "共 2 家机构：合格 1 家、不合格 1 家。"),
        ("2026-01-15T00:00:00Z", "取消称号：测试检测中心", "institutions/test-center/",
         "国家级示范平台称号（2024 年认定）自 2026-01-15 起取消：2025 年度评价不合格，取消称号。")]


def test_exports_and_hsds_carry_grade_rank_and_warnings(valid_dir):
    model = model_of(three_centers(with_rules(valid_dir)))
    headings, rows = export_rows(model)
    row = dict(zip(headings, next(r for r in rows if r[0] == "second-center")))
    assert (row["最近评价年度"], row["最近评价等次"], row["最近评价得分"], row["最近评价组内排名"], row["最近评价警告"]) == (
        "2025", "合格", "60", "3", "黄牌警告")
    tables, _ = hsds_rows(model)
    terms = {t["id"]: t["code"] for t in tables["taxonomy_terms"]}
    values = {(terms[a["taxonomy_term_id"]], a["value"]) for a in tables["attributes"]}
    assert ("evaluation_grades:pass", "2025；得分 60；组内排名 3") in values
    assert ("evaluation_warnings:yellow-card", "2025") in values


def run_import(directory: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", "import", "--directory", str(directory), *args], cwd=ROOT,
                          capture_output=True, text=True, check=False)


def test_import_of_a_published_ranking_matches_by_credit_code_and_name(valid_dir, tmp_path):
    add_center(valid_dir, "second-center", "第二检测中心")
    sheet = tmp_path / "结果.csv"
    buffer = io.StringIO()
    csv.writer(buffer).writerows([["关于公布2025年度平台评价结果的通报"], ["序号", "平台名称", "统一社会信用代码", "得分", "排名", "等次"],
                                  ["1", "", "91310115MA1K000003", "95.5", "1", "优秀"], ["2", "第二 检测中心", "", "81", "2", "合格"],
                                  ["3", "外地检测中心", "", "60", "3", "合格"], ["4", "测试融资服务站", "", "七十", "4", "合格"]])
    sheet.write_text(buffer.getvalue(), encoding="gb18030")
    result = run_import(valid_dir, "--evaluations", "2025", str(sheet))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"已写入 {valid_dir / 'evaluations' / '2025.yml'}：2 家机构；2 行未能对应。",
        "未使用的列：序号",
        "第 3 行：对应 test-center",
        "第 4 行（第二 检测中心）：对应 second-center",
        "第 5 行（外地检测中心）：名录中找不到这家机构（统一社会信用代码和名称都对不上），未导入",
        "第 6 行（测试融资服务站）：得分：应为 0 到 1000 之间的分数，这里写的是 七十，未导入"]
    model = model_of(valid_dir)
    assert [(r.record_id, r.score, r.rank, r.grade) for r in model.cycle.results[2025]] == [
        ("test-center", 95.5, 1, "excellent"), ("second-center", 81.0, 2, "pass")]
    assert model.cycle.sources[2025] == "关于公布2025年度平台评价结果的通报"  # the list's title line, not the file name


def test_a_second_list_for_the_same_year_updates_its_rows_and_keeps_the_rest_the_date_and_the_source(valid_dir, tmp_path):
    add_center(valid_dir, "second-center", "第二检测中心")
    (valid_dir / "evaluations").mkdir()
    (valid_dir / "evaluations" / "2025.yml").write_text(
        "published: 2025-12-20\nsource: 关于公布 2025 年度评价结果的通报（示例）\nresults:\n"
        "  - {id: test-center, score: 90, rank: 1, grade: excellent}\n  - {id: second-center, score: 70, rank: 2, grade: pass}\n",
        encoding="utf-8")
    sheet = tmp_path / "更正.csv"
    sheet.write_text("平台名称,得分,等次\n测试检测中心,91,优秀\n", encoding="utf-8")
    result = run_import(valid_dir, "--evaluations", "2025", str(sheet))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"已写入 {valid_dir / 'evaluations' / '2025.yml'}：1 家机构；0 行未能对应。",
        "第 2 行（测试检测中心）：对应 test-center，替换文件中原有的一项",
        "文件中原有、这份名单中没有的 1 家已保留：第二检测中心。如不应保留，请从文件中删除这几项。"]
    text = (valid_dir / "evaluations" / "2025.yml").read_text(encoding="utf-8")
    assert text.splitlines()[0] == "# yaml-language-server: $schema=../../schema/evaluations.schema.json"
    assert "published: 2025-12-20" in text and "source: 关于公布 2025 年度评价结果的通报（示例）" in text
    model = model_of(valid_dir)
    assert [(r.record_id, r.score, r.grade) for r in model.cycle.results[2025]] == [
        ("test-center", 91.0, "excellent"), ("second-center", 70.0, "pass")]


def test_result_and_bulletin_lists_are_read_as_the_clerk_wrote_them(valid_dir, tmp_path):
    add_center(valid_dir, "second-center", "第二检测中心")
    ranking = tmp_path / "排名.csv"
    ranking.write_text("序号,平台名称,得分,排名,等次\n1,浦东新区测试检测中心※,85分,第1名,优 秀\n2,第二检测中心,\"1,000\",2,合格\n"
                       "合计,,,,\n注：得分满分 100 分,,,,\n", encoding="utf-8")
    result = run_import(valid_dir, "--evaluations", "2025", str(ranking))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1:] == [
        "未使用的列：序号",
        "第 2 行（浦东新区测试检测中心※）：对应 test-center",
        "第 3 行（第二检测中心）：对应 second-center",
        "第 4 行：合计行，不是机构，未导入",
        "第 5 行：说明，不是机构，未导入"]
    assert [(r.record_id, r.score, r.rank, r.grade, r.group) for r in model_of(valid_dir).cycle.results[2025]] == [
        ("test-center", 85.0, 1, "excellent", "city"), ("second-center", 1000.0, 2, "pass", "city")]
    bulletin = tmp_path / "通报.csv"
    bulletin.write_text("平台名称,服务需求对接数量（项）,服务企业数（家）,服务活动场次,注册用户数,引入服务资源数\n"
                        "测试检测中心,12项,\"1,234\",2场,1500,6\n", encoding="utf-8")
    assert run_import(valid_dir, "--bulletin", "2025-Q3", str(bulletin)).returncode == 0
    figures = model_of(valid_dir).cycle.bulletins[0].figures["test-center"]
    assert (figures["demands"], figures["enterprises"], figures["activities"]) == (12, 1234, 2)


def test_a_ranking_keeps_the_group_of_its_year_when_the_tier_changes_later(valid_dir, tmp_path):
    with_rules(valid_dir)
    add_center(valid_dir, "second-center", "第二检测中心")
    sheet = tmp_path / "排名.csv"
    sheet.write_text("平台名称,得分,等次\n测试检测中心,95,优秀\n第二检测中心,60,合格\n", encoding="utf-8")
    assert run_import(valid_dir, "--evaluations", "2025", str(sheet)).returncode == 0
    assert {n.record_id for n in model_of(valid_dir).cycle.notices} == {"second-center"}  # last among city-tier ones
    second = valid_dir / "pudong" / "second-center.yml"
    second.write_text(second.read_text(encoding="utf-8").replace("tier: city", "tier: street"), encoding="utf-8")
    cycle = model_of(valid_dir).cycle
    assert [(r.record_id, r.group, r.rank) for r in cycle.results[2025]] == [("test-center", "city", 1), ("second-center", "city", 2)]
    assert {n.record_id for n in cycle.notices} == {"second-center"}


def test_a_result_naming_a_renamed_record_by_its_former_id_counts_for_it_and_a_bad_entry_is_an_error(valid_dir):
    results(valid_dir, 2025, "  - {id: old-center, grade: excellent}\n  - {score: 80}\n  - {id: Bad_ID, grade: pass}\n")
    record = valid_dir / "pudong" / "test-center.yml"
    record.write_text(record.read_text(encoding="utf-8") + "aliases: [old-center]\n", encoding="utf-8")
    directory, problems = load_directory(valid_dir, datetime.date(2026, 3, 1))
    assert sorted((p.code, p.line) for p in problems if p.severity == "error") == [("bad-id", 4), ("missing-field", 3)], problems
    assert [e["id"] for e in directory.cycle_files[0].entries] == ["test-center"]


def test_import_of_a_bulletin_workbook(valid_dir, tmp_path):
    sheet = tmp_path / "通报.csv"
    sheet.write_text("平台名称,服务需求对接数量,服务企业数,服务活动场次,注册用户数,引入服务资源数\n测试检测中心,12,300,4,1500,6\n"
                     "测试融资服务站,3,40,1,200,0\n", encoding="utf-8")
    assert run_import(valid_dir, "--bulletin", "2025-Q5", str(sheet)).stderr == (
        "--bulletin 应写成 年份-Q季度，如 2025-Q3，这里写的是 2025-Q5\n")
    assert run_import(valid_dir, "--evaluations", "二〇二五", str(sheet)).stderr.splitlines()[-1] == (
        "python -m generator import：--evaluations 的值“二〇二五”不对：应为整数（用 -h 查看说明）")
    assert run_import(valid_dir, "--evaluations", "2025", "--bulletin", "2025-Q3", str(sheet)).stderr.splitlines()[-1] == (
        "python -m generator import：--bulletin 和 --evaluations 不能同时使用（用 -h 查看说明）")
    result = run_import(valid_dir, "--bulletin", "2025-Q3", str(sheet))
    assert result.returncode == 0, result.stderr
    bulletin = model_of(valid_dir).cycle.bulletins[0]
    figures = bulletin.figures
    assert (bulletin.key, figures["test-center"]["enterprises"], figures["test-finance"]["demands"]) == ("2025-q3", 300, 3)


def test_sample_carries_the_source_documents_rules():
    model = model_of(ROOT / "directory", datetime.date(2026, 1, 1))
    rules = model.taxonomy.evaluation_rules
    assert (rules.cancel_grades, [(w.name, w.years, w.tiers) for w in rules.warnings], [e["name"] for e in rules.lists]) == (
        ("fail",), [("黄牌警告", 1, ()), ("建议更换运营单位", 2, ("district",))], ["白名单", "黑名单"])
    assert ("jiading-sme-center", "建议更换运营单位") in {(n.record_id, n.name) for n in model.cycle.notices if n.year == 2025}
    assert json.loads(model.record_json(next(r for r in model.records if r.id == "songjiang-credit-guarantee")))["cancelled_titles"]
