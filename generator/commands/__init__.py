"""The commands, one module each (run(args) → exit code); what several of them share: validating and loading a directory."""

from __future__ import annotations

import sys
from pathlib import Path

from ..problems import FORMATS, has_errors, sort_problems
from ..read.directory import load_directory


def validate_directory(directory: Path, output_format: str = "text", cache: Path | None = None) -> tuple[object, bool]:
    """Load a directory and print every problem (and the drafts waiting); return (directory or None, whether it is valid).
    `cache`: the build cache's folder, for a build."""
    loaded, problems = load_directory(directory, cache=cache)
    report = FORMATS[output_format](sort_problems(problems))
    if report:
        print(report, file=sys.stderr if output_format == "text" else sys.stdout)
    drafts = loaded.drafts if loaded else []
    if drafts and output_format == "text":
        names = loaded.choices("districts")
        counts = {names[d]: sum(r.folder == d for r in drafts) for d in names if any(r.folder == d for r in drafts)}
        print(f"草稿 {len(drafts)} 条（待补全，不公开）：" + "、".join(f"{name} {n}" for name, n in counts.items()), file=sys.stderr)
    return loaded, loaded is not None and not has_errors(problems)


def load_for(directory: Path):
    """Load a directory as a Model for a command that needs it; print every problem when it cannot be loaded."""
    from ..model.model import load_model

    model, problems = load_model(directory)
    if model is None:
        print(FORMATS["text"](sort_problems(problems)), file=sys.stderr)
    return model, problems
