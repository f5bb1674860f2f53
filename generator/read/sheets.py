"""Reading what bureaus have: .xlsx, .xls, .ods (python-calamine), .csv/.txt in UTF-8, GB18030 or UTF-16, comma- or
tab-separated, and the tables of a .docx (python-docx). Every sheet or table comes back as rows of text.

These files are untrusted: a corrupt or hostile file ends in SheetError with one Chinese line naming the file,
within bounded time and memory. The limits are checked on what a file expands to, before a reader spends memory on
it: the size of each part once unzipped, the cells a sheet holds or declares (a dense reader such as calamine makes
room for every cell between A1 and the farthest one), the length of one cell, the rows of a Word table, the lines of
a CSV. A formula is read as its text, never evaluated."""

from __future__ import annotations

import csv
import datetime
import io
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import ParseError as ElementTreeError

from ..kinds import CONTROL

MAX_BYTES = 50 * 1024 * 1024
MAX_ROWS = 200_000
MAX_COLUMNS = 200
FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[ >/]")
MAX_BLANK = 1000  # consecutive empty rows after which a sheet is taken to end
MAX_CELLS = 4_000_000  # cells of one sheet, counted and as the area from A1 to the farthest cell (calamine holds them all)
MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell
MAX_PART_BYTES = 300 * 1024 * 1024  # one part of a zipped file (a sheet's XML, the shared strings), once unzipped
MAX_WORD_ROWS = 5_000  # rows of all the tables of one Word file (python-docx takes milliseconds a row)
CELL = re.compile(rb"<\w+:c[ >/]")  # a cell whose tag has a namespace prefix (searched only when one occurs)
REFERENCE = re.compile(rb"""r=["']([A-Z]{1,3})(\d{1,7})["']""")  # a cell's own address, r="XFD1048576" (a literal start is fast)
DIMENSION = re.compile(rb"""<(?:\w+:)?dimension\s+ref=["']\$?([A-Z]{1,3})\$?(\d{1,7})(?::\$?([A-Z]{1,3})\$?(\d{1,7}))?""")
SPREADSHEETS = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
TEXTS = (".csv", ".txt", ".tsv")


class SheetError(Exception):
    """The file cannot be read; the message names it and says why, in Chinese."""


@dataclass
class Table:
    name: str  # the sheet's name, or 表格 N in a Word file
    rows: list[list[str]]
    above: list[str] = field(default_factory=list)  # the document's paragraphs before the table (title first)


def clean(text: str) -> str:
    """Return a cell's text without the control characters no record may hold (NUL, DEL, C1, non-characters), trimmed."""
    return CONTROL.sub("", text).strip()


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return str(value)
    return clean(str(value))


def _has_formula(archive: zipfile.ZipFile, member: str) -> bool:
    """Return True when a sheet's XML holds a formula element (scanned in chunks: most lists have none)."""
    tail = b""
    with archive.open(member) as stream:
        while chunk := stream.read(1 << 20):
            if FORMULA_TAG.search(tail + chunk):
                return True
            tail = chunk[-16:]
    return False


def _formulas(path: Path) -> dict[str, dict[int, dict[int, str]]]:
    """Return the formulas of an .xlsx as text, by sheet name, row and column (from 0), from its XML (never evaluated)."""
    from xml.etree import ElementTree

    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    relation = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    found = {}
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
            return found
        targets = {r.get("Id"): r.get("Target") for r in ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))}
        for sheet in ElementTree.fromstring(archive.read("xl/workbook.xml")).iter(f"{main}sheet"):
            target = targets.get(sheet.get(relation), "")
            member = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            if member not in names:
                continue
            cells = {}
            if not _has_formula(archive, member):
                continue
            with archive.open(member) as stream:
                for _, element in ElementTree.iterparse(stream):
                    if element.tag == f"{main}c":
                        formula = element.find(f"{main}f")
                        if formula is not None and formula.text:
                            reference = element.get("r", "")
                            letters = "".join(c for c in reference if c.isalpha())
                            column = 0
                            for letter in letters:
                                column = column * 26 + ord(letter.upper()) - 64
                            cells.setdefault(int(reference[len(letters):]) - 1, {})[column - 1] = "=" + formula.text
                        element.clear()
            if cells:
                found[sheet.get("name")] = cells
    return found


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _long_text(text: bytes, limit: int) -> bool:
    """Return True when `limit` bytes or more stand between two tags (checked where a half-limit block has no tag)."""
    step = limit // 2
    for start in range(0, len(text), step):
        if text.find(b"<", start, start + step) < 0:
            after = text.find(b"<", start)
            if (len(text) if after < 0 else after) - text.rfind(b"<", 0, start) - 1 >= limit:
                return True
    return False


