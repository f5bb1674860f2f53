"""Check every record and print every problem."""

from __future__ import annotations

from . import validate_directory


def run(args) -> int:
    """Check every record and print every problem."""
    _, ok = validate_directory(args.directory, args.format)
    return 0 if ok else 1
