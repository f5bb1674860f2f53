"""`mkdocs serve` as a clerk previews an edit: the record's page shows the change after one rebuild without the
downloads, the search files of the last preview are served at once and this edit's follow when their job is done."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.support import ROOT


def _get(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return ""


def _until(condition, what: str, seconds: float = 120):
    deadline = time.monotonic() + seconds
    while not (found := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"not seen within {seconds} s: {what}")
        time.sleep(0.2)
    return found


@pytest.fixture
def preview(tmp_path):
    directory = tmp_path / "directory"
    shutil.copytree(ROOT / "directory", directory)
    config = ROOT / f".test-serve-{os.getpid()}.yml"  # beside mkdocs.yml, so that its relative paths hold
    config.write_text((ROOT / "mkdocs.yml").read_text(encoding="utf-8").replace("      path: directory", f"      path: {directory}")
                      .replace("\nwatch:\n  - directory\n", f"\nwatch:\n  - {directory}\n"), encoding="utf-8")
    port = 8900 + os.getpid() % 90
    log = tmp_path / "serve.log"
    with open(log, "wb") as out:
        server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "-f", str(config), "-a", f"127.0.0.1:{port}"],
                                  cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
                                  env=dict(os.environ, SOURCE_DATE_EPOCH="1767225600"))
    try:
        yield directory, f"http://127.0.0.1:{port}/", log
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        config.unlink(missing_ok=True)


def test_an_edit_shows_after_one_rebuild_and_its_search_files_follow(preview):
    directory, base, log = preview
    record = next(directory.glob("pudong/*.yml"))
    page = f"{base}institutions/{record.stem}/"
    _until(lambda: "<h1" in _get(page), "the first preview")
    first = json.loads(_until(lambda: _get(base + "search/manifest.json"), "the first preview's search files"))
    assert _get(base + "downloads/directory.csv") == "" and "不生成下载文件" in _get(base + "about/")
    time.sleep(2)  # the watcher's first look at the files

    record.write_text(record.read_text(encoding="utf-8").replace("\nname: ", "\nname: 预览改名", 1), encoding="utf-8")
    _until(lambda: "预览改名" in _get(page), "the edited name on the record's page")
    assert json.loads(_get(base + "search/manifest.json"))["count"] == first["count"]  # never a preview without search files
    _until(lambda: "预览的搜索索引已更新" in log.read_text(encoding="utf-8", errors="replace"), "the new search files")
    newer = json.loads(_get(base + "search/manifest.json"))
    assert newer["version"] != first["version"]
    assert any("预览改名" in _get(f"{base}search/t/{n}.json") for n in range(newer["shards"]))  # the new name is found
