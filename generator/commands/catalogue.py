"""Validate, then write only the printed catalogues (catalogue.pdf and one per district) into --out."""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from ..background import BackgroundError
from ..write.catalogue import CatalogueError, write_catalogues
from . import validate_directory


def run(args) -> int:
    """Validate, then write only the printed catalogues (catalogue.pdf and one per district) into --out."""
    from ..model.model import load_model

    loaded, ok = validate_directory(args.directory)
    if not ok:
        print("数据有错误，印刷版没有生成。", file=sys.stderr)
        return 1
    site_url = args.site_url
    if not site_url and args.config_file.exists():
        from mkdocs.config import load_config

        site_url = load_config(str(args.config_file)).site_url or ""
    site, _ = load_model(loaded, site_url=site_url)
    staging = Path(tempfile.mkdtemp(prefix=".catalogue-", dir=args.out.parent if args.out.parent.exists() else None))
    try:
        write_catalogues(site, staging, args.paper, None if args.cache_dir == Path("none") else args.cache_dir)
        args.out.mkdir(parents=True, exist_ok=True)
        for path in staging.iterdir():
            path.replace(args.out / path.name)
    except (CatalogueError, BackgroundError) as exc:
        print(f"印刷版无法生成：{exc}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return 0
