"""Report what needs a person (overdue verification, expiring titles, drafts, websites); exit 0 whatever it finds."""

from __future__ import annotations

import signal
import sys

from . import load_for


def run(args) -> int:
    """Report what needs a person (overdue verification, expiring titles, drafts, websites); exit 0 whatever it finds."""
    from ..model.upkeep import findings, format_json, format_markdown, format_text, website_urls
    from ..read.linkcheck import check_links

    model, _ = load_for(args.directory)
    if model is None:
        print("名录目录或分类表有错误，无法检查。", file=sys.stderr)
        return 1
    loaded = model.directory
    links = None
    if args.links:
        urls = website_urls(loaded)
        print(f"检查 {len(urls)} 个网站 …", file=sys.stderr, flush=True)
        if hasattr(signal, "SIGPIPE"):  # a server hanging up must not end the check (main() restores the default for stdout)
            signal.signal(signal.SIGPIPE, signal.SIG_IGN)
        links = check_links(urls, timeout=args.timeout, allow_private=args.allow_private,
                            progress=lambda done, total: print(f"  {done}/{total}", file=sys.stderr, flush=True))
        if hasattr(signal, "SIGPIPE"):
            signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    items = findings(loaded, model.today, links)
    if args.format == "markdown":
        print(format_markdown(items, loaded))
    else:
        print(format_json(items) if args.format == "json" else format_text(items))
    if args.json:
        args.json.write_text(format_json(items) + "\n", encoding="utf-8")
    return 0
