"""Importing what bureaus have: published lists with title rows, drafts, the fill-in workbook and annual updates,
in every format, reported in spreadsheet words; hostile files refused in one line; all written or nothing."""

import csv
import datetime
import io
import re
import subprocess
import sys
import time
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from generator.__main__ import main
from generator.ids import id_for, naming
from generator.model.model import Model
from generator.read.directory import load_directory, reference_date
from generator.read.importer import write_all
from tests.support import ROOT

HEADINGS = ["序号", "平台名称", "运营单位", "所在区", "服务类别", "示范级别", "认定年份", "联系电话"]
LIST = [
    ["2017 年中小企业公共服务示范平台名单"],
    [],
    HEADINGS,
    ["1", "示例知识产权服务中心", "示例科技有限公司", "浦东新区", "人才培训、技术创新", "市级", "2017", "2101010002"],
    ["2", "示例检测平台", "示例检测有限公司", "闸北", "检验检测", "国家级（2016）", "", "021-0000-1111、400-000-0000 转 801"],
    ["3", "示例火星站", "示例公司", "火星区", "综合服务", "市级", "2017", ""],
    ["注：本名单按区排列"],
    ["合计", "3 家"],
]


def records(root):
    directory, problems = load_directory(root, datetime.date(2026, 11, 1))
    assert [p for p in problems if p.severity == "error"] == []
    return {r.id: r for r in directory.records}


def write_xlsx(path, rows, title="名单"):
    book = Workbook()
    book.active.title = title
    for row in rows:
        book.active.append(row)
    if len(rows[0]) == 1:
        book.active.merge_cells("A1:H1")  # a title merged across the columns, as published lists have
    book.save(path)


def write_xls(path, rows):
    import xlwt

    book = xlwt.Workbook()
    sheet = book.add_sheet("名单")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    book.save(str(path))


def write_ods(path, rows):
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    table = Table(name="名单")
    for row in rows:
        line = TableRow()
        for value in row:
            cell = TableCell(valuetype="string")
            cell.addElement(P(text=value))
            line.addElement(cell)
        table.addElement(line)
    document.spreadsheet.addElement(table)
    document.save(str(path))


def write_docx(path, rows):
    import docx

    document = docx.Document()
    document.add_paragraph("关于公布 2017 年示范平台名单的通知")
    width = max(len(r) for r in rows)
    table = document.add_table(rows=0, cols=width)
    for row in rows:
        cells = table.add_row().cells
        for index, value in enumerate(row):
            cells[index].text = value
    document.save(str(path))


def write_csv(encoding, delimiter):
    def write(path, rows):
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=delimiter).writerows(rows)
        path.write_bytes(buffer.getvalue().encode(encoding))
    return write


FORMATS = {"名单.xlsx": write_xlsx, "名单.xls": write_xls, "名单.ods": write_ods, "通知.docx": write_docx,
           "utf8.csv": write_csv("utf-8", ","), "bom.csv": write_csv("utf-8-sig", ","), "wps.csv": write_csv("gb18030", ","),
           "unicode.txt": write_csv("utf-16", "\t")}


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_a_published_list_imports_as_drafts_from_every_format(name, target, tmp_path, capsys):
    path = tmp_path / name
    FORMATS[name](path, LIST)
    assert main(["import", str(path), "--directory", str(target)]) == 0
    out = capsys.readouterr().out
    assert "已新增 0 条记录、2 条草稿，已更新 0 条；1 行未能导入。" in out
    assert "第 3 行是列标题，上面的 2 行（标题、空行）已跳过" in out
    assert "第 6 行：未导入：“所在区”写的是“火星区”，不在分类表中（可选：黄浦区、徐汇区" in out
    assert "第 7 行：注释行，已跳过" in out and "第 8 行：合计行，已跳过" in out
    assert "电话 2101010002 缺了开头的 0，已补为 021-01010002" in out
    assert "旧名称“闸北”已按“静安区”导入" in out
    assert "未使用的列：序号" in out
    found = records(target)
    center = found["shi-li-zhi-shi-chan-quan-fu-wu-zhong-xin"].data
    assert center["status"] == "draft" and "verified" not in center  # the import is not a verification
    assert center["functions"] == ["training", "innovation"]  # 人才培训 is taught by the taxonomy's aliases
    assert center["demonstration"] == [{"level": "municipal", "year": 2017}]
    assert center["contacts"] == {"phone": "021-01010002"}
    station = found["shi-li-jian-ce-ping-tai"].data
    assert station["district"] == "jingan" and station["functions"] == ["quality"]
    assert station["demonstration"] == [{"level": "national", "year": 2016}]
    assert station["contacts"] == {"phone": "021-0000-1111", "hotline": "400-000-0000 转 801"}


