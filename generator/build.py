"""The `build` command's MkDocs run: into a temporary folder, swapped into place only on success.

One build at a time writes beside a site folder: a lock file (in the temporary folder, named by the site's path, held
with flock, so a killed build releases it) keeps a second build from removing the first one's staging folder as a
leftover of a killed build.
"""

from __future__ import annotations

import fcntl
import hashlib
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path


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
            try:
                build(config)
            except KeyboardInterrupt:  # MkDocs runs on_build_error for errors only: stop the writers for Ctrl-C too
                plugin.on_build_error(error=None)
                raise
            replace_directory(staging, site_dir)
        finally:
            if staging.exists():
                shutil.rmtree(staging, ignore_errors=True)
