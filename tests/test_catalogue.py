"""The printed catalogue and the data exports, read back the way a user or another program reads them."""

import csv
import functools
import http.server
import io
import json
import re
import subprocess
import threading

import pytest

from generator.model.model import spell
from generator.write import catalogue
from generator.write.catalogue import CatalogueError, _render, check_cjk_font
from tests.support import PUBLISHED, UNPUBLISHED
from tests.support import SAMPLE as DIRECTORY


def pdftext(path, first=None, last=None):
    pages = ["-f", str(first), "-l", str(last)] if first else []
    return subprocess.run(["pdftotext", "-layout", *pages, str(path), "-"], capture_output=True, text=True, check=True).stdout


def page_count(path):
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", info).group(1))


@pytest.fixture(scope="module")
def pdf(sample_site):
    return sample_site / "downloads" / "catalogue.pdf"


def test_every_published_name_and_no_unpublished_one_is_in_the_catalogue(pdf):
    text = re.sub(r"\s+", "", pdftext(pdf))
    for record in PUBLISHED:
        assert re.sub(r"\s+", "", record.data["name"]) in text, record.id
    for record in UNPUBLISHED:
        assert record.data["name"] not in text


def test_every_font_is_embedded(pdf):
    lines = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert lines
    for line in lines:
        assert line.split()[-5] == "yes", line
        assert "CJK" in line.split()[0]


def test_contents_give_the_pages_where_sections_start(pdf):
    contents = pdftext(pdf, 2, 3)
    checked = 0
    for district in DIRECTORY.choices("districts").values():
        number = int(re.search(rf"^\s*{district}\s+(\d+)\s*$", contents, re.MULTILINE).group(1))
        page = pdftext(pdf, number, number)
        assert page.splitlines()[0].strip() == district or district in page.split("\n", 3)[1], (district, number)
        # The section goes on with the first function group of that district.
        primary = {r.data["functions"][0] for r in PUBLISHED if DIRECTORY.choices("districts")[r.data["district"]] == district}
        first = next(name for fid, name in DIRECTORY.choices("functions").items() if fid in primary)
        assert re.search(rf"^\s*{first}\s*$", page, re.MULTILINE), (district, first)
        previous = pdftext(pdf, number - 1, number - 1)
        assert re.search(rf"^\s*{district}\s*$", previous, re.MULTILINE) is None
        checked += 1
    assert checked == 16


def test_pinyin_index_lists_every_name_in_order_with_its_page(pdf):
    total = page_count(pdf)
    text = pdftext(pdf, total - 2, total)
    index = text[text.index("名称索引"):]
    overrides = DIRECTORY.taxonomy.pinyin_overrides
    listed = []
    for line in index.splitlines():
        found = re.match(r"^\s*(\S.*?)\s{2,}(\d+)\s*$", line)
        if found:
            listed.append((found.group(1), int(found.group(2))))
    names = [name for name, _ in listed]
    assert sorted(names) == sorted(r.data["name"] for r in PUBLISHED)
    keys = [spell(name, overrides) for name in names]
    assert keys == sorted(keys)
    name, number = listed[0]
    assert name in pdftext(pdf, number, number)


def test_pinyin_corrections_from_the_taxonomy():
    assert spell("长宁区企业管理诊所", {"长宁": "chang ning"}).startswith("chang ning qu")
    assert spell("长宁区企业管理诊所", {}).startswith("zhang ning")


def test_district_catalogues_hold_only_their_district(sample_site):
    text = re.sub(r"\s+", "", pdftext(sample_site / "downloads" / "catalogue-pudong.pdf"))
    for record in PUBLISHED:
        assert (record.data["name"] in text) == (record.data["district"] == "pudong"), record.id


def test_catalogue_fonts_cover_every_character_used(pdf):
    from fontTools.ttLib import TTCollection

    path = subprocess.run(["fc-match", "-f", "%{file}", "Noto Sans CJK SC"], capture_output=True, text=True, check=True).stdout
    collection = TTCollection(path)
    cmap = set()
    for font in collection.fonts:
        cmap |= set(font.getBestCmap())
    used = {ch for ch in pdftext(pdf) if not ch.isspace()}
    missing = sorted(ch for ch in used if ord(ch) not in cmap)
    assert missing == []