def test_a_file_whose_heading_row_cannot_be_found_says_which_row_looks_like_a_title(target, tmp_path, capsys):
    path = tmp_path / "名单.xlsx"
    write_xlsx(path, [["2017 年示范平台名单"], [], ["甲", "乙"], ["1", "2"]])
    assert main(["import", str(path), "--directory", str(target)]) == 1
    err = capsys.readouterr().err
    assert "第 1 行“2017 年示范平台名单”看起来是标题，而不是列标题" in err and "--mapping" in err and "--sheet" in err
    assert list(target.glob("*/*.yml")) == []


def test_unknown_words_are_named_with_the_chinese_choices(target, tmp_path, capsys):
    path = tmp_path / "名单.csv"
    write_csv("utf-8", ",")(path, [["机构名称", "区", "服务功能"], ["示例站", "浦东", "知识产权、区块链"]])
    assert main(["import", str(path), "--directory", str(target)]) == 0
    out = capsys.readouterr().out
    assert "“服务功能”中的“区块链”不在分类表中（可选：综合服务、信息服务、技术创新" in out and "aliases" in out
    assert records(target)["shi-li-zhan"].data["functions"] == ["innovation"]


def test_title_and_grade_columns_become_entries_and_a_title_without_expiry_takes_the_level_validity(target, tmp_path, capsys):
    path = tmp_path / "名单.csv"
    write_csv("utf-8", ",")(path, [["名称", "所在区", "示范级别", "评价年度", "评价等级"],
                                   ["年份在级别里的站", "浦东新区", "国家级 2017年", "2025", "优秀"]])
    assert main(["import", str(path), "--directory", str(target)]) == 0
    record = records(target)["nian-fen-zai-ji-bie-li-de-zhan"]
    assert record.data["demonstration"] == [{"level": "national", "year": 2017}]
    assert record.data["evaluations"] == [{"year": 2025, "grade": "excellent"}]
    directory, _ = load_directory(target)
    model = Model(directory, datetime.date(2026, 11, 1))
    assert model.titles(record) == {"current": [], "expired": [{"level": "national", "year": 2017}]}  # 2017 + 3 years: ended 2020-12-31


def test_drafts_appear_nowhere_a_reader_sees_and_validate_counts_them(target, tmp_path, capsys):
    path = tmp_path / "名单.xlsx"
    write_xlsx(path, LIST)
    main(["import", str(path), "--directory", str(target)])
    capsys.readouterr()
    assert main(["validate", "--directory", str(target)]) == 0
    assert "草稿 2 条（待补全，不公开）：静安区 1、浦东新区 1" in capsys.readouterr().err
    directory, _ = load_directory(target)
    assert Model(directory, datetime.date(2026, 11, 1)).records == []


