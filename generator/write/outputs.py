"""Every output of one build in one list, each with its write step: the downloads (catalogue, HSDS, exports), the feed,
the browser scripts, the form editor and the search files. Each step writes into a staging folder (or starts a forked
job) and returns the site files it gives; the MkDocs plugin only adds them. No MkDocs imports."""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from ..background import BackgroundError, Job
from ..cache import Store, key
from ..hours import calendar_script
from ..model.model import Model
from .catalogue import write_catalogues
from .cms import admin_config, admin_page, admin_yaml, format_settings
from .exports import Exports
from .feed import announcements, render_feed
from .hsds import write_hsds
from .search import pages_file, write_search_files

ASSETS = Path(__file__).parent / "assets"
log = logging.getLogger("mkdocs.plugins.directory")


class OutputError(Exception):
    """An output cannot be written; the message says why in Chinese."""


@dataclass(frozen=True)
class SiteFile:
    """One file of the built site: at `dest`, copied from `source` or holding `content`."""

    dest: str
    source: Path | None = None
    content: str | bytes | None = None


@dataclass(frozen=True)
class Options:
    """What the outputs need from the site's configuration."""

    catalogue: bool = True
    paper: str = "A4"
    cache: Path | None = None  # the build cache's folder (cache.py)
    cms: bool = True
    node_modules: Path = Path("node_modules")
    repo_url: str = ""
    cms_branch: str = "main"
    cms_app_id: str = ""
    cms_auth_url: str = ""
    cms_test_backend: bool = False
    favicon: str = "assets/images/favicon.png"  # the theme's, relative to the site's root
    preview: bool = False  # mkdocs serve: no downloads; the search files of the last preview until this one's are done


class Outputs:
    """One build's outputs: write() runs each write step in OUTPUTS order, finish() puts the search files (written
    beside the pages) into the site, cancel() stops what still runs and removes the staging folder."""

    def __init__(self, model: Model, options: Options, site_dir: Path):
        self.model, self.options = model, options
        # Beside the site, where the next build removes what a killed one left.
        self.folder = Path(tempfile.mkdtemp(prefix=f".{site_dir.name.lstrip('.')}-downloads-", dir=site_dir.parent))
        self.jobs: list = []
        self.search: Job | None = None  # the search files' job (also in jobs)
        self.downloads: list[Path] = []  # the files of downloads/, for the page that lists them
        self.pending: list[Path] = []  # those of them a job is still writing: put in place by finish()

    def write(self) -> list[SiteFile]:
        """Run every output's write step; return the site files they give."""
        try:
            return [file for step in OUTPUTS for file in step(self)]
        except BaseException:
            self.cancel()
            raise

    def settle(self) -> None:
        """Wait for the jobs beside the search job (the workbook): the institution pages' writers, forked next, then
        never run beside it. Each forked reader of the whole model copies most of its memory pages (the workbook job
        at 10,000 records: 222 MB), and while it runs the cores are busy with it and the search job anyway."""
        for job in self.jobs:
            if job is not self.search:
                job.finish()

    def finish(self, site_dir: Path, texts: list[tuple[str, str, str]], kept: Path | None = None,
               meanwhile=None) -> threading.Thread | None:
        """Wait for the jobs beside the pages, put the search files into the site (with the hand-written pages' texts,
        (title, url, html), for the header box) and remove the staging folder; `meanwhile` is called once only the
        search job is left (a core is free then: the offline zip starts there). A preview given the folder `kept`
        (the search files of the last preview) puts those in place at once and returns the thread that puts this
        build's there and into `kept` when their job is done; the first preview waits for them."""
        self.settle()
        for path in self.pending:
            shutil.copyfile(path, site_dir / "downloads" / path.name)
        if meanwhile is not None:
            meanwhile()
        (self.folder / "search").mkdir(exist_ok=True)
        (self.folder / "search" / "pages.json").write_text(pages_file(texts), encoding="utf-8")
        if kept is None or not kept.is_dir():
            self.search.finish()
            self._place_search(site_dir, kept)
            return None
        shutil.copytree(kept, site_dir / "search", dirs_exist_ok=True, copy_function=_link)  # thousands of files: links
        thread = threading.Thread(target=self._search_later, args=(site_dir, kept), daemon=True)
        thread.start()
        return thread

    def _search_later(self, site_dir: Path, kept: Path) -> None:
        try:
            self.search.finish()
        except BackgroundError as exc:  # cancelled by the next preview, or failed: the last files stay
            log.info(f"预览的搜索索引没有更新：{exc}")
            shutil.rmtree(self.folder, ignore_errors=True)
            return
        self._place_search(site_dir, kept)
        log.info("预览的搜索索引已更新")

    def _place_search(self, site_dir: Path, kept: Path | None) -> None:
        source, target, stale = self.folder / "search", site_dir / "search", []
        if kept is not None:  # the last preview's files (linked into the site) that this index has not
            stale = [p.relative_to(kept) for p in kept.rglob("*") if p.is_file() and not (source / p.relative_to(kept)).exists()]
            shutil.rmtree(kept, ignore_errors=True)
            shutil.copytree(source, kept)
        shutil.copytree(source, target, dirs_exist_ok=True, copy_function=shutil.move)  # renames: the staging folder goes next
        for name in stale:
            (target / name).unlink(missing_ok=True)
        shutil.rmtree(self.folder, ignore_errors=True)

    def cancel(self) -> None:
        """Stop the jobs still running and remove the staging folder."""
        for job in self.jobs:
            job.cancel()
        shutil.rmtree(self.folder, ignore_errors=True)


