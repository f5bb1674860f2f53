"""The exports are written from texts kept in the build cache record by record: they must be exactly what writing the
whole directory at once gives (directory.json as json.dumps(…, indent=1), HSDS as csv.DictWriter over every row), from
a cold cache and from a warm one; the workbook, saved stored and copied deflated, has every part deflated and dated,
and its rows, kept as XML, give the bytes openpyxl gives cell by cell."""

import csv
import datetime
import io
import json
import tempfile
import zipfile

import pytest

from generator.model.model import load_model
from generator.table import columns as table_columns
from generator.write import exports
from generator.write.exports import neutralise, workbook_rows, write_json, write_xlsx
from generator.write.hsds import _columns, hsds_rows, write_hsds
from tests.support import ROOT

TODAY = datetime.date(2026, 12, 1)


@pytest.fixture(params=["cold", "warm"])
def model(request, tmp_path):
    cache = tmp_path / "cache"
    for _ in range(1 if request.param == "cold" else 2):  # warm: a second model reads what the first one kept
        loaded, _ = load_model(ROOT / "directory", TODAY, "https://directory.example.org/", cache=cache)
        write_json(loaded, tmp_path / "warm-up.json")
        write_hsds(loaded, tmp_path / "warm-up")
        write_xlsx(loaded, tmp_path / "warm-up.xlsx", hostile(loaded))
    return loaded


def test_directory_json_is_the_whole_payload_as_json_dumps_writes_it(model, tmp_path):
    write_json(model, tmp_path / "directory.json")
    text = (tmp_path / "directory.json").read_text(encoding="utf-8")
    payload = json.loads(text)
    assert payload["count"] == len(model.records) > 50 and payload["records"][0]["id"] == model.records[0].id
    assert text == json.dumps(payload, ensure_ascii=False, indent=1) + "\n"


def test_hsds_tables_are_every_row_as_a_dict_writer_writes_them(model, tmp_path):
    write_hsds(model, tmp_path / "hsds")
    tables, _ = hsds_rows(model)
    for name, columns in _columns().items():
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows({key: neutralise(value) for key, value in row.items()} for row in tables[name])
        assert (tmp_path / "hsds" / f"{name}.csv").read_bytes().decode("utf-8") == buffer.getvalue(), name
    assert len(tables["services"]) == len(model.records)


def test_the_workbook_written_through_a_stored_copy_is_deflated_and_dated_with_the_edition(model, tmp_path):
    write_xlsx(model, tmp_path / "directory.xlsx")
    with zipfile.ZipFile(tmp_path / "directory.xlsx") as archive:
        infos = archive.infolist()
        assert {info.compress_type for info in infos} == {zipfile.ZIP_DEFLATED}
        assert {info.date_time[:3] for info in infos} == {model.edition.timetuple()[:3]}
        assert archive.testzip() is None and "xl/worksheets/sheet1.xml" in archive.namelist()


def hostile(model):
    """The model's workbook table with texts an XML writer can get wrong: markup, quotes, a carriage return, spaces
    around, characters past the BMP, a formula, an empty text, the number standing for a kept row's; every other row
    without its shares, so that kept rows (no styled cell) and rows written in place (a percentage) both have them."""
    headings, formats, rows = workbook_rows(model)
    texts = ["<b>&amp; \"引号\" 'x'</b>", "行一\r\n行二\t", "  前后有空格 ", "𠀋𩸽😀", "=1+1", "", 'r="A1048577" 1048577"']
    rows = [list(row) for row in rows]
    for n, row in enumerate(rows):
        row[1 + n % 5] = texts[n % len(texts)] if isinstance(row[1 + n % 5], str) else row[1 + n % 5]
        row[2] = texts[(n + 3) % len(texts)]
        if n % 2:
            row[:] = ["" if number_format else value for value, number_format in zip(row, formats)]
    styled = [any(number_format and value != "" for value, number_format in zip(row, formats)) for row in rows]
    assert 20 < sum(styled) < len(rows) - 20
    return headings, formats, rows


def openpyxl_workbook(model, path, table):
    """The workbook as openpyxl writes it with every cell appended to its sheet, as write_xlsx wrote it before its rows
    were kept as XML: the reference."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.writer.excel import ExcelWriter

    headings, formats, rows = table
    workbook = Workbook(write_only=True)
    district = [c.path for c in table_columns(model.taxonomy)].index("district")
    sheets = [("全部", rows)] + [(name, [r for r in rows if r[district] == name]) for name in model.districts.values()]
    taken = set()
    for title, sheet_rows in sheets:
        sheet = workbook.create_sheet(exports.sheet_title(title, taken))
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(headings))}{len(sheet_rows) + 1}"
        for column, heading in enumerate(headings, 1):
            shown = [exports.display_width(f"{r[column - 1]:.0%}" if formats[column - 1] and r[column - 1] != "" else r[column - 1])
                     for r in sheet_rows[:500]]
            width = max([exports.display_width(heading) + 3, *(min(w, 50) for w in shown)]) + 1
            sheet.column_dimensions[get_column_letter(column)].width = min(max(width, 6), 52)
        header = []
        for heading in headings:
            cell = WriteOnlyCell(sheet, value=heading)
            cell.font = Font(bold=True)
            header.append(cell)
        sheet.append(header)
        for row in sheet_rows:
            sheet.append([exports._cell(sheet, value, number_format, WriteOnlyCell) for value, number_format in zip(row, formats)])
    stamp = datetime.datetime(model.edition.year, model.edition.month, model.edition.day)
    workbook.properties.created = workbook.properties.modified = stamp
    with tempfile.TemporaryFile() as stored:
        with zipfile.ZipFile(stored, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
            ExcelWriter(workbook, archive).save()
        exports._write_zip_reproducibly(stored, path, stamp, {})


def test_the_workbook_s_rows_are_what_openpyxl_writes_cell_by_cell(model, tmp_path):
    """Byte for byte, with styled cells (the sample's shares, as percentages) among the kept rows."""
    table = hostile(model)
    write_xlsx(model, tmp_path / "directory.xlsx", table)
    openpyxl_workbook(model, tmp_path / "reference.xlsx", table)
    with zipfile.ZipFile(tmp_path / "directory.xlsx") as mine, zipfile.ZipFile(tmp_path / "reference.xlsx") as reference:
        assert mine.namelist() == reference.namelist()
        for name in reference.namelist():
            assert mine.read(name) == reference.read(name), name
        assert b' s="2" t="n"><v>0.95</v>' in reference.read("xl/worksheets/sheet1.xml")
    assert (tmp_path / "directory.xlsx").read_bytes() == (tmp_path / "reference.xlsx").read_bytes()
