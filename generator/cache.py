"""The build cache (the `cache_dir` option, `.cache/build` by default): what a build computed, kept under the digest of
everything it was computed from, so that the next build takes it instead of computing it again. No MkDocs imports.

Each entry is one file, `<cache_dir>/<kind>/<key[:2]>/<key>`, whose key is a SHA-256 of its inputs and of `CODE` (this
package's own files and the versions of the libraries that shape output), so a changed input or a new version of the
code never meets an old entry. An entry starts with the SHA-256 of its data and is written by rename: a torn or
damaged file is not used, only computed again. Entries are pickles, read only from the build's own cache folder
(like Python's own __pycache__): whoever can write there can already change the code. Clearing the cache is removing
the folder; nothing else refers to it.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from functools import cache
from importlib import metadata
from pathlib import Path

CACHE = Path(".cache/build")  # relative to mkdocs.yml (the option's default)
LIBRARIES = ("mkdocs", "mkdocs-material", "jinja2", "markupsafe", "pyyaml", "pypinyin", "opening-hours-py", "chinesecalendar",
             "openpyxl", "lxml")


@cache
def code_digest(package: Path = Path(__file__).parent) -> str:
    """Return a digest of this package's files (code, templates, theme, assets) and the versions of the libraries its
    outputs depend on."""
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    for name in LIBRARIES:
        try:
            digest.update(f"{name}={metadata.version(name)}\0".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{name}=-\0".encode())
    return digest.hexdigest()


def key(*parts: str | bytes) -> str:
    """Return the key of an entry computed from these inputs (with the code's digest)."""
    digest = hashlib.sha256(code_digest().encode())
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()


class Memory:
    """A preview's entries (mkdocs serve, whose plugin lives across the rebuilds), kept as the objects they were read
    or written as: a rebuild reads them without the disk or unpickling. Whoever takes one must not change it (a record's
    reading, a page's body, a memo: nothing of the build changes them). Each build keeps the entries it used."""

    def __init__(self):
        self.last: dict = {}
        self.now: dict = {}

    def start(self) -> None:
        """Begin a build: what the build before did not use is let go."""
        self.last, self.now = self.now, {}

    def get(self, path: tuple[str, str]):
        value = self.now.get(path, self)
        if value is self:
            value = self.last.pop(path, self)
            if value is not self:
                self.now[path] = value
        return None if value is self else value


MEMORY: Memory | None = None  # set by the plugin in a preview


class Store:
    """The entries of one kind (pages, memos …) in a cache folder; with no folder, nothing is kept."""

    def __init__(self, folder: Path | None, kind: str):
        self.folder = Path(folder) / kind if folder else None
        self.place = str(self.folder)  # its name in MEMORY
        self.hits = self.misses = 0

    def get(self, entry: str):
        """Return the value kept under the key, or None."""
        if self.folder is None:
            return None
        if MEMORY is not None and (value := MEMORY.get((self.place, entry))) is not None:
            self.hits += 1
            return value
        try:
            data = memoryview((self.folder / entry[:2] / entry).read_bytes())  # a slice of it copies nothing
            if hashlib.sha256(data[32:]).digest() == data[:32]:
                self.hits += 1
                value = pickle.loads(data[32:])
                if MEMORY is not None:
                    MEMORY.now[self.place, entry] = value
                return value
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, IndexError, TypeError, ValueError):
            pass
        self.misses += 1
        return None

    def put(self, entry: str, value) -> None:
        """Keep a value under the key (a full disk only loses the entry, never the build)."""
        if self.folder is None:
            return
        if MEMORY is not None:
            MEMORY.now[self.place, entry] = value
        folder = self.folder / entry[:2]
        try:
            folder.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=folder, prefix=".")
            with os.fdopen(handle, "wb") as out:  # pickled into the file: a memo at 100,000 records is 400 MB as bytes
                hashed = _Hashed(out)
                out.write(bytes(32))
                pickle.dump(value, hashed, protocol=pickle.HIGHEST_PROTOCOL)
                out.seek(0)
                out.write(hashed.digest.digest())
            os.replace(temporary, folder / entry)
        except BaseException as exc:
            Path(locals().get("temporary", folder / ".none")).unlink(missing_ok=True)
            if not isinstance(exc, OSError):
                raise


class _Hashed:
    """A file that pickle writes into, hashing what it writes."""

    def __init__(self, out):
        self.out, self.digest = out, hashlib.sha256()

    def write(self, data) -> int:
        self.digest.update(data)
        return self.out.write(data)


class Memo:
    """Many small values of one kind (a row per record …) kept together in one entry of `memo/`, read once and written
    once per build: the entry keeps only what this build asked for, so it never grows past the directory."""

    def __init__(self, folder: Path | None, kind: str, *parts: str | bytes):
        self.store, self.entry = Store(folder, "memo"), key("memo", kind, *parts)
        self.old = (self.store.get(self.entry) or {}) if folder else {}
        self.new: dict = {}

    def get(self, entry: str, compute):
        """Return the value kept under the key, or compute() (kept from now on)."""
        value = self.new.get(entry, self)
        if value is self:
            value = self.old.get(entry, self)
            self.new[entry] = value = compute() if value is self else value
        return value

    def has(self, entry: str) -> bool:
        """Whether a value is kept under the key."""
        return entry in self.new or entry in self.old

    def put(self, entry: str, value) -> None:
        """Keep a new value under the key."""
        self.new[entry] = value

    def left(self) -> list:
        """Return the values kept by the last build that this one has not asked for (of things changed or gone)."""
        return [value for entry, value in self.old.items() if entry not in self.new]

    def save(self) -> None:
        """Keep this build's values for the next (nothing when nothing changed)."""
        if self.store.folder is not None and self.new != self.old:
            self.store.put(self.entry, self.new)
