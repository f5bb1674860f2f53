"""One neutralise for every CSV and workbook the project writes: exports, HSDS and the fill-in workbook. A cell that
Excel or WPS would run as a formula (=, +, -, @, tab, carriage return first) is written as text; sheet names that
Excel refuses (/ \\ [ ] : * ?) are written in full-width forms."""

import csv
import shutil

from openpyxl import load_workbook

from generator.model.model import Model
from generator.read.directory import load_directory, reference_date
from generator.write.exports import FORMULA_STARTS, write_exports
from generator.write.fillin import write_fillin
from generator.write.hsds import write_hsds
from tests.support import FIXTURES

FORMULAS = ["=HYPERLINK(\"http://x\",\"点\")", "+1+1", "-2+3", "@SUM(A1)"]


def _hostile(folder, draft=False):
    shutil.copytree(FIXTURES / "valid", folder)
    record = folder / "pudong" / "test-center.yml"
    text = record.read_text(encoding="utf-8")
    text = text.replace("name: 测试检测中心", "name: '=HYPERLINK(\"http://x\",\"点\")'").replace("operator: 测试运营有限公司",
                                                                                                 "operator: '+1+1'")
    text = text.replace("address: 上海市浦东新区示例路 1 号", "address: '-2+3'").replace("  content: 产品检验检测", "  content: '@SUM(A1)'")
    if draft:
        text = text.replace("tier: city\n", "status: draft\n")
    record.write_text(text, encoding="utf-8")
    taxonomy = folder / "taxonomy.yml"
    taxonomy.write_text(taxonomy.read_text(encoding="utf-8").replace("name: 浦东新区", "name: '=浦东/新区[1]:*?'"), encoding="utf-8")
    directory, problems = load_directory(folder)
    assert [p for p in problems if p.severity == "error"] == [], problems
    return directory


def _csv_cells(path):
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return [cell for row in csv.reader(stream) for cell in row]


def _workbook_cells(path):
    book = load_workbook(path)
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row if cell.value is not None], book.sheetnames


def test_no_csv_or_workbook_the_project_writes_holds_a_live_formula(tmp_path):
    model = Model(_hostile(tmp_path / "directory"), reference_date())
    paths = write_exports(model, tmp_path / "downloads") + write_hsds(model, tmp_path / "hsds")
    fillin = tmp_path / "补全表.xlsx"
    assert write_fillin(_hostile(tmp_path / "drafts", draft=True), fillin) == 1
    texts = [cell for path in paths if path.suffix == ".csv" for cell in _csv_cells(path)]
    assert len([path for path in paths if path.suffix == ".csv"]) > 10
    cells = []
    for path in [p for p in paths if p.suffix == ".xlsx"] + [fillin]:
        found, names = _workbook_cells(path)
        cells += found
        assert "=浦东／新区［1］：＊？" in names, names
    assert not [cell for cell in cells if cell.data_type == "f"]
    values = texts + [str(cell.value) for cell in cells]
    assert not [value for value in values if value.startswith(FORMULA_STARTS)]
    for formula in FORMULAS:
        assert "'" + formula in values, formula
