"""The MkDocs plugin `directory`: glue only. Each hook, in the order MkDocs runs them, hands its work to a MkDocs-free
module: the directory is loaded as a Model (model.load_model), every output is written (write.outputs), the pages
are rendered (write.pages) and each finished page goes to the offline copy (write.offline)."""

from __future__ import annotations

import copy
import gc
import json
import logging
import shutil
import tempfile
import threading
from html import escape
from pathlib import Path
from typing import ClassVar
from urllib.parse import quote, urljoin

from jinja2 import BytecodeCache, ChoiceLoader, DictLoader
from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, InclusionLevel
from mkdocs.utils import get_build_date

from . import background, cache
from .cache import CACHE, Memo, Memory
from .model.model import load_model
from .problems import format_text, has_errors, sort_problems
from .write.catalogue import PAPER_SIZES
from .write.chrome import TOKENS, Chrome, fits, tidy
from .write.institutions import Bodies, Kept, write_family
from .write.offline import NAME as OFFLINE_ZIP
from .write.offline import OfflineZip, fill_sizes
from .write.outputs import Options, OutputError, Outputs
from .write.pages import cycle_nav, render_pages, render_redirects, render_snippets

log = logging.getLogger("mkdocs.plugins.directory")
FAST_TEMPLATE = "directory-page.html"  # a family page, written whole by on_page_context (see chrome.py)


class CompiledTemplates(BytecodeCache):
    """The theme's templates compiled once a process: MkDocs makes a new Jinja environment for every build, and a
    preview rebuilds many times (Jinja checks each template's source against what was compiled)."""

    compiled: ClassVar[dict[str, bytes]] = {}

    def load_bytecode(self, bucket):
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket):
        self.compiled[bucket.key] = bucket.bytecode_to_string()


def paused(build, observer):
    """Return `build` run with the observer's emitters held (watchdog's polling emitter takes its lock for each poll)."""

    def run():
        locks = [lock for emitter in list(observer.emitters) if (lock := getattr(emitter, "_lock", None)) is not None]
        for lock in locks:
            lock.acquire()
        try:
            build()
        finally:
            for lock in locks:
                lock.release()

    return run


def collected_later(build, delay: float = 2.0):
    """Return `build` run with Python's cycle collector off, collecting `delay` seconds after it instead: a full
    collection of a 10,000-record preview takes more than a second, and one fell inside some rebuilds, before the
    browser reloads. A rebuild that starts first waits for a collection already under way."""
    lock, timer = threading.Lock(), None

    def collect():
        with lock:
            gc.collect()
            gc.enable()

    def run():
        nonlocal timer
        if timer is not None:
            timer.cancel()
        with lock:
            gc.disable()
        try:
            build()
        finally:
            timer = threading.Timer(delay, collect)
            timer.daemon = True
            timer.start()

    return run


