"""Background work: a failed job or a dead pool worker is reported one way, as BackgroundError naming the work."""

import os

import pytest

from generator import background


def _fail():
    raise RuntimeError("boom")


def _die(_):
    os._exit(3)


def _read_shared(key):
    return background.shared[key]


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
