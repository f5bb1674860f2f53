"""Institution pages, the family of thousands: each body rendered once and kept in the build cache, the shared chrome
(chrome.py) filled in by forked writers, one per core, straight into the site, with every record's JSON file. No
MkDocs imports.

A body is kept under Model.record_key (the record and everything else an institution page shows: the taxonomy, the
results and bulletin files, the day, the site's address, the code) and its edit and correction links. A page shows
nothing of another record, so one record's change renders one body again.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from .. import background
from ..cache import Store, key
from ..model.model import Model
from .pages import render_institution


class Bodies:
    """The bodies of institution pages, from the cache or rendered (and then kept)."""

    def __init__(self, model: Model, cache: Path | None):
        self.model, self.store = model, Store(cache, "pages")

    def body(self, record, edit_url: str, report_url: str) -> str:
        """Return the HTML of a record's page body."""
        entry = key("page", self.model.record_key(record), edit_url, report_url) if self.store.folder else ""
        html = self.store.get(entry)
        if html is None:
            html = render_institution(self.model, record, edit_url, report_url).html
            self.store.put(entry, html)
        return html


class Kept:
    """A preview's institutions folder (mkdocs serve cleans its site before every rebuild): set aside before MkDocs
    cleans, put back after, so that only the pages and JSON files whose inputs changed are written again. `keys` are
    the names under institutions/ that the last good build wrote, with the key of what each was written from; a build
    that fails leaves none, and the next one writes every file."""

    def __init__(self, folder: Path):
        self.aside = folder / "institutions"
        self.keys: dict[str, str] = {}
        self.previous: dict[str, str] = {}

    def set_aside(self, site_dir: Path) -> None:
        """Move the site's institutions folder aside, when the last build left one that can be trusted."""
        shutil.rmtree(self.aside, ignore_errors=True)  # left by a build that failed before putting it back
        self.previous, self.keys, self.pending = self.keys, {}, {}
        if self.previous and (site_dir / "institutions").is_dir():
            self.aside.parent.mkdir(parents=True, exist_ok=True)
            (site_dir / "institutions").rename(self.aside)
        else:
            self.previous = {}

    def put_back(self, site_dir: Path, expected: set[str]) -> None:
        """Put the folder back into the cleaned site, without the files this build does not make (names directly
        under institutions/: a deleted record's page and JSON file, a removed alias)."""
        if not self.aside.is_dir():
            return
        target = site_dir / "institutions"
        target.parent.mkdir(parents=True, exist_ok=True)
        self.aside.rename(target)
        for entry in os.scandir(target):
            if entry.name not in expected:
                shutil.rmtree(entry.path) if entry.is_dir(follow_symlinks=False) else os.unlink(entry.path)

    def changed(self, model: Model, chrome, pages: list, data: list[tuple[str, str]]) -> tuple[list, list[tuple[str, str]]]:
        """Return the pages and JSON files (as write_family takes them) whose key differs from what the folder holds: a
        page's covers the chrome's text, Model.record_key, its links and titles; a JSON file's its text. This build's
        keys are kept if it succeeds."""
        shape = key("chrome", *chrome.text, repr(chrome.slots))
        keys = {r.id: key("family", shape, model.record_key(r), edit, report, repr(values)) for r, edit, report, values in pages}
        keys |= {f"{name}.json": key("json", text) for name, text in data}
        self.pending = keys
        changed = {name for name, value in keys.items() if self.previous.get(name) != value}
        return [page for page in pages if page[0].id in changed], [(name, text) for name, text in data if f"{name}.json" in changed]

    def done(self) -> None:
        """The build succeeded: its files are what `keys` say."""
        self.keys, self.previous = self.pending, {}


def write_family(bodies: Bodies, fill, pages: list[tuple[object, str, str, dict]], data: list[tuple[str, str]],
                 site_dir: Path) -> list[background.Job]:
    """Start the writers of the family's pages, one per core, each taking an equal run of the pages: (record, edit URL,
    correction URL, the chrome's other values), in the order their files were read, and of the records' JSON files (id,
    text), in the order they were made. `fill(values)` gives a page's HTML; the jobs are to be finished.

    Each writer renders its run in runs of background.RUN pages, each in a forked child of its own (in_runs): no
    process then copies more than a run's records."""
    if not pages and not data:
        return []
    pages = sorted(pages, key=lambda page: page[0].path)
    workers = max(1, min(os.cpu_count() or 1, len(pages) + len(data)))
    share = lambda items, n: items[len(items) * n // workers : len(items) * (n + 1) // workers]
    return [background.Job("机构页面", _write, bodies, fill, share(pages, n), share(data, n), Path(site_dir))
            for n in range(workers)]


def _write(bodies: Bodies, fill, pages, data, site_dir: Path) -> None:
    folder = site_dir / "institutions"
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in data:
        (folder / f"{name}.json").write_text(text, encoding="utf-8")
    try:
        background.in_runs("机构页面", _write_pages, len(pages), bodies, fill, pages, folder)
    except background.BackgroundError:
        sys.exit(1)  # the child printed why


def _write_pages(start: int, end: int, bodies: Bodies, fill, pages, folder: Path) -> list:
    for record, edit_url, report_url, values in pages[start:end]:
        body = bodies.body(record, edit_url, report_url)
        if "<h1" not in body:  # the theme would add a heading of its own: institution.html always starts with one
            raise SystemExit(f"机构页面 {record.id} 没有一级标题，无法套用公共框架")
        target = folder / record.id
        target.mkdir(exist_ok=True)
        (target / "index.html").write_text(fill(values | {"content": body}), encoding="utf-8")
    return []