def test_the_fill_in_workbook_goes_out_and_comes_back_completing_a_draft(target, tmp_path, capsys):
    write_xlsx(tmp_path / "名单.xlsx", LIST)
    main(["import", str(tmp_path / "名单.xlsx"), "--directory", str(target)])
    out = tmp_path / "补全表.xlsx"
    assert main(["drafts", "--directory", str(target), "--output", str(out)]) == 0
    book = load_workbook(out)
    assert book.sheetnames == ["选项", "静安区", "浦东新区"] and book["选项"].sheet_state == "hidden"
    sheet = book["浦东新区"]
    headings = [c.value for c in sheet[1]]
    assert headings[:3] == ["标识", "名称", "英文名称"] and "最近核实日期" in headings
    row = {h: c for h, c in zip(headings, sheet[2])}
    assert row["标识"].value == "shi-li-zhi-shi-chan-quan-fu-wu-zhong-xin"
    assert row["层级"].fill.fgColor.rgb == "00FFF2CC" and row["名称"].fill.fgColor.rgb != "00FFF2CC"
    tier = next(v for v in sheet.data_validations.dataValidation if headings.index("层级") + 1 == next(iter(v.sqref.ranges)).min_col)
    assert tier.formula1.startswith("选项!") or tier.formula1.startswith("=选项!")
    answers = {"层级": "市级", "地址": "示例路 1 号", "服务内容": "知识产权咨询", "服务流程": "预约", "服务标准": "五日内答复",
               "收费标准": "免费", "服务时间": "工作日 9:00-17:00", "最近核实日期": "2026-11-20", "名称": "=HYPERLINK(\"x\")"}
    for heading, value in answers.items():
        row[heading].value = value
    book.save(tmp_path / "已填.xlsx")
    capsys.readouterr()
    assert main(["import", str(tmp_path / "已填.xlsx"), "--directory", str(target)]) == 0
    out_text = capsys.readouterr().out
    assert "更新现有记录 pudong/shi-li-zhi-shi-chan-quan-fu-wu-zhong-xin.yml" in out_text
    assert "草稿已补全，改为公开（status: active）" in out_text
    assert "“名称”现为“示例知识产权服务中心”，表格为“=HYPERLINK(\"x\")”" in out_text  # a formula is text, and a conflict
    record = records(target)["shi-li-zhi-shi-chan-quan-fu-wu-zhong-xin"]
    assert record.published and record.data["verified"] == datetime.date(2026, 11, 20)
    assert record.data["name"] == "示例知识产权服务中心"
    assert "status: draft" in (target / "jingan" / "shi-li-jian-ce-ping-tai.yml").read_text(encoding="utf-8")


def test_an_annual_list_adds_titles_to_existing_records_and_lists_conflicts(target, tmp_path, capsys):
    write_xlsx(tmp_path / "2017.xlsx", LIST)
    main(["import", str(tmp_path / "2017.xlsx"), "--directory", str(target)])
    capsys.readouterr()
    later = [["名称", "所在区", "运营单位", "示范级别", "认定年份"],
             ["示例（知识产权）服务中心", "浦东新区", "另一家公司", "国家级", "2024"]]
    write_xlsx(tmp_path / "2024.xlsx", later)
    assert main(["import", str(tmp_path / "2024.xlsx"), "--directory", str(target)]) == 0
    out = capsys.readouterr().out
    assert "更新现有记录 pudong/shi-li-zhi-shi-chan-quan-fu-wu-zhong-xin.yml：添加示范平台称号 1 项" in out
    assert "第 2 行：“运营单位”现为“示例科技有限公司”，表格为“另一家公司”，未修改（要改为表格的写法请加 --overwrite 运营单位）" in out
    assert len(list(target.glob("*/*.yml"))) == 2  # never a second file for one institution
    data = records(target)["shi-li-zhi-shi-chan-quan-fu-wu-zhong-xin"].data
    assert data["demonstration"] == [{"level": "municipal", "year": 2017}, {"level": "national", "year": 2024}]
    assert data["operator"] == "示例科技有限公司"
    assert main(["import", str(tmp_path / "2024.xlsx"), "--directory", str(target), "--overwrite"]) == 0
    assert records(target)["shi-li-zhi-shi-chan-quan-fu-wu-zhong-xin"].data["operator"] == "另一家公司"


def test_placeholders_count_as_missing_and_excel_serial_dates_are_read(target, tmp_path, capsys):
    path = tmp_path / "名单.xlsx"
    headings = ["名称", "所在区", "层级", "服务功能", "运营机构", "地址", "电话", "服务内容", "服务流程", "服务标准", "收费标准",
                "服务时间", "核实日期"]
    write_xlsx(path,
               [headings, ["占位站", "浦东新区", "市级", "综合服务", "某公司", "示例路", "021-0000-0001", "咨询", "预约", "当日", "待补充",
                                 "工作日", "46000"]])
    assert main(["import", str(path), "--directory", str(target)]) == 0
    out = capsys.readouterr().out
    assert "“收费标准”写的是“待补充”，算作待补全" in out and "待补全：服务五公开" in out or "待补全：收费标准" in out
    record = records(target)["zhan-wei-zhan"]
    assert record.data["status"] == "draft" and record.data["verified"] == datetime.date(2025, 12, 9)


