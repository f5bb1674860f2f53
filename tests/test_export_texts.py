"""The exports are written from texts kept in the build cache record by record: they must be exactly what writing the
whole directory at once gives (directory.json as json.dumps(…, indent=1), HSDS as csv.DictWriter over every row), from
a cold cache and from a warm one; the workbook, saved stored and copied deflated, has every part deflated and dated."""

import csv
import datetime
import io
import json
import zipfile

import pytest

from generator.model.model import load_model
from generator.write.exports import neutralise, write_json, write_xlsx
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
