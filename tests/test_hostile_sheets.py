"""Spreadsheet, Word and CSV bombs: each refused by `import` with one Chinese line naming the limit, in bounded time
and memory, before a reader (calamine, python-docx, the csv module) spends memory on what the file expands to."""

import shutil
import subprocess
import sys
import time

import pytest

from tests import bombs
from tests.support import FIXTURES, ROOT

# The command as a clerk runs it, reporting its own peak memory (in KB) on the last line of stdout.
# The peak of this process's own memory (VmHWM): ru_maxrss would carry the peak of the pytest process it was forked from.
MEASURED = ("import re, sys\nfrom generator.__main__ import main\ncode = main(sys.argv[1:])\n"
            "print(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1))\nsys.exit(code)\n")


@pytest.fixture(scope="module")
def directory(tmp_path_factory):
    target = tmp_path_factory.mktemp("bombs") / "directory"
    shutil.copytree(FIXTURES / "valid", target)
    return target


def _import(path, directory):
    """Run `import --dry-run`; return (exit code, stderr lines, seconds, peak memory in MB)."""
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-c", MEASURED, "import", str(path), "--directory", str(directory), "--dry-run"],
                            cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    seconds = time.monotonic() - started
    memory = int(result.stdout.split()[-1]) // 1024 if result.stdout.strip() else None
    return result.returncode, result.stderr.splitlines(), seconds, memory


BOMBS = [
    ("far-corner.xlsx", bombs.far_corner_xlsx,
     ("没有导入任何记录：far-corner.xlsx 的工作表从 A1 到 XFD1048576 有 17,179,869,184 个单元格，超过 4,000,000 个单元格的上限，"
      "请删除多余的行和列，或分成几个文件导入")),
    ("long-shared.xlsx", bombs.long_shared_string_xlsx,
     ("没有导入任何记录：long-shared.xlsx 有一个单元格超过 32767 个字符（Excel 的上限），"
      "请检查文件，或用 Excel 或 WPS 打开后另存为 .xlsx 再导入")),
    ("many-cells.xlsx", lambda path: bombs.many_cells_xlsx(path, rows=30_000),
     "没有导入任何记录：many-cells.xlsx 的工作表超过 4,000,000 个单元格的上限，请删除多余的行和列，或分成几个文件导入"),
    ("blank-lines.csv", bombs.blank_lines_csv,
     "没有导入任何记录：blank-lines.csv 超过 200,000 行（空行也算），请删除多余的空行或分成几个文件导入"),
    ("long-cell.csv", bombs.long_cell_csv,
     "没有导入任何记录：long-cell.csv 第 2 行无法读取：有一个单元格超过 32767 个字符或引号没有配对"),
    ("many-rows.docx", bombs.many_rows_docx,
     "没有导入任何记录：many-rows.docx 的表格超过 5,000 行（Word 文件的上限），请另存为 .xlsx 或 .csv 再导入"),
]


@pytest.mark.parametrize(("name", "make", "message"), BOMBS, ids=[b[0] for b in BOMBS])
def test_a_bomb_is_refused_in_seconds_and_little_memory_with_one_line_naming_the_limit(tmp_path, directory, name, make, message):
    path = make(tmp_path / name)
    code, errors, seconds, memory = _import(path, directory)
    assert (code, errors) == (1, [message])
    # Before, these ran for minutes, aborted or took gigabytes: a guard against that, not a timing (refused within
    # 10 s on a quiet machine; the figures are in the note).
    assert seconds < 120, seconds
    assert memory is not None and memory < 500, memory


def test_a_long_cell_in_a_workbook_is_one_line(tmp_path, directory):
    path = bombs.long_shared_string_xlsx(tmp_path / "long.xlsx", megabytes=1)
    code, errors, _, _ = _import(path, directory)
    assert (code, len(errors)) == (1, 1) and "超过 32767 个字符" in errors[0]


def test_a_sheet_within_the_limits_still_reads(tmp_path):
    from generator.read.sheets import read_tables

    [table] = read_tables(bombs.many_cells_xlsx(tmp_path / "fine.xlsx", rows=2_000, columns=10))
    assert len(table.rows) == 2_000 and table.rows[0] == ["1"] * 10