def test_ids_follow_the_taxonomy_pinyin_and_stop_at_a_syllable():
    taken = set()
    assert id_for("长宁区企业服务中心", taken, {"长宁": "chang ning"}) == "chang-ning-qu-qi-ye-fu-wu-zhong-xin"
    long = id_for("上海市长宁区中小企业公共服务平台知识产权与技术转移综合服务中心", taken, {"长宁": "chang ning"})
    assert len(long) <= 48 and not long.endswith("-") and long.split("-")[-1] in (
        "shang hai shi chang ning qu zhong xiao qi ye gong fu wu ping tai zhi shi chan quan yu ji zhu zhuan yi zong he xin").split()
    assert id_for("长宁区企业服务中心", taken, {"长宁": "chang ning"}) == "chang-ning-qu-qi-ye-fu-wu-zhong-xin-2"


def test_ids_read_place_names_from_the_taxonomy_leave_out_company_forms_and_stay_within_40_characters():
    from generator.model.model import load_model

    model, _ = load_model(ROOT / "directory")
    readings, _ = naming(model.taxonomy)
    assert readings["闵行"] == "min hang" and readings["长宁"] == "chang ning"  # from name_en; pypinyin reads min xing
    taken = set()
    assert id_for("上海市闵行区长三角知识产权服务中心", taken, readings, ("上海市", "上海")) == "min-hang-qu-chang-san-jiao"
    assert id_for("上海示例检测技术服务股份有限公司", taken, readings, ("上海市", "上海")) == "shi-li-jian-ce-ji-shu-fu-wu"
    assert id_for("上海市长宁区重固镇银行服务有限公司", taken, readings, ("上海", "上海市")) == "chang-ning-qu-chong-gu-zhen-yin-hang"
    assert id_for("示例知识产权服务中心有限责任公司", taken, readings) == "shi-li-zhi-shi-chan-quan-fu-wu-zhong-xin"  # 39
    assert id_for("示例知识产权服务中心", taken, readings) == "shi-li-zhi-shi-chan-quan-fu-wu-zhong-2"  # the number within 40


def _hostile(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["名称", "所在区"])
    book.active.append(["x", "浦东新区"])
    buffer = io.BytesIO()
    book.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    entities = "".join(f'<!ENTITY e{i} "{("&e" + str(i - 1) + ";") * 10 if i else "lol"}">' for i in range(10))

    def rewrite(name, change):
        with zipfile.ZipFile(tmp_path / name, "w") as out:
            for info in source.infolist():
                data = source.read(info.filename)
                out.writestr(info.filename, change(data) if info.filename == "xl/worksheets/sheet1.xml" else data)

    rewrite("bomb.xlsx",
            lambda d: (f'<?xml version="1.0"?><!DOCTYPE b [{entities}]>' + d.decode()).replace("<t>x</t>", "<t>&e9;</t>").encode())
    rewrite("claim.xlsx", lambda d: d.replace(b'<dimension ref="A1:B2"/>', b'<dimension ref="A1:XFD1048576"/>')
            .replace(b'<row r="2">', b'<row r="1048576">').replace(b'r="A2"', b'r="A1048576"').replace(b'r="B2"', b'r="B1048576"'))
    (tmp_path / "notzip.xlsx").write_bytes(b"not a zip " * 100)
    (tmp_path / "broken.xlsx").write_bytes(buffer.getvalue()[:2000])
    with (tmp_path / "huge.csv").open("wb") as handle:
        handle.truncate(100 * 1024 * 1024)
    return ["bomb.xlsx", "claim.xlsx", "notzip.xlsx", "broken.xlsx", "huge.csv"]


