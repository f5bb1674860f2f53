"""Open data exports of the published records: JSON, CSV (UTF-8 with BOM) and XLSX."""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import json
import re
import tempfile
import unicodedata
import zipfile
from functools import cache, lru_cache
from pathlib import Path

from ..background import Job
from ..cache import Memo
from ..model.model import Model
from ..table import columns

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SHEET_TITLE_REFUSES = str.maketrans("/\\[]:*?", "／＼［］：＊？")  # what Excel refuses in a sheet's name, as full-width forms


def neutralise(value):
    """Prefix a cell that a spreadsheet would run as a formula with an apostrophe, so it stays text; used for every cell
    of every CSV and workbook written (exports, HSDS, the fill-in workbook). Other values are returned unchanged."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value


def sheet_title(name: str, taken: set[str]) -> str:
    """Return a sheet name Excel accepts for `name` (31 characters, none of / \\ [ ] : * ?, not starting or ending with
    an apostrophe), unique among `taken` (case aside), and add it there."""
    title = name.translate(SHEET_TITLE_REFUSES).strip("'")[:31] or "表"
    base, number = title, 1
    while title.casefold() in taken:
        number += 1
        title = f"{base[:31 - len(str(number)) - 1]}-{number}"
    taken.add(title.casefold())
    return title


def export_rows(model: Model) -> tuple[list[str], list[list[str]]]:
    """Return the Chinese column headings and one row of text per published record."""
    table = columns(model.taxonomy)
    memo = Memo(model.cache, "export-rows")
    rows = [memo.get(model.record_key(r), lambda r=r: [column.text(model, r) for column in table]) for r in model.records]
    memo.save()
    return [column.heading for column in table], rows


def workbook_rows(model: Model) -> tuple[list[str], list[str], list[list]]:
    """Return the headings, each column's number format and one row per record: numbers as numbers, the rest as text."""
    table = columns(model.taxonomy)
    memo = Memo(model.cache, "workbook-rows")
    rows = [memo.get(model.record_key(r), lambda r=r: [column.value(model, r) for column in table]) for r in model.records]
    memo.save()
    return [column.heading for column in table], [column.spec.cell_format for column in table], rows


def display_width(value) -> int:
    """Return how many columns of a spreadsheet a value takes: a Chinese character two, others one."""
    return _text_width(str(value))


@lru_cache(maxsize=65536)  # the same texts come back in every sheet and column (districts, functions, yes and no)
def _text_width(text: str) -> int:
    return len(text) if text.isascii() else sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def write_json(model: Model, path: Path) -> None:
    """Write the published records with their derived fields (current demonstration level, page URL), as
    json.dumps(…, indent=1) writes them: each record's text two levels down is kept in the build cache."""
    memo = Memo(model.cache, "record-export")
    records = [memo.get(model.record_key(r), lambda r=r: _nested(model.record_data(r))) for r in model.records]
    memo.save()
    head = {"title": model.site.title, "edition": model.edition.isoformat(), "count": len(records), "records": []}
    text = json.dumps(head, ensure_ascii=False, indent=1)
    if records:  # "records" comes last: its [] ends the text
        text = text[: -len("[]\n}")] + "[\n  " + ",\n  ".join(records) + "\n ]\n}"
    path.write_text(text + "\n", encoding="utf-8")


def _nested(record: dict) -> str:
    """A record as json.dumps(…, indent=1) writes it two levels down (a JSON text holds no newline but between lines)."""
    return json.dumps(record, ensure_ascii=False, indent=1, default=str).replace("\n", "\n  ")