def test_first_page_image_has_ink(pdf, tmp_path):
    subprocess.run(["pdftoppm", "-r", "40", "-f", "1", "-l", "1", "-gray", str(pdf), str(tmp_path / "p")], check=True)
    image = next(tmp_path.glob("p*.pgm")).read_bytes()
    pixels = image.split(b"\n", 3)[3]
    dark = sum(1 for b in pixels if b < 128)
    assert dark > 500


def test_missing_chinese_font_stops_with_the_package_name(monkeypatch):
    monkeypatch.setattr(catalogue.shutil, "which", lambda name: None)
    with pytest.raises(CatalogueError, match="fonts-noto-cjk"):
        check_cjk_font()


def test_weasyprint_loads_nothing_from_outside(tmp_path):
    hits = []

    class Counter(http.server.SimpleHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Counter, directory=str(tmp_path)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-CONTENT", encoding="utf-8")
    html = (f'<img src="http://127.0.0.1:{server.server_port}/x.png"><link rel="stylesheet" href="file://{secret}">'
            f'<iframe src="file://{secret}"></iframe><p>正文</p>')
    data, pages, _ = _render(html)
    server.shutdown()
    assert hits == []
    assert b"SECRET-CONTENT" not in data and pages == 1


def test_csv_opens_with_chinese_headings_and_one_row_per_institution(sample_site):
    raw = (sample_site / "downloads" / "directory.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:6] == ["标识", "名称", "英文名称", "所在区", "层级", "服务功能"]
    assert rows[0][16:21] == ["服务内容", "服务流程", "服务标准", "收费标准", "服务时间"]
    assert len(rows) - 1 == len(PUBLISHED)
    assert {row[0] for row in rows[1:]} == {r.id for r in PUBLISHED}


def test_json_carries_derived_fields(sample_site):
    data = json.loads((sample_site / "downloads" / "directory.json").read_text(encoding="utf-8"))
    assert data["count"] == len(PUBLISHED)
    record = next(r for r in data["records"] if r["id"] == "pudong-ic-testing")
    assert record["url"] == "https://directory.example.org/institutions/pudong-ic-testing/"
    assert record["current_demonstration_level"] == "national"


def test_xlsx_has_all_and_district_sheets_with_frozen_headers(sample_site):
    from openpyxl import load_workbook

    book = load_workbook(sample_site / "downloads" / "directory.xlsx")
    assert book.sheetnames[0] == "全部" and len(book.sheetnames) == 17
    assert book["全部"].freeze_panes == "A2"
    assert book["全部"].max_row - 1 == len(PUBLISHED)
    assert book["浦东新区"].max_row - 1 == sum(r.data["district"] == "pudong" for r in PUBLISHED)


def test_the_workbook_and_the_csv_are_in_people_s_words_with_numbers_as_numbers(sample_site):
    from openpyxl import load_workbook

    sheet = load_workbook(sample_site / "downloads" / "directory.xlsx")["全部"]
    headings = [cell.value for cell in sheet[1]]
    row = {h: cell for h, cell in zip(headings, next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "pudong-ic-testing"))}
    assert row["收费项目"].value == "标准化咨询（首次）（免费）；专项服务 1400 元/次（按委托合同约定（示例））"
    assert row["营业时间（结构化）"].value == "周一至周五 09:00–17:00，法定节假日休息"
    assert row["示范平台称号"].value == ("国家级示范平台（2021 年，至 2026 年底，编号 工信示范〔2022〕68 号（示例））；"
                                      "区级示范平台（2017 年）")
    assert row["现有示范平台称号"].value == "国家级示范平台（2021 年）"
    assert (row["满意度"].value, row["满意度"].data_type, row["满意度"].number_format) == (0.95, "n", "0%")
    assert (row["年服务企业数"].value, row["年服务企业数"].data_type) == (26450, "n")
    assert isinstance(row["成立年份"].value, int) and row["电话"].data_type == "s" and row["邮政编码"].value == "210043"
    assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, len(headings)).column_letter}{len(PUBLISHED) + 1}"
    widths = {h: sheet.column_dimensions[cell.column_letter].width for h, cell in zip(headings, sheet[1])}
    assert widths["标识"] < widths["名称"] < widths["服务内容"] and widths["满意度"] < 12 and max(widths.values()) <= 52
    csv_rows = list(csv.DictReader(io.StringIO((sample_site / "downloads" / "directory.csv").read_text(encoding="utf-8-sig"))))
    line = next(r for r in csv_rows if r["标识"] == "pudong-ic-testing")
    assert line["满意度"] == "95%" and line["收费项目"] == row["收费项目"].value
    assert line["营业时间（结构化）"] == row["营业时间（结构化）"].value
    data = json.loads((sample_site / "downloads" / "directory.json").read_text(encoding="utf-8"))
    record = next(r for r in data["records"] if r["id"] == "pudong-ic-testing")
    assert record["opening_hours"] == "Mo-Fr 09:00-17:00; PH off" and record["metrics"]["satisfaction"] == 0.95
    assert record["fee_items"][1] == {"item": "专项服务", "free": False, "amount": 1400, "unit": "次", "note": "按委托合同约定（示例）"}


