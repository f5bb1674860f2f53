"""Reading a git repository: commands, file versions through one `git cat-file --batch` process, and a folder at a revision."""

from __future__ import annotations

import subprocess
from pathlib import Path

EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"


class GitError(Exception):
    """A revision or the repository could not be read."""


def run_git(repo: Path, *args: str) -> str:
    """Return the output of a git command in repo; raise GitError when git is missing or the command fails."""
    try:
        result = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, check=False)
    except OSError as exc:
        raise GitError(f"无法运行 git：{exc}") from exc
    if result.returncode != 0:
        raise GitError(result.stderr.decode(errors="replace").strip() or f"git {' '.join(args)} 失败")
    return result.stdout.decode()


class Blobs:
    """Reads file contents at revisions through one `git cat-file --batch` process; use it in a `with` block."""

    def __init__(self, repo: Path):
        try:
            self.process = subprocess.Popen(["git", "-C", str(repo), "cat-file", "--batch"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        except OSError as exc:
            raise GitError(f"无法运行 git：{exc}") from exc

    def read(self, revision: str, path: str) -> bytes | None:
        """Return the file at path in revision, or None when it is not a file there."""
        self.process.stdin.write(f"{revision}:{path}\n".encode())
        self.process.stdin.flush()
        header = self.process.stdout.readline().split()
        if len(header) != 3:
            return None
        data = self.process.stdout.read(int(header[2]) + 1)[:-1]
        return data if header[1] == b"blob" else None

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.process.stdin.close()
        self.process.wait()


class Revision:
    """A folder of a repository as it was at a revision, read like a folder on disk (see directory.Folder)."""

    def __init__(self, repo: Path, revision: str, folder: str, blobs: Blobs):
        self.revision, self.prefix, self.blobs = revision, folder.strip("/") + "/", blobs
        listing = run_git(repo, "ls-tree", "-r", "-z", "--name-only", revision, "--", self.prefix)
        self.files = [name[len(self.prefix):] for name in listing.split("\0") if name]

    def entries(self) -> list[str]:
        """Return the files and first-level folders (with a trailing /) below the folder, sorted."""
        folders = {name.split("/")[0] + "/" for name in self.files if "/" in name}
        return sorted(folders | {name for name in self.files if name.count("/") <= 1})

    def read(self, name: str) -> tuple[bytes, int]:
        """Return a file's bytes and size."""
        data = self.blobs.read(self.revision, self.prefix + name) or b""
        return data, len(data)

    def shown(self, name: str) -> str:
        """Return how messages name a file: its path in the repository."""
        return self.prefix + name