def write_csv(model: Model, path: Path, table=None) -> None:
    """Write one row per published record, UTF-8 with a BOM so that Excel reads the Chinese headings."""
    headings, rows = table or export_rows(model)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headings)
    writer.writerows([[neutralise(cell) for cell in row] for row in rows])
    path.write_bytes(b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8"))


def write_xlsx(model: Model, path: Path, table=None) -> None:
    """Write a workbook with an all-records sheet and one sheet per district: frozen header row with a filter, columns
    as wide as their content, numbers as numbers (shares as percentages). openpyxl writes each sheet with its header;
    the rows, written by openpyxl's own cell writer once per record (kept in the build cache as `RowXml`), go in as the
    sheet is copied deflated: a record in two sheets is written once, and a cached build writes none again."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.writer.excel import ExcelWriter

    headings, formats, rows = table or workbook_rows(model)
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    district = [c.path for c in columns(model.taxonomy)].index("district")
    memo = Memo(model.cache, "workbook-xml")
    texts = []  # each row's RowXml, or None for a row with styled cells (numbers with a format): written in its sheet
    for row in rows:
        styled = any(_styled(value, number_format) for value, number_format in zip(row, formats))
        texts.append(None if styled else memo.get(_digest(repr(row)), lambda row=row: RowXml([neutralise(value) for value in row])))
    memo.save()
    sheets = [("全部", range(len(rows)))] + [(name, [n for n, r in enumerate(rows) if r[district] == name])
                                            for name in model.districts.values()]
    taken, inserted = set(), {}
    for title, members in sheets:
        sheet = workbook.create_sheet(sheet_title(title, taken))
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(headings))}{len(members) + 1}"
        for column, heading in enumerate(headings, 1):
            shown = [display_width(f"{rows[n][column - 1]:.0%}" if formats[column - 1] and rows[n][column - 1] != ""
                                   else rows[n][column - 1]) for n in members[:500]]
            width = max([display_width(heading) + 3, *(min(w, 50) for w in shown)]) + 1  # + 3: the filter's arrow
            sheet.column_dimensions[get_column_letter(column)].width = min(max(width, 6), 52)
        header = []
        for heading in headings:
            cell = WriteOnlyCell(sheet, value=heading)
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        inserted[sheet] = sheet_rows = []
        for number, n in enumerate(members, 2):  # the styled rows now, in order, as openpyxl numbers their styles
            sheet_rows.append((number, texts[n] or RowXml(
                [_cell(sheet, value, number_format, WriteOnlyCell) for value, number_format in zip(rows[n], formats)],
                sheet, number)))
    stamp = datetime.datetime(model.edition.year, model.edition.month, model.edition.day)
    workbook.properties.created = workbook.properties.modified = stamp
    # openpyxl's own save deflates every part and the copy below deflates them again: stored first (on disk, not in
    # memory), deflated once
    with tempfile.TemporaryFile(dir=path.parent) as stored:
        with zipfile.ZipFile(stored, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
            ExcelWriter(workbook, archive).save()
        _write_zip_reproducibly(stored, path, stamp, {sheet.path[1:]: rows for sheet, rows in inserted.items()})


class RowXml:
    """A sheet row's XML as openpyxl's cell writer gives it (UTF-8 here; written as ASCII with references, as lxml writes
    a sheet), in pieces between the places of its row number: the row's text at any row is its number joined between
    them. Given its sheet and row number (a row with a styled cell: a style's number is the workbook's own), it is
    written there, in one piece."""

    ROW = 1048577  # past Excel's last row, so written nowhere else: "<" is escaped in every text
    NUMBERED = re.compile(f'(<row r="|<c r="[A-Z]+){ROW}"')

    def __init__(self, cells: list, sheet=None, row: int = ROW):
        from lxml.etree import xmlfile
        from openpyxl.cell._writer import write_cell

        sheet = sheet or _scratch_sheet()
        out = io.BytesIO()
        with xmlfile(out, encoding="utf-8") as xf, xf.element("row", {"r": str(row)}):  # written as ASCII later
            for cell in sheet._values_to_row(cells, row):
                write_cell(xf, sheet, cell, cell.has_style)
        text = out.getvalue().decode()
        if row != self.ROW:  # a styled row, written at its place
            self.pieces = (text,)
            return
        parts = self.NUMBERED.split(text)  # text, where the number goes, text (after the number's quote), …
        self.pieces = (parts[0] + parts[1], *('"' + parts[i] + parts[i + 1] for i in range(2, len(parts) - 1, 2)),
                       '"' + parts[-1])

    def text(self, row: int) -> str:
        """Return the row's XML as row number `row`."""
        return str(row).join(self.pieces)


@cache
def _scratch_sheet():
    """The sheet an unstyled row is written for (a sheet is only its cells' parent there, and setting one up took
    nearly half of the rows' time)."""
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

    return WriteOnlyWorksheet(None, "")


def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode(), digest_size=16).digest()


def _styled(value, number_format: str) -> bool:
    """Whether a cell has a style of its own: a number with a format (a share as a percentage)."""
    return bool(number_format) and not isinstance(value, str)


def _cell(sheet, value, number_format: str, make):
    if not _styled(value, number_format):
        return neutralise(value) if isinstance(value, str) else value
    cell = make(sheet, value=value)
    cell.number_format = number_format
    return cell


def _write_zip_reproducibly(source, path: Path, stamp: datetime.datetime, inserted: dict) -> None:
    """Copy a workbook with every entry and its modified time dated `stamp`, so two builds give the same bytes, and
    each sheet's rows put in (`inserted`: entry name, [(row number, RowXml)]) after its header."""
    modified = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")
    with zipfile.ZipFile(source) as archive, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in archive.infolist():
            data = archive.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = modified.sub(rb"\g<1>" + stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode() + rb"\g<2>", data)
            copy = zipfile.ZipInfo(info.filename, date_time=stamp.timetuple()[:6])
            copy.compress_type = zipfile.ZIP_DEFLATED
            rows = inserted.get(info.filename)
            if not rows:
                out.writestr(copy, data)
                continue
            head, end, tail = data.partition(b"</sheetData>")
            with out.open(copy, "w") as entry:
                entry.write(head)
                for start in range(0, len(rows), 1000):  # as lxml writes a sheet: ASCII, other characters as references
                    text = "".join(xml.text(number) for number, xml in rows[start : start + 1000])
                    entry.write(text.encode("ascii", "xmlcharrefreplace"))
                entry.write(end + tail)


class Exports:
    """Writes directory.json, directory.csv and directory.xlsx into a folder.

    The workbook, the slow one, is written by a forked process, so other work can go on until finish() is called.
    """

    def __init__(self, model, folder: Path):
        folder.mkdir(parents=True, exist_ok=True)
        self.paths = [folder / "directory.json", folder / "directory.csv", folder / "directory.xlsx"]
        self.workbook = Job(self.paths[2].name, write_xlsx, model, self.paths[2])
        try:
            write_json(model, self.paths[0])
            write_csv(model, self.paths[1])
        except BaseException:
            self.cancel()
            raise

    def finish(self) -> list[Path]:
        """Wait for the workbook; return the three paths."""
        self.workbook.finish()
        return self.paths

    def cancel(self) -> None:
        """Stop the workbook after a failure elsewhere."""
        self.workbook.cancel()


def write_exports(model: Model, folder: Path) -> list[Path]:
    """Write directory.json, directory.csv and directory.xlsx into folder; return their paths."""
    return Exports(model, folder).finish()
