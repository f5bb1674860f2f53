"""Every way out of a build ends within seconds, with one Chinese line, the published site unchanged, no worker left
running and no temporary folder left: success, a full disk, SIGTERM, Ctrl-C, SIGKILL of the parent, a second build."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from tests.support import FIXTURES, ROOT


def _start(directory, site, *extra):
    return subprocess.Popen([sys.executable, "-m", "generator", "build", "--no-catalogue", "--directory", str(directory),
                             "--site-dir", str(site), *extra], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)


def _alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


def _gone(group: int, seconds: float = 5) -> bool:
    deadline = time.monotonic() + seconds
    while _alive(group) and time.monotonic() < deadline:
        time.sleep(0.1)
    return not _alive(group)


def _previous_site(folder):
    site = folder / "site"
    site.mkdir(parents=True)
    (site / "index.html").write_text("previous", encoding="utf-8")
    return site


def _left_beside(site):
    return sorted(p.name for p in site.parent.iterdir() if p.name != site.name)


@pytest.fixture(scope="module")
def large(tmp_path_factory):
    from benchmarks.synth import write_directory

    return write_directory(800, tmp_path_factory.mktemp("large") / "directory")


def _wait_for_pages(site, seconds=90):
    deadline = time.monotonic() + seconds
    while not list(site.parent.glob(f".{site.name}-new-*/institutions")) and time.monotonic() < deadline:
        time.sleep(0.05)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_an_interrupted_build_stops_in_seconds_with_one_line_and_cleans_up(tmp_path, large, signum):
    site = _previous_site(tmp_path / "out")
    process = _start(large, site)
    _wait_for_pages(site)
    assert process.poll() is None, "the build ended before it could be interrupted"
    os.kill(process.pid, signum)
    _, err = process.communicate(timeout=10)
    assert process.returncode == 130
    assert err.splitlines()[-1] == "生成已中断，网站没有更新，原有网站保持不变。"
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    assert _gone(process.pid), "a worker is still running"
    assert (site / "index.html").read_text(encoding="utf-8") == "previous"
    assert _left_beside(site) == []


def test_killing_the_parent_kills_its_workers_and_the_next_build_cleans_up(tmp_path, large):
    site = _previous_site(tmp_path / "out")
    process = _start(large, site)
    _wait_for_pages(site)
    assert process.poll() is None, "the build ended before it could be killed"
    process.kill()
    process.wait()
    assert _gone(process.pid), "a worker outlived the build"
    assert (site / "index.html").read_text(encoding="utf-8") == "previous"
    rerun = _start(FIXTURES / "valid", site)
    _, err = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, err
    assert _left_beside(site) == []


def test_a_second_build_into_the_same_folder_is_refused_and_the_first_finishes(tmp_path, large):
    site = _previous_site(tmp_path / "out")
    first = _start(large, site)
    _wait_for_pages(site)
    second = _start(FIXTURES / "valid", site)
    _, err = second.communicate(timeout=60)
    assert second.returncode == 1
    assert err.splitlines()[-1] == f"网站生成失败，原有网站保持不变：另一次生成正在写入 {site.resolve()}，请等它结束后再试"
    _, err = first.communicate(timeout=300)
    assert first.returncode == 0, err
    assert (site / "institutions").is_dir()
    assert _left_beside(site) == []


def _tmpfs(folder, size):
    folder.mkdir()
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a small tmpfs needs root and mount(8)")
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], capture_output=True, text=True,
                            check=False)
    if result.returncode != 0:
        pytest.skip(f"a tmpfs cannot be mounted here: {result.stderr.strip()}")


@pytest.mark.parametrize("size", ["3m", "10900k"], ids=["full-while-writing-downloads", "full-while-writing-the-offline-zip"])
def test_a_full_disk_ends_the_build_in_seconds_with_one_line(tmp_path, size):
    disk = tmp_path / "disk"
    _tmpfs(disk, size)
    try:
        site = _previous_site(disk)
        started = time.monotonic()
        process = _start(FIXTURES / "valid", site)
        _, err = process.communicate(timeout=120)
        assert time.monotonic() - started < 60
        assert process.returncode == 1
        assert err.splitlines()[-1].startswith("网站生成失败，原有网站保持不变："), err
        assert "Traceback" not in err
        assert _gone(process.pid), "a worker is still running"
        assert (site / "index.html").read_text(encoding="utf-8") == "previous"
        assert _left_beside(site) == []
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


FORK_HOOK_SIGNAL = """
import os, threading, time
from generator.commands.build import Interrupted, catch_signals
catch_signals()
os.register_at_fork(after_in_parent=lambda: time.sleep(1))  # where Python drops an exception, as logging's lock release
threading.Timer(0.3, os.kill, (os.getpid(), {signum})).start()
try:
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)
    time.sleep(3)
    print("not stopped")
except Interrupted:
    print("stopped")
"""


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_during_a_fork_hook_still_stops_the_build_and_prints_nothing(signum):
    done = subprocess.run([sys.executable, "-c", FORK_HOOK_SIGNAL.format(signum=int(signum))], cwd=ROOT,
                          capture_output=True, text=True, timeout=30, check=True)
    assert (done.stdout, done.stderr) == ("stopped\n", "")


def test_what_a_command_prints_reaches_a_pipe_whole_though_it_exits_without_the_interpreters_clean_up():
    # __main__.exit_now ends with os._exit: output still in Python's buffers (a pipe's are 8 KB) would be lost unflushed
    env = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}
    done = subprocess.run([sys.executable, "-m", "generator", "validate", "--format", "json"], cwd=ROOT, check=False,
                          capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    problems = json.loads(done.stdout)
    assert len(problems) >= 10 and {p["severity"] for p in problems} == {"warning"} and done.stderr == ""
