"""Opening hours, holidays and fees as data: validation, Chinese text read into opening_hours, "open now" in
chromium with the clock set on statutory holidays and make-up working days, JSON-LD, HSDS and the page's tables."""

import datetime
import json
import re
import zipfile

import pytest

from generator.hours import calendar, from_chinese, schedule
from generator.read.directory import load_directory
from tests.support import TODAY

RECORD = "institutions/pudong-ic-testing/"  # sample record with Mo-Fr 09:00-17:00; PH off


def test_an_invalid_value_is_an_error_at_its_line_and_column_quoting_what_could_not_be_read(valid_dir):
    root = valid_dir
    path = root / "pudong" / "test-center.yml"
    path.write_text(path.read_text(encoding="utf-8") + "opening_hours: Mo-Fr 09:00-17:00; Sa 9点\n", encoding="utf-8")
    _, problems = load_directory(root, TODAY)
    [problem] = [p for p in problems if p.code == "bad-opening-hours"]
    line = path.read_text(encoding="utf-8").splitlines().index("opening_hours: Mo-Fr 09:00-17:00; Sa 9点") + 1
    assert (problem.line, problem.column, problem.field) == (line, 16 + len("Mo-Fr 09:00-17:00; Sa "), "opening_hours")
    assert problem.message == "读不懂“9点”"


@pytest.mark.parametrize(("text", "expected"), [
    ("周一至周五 9:00-17:00（法定节假日除外）", "Mo-Fr 09:00-17:00; PH off"),
    ("工作日 8:30-17:30", "Mo-Fr 08:30-17:30; PH off"),
    ("周六上午 9:00-12:00", "Sa 09:00-12:00"),
    ("24小时", "24/7"),
    ("周一至周五 8:30—11:30，13:30—17:00", "Mo-Fr 08:30-11:30,13:30-17:00"),
    ("周一至周五 上午9:00-11:30 下午1:30-5:00", "Mo-Fr 09:00-11:30,13:30-17:00"),
    ("周一至周五 8:30-17:30，周六 9:00-12:00", "Mo-Fr 08:30-17:30; Sa 09:00-12:00"),
    ("工作日 9:00-17:00；线上平台 24 小时受理", None),
    ("预约服务", None),
])
def test_common_chinese_forms_are_read_when_unambiguous(text, expected):
    assert from_chinese(text) == expected


def test_a_date_rule_of_the_record_is_kept_beside_the_weekly_table():
    data = schedule("Mo-Fr 09:00-17:00; 2026 Dec 31 09:00-12:00; PH off", datetime.date(2026, 12, 1))
    assert data["weekly"][0] == [("09:00", "17:00")] and data["weekly"][6] == []
    assert data["exceptions"] == {"2026-12-31": [("09:00", "12:00")]}
    assert data["holidays"] == "off" and data["makeup"] is True
    assert schedule('Mo-Fr 09:00-17:00 "不调休"', datetime.date(2026, 12, 1))["makeup"] is False


def test_the_calendar_knows_the_2026_arrangement():
    days = calendar(datetime.date(2026, 1, 1))
    assert days["holidays"]["2026-10-05"] == "国庆节" and days["holidays"]["2026-02-18"] == "春节"
    assert "2026-10-10" in days["workdays"] and "2026-02-14" in days["workdays"]
    assert days["last"] == 2026