class DirectoryConfig(Config):
    path = config_options.Type(str, default="directory")
    """The directory of YAML records, relative to mkdocs.yml."""
    edit_uri = config_options.Type(str, default="edit/main/directory/")
    """Appended to repo_url to link each record's YAML file for editing."""
    report_url = config_options.Type(str, default="")
    """Where to report a correction; defaults to repo_url + 'issues/new'."""
    catalogue = config_options.Type(bool, default=True)
    """Whether to print the catalogue (downloads/catalogue*.pdf); `generator build --no-catalogue` turns it off."""
    paper = config_options.Choice(PAPER_SIZES, default="A4")
    """The catalogue's paper size."""
    cache_dir = config_options.Type(str, default=str(CACHE))
    """The build cache (cache.py: institution pages, catalogue parts), relative to mkdocs.yml; empty for none."""
    downloads_limit = config_options.Type(int, default=800)
    """MB. Hosts cap a site (GitHub Pages and GitLab.com at 1 GB): when the site with the offline zip would pass this,
    the zip is written beside the site folder instead (site-downloads/ for site/), for CI to publish on its own; when
    the site passes it even without the zip, the other files of downloads/ go there too (hsds/ stays)."""
    downloads_url = config_options.Type(str, default="")
    """Where the files beside the site are published (e.g. a release's download address, …/releases/latest/download/):
    the pages link to it + the file's name. Empty: the pages leave those files out of their lists."""
    cms = config_options.Type(bool, default=True)
    """Add the form editor at /admin/ (Decap CMS from node_modules, pinned in package.json; `make site` installs it)."""
    cms_branch = config_options.Type(str, default="main")
    """The branch the editor's pull requests go to."""
    cms_app_id = config_options.Type(str, default="")
    """GitLab: the OAuth application's id (PKCE, no server of ours); see docs/editing.md."""
    cms_auth_url = config_options.Type(str, default="")
    """GitHub: the base URL of the small OAuth proxy Decap documents; see docs/editing.md."""
    cms_test_backend = config_options.Type(bool, default=False)
    """Tests only: Decap's in-browser test-repo backend instead of the code host."""
    shared_chrome = config_options.Type(bool, default=True)
    """Render the theme's chrome of institution pages once and fill in each page (same bytes, a fraction of the time):
    the pages are then written beside MkDocs, one writer per core, and only the first goes through MkDocs."""


def _front_matter(title: str, wide: bool = False) -> str:
    # JSON strings are valid YAML double-quoted scalars, so record text cannot break out of the front matter.
    hide = "hide:\n  - toc\n" if wide else ""
    return f"---\ntitle: {json.dumps(title)}\nsearch:\n  exclude: true\n{hide}---\n"


