"""What several test modules share: paths, the sample directory as loaded, a real build, a local server, a link parser."""

import datetime
import subprocess
import sys
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path

from generator.read.directory import load_directory

ROOT = Path(__file__).parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
TODAY = datetime.date(2026, 11, 1)
EPOCH = "1767225600"  # 2026-01-01, the date sample builds are judged at
SAMPLE, _ = load_directory(ROOT / "directory")
PUBLISHED = [r for r in SAMPLE.records if r.published]
UNPUBLISHED = [r for r in SAMPLE.records if not r.published]


GIT_IDENTITY = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
                "GIT_COMMITTER_EMAIL": "t@example.org", "PATH": "/usr/bin:/bin"}


def git(repo: Path, *args: str) -> str:
    """Run git in repo as a test author; return its output."""
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True, env=GIT_IDENTITY).stdout


def commit(repo: Path, message: str, day: int | None = None) -> None:
    """Commit everything in repo (dated 2026-03-<day> when a day is given)."""
    dated = {key: f"2026-03-{day:02d}T10:00:00+08:00" for key in ("GIT_AUTHOR_DATE", "GIT_COMMITTER_DATE")} if day else {}
    for args in (["add", "-A"], ["commit", "-q", "-m", message]):
        subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, env=GIT_IDENTITY | dated)


def build(directory: Path, out: Path, epoch: str = EPOCH, command: tuple[str, ...] = ()) -> Path:
    """Run `python -m generator build` (or another build command) as a user would; return the site folder."""
    env = {"SOURCE_DATE_EPOCH": epoch, "PATH": "/usr/bin:/bin"}
    command = command or (sys.executable, "-m", "generator", "build", "--directory", str(directory), "--site-dir", str(out))
    result = subprocess.run(command, check=False, cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return out


@contextmanager
def serving(folder: Path):
    """Serve a folder on 127.0.0.1 while the block runs; yields the base URL."""
    import functools
    import http.server
    import threading

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()


class Links(HTMLParser):
    """Collects a page's links (href and src) and element ids."""

    def __init__(self):
        super().__init__()
        self.links = []
        self.ids = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        for key in ("href", "src"):
            if attrs.get(key):
                self.links.append(attrs[key])


def read_page(site: Path, url: str) -> str:
    """Return the HTML of a built page by its URL."""
    return (site / url.strip("/") / "index.html").read_text(encoding="utf-8")