@pytest.mark.parametrize(("moment", "status"), [
    ("2026-10-05T10:00:00+08:00", "现在休息"),  # National Day holiday
    ("2026-10-10T10:00:00+08:00", "现在开放"),  # Saturday, a make-up working day
    ("2026-10-09T18:30:00+08:00", "现在休息"),
    ("2026-10-09T10:00:00+08:00", "现在开放"),
    ("2026-10-11T10:00:00+08:00", "现在休息"),  # Sunday
])
def test_open_now_is_right_on_holidays_and_make_up_days(page, serve, moment, status):
    page.clock.set_fixed_time(moment)
    page.goto(serve + "/" + RECORD)
    text = page.locator(".dir-hours__now").inner_text()
    assert text.startswith(status), text
    days = page.locator(".dir-hours__days td[data-date]")
    assert days.count() == 14
    if moment.startswith("2026-10-05"):  # a Monday: the calendar's first row starts with it
        cells = page.locator(".dir-hours__days tbody td")
        assert cells.count() == 14
        assert days.first.get_attribute("data-date") == "2026-10-05"
        assert days.nth(0).inner_text().split("\n") == ["10月5日", "休息", "国庆节"]
        assert days.nth(0).get_attribute("class") == "dir-hours__holiday"
        assert days.nth(0).get_attribute("title") == "国庆节（法定节假日）"
        assert days.nth(5).inner_text().split("\n") == ["10日", "09:00–17:00", "调休上班"]
        assert days.nth(5).get_attribute("class") == "dir-hours__workday"
        assert days.nth(6).inner_text().split("\n") == ["11日", "休息"]
    if moment.startswith("2026-10-09"):  # a Friday: four empty cells before it, the last row filled up to Sunday
        assert page.locator(".dir-hours__days tbody td").count() == 21
        assert page.locator(".dir-hours__days tbody tr").first.locator("td:not([data-date])").count() == 4
    if moment.startswith("2026-10-09T18"):
        assert text == "现在休息，下次开放：10月10日（周六） 09:00"
    assert page.errors == []


def test_a_year_not_yet_published_is_said_so(page, serve):
    page.clock.set_fixed_time("2026-12-28T10:00:00+08:00")
    page.goto(serve + "/" + RECORD)
    assert page.locator(".dir-hours__note").inner_text() == "2027 年的法定节假日和调休安排尚未公布，节假日是否开放请先致电确认。"


def test_open_now_works_in_the_offline_copy(page, sample_site, tmp_path):
    with zipfile.ZipFile(sample_site / "downloads" / "directory-offline.zip") as archive:
        archive.extractall(tmp_path)
    page.clock.set_fixed_time("2026-10-10T10:00:00+08:00")
    page.goto((tmp_path / "directory-offline" / RECORD / "index.html").as_uri())
    assert page.locator(".dir-hours__now").inner_text().startswith("现在开放")


def test_without_javascript_the_weekly_table_and_the_fee_table_show(sample_site):
    html = (sample_site / RECORD / "index.html").read_text(encoding="utf-8")
    assert '<tr><th scope="row">周一至周五</th><td>09:00–17:00</td></tr>' in html
    assert '<p class="dir-hours__rule">法定节假日休息，调休上班日照常开放。</p>' in html
    assert '<h2 id="fee-items">收费项目</h2>\n<table class="dir-table dir-fees">' in html
    assert '<th scope="row">标准化咨询（首次）</th><td><strong class="dir-free-mark">免费</strong></td>' in html
    assert "1400 元/次" in html


def test_json_ld_carries_the_week_and_the_special_days(sample_site):
    html = (sample_site / RECORD / "index.html").read_text(encoding="utf-8")
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL).group(1))
    assert data["openingHoursSpecification"] == [{"@type": "OpeningHoursSpecification", "opens": "09:00", "closes": "17:00",
                                                  "dayOfWeek": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]}]
    special = {s["validFrom"]: (s["opens"], s["closes"]) for s in data["specialOpeningHoursSpecification"]}
    assert special["2026-10-05"] == ("00:00", "00:00")  # closed on the holiday
    assert special["2026-10-10"] == ("09:00", "17:00")  # open on the make-up working day
    assert "2026-10-09" not in special and "2026-10-11" not in special


