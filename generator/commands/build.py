"""The `build` command's MkDocs run: into a temporary folder, swapped into place only on success.

One build at a time writes beside a site folder: a lock file (in the temporary folder, named by the site's path, held
with flock, so a killed build releases it) keeps a second build from removing the first one's staging folder as a
leftover of a killed build.
"""

from __future__ import annotations

import _thread
import errno
import fcntl
import hashlib
import logging
import os
import shutil
import signal
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from .. import background
from ..background import BackgroundError
from ..write.catalogue import CatalogueError
from . import validate_directory


class BuildBusy(Exception):
    """Another build is writing beside the same site folder."""


def replace_directory(new: Path, target: Path) -> None:
    """Put the finished folder `new` at `target`, removing the previous one only after the swap."""
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}-old-", dir=target.parent))
        target.rename(old / target.name)
    new.rename(target)
    if old is not None:
        shutil.rmtree(old)


@contextmanager
def site_lock(site_dir: Path):
    """Hold the lock of a site folder for one build; raise BuildBusy when another build holds it."""
    key = hashlib.sha256(str(site_dir).encode()).hexdigest()[:16]
    with open(Path(tempfile.gettempdir()) / f"directory-build-{key}.lock", "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildBusy(f"另一次生成正在写入 {site_dir}，请等它结束后再试") from None
        yield


def build_site(directory: Path, site_dir: Path, config_file: Path, loaded=None, options: dict | None = None) -> None:
    """Run a strict MkDocs build of `directory` into `site_dir`; raise on failure, leaving the old site intact.

    `loaded` is the already validated directory, handed to the plugin so the records are not read twice;
    `options` override the plugin's options from mkdocs.yml (catalogue, paper), as the command line's flags ask.
    """
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    site_dir = site_dir.resolve()
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    with site_lock(site_dir):
        for kind in ("new", "old", "downloads"):  # folders left behind by a build that was killed
            for stale in site_dir.parent.glob(f".{site_dir.name}-{kind}-*"):
                shutil.rmtree(stale, ignore_errors=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{site_dir.name}-new-", dir=site_dir.parent))
        staging.chmod(0o755)  # mkdtemp makes it private; the published site must be readable by the web server
        try:
            config = load_config(str(config_file), site_dir=str(staging), strict=True)
            plugin = config.plugins["directory"]
            plugin.config["path"] = str(Path(directory).resolve())
            plugin.config.update(options or {})
            plugin.loaded = loaded
            plugin.published = site_dir
            try:
                build(config)
                if STOPPED:  # interrupted, though the exception was lost on the way: publish nothing
                    raise Interrupted
            except KeyboardInterrupt:  # MkDocs runs on_build_error for errors only: stop the writers for Ctrl-C too
                plugin.on_build_error(error=None)
                raise
            replace_directory(staging, site_dir)
        finally:
            background.stop_all()  # however the build stopped (on_build_error did, unless a second Ctrl-C cut it short)
            if staging.exists():
                shutil.rmtree(staging, ignore_errors=True)


def cache_folder(config_file: Path) -> Path | None:
    """Return the build cache's folder that mkdocs.yml names (the directory plugin's cache_dir), or None (also when the
    file cannot be read: the build reports that)."""
    from mkdocs.config import load_config
    from mkdocs.exceptions import ConfigurationError

    try:
        config = load_config(str(config_file))
        return config.plugins["directory"].cache_folder(config)
    except (ConfigurationError, OSError, KeyError):
        return None


def disk_error(exc: OSError) -> str:
    """Return one line for a failed write: a full disk in Chinese, the file named (shutil.copytree gathers a list)."""
    if isinstance(exc, shutil.Error) and exc.args and isinstance(exc.args[0], list) and exc.args[0]:
        _, target, why = exc.args[0][0]
        return f"无法写入 {target}（{'磁盘空间不足' if 'Errno 28' in why else why}）"
    why = "磁盘空间不足" if exc.errno == errno.ENOSPC else (exc.strerror or str(exc))
    return f"无法写入 {exc.filename}（{why}）" if exc.filename else f"无法写入（{why}）"


class Interrupted(KeyboardInterrupt):
    """SIGTERM or Ctrl-C: the build stops where it is and cleans up."""


STOPPED = []  # a signal arrived: kept, because Python drops an exception raised while a __del__ method runs


def _terminate(signum, frame):
    if background.holding:  # a job is being started: the signal comes again once it is noted
        background.deferred.append(signum)
        return
    STOPPED.append(signum)
    raise Interrupted


def _send_again(signum):
    time.sleep(0.05)  # the hook has returned by then
    os.kill(os.getpid(), signum)


def _unraisable(hook):
    """Python prints and drops an exception raised where it cannot propagate (a __del__ method, a fork hook such as
    logging's lock release): for our interrupt, print nothing and send the signal again, so that it arrives at a point
    where it stops the build. Anything else is reported as Python would."""
    if isinstance(hook.exc_value, Interrupted) and STOPPED:
        _thread.start_new_thread(_send_again, (STOPPED[-1],))  # threading.Thread.start waits: a signal could land there
    else:
        sys.__unraisablehook__(hook)


def catch_signals() -> None:
    """SIGTERM and Ctrl-C stop the build with Interrupted, however deep it is at the time."""
    signal.signal(signal.SIGTERM, _terminate)
    signal.signal(signal.SIGINT, _terminate)
    sys.unraisablehook = _unraisable


def run(args) -> int:
    """Validate, then build the site into --site-dir, replacing the old site only on success."""
    from mkdocs.exceptions import Abort, ConfigurationError, PluginError

    catch_signals()
    logging.basicConfig(level=logging.INFO, format="%(levelname)-7s -  %(message)s")
    for noisy in ("weasyprint", "fontTools"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    started = time.monotonic()
    chosen = getattr(args, "cache_dir", None)
    cache = None if chosen == "none" else Path(chosen).resolve() if chosen else cache_folder(args.config_file)
    loaded, ok = validate_directory(args.directory, cache=cache)
    if not ok:
        print("数据有错误，网站没有生成，原有网站保持不变。", file=sys.stderr)
        return 1
    options = {"catalogue": not args.no_catalogue} | ({"paper": args.paper} if args.paper else {})
    options |= {"cache_dir": str(cache) if cache else ""} if chosen else {}
    try:
        build_site(args.directory, args.site_dir, args.config_file, loaded, options)
    except CatalogueError as exc:
        print(f"印刷版无法生成，网站未更新：{exc}（只生成网站请加 --no-catalogue）", file=sys.stderr)
        return 1
    except BackgroundError as exc:
        print(f"网站生成失败，原有网站保持不变：{exc}", file=sys.stderr)
        return 1
    except (Abort, PluginError, ConfigurationError, BuildBusy) as exc:
        print(f"网站生成失败，原有网站保持不变：{exc}", file=sys.stderr)
        return 1
    except OSError as exc:  # a full or read-only disk
        print(f"网站生成失败，原有网站保持不变：{disk_error(exc)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("生成已中断，网站没有更新，原有网站保持不变。", file=sys.stderr)
        return 130
    print(f"网站已生成：{args.site_dir}（用时 {time.monotonic() - started:.1f} 秒）", file=sys.stderr)
    return 0
