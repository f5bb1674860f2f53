"""Hostile spreadsheets, Word files and CSVs that are small on disk and huge once read (issue 31)."""

from __future__ import annotations

import zipfile
from pathlib import Path

CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                 '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                 '<Default Extension="xml" ContentType="application/xml"/>'
                 '<Override PartName="/xl/workbook.xml" '
                 'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                 '<Override PartName="/xl/worksheets/sheet1.xml" '
                 'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                 '<Override PartName="/xl/sharedStrings.xml" '
                 'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
ROOT_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
             '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
             'Target="xl/workbook.xml"/></Relationships>')
WORKBOOK = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
            '<sheet name="名单" sheetId="1" r:id="rId1"/></sheets></workbook>')
WORKBOOK_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                 '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
                 'Target="worksheets/sheet1.xml"/>'
                 '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
                 'Target="sharedStrings.xml"/></Relationships>')
SHEET_HEAD = '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'


def _xlsx(path: Path, dimension: str, rows, shared=(b"",)) -> Path:
    """Write an .xlsx whose sheet declares `dimension` and holds `rows` (XML text pieces) and shared strings."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as stream:
            stream.write(b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
            for piece in shared:
                stream.write(piece)
            stream.write(b"</sst>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as stream:
            stream.write(f'{SHEET_HEAD}<dimension ref="{dimension}"/><sheetData>'.encode())
            for piece in rows:
                stream.write(piece)
            stream.write(b"</sheetData></worksheet>")
    return path


def far_corner_xlsx(path: Path) -> Path:
    """Two cells, at A1 and at XFD1048576 (the last cell Excel has): a few KB that a dense reader makes 17 billion cells."""
    return _xlsx(path, "A1:XFD1048576", [b'<row r="1"><c r="A1" t="inlineStr"><is><t>name</t></is></c></row>',
                                         b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'])


def long_shared_string_xlsx(path: Path, megabytes: int = 1500) -> Path:
    """One shared string of `megabytes` MB, used by one cell: about 1.5 MB compressed."""
    chunk = b"A" * (1 << 20)
    return _xlsx(path, "A1:A1", [b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>'],
                 shared=[b"<si><t>", *(chunk for _ in range(megabytes)), b"</t></si>"])


def many_cells_xlsx(path: Path, rows: int = 1_000_000, columns: int = 150) -> Path:
    """`rows` x `columns` numeric cells without references (150 million by default), a few MB compressed."""
    row = b"<row>" + b"<c><v>1</v></c>" * columns + b"</row>"
    return _xlsx(path, "A1:A1", (row for _ in range(rows)))


def blank_lines_csv(path: Path, megabytes: int = 50) -> Path:
    """A CSV of nothing but line breaks, just under the 50 MB limit."""
    with path.open("wb") as stream:
        stream.write(b"name,district\n")
        for _ in range(megabytes):
            stream.write(b"\n" * ((1 << 20) - 1))
    return path


def long_cell_csv(path: Path, length: int = 200_000) -> Path:
    """A CSV with one quoted cell of `length` characters."""
    path.write_text('name,district\n"' + "长" * length + '",pudong\n', encoding="utf-8")
    return path


def many_rows_docx(path: Path, rows: int = 100_000) -> Path:
    """A Word file with one table of `rows` rows of two cells."""
    import docx

    document = docx.Document()
    document.add_table(rows=1, cols=2)
    document.save(path)
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    body = parts["word/document.xml"].decode()
    row = "<w:tr><w:tc><w:p><w:r><w:t>机构</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>浦东</w:t></w:r></w:p></w:tc></w:tr>"
    start = body.index("<w:tr")
    end = body.rindex("</w:tr>") + len("</w:tr>")
    parts["word/document.xml"] = (body[:start] + row * rows + body[end:]).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path