def test_corrupt_or_hostile_files_get_one_chinese_line_and_change_nothing(target, tmp_path):
    (target / "pudong").mkdir()
    before = sorted(p.name for p in target.rglob("*"))
    for name in _hostile(tmp_path):
        started = time.monotonic()
        result = subprocess.run([sys.executable, "-m", "generator", "import", str(tmp_path / name), "--directory", str(target)],
                                cwd=ROOT, capture_output=True, text=True, check=False)
        assert time.monotonic() - started < 10, name
        assert result.returncode == 1, (name, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1 and name in result.stderr, result.stderr
        assert sorted(p.name for p in target.rglob("*")) == before


def test_writing_is_all_or_nothing(tmp_path, monkeypatch):
    import os

    calls = []
    real = os.fdopen

    def fail_on_second(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise OSError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(os, "fdopen", fail_on_second)
    with pytest.raises(OSError):
        write_all({tmp_path / "a" / "one.yml": "a", tmp_path / "b" / "two.yml": "b"})
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_control_characters_in_cells_are_cleaned_before_records_are_written(target, tmp_path, capsys):
    path = tmp_path / "名单.csv"
    rows = [row[:] for row in LIST]
    rows[3][1] = "示例\x00知识产权\x7f服务\x85中心\ufffe"
    rows[3][2] = "示例科技\x1b有限公司"
    write_csv("utf-8", ",")(path, rows)
    assert main(["import", str(path), "--directory", str(target)]) == 0
    found = records(target)  # every written record validates
    center = found["shi-li-zhi-shi-chan-quan-fu-wu-zhong-xin"].data
    assert (center["name"], center["operator"]) == ("示例知识产权服务中心", "示例科技有限公司")


NOTICE = [["序号", "平台名称", "运营单位", "服务领域", "地址", "联系电话"],
          ["1", "闵行区示例创新服务中心※", "示例科技有限公司", "技术创新、质量检测", "上海市闵行区示例路 1 号",
           "０２１－５５５５ ０００１"],
          ["2", "示例园区服务站", "示例园区管理有限公司", "创业孵化 人才培训", "上海市浦东新区示例路 2 号", "021—5555—0002 13912345678"],
          ["3", "示例检测站", "示例检测有限公司", "提供质量检测和区块链服务", "崇明县城桥镇示例路 3 号", "13912345679"],
          ["4", "示例服务社", "示例服务有限公司", "综合服务", "示例路 4 号", "021 5555 0004 021 5555 0005"]]


def write_notice(path, rows, title="关于公布2019年度闵行区中小企业公共服务平台名单的通知"):
    import docx

    document = docx.Document()
    document.add_paragraph(title)
    document.add_paragraph("各有关单位：经评审，现将名单公布如下。")
    table = document.add_table(rows=0, cols=len(rows[0]))
    for row in rows:
        for cell, value in zip(table.add_row().cells, row):
            cell.text = value
    document.add_paragraph("※ 为新认定平台")
    document.save(str(path))


def test_a_district_notice_looks_for_the_records_it_leaves_out_in_its_own_district_only(target, tmp_path, capsys):
    import shutil

    for name in ("pudong/pudong-ic-testing.yml", "minhang/minhang-new-energy.yml"):
        (target / name).parent.mkdir(exist_ok=True)
        shutil.copy(ROOT / "directory" / name, target / name)
    write_notice(tmp_path / "通知.docx", NOTICE)  # 闵行区 in the title; one row's address is in 浦东新区
    assert main(["import", str(tmp_path / "通知.docx"), "--directory", str(target)]) == 0
    absent = [line for line in capsys.readouterr().out.splitlines() if line.startswith("名单中没有")]
    assert absent == ["名单中没有：minhang/minhang-new-energy.yml（闵行新能源技术服务平台）"]
    assert "notes" not in records(target)["pudong-ic-testing"].data


def test_a_district_notice_in_word_takes_the_district_from_its_title_and_each_address(target, tmp_path, capsys):
    write_notice(tmp_path / "通知.docx", NOTICE)
    assert main(["import", str(tmp_path / "通知.docx"), "--directory", str(target)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[:3] == ["已新增 0 条记录、4 条草稿，已更新 0 条；0 行未能导入。", "表格：第 1 行是列标题",
                         "表格：没有“所在区”一列，所在区按标题“关于公布2019年度闵行区中小企业公共服务平台名单的通知”取为闵行区"]
    assert "第 2 行：新增草稿 minhang/min-hang-qu-shi-li-chuang-xin-fu-wu.yml（待补全：层级、服务五公开、最近核实日期）" \
           "（“平台名称”去掉了脚注符号“※”）" in lines
    assert "第 3 行：“联系电话”写的是“13912345678”：电话和服务热线各只能写一个号码，这个号码没有位置（已记入记录的“导入备注”）" in lines
    assert ("第 3 行：新增草稿 pudong/shi-li-yuan-qu-fu-wu-zhan.yml（待补全：层级、服务五公开、最近核实日期）"
            "（所在区按地址中的“浦东新区”取为浦东新区）") in lines
    assert "第 4 行：“服务领域”写的是“区块链”：没有对应的服务功能（其他说法可加到分类表该项的 aliases）（已记入记录的“导入备注”）" in lines
    assert "第 4 行：新增草稿 chongming/shi-li-jian-ce-zhan.yml（待补全：层级、服务五公开、最近核实日期）" \
           "（所在区按地址中的“崇明县”取为崇明区；旧名称“崇明县”已按“崇明区”导入）" in lines
    found = records(target)
    center = found["min-hang-qu-shi-li-chuang-xin-fu-wu"].data
    assert center["name"] == "闵行区示例创新服务中心" and center["functions"] == ["innovation", "quality"]
    assert center["contacts"] == {"phone": "021-5555 0001"} and "notes" not in center  # full-width digits and dash read
    station = found["shi-li-yuan-qu-fu-wu-zhan"].data
    assert station["functions"] == ["startup", "training"] and station["contacts"] == {"phone": "021-5555-0002"}
    assert station["notes"] == ["《通知.docx》第 3 行“联系电话”写的是“13912345678”：电话和服务热线各只能写一个号码，这个号码没有位置"]
    assert found["shi-li-jian-ce-zhan"].data["functions"] == ["quality"] and found["shi-li-jian-ce-zhan"].data["contacts"] == {
        "phone": "13912345679"}  # a mobile number is a phone, not a hotline
    assert found["shi-li-fu-wu-she"].data["district"] == "minhang"  # no district in the address: the title's
    assert found["shi-li-fu-wu-she"].data["contacts"] == {"phone": "021 5555 0004", "hotline": "021 5555 0005"}  # two numbers


def test_an_old_xls_list_is_read_as_the_clerk_meant_and_what_cannot_be_read_is_kept(target, tmp_path, capsys):
    rows = [["机构名称", "所在区", "认定类别", "服务功能", "运营单位", "信用代码", "网址", "收费情况", "电话"],
            ["示例园区窗口", "浦东新区", "园区级", "综合服务", "示例公司", 9.13101e17, "www.example.org", "基础服务免费", "400-820-1234"],
            ["示例街道窗口", "浦东新区", "街道级", "综合服务", "示例公司二", "9.13101E+17", "ＷＷＷ．ＥＸＡＭＰＬＥ．ＮＥＴ/a", "免费",
             "12345"]]
    write_xls(tmp_path / "名单.xls", rows)
    assert main(["import", str(tmp_path / "名单.xls"), "--directory", str(target)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert ("第 2 行：“信用代码”写的是“913101000000000000”：Excel 把信用代码变成了科学计数法，请从原件重新填写"
            "（已记入记录的“导入备注”）") in lines
    assert "第 3 行：“信用代码”写的是“9.13101E+17”：Excel 把信用代码变成了科学计数法，请从原件重新填写（已记入记录的“导入备注”）" in lines
    found = records(target)
    park = found["shi-li-yuan-qu-chuang-kou"].data
    assert park["tier"] == "street" and park["contacts"] == {"hotline": "400-820-1234", "website": "https://www.example.org"}
    assert park["disclosures"] == {"fees": "基础服务免费"} and "credit_code" not in park
    assert park["notes"] == ["《名单.xls》第 2 行“信用代码”写的是“913101000000000000”：Excel 把信用代码变成了科学计数法，请从原件重新填写"]
    street = found["shi-li-jie-dao-chuang-kou"].data
    assert street["tier"] == "street" and street["contacts"] == {"hotline": "12345", "website": "https://WWW.EXAMPLE.NET/a"}


def test_a_gbk_csv_without_districts_takes_the_district_option(target, tmp_path, capsys):
    path = tmp_path / "名单.csv"
    write_csv("gbk", ",")(path, [["平台名称", "地址", "联系电话"], ["示例服务中心", "示例路 1 号", "021-5555-0001"]])
    assert main(["import", str(path), "--directory", str(target), "--district", "火星"]) == 2
    assert capsys.readouterr().err.startswith("--district：“火星”不是分类表中的区（可选：黄浦区、徐汇区")
    assert main(["import", str(path), "--directory", str(target)]) == 1
    assert "第 2 行：未导入：“所在区”写的是“（空）”，不在分类表中（可选：黄浦区" in capsys.readouterr().out
    assert main(["import", str(path), "--directory", str(target), "--district", "闵行"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[2:4] == ["表格：所在区按 --district 取为闵行区",
                          ("第 2 行：新增草稿 minhang/shi-li-fu-wu-zhong-xin.yml"
                           "（待补全：层级、服务功能、运营机构、服务五公开、最近核实日期）")]


YEAR_HEADINGS = ["平台名称", "所在区", "认定类别", "服务功能", "运营单位", "地址", "联系电话", "服务内容", "服务流程", "服务标准",
                 "收费标准",
                 "服务时间", "核实日期", "信用代码"]


def year_row(name, operator, address, tier="区级", code=""):
    return [name, "闵行区", tier, "综合服务", operator, address, "021-5555-0001", "咨询", "预约", "当日答复", "免费", "工作日",
            "2026-03-01", code]


def code(stem):
    from generator.kinds import credit_code_check_char

    return stem + credit_code_check_char(stem)


def first_year(target, tmp_path, capsys):
    write_xlsx(tmp_path / "2025.xlsx", [YEAR_HEADINGS,
                                        year_row("闵行区示例创新服务中心", "示例创新有限公司", "示例路 1 号"),
                                        year_row("示例检测服务平台", "示例检测有限公司", "示例路 2 号", code=code("91310112MA1G00000")),
                                        year_row("示例融资服务站", "示例融资有限公司", "示例路 3 号"),
                                        year_row("示例老字号服务社", "示例老字号有限公司", "示例路 4 号"),
                                        year_row("示例人才培训学校", "示例培训有限公司", "示例路 5 号")])
    assert main(["import", str(tmp_path / "2025.xlsx"), "--directory", str(target)]) == 0
    capsys.readouterr()
    return sorted(p.relative_to(target).as_posix() for p in target.glob("*/*.yml"))


def next_year(tmp_path):
    write_xlsx(tmp_path / "2026.xlsx", [YEAR_HEADINGS,
                                        year_row("上海市闵行区示例创新服务中心", "示例创新有限责任公司", "示例路 1 号"),  # renamed
                                        year_row("示例检测平台（闵行）", "示例检测有限公司", "示例路 2 号", code=code("91310112MA1G00000")),
                                        year_row("示例融资服务总站", "示例融资有限公司", "示例路 3 号", tier="市级"),  # upgraded
                                        year_row("示例人才培训学院", "另一家公司", "另一条路 9 号"),  # only looks like one
                                        year_row("示例新设服务中心", "示例新设有限公司", "示例路 6 号")])  # added


def test_next_years_list_matches_renamed_institutions_and_adds_no_duplicate(target, tmp_path, capsys):
    before = first_year(target, tmp_path, capsys)
    next_year(tmp_path)
    assert main(["import", str(tmp_path / "2026.xlsx"), "--directory", str(target)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        "已新增 1 条记录、0 条草稿，已更新 0 条；0 行未能导入。",
        "表格：第 1 行是列标题",
        "第 2 行：现有记录 minhang/min-hang-qu-shi-li-chuang-xin-fu-wu.yml 没有修改（按名称只差写法对应现有记录）",
        ("第 2 行：“平台名称”现为“闵行区示例创新服务中心”，表格为“上海市闵行区示例创新服务中心”，"
         "未修改（要改为表格的写法请加 --overwrite 平台名称）"),
        "第 2 行：“运营单位”现为“示例创新有限公司”，表格为“示例创新有限责任公司”，未修改（要改为表格的写法请加 --overwrite 运营单位）",
        "第 3 行：现有记录 minhang/shi-li-jian-ce-fu-wu-ping-tai.yml 没有修改（按统一社会信用代码相同对应现有记录）",
        "第 3 行：“平台名称”现为“示例检测服务平台”，表格为“示例检测平台（闵行）”，未修改（要改为表格的写法请加 --overwrite 平台名称）",
        "第 4 行：现有记录 minhang/shi-li-rong-zi-fu-wu-zhan.yml 没有修改（按运营机构和地址相同对应现有记录）",
        "第 4 行：“平台名称”现为“示例融资服务站”，表格为“示例融资服务总站”，未修改（要改为表格的写法请加 --overwrite 平台名称）",
        "第 4 行：“认定类别”现为“区级”，表格为“市级”，未修改（要改为表格的写法请加 --overwrite 认定类别）",
        "第 5 行：“示例人才培训学院”可能是现有记录 minhang/shi-li-ren-cai-pei-xun-xue-xiao.yml（示例人才培训学校），没有新增",
        "第 6 行：新增 minhang/shi-li-xin-she-fu-wu-zhong-xin.yml",
        "名单中没有：minhang/shi-li-lao-zi-hao-fu-wu-she.yml（示例老字号服务社）",
        "名单中没有：minhang/shi-li-ren-cai-pei-xun-xue-xiao.yml（示例人才培训学校）",
        "1 行与现有记录相似，没有新增；确是另一家机构的，请核对后加 --add-similar 再导入。",
        ("2 条现有记录不在名单中，记录没有删除；已撤销的请把状态改为 revoked。"
         "名单只是补充的一部分时，加 --partial 导入就不会列出和记下这些记录。"),
    ]
    after = sorted(p.relative_to(target).as_posix() for p in target.glob("*/*.yml"))
    assert after == sorted(before + ["minhang/shi-li-xin-she-fu-wu-zhong-xin.yml"])  # nothing deleted, nothing twice
    absent = records(target)["shi-li-lao-zi-hao-fu-wu-she"]
    today = reference_date().isoformat()
    assert absent.published and absent.data["notes"] == [f"《2026.xlsx》中没有这家机构（{today} 导入）"]


def test_a_partial_list_leaves_the_records_it_does_not_name_alone(target, tmp_path, capsys):
    first_year(target, tmp_path, capsys)
    next_year(tmp_path)
    before = records(target)["shi-li-lao-zi-hao-fu-wu-she"].data
    assert main(["import", str(tmp_path / "2026.xlsx"), "--directory", str(target), "--partial"]) == 0
    out = capsys.readouterr().out
    assert "名单中没有" not in out and "不在名单中" not in out
    assert records(target)["shi-li-lao-zi-hao-fu-wu-she"].data == before


def test_overwrite_names_fields_dry_run_says_what_it_would_do_and_add_similar_adds(target, tmp_path, capsys):
    first_year(target, tmp_path, capsys)
    next_year(tmp_path)
    before = {p: p.read_text(encoding="utf-8") for p in target.glob("*/*.yml")}
    assert main(["import", str(tmp_path / "2026.xlsx"), "--directory", str(target), "--dry-run", "--overwrite", "认定类别"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "将新增 1 条记录、0 条草稿，将更新 1 条；0 行未能导入。"
    assert "第 4 行：将更新现有记录 minhang/shi-li-rong-zi-fu-wu-zhan.yml（按运营机构和地址相同对应现有记录）" in lines
    assert "第 4 行：“认定类别”将按表格改为“市级”（原为“区级”）" in lines
    assert "第 6 行：将新增 minhang/shi-li-xin-she-fu-wu-zhong-xin.yml" in lines
    assert [line for line in lines if re.search("已(新增|更新|按表格|记入|改为)", line)] == []  # a dry run says what it would do
    assert {p: p.read_text(encoding="utf-8") for p in target.glob("*/*.yml")} == before
    assert main(["import", str(tmp_path / "2026.xlsx"), "--directory", str(target), "--overwrite", "名字"]) == 2
    assert capsys.readouterr().err == "--overwrite 中的“名字”不是字段名；请写列标题或字段，如 --overwrite 运营机构,地址\n"
    assert main(["import", str(tmp_path / "2026.xlsx"), "--directory", str(target), "--overwrite", "tier,平台名称", "--add-similar"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "第 4 行：“认定类别”已按表格改为“市级”（原为“区级”）" in lines
    assert "第 5 行：新增 minhang/shi-li-ren-cai-pei-xun-xue-yuan.yml（与现有记录相似，按 --add-similar 新增）" in lines
    found = records(target)
    station = found["shi-li-rong-zi-fu-wu-zhan"].data
    assert station["tier"] == "city" and station["name"] == "示例融资服务总站"
    assert found["shi-li-rong-zi-fu-wu-zhan"].data["operator"] == "示例融资有限公司" and found["shi-li-rong-zi-fu-wu-zhan"].published