def _link(source: str, target: str) -> None:
    """Put a second name on a file (a copy on another disk): the kept search files are replaced, never changed."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def search_index(build: Outputs) -> list[SiteFile]:
    """Start the search files: written in a forked process while the pages are rendered, put in place by finish()."""
    build.search = Job("搜索索引", write_search_files, build.model, build.folder / "search")
    build.jobs.append(build.search)
    return []


def downloads(build: Outputs) -> list[SiteFile]:
    """Write downloads/: the exports, the catalogue and HSDS; the workbook is written by a forked job while the pages are
    rendered (the pages list its size once it is known: offline.fill_sizes). A preview has none."""
    if build.options.preview:
        return []
    exports = Exports(build.model, build.folder)
    build.jobs.append(exports.workbook)
    try:
        cache = build.options.cache / "catalogue" if build.options.cache else None
        paths = write_catalogues(build.model, build.folder, build.options.paper, cache) if build.options.catalogue else []
        files = [SiteFile(f"downloads/hsds/{path.name}", path) for path in write_hsds(build.model, build.folder / "hsds")]
    except BaseException:
        exports.cancel()
        raise
    build.downloads, build.pending = paths + exports.paths, [exports.paths[2]]
    return files + [SiteFile(f"downloads/{path.name}", path) for path in build.downloads if path not in build.pending]


def feed(build: Outputs) -> list[SiteFile]:
    """The Atom feed of the history of changes."""
    model = build.model
    content = render_feed(model.history, model.site.title, model.site.authority, model.site_url, {r.id for r in model.records},
                          f"{model.today.isoformat()}T00:00:00Z", announcements(model))
    return [SiteFile("feed.xml", content=content)]


def scripts(build: Outputs) -> list[SiteFile]:
    """The browser's search scripts (the worker served with the core in front) and the opening-hours scripts."""
    worker = "\n".join((ASSETS / name).read_text(encoding="utf-8") for name in ("search-core.js", "search-worker.js"))
    return [SiteFile(f"assets/dirsearch/{name}", ASSETS / name) for name in ("search-core.js", "search-page.js", "search-box.js")] + [
        SiteFile("assets/dirsearch/search-worker.js", content=worker),
        SiteFile("assets/dirhours/calendar.js", content=calendar_script(build.model.today)),
        SiteFile("assets/dirhours/hours.js", ASSETS / "hours.js")]


def editor(build: Outputs) -> list[SiteFile]:
    """/admin/: Decap CMS and js-yaml from node_modules, our format, and config.yml from the field table."""
    options = build.options
    if not options.cms:
        return []
    decap, jsyaml = options.node_modules / "decap-cms" / "dist", options.node_modules / "js-yaml" / "dist" / "js-yaml.min.js"
    if not (decap / "decap-cms.js").is_file() or not jsyaml.is_file():
        raise OutputError("编辑表单（/admin/）需要 node_modules 中的 decap-cms 和 js-yaml：请运行 make site（会执行 npm ci），"
                          "或在 mkdocs.yml 的 directory 插件中写 cms: false")
    files = [SiteFile(f"admin/{path.name}", path) for path in sorted(decap.iterdir())
             if path.name.endswith((".decap-cms.js", ".wasm")) or path.name == "decap-cms.js"]
    settings = admin_config(build.model, options.repo_url, options.cms_branch, options.cms_app_id, options.cms_auth_url,
                            options.cms_test_backend)
    return files + [SiteFile("admin/js-yaml.min.js", jsyaml), SiteFile("admin/cms-format.js", ASSETS / "cms-format.js"),
                    SiteFile("admin/format.js", content=format_settings(build.model)), SiteFile("admin/admin.css", ASSETS / "admin.css"),
                    SiteFile("admin/index.html", content=admin_page(build.model, settings, options.favicon)),
                    SiteFile("admin/config.yml", content=_admin_yaml(settings, options.cache))]


def _admin_yaml(settings: dict, cache: Path | None) -> str:
    """config.yml, kept in the cache under its settings (the YAML writer took a second at every preview)."""
    store = Store(cache, "admin")
    entry = key("admin.yml", repr(settings)) if cache else ""
    text = store.get(entry)
    if text is None:
        text = admin_yaml(settings)
        store.put(entry, text)
    return text


OUTPUTS = (search_index, downloads, feed, scripts, editor)  # in this order: the search job first, so it runs longest beside the rest
