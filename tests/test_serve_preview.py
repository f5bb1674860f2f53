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


PREVIEWS = """
import shutil, sys
from pathlib import Path
from mkdocs.commands.build import build
from mkdocs.config import load_config

config_file, directory, states, out, fresh = sys.argv[1:]
site, url = Path(out) / "served", "http://127.0.0.1:8000/"
site.mkdir(parents=True)
for n, state in enumerate(sorted(Path(states).iterdir())):
    shutil.rmtree(directory)
    shutil.copytree(state, directory)
    config = load_config(config_file=config_file, site_dir=str(site))
    config.site_url = url
    plugin = config.plugins["directory"]
    if n == 0 or fresh == "fresh":  # as mkdocs serve starts: nothing kept from a build before
        if n:
            plugin.on_shutdown()
        config.plugins.on_startup(command="serve", dirty=False)
    build(config, serve_url=url)
    if plugin.search_later:
        plugin.search_later.join()
    shutil.copytree(site, Path(out) / state.name)
plugin.on_shutdown()
"""


def _unreferenced(directory):
    """Return the record files that no results or bulletin file names (they can be deleted), in name order."""
    cycle = "".join(p.read_text(encoding="utf-8") for folder in ("evaluations", "bulletins") for p in (directory / folder).glob("*.yml"))
    return [p for p in sorted(directory.glob("*/*.yml")) if p.parent.name not in ("evaluations", "bulletins") and p.stem not in cycle]


def _edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_preview_that_keeps_its_pages_across_rebuilds_gives_the_bytes_of_a_fresh_preview(tmp_path):
    """mkdocs serve keeps the institution pages and the records read (institutions.Kept, cache.Memory) from one
    rebuild to the next: after each kind of edit its site is the site a freshly started preview builds."""
    states = tmp_path / "states"
    steps = [
        ("a-name", lambda d: _edit(next(d.glob("pudong/*.yml")), "\nname: ", "\nname: 预览改名")),
        ("b-theme-renders", lambda d: _edit(next(d.glob("xuhui/*.yml")), "\nname: ", "\nname: A&B ")),  # chrome.fits: no
        ("c-added", lambda d: (d / "jingan" / "jingan-added-record.yml").write_text(
            next(d.glob("jingan/*.yml")).read_text(encoding="utf-8").replace("\nname: ", "\nname: 另一", 1), encoding="utf-8")),
        ("d-deleted", lambda d: [p.unlink() for p in _unreferenced(d)[:2]]),
        ("e-alias", lambda d: _edit(d / "pudong" / "pudong-ic-testing.yml", "aliases:\n", "aliases:\n  - preview-alias\n")),
        ("f-taxonomy", lambda d: _edit(d / "taxonomy.yml", "name: 综合服务", "name: 综合服务（改）")),
        ("g-alias-gone", lambda d: _edit(d / "pudong" / "pudong-ic-testing.yml", "  - preview-alias\n", "")),
    ]
    shutil.copytree(ROOT / "directory", states / "0-sample")
    last = states / "0-sample"
    for name, change in steps:
        shutil.copytree(last, states / name)
        change(states / name)
        last = states / name
    config = ROOT / f".test-previews-{os.getpid()}.yml"
    config.write_text((ROOT / "mkdocs.yml").read_text(encoding="utf-8").replace(
        "      path: directory", f"      path: {tmp_path / 'directory'}\n      cache_dir: {tmp_path / 'cache'}"), encoding="utf-8")
    try:
        for mode in ("kept", "fresh"):
            (tmp_path / "directory").mkdir(exist_ok=True)
            arguments = [str(config), str(tmp_path / "directory"), str(states), str(tmp_path / mode), mode]
            subprocess.run([sys.executable, "-c", PREVIEWS, *arguments],
                           cwd=ROOT, check=True, env=dict(os.environ, SOURCE_DATE_EPOCH="1767225600"))
    finally:
        config.unlink(missing_ok=True)
    for state in sorted(p.name for p in states.iterdir()):
        kept, fresh = (_files(tmp_path / mode / state) for mode in ("kept", "fresh"))
        assert kept.keys() == fresh.keys(), state
        assert [name for name in kept if kept[name] != fresh[name]] == [], state
        assert {"search/index.html", "search/manifest.json", "index.html"} <= kept.keys(), state
    edited = next((states / "a-name").glob("pudong/*.yml")).stem
    assert "预览改名" in (tmp_path / "kept" / "a-name" / "institutions" / edited / "index.html").read_text(encoding="utf-8")
    assert (tmp_path / "kept" / "e-alias" / "institutions" / "preview-alias" / "index.html").is_file()
    assert not (tmp_path / "kept" / "g-alias-gone" / "institutions" / "preview-alias").exists()


def _files(site):
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


def test_the_file_watcher_is_paused_while_a_preview_rebuilds_and_again_after_a_failed_one():
    import threading
    from types import SimpleNamespace

    from generator.plugin import paused

    emitters = [SimpleNamespace(_lock=threading.Lock()), SimpleNamespace(_lock=threading.Lock()), SimpleNamespace()]
    seen = []

    def build():
        seen.append([e._lock.locked() for e in emitters[:2]])
        if len(seen) == 2:
            raise RuntimeError("a build error")

    run = paused(build, SimpleNamespace(emitters=emitters))
    run()
    with pytest.raises(RuntimeError):
        run()
    assert seen == [[True, True], [True, True]]
    assert [e._lock.locked() for e in emitters[:2]] == [False, False]


def test_a_preview_rebuild_runs_without_the_cycle_collector_and_collects_after_it():
    import gc
    import threading

    from generator.plugin import collected_later

    full, seen = threading.Event(), []
    callback = lambda phase, info: phase == "stop" and info["generation"] == 2 and full.set()
    gc.callbacks.append(callback)
    try:
        run = collected_later(lambda: seen.append(gc.isenabled()), delay=0.2)
        run()
        assert seen == [False] and not gc.isenabled() and not full.is_set()  # not during the rebuild, nor right after it
        run()  # a second rebuild before the collection: still none during it
        assert seen == [False, False]
        assert full.wait(5) and gc.isenabled()
    finally:
        gc.callbacks.remove(callback)
        gc.enable()