class _Part:
    """What one unzipped part holds, counted chunk by chunk: cells, the farthest cell named, Word table rows."""

    def __init__(self, path: Path, member: str):
        self.path, self.member = path, member
        self.cells = self.rows = self.far_row = self.far_column = 0

    def refuse(self, why: str, advice: str = "请检查文件，或用 Excel 或 WPS 打开后另存为 .xlsx 再导入"):
        raise SheetError(f"{self.path.name} {why}，{advice}")

    def count(self, text: bytes) -> None:
        if _long_text(text, MAX_CELL_CHARS * 4):  # bytes between tags: 32,767 characters, and room for entities
            self.refuse(f"有一个单元格超过 {MAX_CELL_CHARS} 个字符（Excel 的上限）")
        self.cells += text.count(b"<c>") + text.count(b"<c ") + text.count(b"<c/") + (len(CELL.findall(text)) if b":c" in text else 0)
        self.rows += text.count(b"<w:tr>") + text.count(b"<w:tr ")
        corners = REFERENCE.findall(text)
        if b"dimension" in text:
            corners += [corner for match in DIMENSION.findall(text) for corner in (match[:2], match[2:]) if corner[0]]
        for letters, row in corners:
            self.far_row = max(self.far_row, int(row))
            self.far_column = max(self.far_column, _column_number(letters))
        area = self.far_row * self.far_column
        if self.cells > MAX_CELLS or area > MAX_CELLS:
            extent = f"从 A1 到 {_column_letters(self.far_column)}{self.far_row} 有 {area:,} 个单元格，" if area > MAX_CELLS else ""
            self.refuse(f"的工作表{extent}超过 {MAX_CELLS:,} 个单元格的上限", "请删除多余的行和列，或分成几个文件导入")
        if self.rows > MAX_WORD_ROWS:
            self.refuse(f"的表格超过 {MAX_WORD_ROWS:,} 行（Word 文件的上限）", "请另存为 .xlsx 或 .csv 再导入")


def check_archive(path: Path) -> None:
    """Refuse a zipped spreadsheet or Word file whose parts expand past the limits; read in chunks, nothing kept."""
    try:
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                part = _Part(path, info.filename)
                scanned = info.filename.endswith(".xml") and info.filename.startswith(("xl/", "word/document"))
                size, carry = 0, b""
                with archive.open(info) as stream:
                    while chunk := stream.read(1 << 20):
                        size += len(chunk)
                        if size > MAX_PART_BYTES:
                            part.refuse(f"解压后超过 {MAX_PART_BYTES // 1024 // 1024} MB 的上限", "请分成几个文件导入")
                        if not scanned:
                            continue
                        text = carry + chunk
                        cut = text.rfind(b"<")  # whole tags only: the rest waits for the next chunk
                        cut = len(text) if cut < 0 else cut
                        part.count(text[:cut])
                        carry = text[cut:]
                        if len(carry) > MAX_CELL_CHARS * 4:
                            part.count(carry)
                if carry:
                    part.count(carry)
    except SheetError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, OSError, ValueError) as exc:
        raise SheetError(f"{path.name} 不是完整的表格文件（{type(exc).__name__}），请用 Excel 或 WPS 打开后另存为 .xlsx 再导入") from exc


def _spreadsheet(path: Path) -> list[Table]:
    from python_calamine import CalamineWorkbook

    if zipfile.is_zipfile(path):  # .xls is not zipped, and bounded by its size on disk
        check_archive(path)
    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine's own errors: not a zip, broken XML, wrong format, password
        raise SheetError(f"{path.name} 不是能读取的表格文件（{type(exc).__name__}），请用 Excel 或 WPS 打开后另存为 .xlsx 再导入") from exc
    tables = []
    hidden = {m.name for m in book.sheets_metadata if str(m.visible).rsplit(".", 1)[-1] != "Visible"}
    try:
        formulas = _formulas(path) if path.suffix.lower() in (".xlsx", ".xlsm") else {}
    except (zipfile.BadZipFile, ElementTreeError, KeyError, ValueError) as exc:
        raise SheetError(f"{path.name} 的内容无法读取（{type(exc).__name__}），请用 Excel 或 WPS 打开后另存为 .xlsx 再导入") from exc
    for name in book.sheet_names:
        if name in hidden:  # lists behind drop-downs and other helpers, not data
            continue
        try:
            sheet = book.get_sheet_by_name(name)
            rows, blank = [], 0
            for row in sheet.iter_rows():
                cells = [_cell(v) for v in row[:MAX_COLUMNS]]
                if any(len(text) > MAX_CELL_CHARS for text in cells):
                    raise SheetError(f"{path.name} 的工作表“{name}”有一个单元格超过 {MAX_CELL_CHARS} 个字符（Excel 的上限），"
                                     "请删减后再导入")
                blank = 0 if any(cells) else blank + 1
                if blank > MAX_BLANK:  # a sheet whose size claims more than its cells hold: the rest is empty
                    break
                rows.append(cells)
                for column, text in formulas.get(name, {}).get(len(rows) - 1 + sheet.start[0], {}).items():  # a formula as its text
                    if 0 <= column - sheet.start[1] < len(cells):
                        cells[column - sheet.start[1]] = clean(text)
                if len(rows) > MAX_ROWS:
                    raise SheetError(f"{path.name} 的工作表“{name}”超过 {MAX_ROWS} 行，请分成几个文件导入")
        except SheetError:
            raise
        except Exception as exc:
            raise SheetError(f"{path.name} 的工作表“{name}”无法读取（{type(exc).__name__}）") from exc
        tables.append(Table(name, rows))
    return tables


