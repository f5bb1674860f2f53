"""Background work: a failed job or a dead pool worker is reported one way, as BackgroundError naming the work."""

import errno
import os
import signal
import sys
import time

import pytest

from generator import background
from generator.commands import build


def _fail():
    raise RuntimeError("boom")


def _full_disk():
    raise OSError(errno.ENOSPC, "No space left on device", "/tmp/x")


def _die(_):
    os._exit(3)


def _read_shared(key):
    return background.shared[key]


def _wait():
    time.sleep(60)


@pytest.fixture
def build_signals():
    """The build's handlers of SIGTERM and Ctrl-C, in this process for one test."""
    saved = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGINT)}
    hook = sys.unraisablehook
    build.catch_signals()
    yield
    for signum, handler in saved.items():
        signal.signal(signum, handler)
    sys.unraisablehook = hook
    build.STOPPED.clear()


def test_a_signal_landing_as_a_job_starts_stops_the_build_only_once_the_job_can_be_stopped(monkeypatch, build_signals):
    """SIGTERM just after the fork, before the job is noted, would leave a child writing into a folder the build removes."""
    start = background._fork.Process.start

    def start_then_stop(process):
        start(process)
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(0.5)  # the handler has run by now

    monkeypatch.setattr(background._fork.Process, "start", start_then_stop)
    with pytest.raises(build.Interrupted):
        background.Job("测试", _wait)
    (job,) = background.running
    assert job.process.is_alive()
    background.stop_all()
    assert not background.running and not job.process.is_alive()


def test_a_failed_job_names_itself():
    job = background.Job("测试工作簿", _fail)
    with pytest.raises(background.BackgroundError, match="测试工作簿没有写成（进程退出码 1）"):
        job.finish()


def test_pool_workers_read_the_shared_data_without_pickling_it():
    with background.pool("测试", {"a": 1, "b": lambda: 2}) as pool:
        assert pool.submit(_read_shared, "a").result() == 1


def test_a_dead_pool_worker_is_a_background_error():
    with pytest.raises(background.BackgroundError, match="测试排版的工作进程意外退出"), background.pool("测试排版", None) as pool:
        pool.submit(_die, 1).result()


def test_a_forked_function_gives_its_result_or_names_itself_when_it_fails():
    assert background.Forked("测试", sorted, {"甲", "乙"}).result() == ["乙", "甲"]
    failed = background.Forked("测试拼音", _fail)
    with pytest.raises(background.BackgroundError, match="测试拼音没有算完"):
        failed.result()
    failed.cancel()  # as build_search_files does when result() raised: the child is gone already, nothing to stop
    waiting = background.Forked("测试", _wait)
    waiting.cancel()
    with pytest.raises(ProcessLookupError):
        os.kill(waiting.pid, 0)


def test_a_forked_function_on_a_full_disk_says_so_in_one_line(capfd):
    with pytest.raises(background.BackgroundError, match="测试拼音没有算完"):
        background.Forked("测试拼音", _full_disk).result()
    said = capfd.readouterr().err
    assert "测试拼音无法写入 /tmp/x（磁盘空间不足）" in said and "Traceback" not in said


def _run_pids(start, end, items):
    return [(item, os.getpid()) for item in items[start:end]]


def test_runs_are_computed_in_children_of_their_own_and_joined_in_order(monkeypatch):
    monkeypatch.setattr(background, "RUN", 2)
    made = background.in_runs("测试", _run_pids, 5, list("甲乙丙丁戊"))
    assert [item for item, _ in made] == list("甲乙丙丁戊")
    pids = [pid for _, pid in made]
    assert pids[0] == pids[1] != pids[2] == pids[3] != pids[4] != pids[0] and os.getpid() not in pids
    with pytest.raises(background.BackgroundError, match="测试拼音没有算完"):
        background.in_runs("测试拼音", lambda start, end: _fail(), 1)


def _pids(items):
    return [(item, os.getpid()) for item in items]


def test_halved_work_computes_its_second_half_in_a_child_and_keeps_the_order(monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    made = background.halved("测试", _pids, list("甲乙丙丁戊"))
    assert [item for item, _ in made] == list("甲乙丙丁戊")
    assert [pid == os.getpid() for _, pid in made] == [True, True, False, False, False]
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    assert {pid for _, pid in background.halved("测试", _pids, list("甲乙"))} == {os.getpid()}
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    with pytest.raises(background.BackgroundError, match="测试拼音没有算完"):
        background.halved("测试拼音", lambda items: _fail() if items[0] == "乙" else items, ["甲", "乙"])