class DirectoryPlugin(BasePlugin[DirectoryConfig]):
    loaded = None  # a directory `python -m generator build` has just loaded and validated: not read twice
    published = None  # the site folder `python -m generator build` puts the finished build at (it builds in another)
    preview = False  # mkdocs serve (on_startup): no downloads, the last preview's search files until this one's are done
    search_later = None  # a preview's thread putting its search files in place
    kept_search = None  # a preview's folder of the last search files
    kept = None  # a preview's institutions folder, kept across rebuilds (institutions.Kept)

    def on_startup(self, *, command, dirty):
        """Note a preview (`mkdocs serve`). With this hook MkDocs keeps the plugin across the server's rebuilds."""
        self.preview = command == "serve"
        self.kept_search = Path(tempfile.mkdtemp(prefix="directory-preview-")) / "search" if self.preview else None
        self.kept = Kept(self.kept_search.parent) if self.preview else None
        cache.MEMORY = Memory() if self.preview else None

    def on_serve(self, server, config, builder):
        """Pause MkDocs's file watcher while the preview rebuilds: it polls (stats every record file twice a second, so
        that edits on Docker and network mounts are seen) in a thread of this process, which made a 10,000-record
        rebuild seconds slower. A change saved during a rebuild is seen at the first poll after it. Python's cycle
        collector waits until the rebuilt page is shown (collected_later)."""
        server.builder = collected_later(paused(server.builder, server.observer))
        return server

    def on_shutdown(self):
        """Remove the preview's search files."""
        self._stop_search()
        if self.kept_search:
            shutil.rmtree(self.kept_search.parent, ignore_errors=True)
        cache.MEMORY = None

    def _stop_search(self):
        if self.search_later is not None and self.search_later.is_alive():
            self.outputs.search.cancel()
            self.search_later.join()
        self.search_later = None

    def cache_folder(self, config) -> Path | None:
        """Return the build cache's folder (cache.py), or None when the option is empty."""
        return self._relative(config, self.config.cache_dir) if self.config.cache_dir else None

    def _relative(self, config, value: str) -> Path:
        path = Path(value)
        return path if path.is_absolute() else Path(config.config_file_path).parent / path

    def on_config(self, config):
        """Load and check the records (refusing to build on errors), read the history and put the generated nav first."""
        self._stop_search()  # a preview's search files of the last edit: this build makes newer ones
        if cache.MEMORY is not None:
            cache.MEMORY.start()
        root = self._relative(config, self.config.path)
        reuse = self.loaded is not None and self.loaded.root.resolve() == root.resolve()
        model, problems = load_model(self.loaded if reuse else root, site_url=config.site_url or "", history=True,
                                     cache=self.cache_folder(config))
        if model is None or has_errors(problems):
            raise PluginError("名录数据有错误，网站未生成：\n" + format_text(sort_problems(problems)))
        self.root, self.model, site = root, model, model.site
        config.site_name = site.title
        config.site_description = site.description or config.site_description
        config.copyright = site.notice or config.copyright
        if not config.site_url:
            log.warning("mkdocs.yml 没有设置 site_url：sitemap.xml 将为空，二维码和数据中的网页地址只能是相对路径。")
        generated_nav = [
            {"首页": "index.md"},
            {"搜索": "search.md"},
            {"按区域浏览": [{escape(name): f"districts/{d}.md"} for d, name in model.districts.items()]},  # Material prints nav
            {"按服务功能浏览": [{escape(name): f"functions/{f}.md"} for f, name in model.functions.items()]},  # titles as they are
            {"示范平台": "demonstration.md"},
            {"统计": "stats.md"},
            *cycle_nav(model),
            {"最近更新": "changes.md"},
        ]
        config.nav = generated_nav + (config.nav or [])
        return config

    def on_pre_build(self, config):
        """A preview keeps its institution pages while MkDocs cleans the site (institutions.Kept)."""
        if self.kept:
            self.kept.set_aside(Path(config.site_dir))

    def on_files(self, files, config):
        """Write every output (outputs.OUTPUTS) and add its files, every generated page, record JSON and redirect.
        Of the institution pages that share the chrome (the family) only the first is a MkDocs page: on_page_context
        starts the writers of the others (from its chrome) and of the record JSON files."""
        root = Path(config.config_file_path).parent
        cache = self.cache_folder(config)
        options = Options(self.config.catalogue, self.config.paper, cache,
                          self.config.cms, root / "node_modules", config.repo_url or "", self.config.cms_branch, self.config.cms_app_id,
                          self.config.cms_auth_url, self.config.cms_test_backend, config.theme["favicon"], self.preview)
        self.outputs = Outputs(self.model, options, Path(config.site_dir))
        self.writers = []
        try:
            written = self.outputs.write()
        except OutputError as exc:
            raise PluginError(str(exc)) from exc
        self.downloads = [(path.name, None if path in self.outputs.pending else path.stat().st_size) for path in self.outputs.downloads]
        for file in written:
            files.append(File.generated(config, file.dest, content=file.content) if file.source is None else
                         File.generated(config, file.dest, abs_src_path=str(file.source)))
        self.pages, self.texts = {}, []
        self.edit_urls = {r.id: self._edit_url(config, r) or None for r in self.model.records}
        self.report_urls = {r.id: self._report_url(config, r) for r in self.model.records}
        self.bodies = Bodies(self.model, cache)
        # Material prints the title escaped; a title it would change (chrome.fits) is rendered by the theme.
        self.family = [r for r in self.model.records if self.config.shared_chrome and fits(escape(r.data["name"]))]
        left_out = {f"institutions/{r.id}.md" for r in self.family[1:]}
        lists = Memo(cache, "list-pages")
        generated = render_pages(self.model, self.downloads, lambda r: self.edit_urls[r.id] or "", lambda r: self.report_urls[r.id],
                                 self.bodies.body, lists)
        lists.save()
        for page in generated:
            if page.src_uri in left_out:
                continue
            existing = files.get_file_from_path(page.src_uri)
            if existing is not None:
                files.remove(existing)
            inclusion = InclusionLevel.INCLUDED if page.in_nav else InclusionLevel.NOT_IN_NAV
            files.append(File.generated(config, page.src_uri, content=_front_matter(page.title, page.wide), inclusion=inclusion))
            self.pages[page.src_uri] = page
        memo = Memo(cache, "record-json")
        self.record_json = [(r.id, self.model.record_json(r, memo)) for r in self.model.records]
        memo.save()
        if not self.family:  # else the family's writers write them (10,000 files MkDocs would write one by one)
            for name, text in self.record_json:
                files.append(File.generated(config, f"institutions/{name}.json", content=text))
        for path, html in render_redirects(self.model):
            files.append(File.generated(config, path, content=html))
        if self.kept:
            expected = {f.dest_uri.split("/")[1] for f in files if f.dest_uri.startswith("institutions/")}
            expected |= {r.id for r in self.family[1:]} | ({f"{name}.json" for name, _ in self.record_json} if self.family else set())
            self.kept.put_back(Path(config.site_dir), expected)
        return files

    def on_env(self, env, config, files):
        """Prepare the offline copy (written at the end from the site), the shared chrome and the
        sitemap's entries of the pages MkDocs does not render (theme/sitemap.xml)."""
        self.offline = OfflineZip(Path(config.site_dir) / "downloads" / OFFLINE_ZIP, self.model.edition, self.outputs.options.cache)
        env.loader = ChoiceLoader([env.loader, DictLoader({FAST_TEMPLATE: "{{ page.directory_html }}"})])
        env.bytecode_cache = CompiledTemplates()
        self.env = env
        base = config.site_url or ""
        base = base if not base or base.endswith("/") else base + "/"
        # As MkDocs gives a page its canonical URL (pages.Page._set_canonical_url); every institution is listed.
        self.canonical = {r.id: urljoin(base, f"institutions/{r.id}/") if base else None for r in self.model.records}
        env.globals["directory_institutions"] = {f"institutions/{r}.md": url for r, url in self.canonical.items()}
        env.globals["directory_update"] = get_build_date()
        return env

    def on_page_markdown(self, markdown, page, config, files):
        """Fill a hand-written page's `<!-- name -->` markers from the taxonomy; escape record titles for Material."""
        if "<!-- " in markdown:
            for name, html in render_snippets(self.model, self.downloads, "../").items():
                markdown = markdown.replace(f"<!-- {name} -->", html)
        if page.file.src_uri in self.pages:
            # Material prints page.meta.title unescaped in <title> and the header: escape record text here.
            page.meta["title"] = escape(page.meta["title"])
            if self.pages[page.file.src_uri].head:
                page.meta["directory_head"] = self.pages[page.file.src_uri].head
            if self._in_family(page):
                page.meta["template"] = FAST_TEMPLATE
        return markdown

    def on_page_content(self, html, page, config, files):
        """Replace a generated page's body with the HTML pages.py rendered."""
        generated = self.pages.get(page.file.src_uri)
        if generated is None or page.file.src_uri.startswith("help/"):  # the hand-written pages, for the header box
            self.texts.append((page.title, page.url, html if generated is None else generated.body()))
        return html if generated is None else generated.body()

    def on_page_context(self, context, page, config, nav):
        """Give a record's page the edit link of its YAML file; on the family's first page, render the shared chrome
        and start the writers of the family's other pages."""
        if page.file.src_uri in self.pages:
            institution = page.file.src_uri.startswith("institutions/")
            page.edit_url = self.edit_urls.get(page.file.src_uri[13:-3]) if institution else None
            if page.meta.get("template") == FAST_TEMPLATE:
                page.directory_html = self._family_page(page, context, config)
        return context

    def on_post_page(self, output, page, config):
        """Tidy the chrome's blank space (chrome.tidy); tell the offline copy which pages list it (they get its size)."""
        page.__dict__.pop("directory_html", None)  # MkDocs keeps every page object until the build ends
        output = tidy(output, page.content or "")
        self.offline.add_page(page.file.dest_uri, output)
        return output

    def _in_family(self, page) -> bool:
        return bool(self.family) and page.file.src_uri == f"institutions/{self.family[0].id}.md"

    def _family_page(self, page, context, config) -> str:
        """Return the family's first page as the theme renders it, after checking that the chrome rendered with tokens
        and filled with its values gives the same; start the writers of the other pages."""
        html = tidy(self.env.get_template("main.html").render(context), page.content)
        stand_in = copy.copy(page)
        for name, token in TOKENS.items():
            setattr(stand_in, name, None if getattr(page, name) is None else token)
        stand_in.meta = dict(page.meta, title=TOKENS["title"])  # Material prints page.meta.title where it is set
        chrome = Chrome(tidy(self.env.get_template("main.html").render(dict(context, page=stand_in)), TOKENS["content"]))
        values = {"title": page.title, "canonical_url": page.canonical_url or "", "edit_url": page.edit_url or "", "content": page.content}
        if chrome.fill(values) != html or (page.canonical_url or None) != self.canonical[self.family[0].id]:
            raise PluginError("机构页面的公共框架与主题逐页生成的结果不同（主题或其设置在每页放了不同的内容）："
                              "请在 mkdocs.yml 的 directory 插件中写 shared_chrome: false")
        pages = [(r, self.edit_urls[r.id] or "", self.report_urls[r.id],
                  {"title": escape(r.data["name"]), "canonical_url": self.canonical[r.id] or "", "edit_url": self.edit_urls[r.id] or ""})
                 for r in self.family[1:]]
        data = self.record_json
        if self.kept:  # a preview writes only what changed since its last build
            pages, data = self.kept.changed(self.model, chrome, pages, data)
        self.outputs.settle()
        self.writers = write_family(self.bodies, chrome.fill, pages, data, Path(config.site_dir))
        return html

    def on_post_build(self, config):
        """Wait for the family's writers, put the search files into the site, then finish the offline copy with every
        other file of the site."""
        for writer in self.writers:
            writer.finish()
        if self.kept:
            self.kept.done()
        site_dir = Path(config.site_dir)
        meanwhile = None if self.preview else lambda: self.offline.prepare(site_dir)  # most of the zip beside the search job
        self.search_later = self.outputs.finish(site_dir, sorted(self.texts, key=lambda text: text[1]), self.kept_search, meanwhile)
        if self.preview:
            log.info("预览不生成下载文件（印刷版、数据、离线版）：make site 会生成")
            return
        fill_sizes(site_dir, self.offline.listed, {p.name: (site_dir / "downloads" / p.name).stat().st_size for p in self.outputs.pending})
        site = Path(self.published or site_dir)
        beside = site.with_name(site.name + "-downloads")
        listed = [f"downloads/{name}" for name, _ in self.downloads]
        moved = self.offline.finish(site_dir, self.config.downloads_limit * 1048576, beside, self.config.downloads_url, listed)
        self.offline = None
        if not moved:
            log.info(f"离线版已生成：downloads/{OFFLINE_ZIP}")
            return
        where = f"下载页面链接到 {self.config.downloads_url}" if self.config.downloads_url else \
            "下载页面不列出它们；在 mkdocs.yml 的 directory 插件中写 downloads_url（它们发布的地址）后，下载页面会链接到那里"
        log.info(f"网站放入这些下载文件后会超过 downloads_limit（{self.config.downloads_limit} MB）：{'、'.join(moved)} "
                 f"已另存到 {beside}，请单独发布；{where}。")

    def on_build_error(self, error):
        """Stop the background jobs (also one started as the build stopped, before it was noted here) and remove what
        they left."""
        background.stop_all()
        if getattr(self, "outputs", None):
            self.outputs.cancel()
        if getattr(self, "offline", None):
            self.offline.abandon()

    def _edit_url(self, config, record) -> str:
        if not config.repo_url:
            return ""
        relative = f"{record.folder}/{record.id}.yml"  # the record's file in the directory (read.directory: folder/id.yml)
        return config.repo_url.rstrip("/") + "/" + self.config.edit_uri.strip("/") + "/" + quote(relative)

    def _report_url(self, config, record) -> str:
        base = self.config.report_url or (config.repo_url.rstrip("/") + "/issues/new" if config.repo_url else "")
        return f"{base}?title={quote('更正：' + record.data['name'])}" if base else "../../about/"