def _text(path: Path, data: bytes) -> list[Table]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ("utf-16",)
    else:
        encodings = ("utf-8-sig", "gb18030")
    for encoding in encodings:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise SheetError(f"{path.name} 既不是 UTF-8，也不是 GB18030 或 UTF-16 编码，请另存为“CSV UTF-8”再导入")
    start = text[:20000]  # the first lines, titles included: the separator is whichever of tab and comma is commoner
    delimiter = "\t" if start.count("\t") > start.count(",") else ","
    if text.count(delimiter) > MAX_CELLS:
        raise SheetError(f"{path.name} 超过 {MAX_CELLS:,} 个单元格的上限，请分成几个文件导入")
    del text  # decoded again line by line: a StringIO of the whole text would take four bytes a character
    lines = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="")
    rows = []
    try:
        for row in csv.reader(lines, delimiter=delimiter):  # row by row: a file of blank lines stops at the limit
            if len(rows) == MAX_ROWS:
                raise SheetError(f"{path.name} 超过 {MAX_ROWS:,} 行（空行也算），请删除多余的空行或分成几个文件导入")
            rows.append([clean(cell) for cell in row[:MAX_COLUMNS]])
    except csv.Error as exc:  # a cell over the csv module's field limit (131,072 characters), a NUL in older Pythons
        raise SheetError(f"{path.name} 第 {len(rows) + 1} 行无法读取：有一个单元格超过 {MAX_CELL_CHARS} 个字符或引号没有配对") from exc
    for number, row in enumerate(rows, 1):
        if any(len(cell) > MAX_CELL_CHARS for cell in row):
            raise SheetError(f"{path.name} 第 {number} 行有一个单元格超过 {MAX_CELL_CHARS} 个字符（Excel 的上限），请删减后再导入")
    return [Table(path.stem, rows)]


def _word(path: Path) -> list[Table]:
    check_archive(path)
    try:
        import docx
        from docx.table import Table as WordTable
        from docx.text.paragraph import Paragraph

        document = docx.Document(str(path))
        tables, above = [], []
        for element in document.element.body.iterchildren():
            if element.tag.endswith("}p"):
                text = Paragraph(element, document).text.strip()
                above += [text] if text else []
            elif element.tag.endswith("}tbl"):
                rows = [[clean(cell.text) for cell in row.cells[:MAX_COLUMNS]] for row in WordTable(element, document).rows]
                tables.append(Table(f"表格 {len(tables) + 1}", rows, list(above)))
        return tables
    except Exception as exc:
        raise SheetError(f"{path.name} 不是能读取的 Word 文件（{type(exc).__name__}），请用 Word 或 WPS 打开后另存为 .docx 再导入") from exc


def read_tables(path: Path) -> list[Table]:
    """Return every sheet or table of a file as rows of text; raise SheetError for a file that cannot be read."""
    path = Path(path)
    if not path.is_file():
        raise SheetError(f"找不到文件 {path}")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise SheetError(f"{path.name} 有 {size // 1024 // 1024} MB，超过 {MAX_BYTES // 1024 // 1024} MB 的上限，请分成几个文件导入")
    suffix = path.suffix.lower()
    if suffix in SPREADSHEETS:
        return _spreadsheet(path)
    if suffix == ".docx":
        return _word(path)
    if suffix in TEXTS:
        return _text(path, path.read_bytes())
    if zipfile.is_zipfile(path):
        raise SheetError(f"{path.name} 的扩展名不认识，请改成 .xlsx、.ods 或 .docx")
    raise SheetError(f"{path.name} 的格式不认识：可导入 .xlsx、.xls、.ods、.csv、.txt 和 .docx")