def test_hsds_schedules_and_cost_options_come_from_the_structured_fields(sample_site):
    import csv

    folder = sample_site / "downloads" / "hsds"
    with (folder / "schedules.csv").open(encoding="utf-8", newline="") as handle:
        schedules = list(csv.DictReader(handle))
    friday = [s for s in schedules if s["byday"] == "FR" and s["opens_at"] == "09:00:00" and s["closes_at"] == "17:00:00"]
    assert friday and all(s["freq"] == "WEEKLY" for s in friday)
    with (folder / "cost_options.csv").open(encoding="utf-8", newline="") as handle:
        costs = list(csv.DictReader(handle))
    assert any(c["option"] == "专项服务" and c["amount"] == "1400" and c["currency"] == "CNY" for c in costs)


def test_the_free_services_facet_counts_free_fee_items_too(valid_dir):
    from generator.model.model import Model
    from generator.write.search import build_search_files

    def build_result_list(model):
        files = build_search_files(model)
        return {"docs": [entry[0] for path, text in files.items() if path.startswith("d/") for entry in json.loads(text)]}

    root = valid_dir
    path = root / "pudong" / "test-center.yml"
    text = path.read_text(encoding="utf-8").replace("free_services:\n  - 检测咨询\n", "")
    path.write_text(text, encoding="utf-8")
    directory, _ = load_directory(root, TODAY)
    free = {doc[0]: doc[8] for doc in build_result_list(Model(directory, TODAY))["docs"]}
    assert free["test-center"] == 0
    path.write_text(text + "fee_items:\n  - {item: 检测咨询, free: true}\n  - {item: 检测, amount: 500, unit: 项}\n", encoding="utf-8")
    directory, problems = load_directory(root, TODAY)
    assert [p for p in problems if p.severity == "error"] == []
    assert {doc[0]: doc[8] for doc in build_result_list(Model(directory, TODAY))["docs"]}["test-center"] == 1


def test_hours_suggest_lists_and_writes_what_it_can_read(valid_dir, capsys):
    from generator.__main__ import main

    root = valid_dir
    assert main(["hours", "--suggest", "--directory", str(root)]) == 0
    out = capsys.readouterr().out
    assert "“周一至周五 9:00-17:00” → opening_hours: Mo-Fr 09:00-17:00" in out
    assert main(["hours", "--suggest", "--write", "--directory", str(root)]) == 0
    directory, problems = load_directory(root, TODAY)
    assert [p for p in problems if p.severity == "error"] == []
    assert {r.id: r.data.get("opening_hours") for r in directory.records}["test-center"] == "Mo-Fr 09:00-17:00"


def test_import_reads_the_hours_text_into_opening_hours(target, tmp_path, capsys):
    from generator.__main__ import main
    root = target
    sheet = tmp_path / "名单.csv"
    sheet.write_text("名称,所在区,服务时间\n示例站,浦东新区,周一至周五 9:00-17:00（法定节假日除外）\n", encoding="utf-8")
    assert main(["import", str(sheet), "--directory", str(root)]) == 0
    assert "营业时间已按“周一至周五 9:00-17:00（法定节假日除外）”写为 Mo-Fr 09:00-17:00; PH off" in capsys.readouterr().out
    directory, _ = load_directory(root, TODAY)
    assert directory.records[0].data["opening_hours"] == "Mo-Fr 09:00-17:00; PH off"


@pytest.mark.parametrize(("text", "part"),
                         [("Feb 30 10:00-12:00", "Feb 30"), ("Apr 31 off", "Apr 31"), ("Dec 24-31 off; Nov 30-31 off", "Nov 30-31"),
                                             ("Mo-Fr 09:00-17:00; Jun 31 off", "Jun 31"), ("Sep 31 off", "Sep 31")])
def test_a_day_the_month_does_not_have_is_refused(text, part):
    from generator.hours import syntax_error

    assert syntax_error(text) == (text.index(part), part)


@pytest.mark.parametrize("text", ["Feb 29 off", "Dec 24-26 off", "Jan 01 10:00-12:00", "Mo-Fr 09:00-17:00; Oct 01-Oct 07 off"])
def test_days_every_month_has_still_parse(text):
    from generator.hours import syntax_error

    assert syntax_error(text) is None
