"""The fill-in workbook (补全表): one sheet per district, one row per draft, with the export's headings, the missing
cells highlighted and the choice columns as drop-down lists of the taxonomy's Chinese names. A bureau sends it to
the institutions; importing it back updates the drafts in place (matched by 标识)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ..model.model import load_model
from ..read.directory import Directory
from ..table import Column, columns
from .exports import neutralise, sheet_title

MISSING_FILL = "FFF2CC"  # light yellow: to be filled in
CHOICES_SHEET = "选项"


def _missing(column: Column, gaps: list[str]) -> bool:
    return any(column.path == gap or column.path.startswith(gap + ".") for gap in (g.split("[")[0] for g in gaps))


def write_fillin(directory: Directory, output: Path) -> int:
    """Write the workbook of every draft to output (all at once); return how many drafts it holds."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    drafts = directory.drafts
    if not drafts:
        return 0
    model, _ = load_model(directory)
    table = [c for c in columns(directory.taxonomy) if c.path]
    book = Workbook()
    book.remove(book.active)
    options = book.create_sheet(CHOICES_SHEET)
    options.sheet_state = "hidden"
    lists = {}
    for number, key in enumerate(dict.fromkeys(c.spec.choice_table() for c in table if c.spec.choice_table()), 1):
        names = list(directory.choices(key).values())
        letter = get_column_letter(number)
        for row, name in enumerate(names, 1):
            options[f"{letter}{row}"] = neutralise(name)
        lists[key] = f"={CHOICES_SHEET}!${letter}$1:${letter}${len(names)}"
    fill, bold = PatternFill("solid", fgColor=MISSING_FILL), Font(bold=True)
    taken = {CHOICES_SHEET}
    for district, name in directory.choices("districts").items():
        mine = [r for r in drafts if r.folder == district]
        if not mine:
            continue
        sheet = book.create_sheet(sheet_title(name, taken))
        sheet.append([c.heading for c in table])
        for cell in sheet[1]:
            cell.font = bold
        sheet.freeze_panes = "B2"
        for record in mine:
            sheet.append([neutralise(c.text(model, record)) for c in table])
            for index, column in enumerate(table, 1):
                if _missing(column, record.gaps):
                    sheet.cell(row=sheet.max_row, column=index).fill = fill
        for index, column in enumerate(table, 1):
            letter = get_column_letter(index)
            sheet.column_dimensions[letter].width = 14 if index > 1 else 28
            if column.spec.choice_table():
                many = column.spec.many
                check = DataValidation(type="list", formula1=lists[column.spec.choice_table()], allow_blank=True,
                                       showErrorMessage=not many)  # several choices go in one cell, separated by 、
                sheet.add_data_validation(check)
                check.add(f"{letter}2:{letter}{max(sheet.max_row, 2) + 200}")
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{output.name}.", suffix=".part", dir=output.parent)
    os.close(handle)
    try:
        book.save(temporary)
        os.replace(temporary, output)
    finally:
        Path(temporary).unlink(missing_ok=True)
    return len(drafts)
