"""Work in forked processes while the build goes on: one job (the workbook, the offline zip) or a pool (the catalogue).

Forked children inherit the parent's data instead of having it pickled. A failed job is reported one way: finish()
raises BackgroundError naming the job; the child's own error has already been printed above it, in one line when it
is the disk (full, or not writable). A child dies with the build: it is killed when its parent dies (even by SIGKILL),
it leaves Ctrl-C and SIGTERM to the parent, and a parent that stops early kills it rather than waiting for it.
"""

from __future__ import annotations

import concurrent.futures
import ctypes
import errno
import gc
import multiprocessing
import os
import pickle
import queue as queues
import signal
import sys
import tempfile
import traceback
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager

_fork = multiprocessing.get_context("fork")
shared = None  # what pool workers read: set before the pool forks them
PR_SET_PDEATHSIG = 1
running: set = set()  # the jobs started and not yet finished or cancelled: stop_all() ends them
holding: list = []  # not empty while jobs are started (held)
deferred: list = []  # the signals that arrived meanwhile, raised again when they are noted


class BackgroundError(Exception):
    """A background job failed."""


def _as_child() -> None:
    """Make a forked child die with its parent and leave interruptions to the parent (it would print a traceback), and
    keep its collector off what it inherited: a collection writes to every object it scans, so each page of the
    parent's data it reads would be copied into the child."""
    gc.freeze()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the parent's own clean-up still stops its children
        pass
    if os.getppid() == 1:  # the parent died before prctl took effect
        os._exit(1)


def _run(name: str, target, args) -> None:
    _as_child()
    try:
        target(*args)
    except OSError as exc:
        _disk_error(name, exc)
        sys.exit(1)


def _disk_error(name: str, exc: OSError) -> None:
    """Print a full or read-only disk's error in one line, not a traceback."""
    why = "磁盘空间不足" if exc.errno == errno.ENOSPC else (exc.strerror or str(exc))
    print(f"{name}无法写入{' ' + str(exc.filename) if exc.filename else ''}（{why}）", file=sys.stderr)


@contextmanager
def held():
    """Hold back a stopping signal while children are forked and noted, then let it in: one that landed in between would
    leave a child that nobody knows of, writing into a folder the build is removing. The build's handler keeps a signal
    that arrives while `holding` in `deferred` (commands/build.py)."""
    holding.append(True)
    try:
        yield
    finally:
        holding.pop()
        while deferred and not holding:
            signal.raise_signal(deferred.pop(0))


class Job:
    """A function running in a forked process."""

    def __init__(self, name: str, target, *args):
        self.name = name
        self.process = _fork.Process(target=_run, args=(name, target, args), daemon=True)
        with held():
            self.process.start()
            running.add(self)

    def finish(self) -> None:
        """Wait for the job; raise BackgroundError when it failed."""
        self.process.join()
        running.discard(self)
        if self.process.exitcode != 0:
            raise BackgroundError(f"{self.name}没有写成（进程退出码 {self.process.exitcode}），详见上面的错误信息")

    def send(self, items, item) -> None:
        """Put an item on the job's queue; raise BackgroundError if the job died (a full queue would wait forever)."""
        while True:
            try:
                items.put(item, timeout=0.5)
                return
            except queues.Full:
                if not self.process.is_alive():
                    items.cancel_join_thread()
                    self.finish()

    def cancel(self) -> None:
        """Stop the job after a failure elsewhere."""
        self.process.kill()
        self.process.join()
        running.discard(self)


def stop_all() -> None:
    """Stop every job still running (a build that stops early: its folders are removed next)."""
    for job in list(running):
        job.cancel()


class Forked:
    """A function computed in a forked child of this process (which may itself be a job, whose children multiprocessing
    refuses), its result read back from an unlinked temporary file: the child exits as soon as it is done instead of
    waiting, with all its memory, for this process to read a pipe. The child dies with this process."""

    def __init__(self, name: str, target, *args):
        self.name, self.done = name, False
        self.file = tempfile.TemporaryFile()  # noqa: SIM115 (closed by result() or cancel())
        self.pid = os.fork()
        if self.pid == 0:
            code = 1
            try:
                _as_child()
                pickle.dump(target(*args), self.file, protocol=pickle.HIGHEST_PROTOCOL)
                self.file.flush()
                code = 0
            except OSError as exc:  # the temporary folder full or not writable, as a job says it
                _disk_error(name, exc)
                code = 2
            except SystemExit as exc:  # a message for the user, printed as a job's process prints it
                if isinstance(exc.code, str):
                    print(exc.code, file=sys.stderr, flush=True)
                code = 3
            finally:
                if code == 1:
                    traceback.print_exc()  # what failed, as a job's process prints it
                os._exit(code)

    def result(self):
        """Wait for the child; return what the function returned, or raise BackgroundError when it failed."""
        _, status = os.waitpid(self.pid, 0)
        self.done = True
        with self.file:
            if status != 0:
                raise BackgroundError(f"{self.name}没有算完（进程状态 {status}），详见上面的错误信息")
            self.file.seek(0)
            return pickle.load(self.file)

    def cancel(self) -> None:
        """Stop the child after a failure here (nothing once result() has waited for it)."""
        if self.done:
            return
        os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
        self.file.close()
        self.done = True


RUN = 1000  # records per forked child of in_runs()


def in_runs(name: str, target, count: int, *args) -> list:
    """Return target(start, end, *args) for items [0, count) RUN at a time, joined, each run computed in a forked child
    of its own that exits when its run is done. A process that reads the model copies each memory page of it that it
    reads (reference counts), and records lie in memory as they were read: a job that reads every record this way
    holds a copy of no more than one run of them (100,000 records: a page writer reading its half itself held 0.78 GB;
    through runs, 0.19 GB with 35 MB in its child). It pays where little comes back: the search job, given what it takes
    from each record this way, held more, not less (10,000 records: 402 → 491 MB), as what comes back is a copy too."""
    results = []
    for start in range(0, count, RUN):
        results += Forked(name, target, start, min(start + RUN, count), *args).result()
    return results


def halved(name: str, target, items: list) -> list:
    """Return target(items), a list of one result per item, its second half computed by a forked child while this
    process computes the first: work that keeps one core busy while the other idles (reading the records)."""
    half = len(items) // 2 if (os.cpu_count() or 1) > 1 else 0
    if not half:
        return target(items)
    child = Forked(name, target, items[half:])
    try:
        return target(items[:half]) + child.result()
    except BaseException:
        child.cancel()
        raise


def queue(size: int):
    """Return a queue that a Job's process can read from."""
    return _fork.Queue(maxsize=size)


@contextmanager
def pool(name: str, data):
    """Give a pool of forked workers, one per core, that read `data` as background.shared; a worker that dies
    (rather than raising) is reported as BackgroundError, and a failure or interruption kills the workers at once."""
    global shared
    shared = data
    executor = concurrent.futures.ProcessPoolExecutor(max_workers=os.cpu_count() or 1, mp_context=_fork, initializer=_as_child)
    try:
        with held():  # a forking executor starts all its workers at the first task
            executor.submit(int)
        yield executor
    except BrokenProcessPool as exc:
        _kill(executor)
        raise BackgroundError(f"{name}的工作进程意外退出，详见上面的错误信息") from exc
    except BaseException:
        _kill(executor)
        raise
    executor.shutdown()


def _kill(executor) -> None:
    processes = list((executor._processes or {}).values())  # the executor has no public way to stop running work
    executor.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.kill()
    for process in processes:
        process.join()
