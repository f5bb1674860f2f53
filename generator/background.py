"""Work in forked processes while the build goes on: one job (the workbook, the offline zip) or a pool (the catalogue).

Forked children inherit the parent's data instead of having it pickled. A failed job is reported one way: finish()
raises BackgroundError naming the job; the child's own error has already been printed above it.
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager

_fork = multiprocessing.get_context("fork")
shared = None  # what pool workers read: set before the pool forks them


class BackgroundError(Exception):
    """A background job failed."""


class Job:
    """A function running in a forked process."""

    def __init__(self, name: str, target, *args):
        self.name = name
        self.process = _fork.Process(target=target, args=args, daemon=True)
        self.process.start()

    def finish(self) -> None:
        """Wait for the job; raise BackgroundError when it failed."""
        self.process.join()
        if self.process.exitcode != 0:
            raise BackgroundError(f"{self.name}没有写成（进程退出码 {self.process.exitcode}），详见上面的错误信息")

    def cancel(self) -> None:
        """Stop the job after a failure elsewhere."""
        self.process.kill()
        self.process.join()


def queue(size: int):
    """Return a queue that a Job's process can read from."""
    return _fork.Queue(maxsize=size)


@contextmanager
def pool(name: str, data):
    """Give a pool of forked workers, one per core, that read `data` as background.shared; a worker that dies
    (rather than raising) is reported as BackgroundError."""
    global shared
    shared = data
    with concurrent.futures.ProcessPoolExecutor(max_workers=os.cpu_count() or 1, mp_context=_fork) as executor:
        try:
            yield executor
        except BrokenProcessPool as exc:
            raise BackgroundError(f"{name}的工作进程意外退出，详见上面的错误信息") from exc
