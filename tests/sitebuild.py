"""Build a site once per test session (shared by the site, link and browser tests)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent


def build(directory: Path, out: Path, epoch: str = "1767225600") -> Path:
    """Run `python -m generator build` as a user would; return the site folder."""
    env = {"SOURCE_DATE_EPOCH": epoch, "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-m", "generator", "build", "--directory", str(directory), "--site-dir", str(out)],
                            check=False, cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return out