def test_formula_cells_are_neutralised(valid_dir, tmp_path):
    import datetime

    from openpyxl import load_workbook

    from generator.model.model import Model
    from generator.read.directory import load_directory
    from generator.write.exports import write_exports

    record = valid_dir / "pudong/test-center.yml"
    text = record.read_text(encoding="utf-8").replace("name: 测试检测中心", 'name: "=HYPERLINK(\\"http://x\\",\\"点我\\")"')
    record.write_text(text.replace("operator: 测试运营有限公司", "operator: '@SUM(1+1)'").replace("  fees: 按目录收费，咨询免费", '  fees: "+1 免费"'),
                      encoding="utf-8")
    loaded, problems = load_directory(valid_dir)
    assert [p for p in problems if p.severity == "error"] == []
    write_exports(Model(loaded, datetime.date(2026, 1, 1)), tmp_path)
    rows = list(csv.reader(io.StringIO((tmp_path / "directory.csv").read_text(encoding="utf-8-sig"))))
    row = next(r for r in rows if r[0] == "test-center")
    assert row[1] == "'=HYPERLINK(\"http://x\",\"点我\")"
    assert row[7] == "'@SUM(1+1)"
    assert row[rows[0].index("收费标准")] == "'+1 免费"
    sheet = load_workbook(tmp_path / "directory.xlsx")["全部"]
    values = [cell.value for cell in next(r for r in sheet.iter_rows() if r[0].value == "test-center")]
    assert values[1].startswith("'=") and values[7] == "'@SUM(1+1)"
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_unchanged_districts_are_taken_from_the_cache(tmp_path, monkeypatch):
    calls = []
    real = catalogue._render
    monkeypatch.setattr(catalogue, "_render", lambda html: calls.append(1) or real(html))
    html = "<html lang=zh-CN><body><h1 id=d-x>浦东新区</h1></body></html>"
    first = catalogue._render_cached(html, tmp_path)
    second = catalogue._render_cached(html, tmp_path)
    assert first == second and len(calls) == 1
    catalogue._render_cached(html.replace("浦东", "黄浦"), tmp_path)
    assert len(calls) == 2


def test_a5_catalogue_and_command_line(valid_dir, tmp_path, capsys):
    from generator.__main__ import main

    out = tmp_path / "out"
    assert main(["catalogue", "--directory", str(valid_dir), "--out", str(out), "--paper", "A5", "--cache-dir", "none",
                 "--site-url", "https://t.example.org/"]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["catalogue-huangpu.pdf", "catalogue-pudong.pdf", "catalogue.pdf"]
    info = subprocess.run(["pdfinfo", str(out / "catalogue.pdf")], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Page size:\s+419\.\d+ x 595\.\d+", info)
    text = pdftext(out / "catalogue.pdf")
    assert "测试检测中心" in text and "服务功能" in text and "办理时限" in text
    err = capsys.readouterr().err
    assert "印刷版完成：catalogue.pdf" in err and "排版 2/2" in err
