"""The `build` command's MkDocs run: into a temporary folder, swapped into place only on success."""

from __future__ import annotations

import logging
import shutil
import sys
import tempfile
import time
from pathlib import Path

from ..background import BackgroundError
from ..write.catalogue import CatalogueError
from . import validate_directory


def replace_directory(new: Path, target: Path) -> None:
    """Put the finished folder `new` at `target`, removing the previous one only after the swap."""
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}-old-", dir=target.parent))
        target.rename(old / target.name)
    new.rename(target)
    if old is not None:
        shutil.rmtree(old)


def build_site(directory: Path, site_dir: Path, config_file: Path, loaded=None, options: dict | None = None) -> None:
    """Run a strict MkDocs build of `directory` into `site_dir`; raise on failure, leaving the old site intact.

    `loaded` is the already validated directory, handed to the plugin so the records are not read twice;
    `options` override the plugin's options from mkdocs.yml (catalogue, paper), as the command line's flags ask.
    """
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    site_dir = site_dir.resolve()
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    for kind in ("new", "old"):  # folders left behind by a build that was killed
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
        build(config)
        replace_directory(staging, site_dir)
    finally:
        if staging.exists():
            shutil.rmtree(staging)


def run(args) -> int:
    """Validate, then build the site into --site-dir, replacing the old site only on success."""
    from mkdocs.exceptions import Abort, ConfigurationError, PluginError


    logging.basicConfig(level=logging.INFO, format="%(levelname)-7s -  %(message)s")
    for noisy in ("weasyprint", "fontTools"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    started = time.monotonic()
    loaded, ok = validate_directory(args.directory)
    if not ok:
        print("数据有错误，网站没有生成，原有网站保持不变。", file=sys.stderr)
        return 1
    options = {"catalogue": not args.no_catalogue} | ({"paper": args.paper} if args.paper else {})
    try:
        build_site(args.directory, args.site_dir, args.config_file, loaded, options)
    except CatalogueError as exc:
        print(f"印刷版无法生成，网站未更新：{exc}（只生成网站请加 --no-catalogue）", file=sys.stderr)
        return 1
    except BackgroundError as exc:
        print(f"网站生成失败，原有网站保持不变：{exc}", file=sys.stderr)
        return 1
    except (Abort, PluginError, ConfigurationError) as exc:
        print(f"网站生成失败，原有网站保持不变：{exc}", file=sys.stderr)
        return 1
    print(f"网站已生成：{args.site_dir}（用时 {time.monotonic() - started:.1f} 秒）", file=sys.stderr)
    return 0
