"""Print the change summary (Chinese Markdown) between two git revisions; exit 1 when an address would break."""

from __future__ import annotations

import sys


def run(args) -> int:
    """Print the change summary (Chinese Markdown) between two git revisions; exit 1 when an address would break."""
    from ..git import GitError
    from ..model.review import diff_revisions

    try:
        summary, change = diff_revisions(args.repo, args.base, args.head, args.path)
    except GitError as exc:
        print(f"无法读取 git 版本：{exc}", file=sys.stderr)
        return 2
    print(summary)
    if change.broken:
        print("本次修改会让已发布的网址失效，不能合并：\n" + change.broken_message(), file=sys.stderr)
        return 1
    return 0
