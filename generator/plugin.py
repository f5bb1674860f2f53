"""The MkDocs plugin: glue only. It loads the validated directory and adds the generated pages in memory."""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
import time
from html import escape
from pathlib import Path
from urllib.parse import quote

import mkdocs
from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, InclusionLevel

from .catalogue import write_catalogues
from .directory import load_directory, reference_date
from .exports import Exports
from .feed import read_history, render_feed
from .hsds import write_hsds
from .offline import NAME as OFFLINE_ZIP
from .offline import OfflineZip
from .pages import Site
from .search import build_result_list, build_search_index, dump_json

log = logging.getLogger("mkdocs.plugins.directory")
DOWNLOADS_MARKER = "<!-- downloads -->"
ASSETS = Path(__file__).parent / "assets"
# lunr.js 2.3.9 as mkdocs ships it: the version lunr.py serializes for.
LUNR_JS = Path(mkdocs.__file__).parent / "contrib" / "search" / "templates" / "search" / "lunr.js"
SEARCH_ASSETS = {"lunr.js": LUNR_JS, **{name: ASSETS / name for name in ("search-core.js", "search-worker.js", "search-page.js")}}
from .problems import format_text, has_errors, sort_problems


class DirectoryConfig(Config):
    path = config_options.Type(str, default="directory")
    """The directory of YAML records, relative to mkdocs.yml."""
    edit_uri = config_options.Type(str, default="edit/main/directory/")
    """Appended to repo_url to link each record's YAML file for editing."""
    report_url = config_options.Type(str, default="")
    """Where to report a correction; defaults to repo_url + 'issues/new'."""


def _front_matter(title: str) -> str:
    # JSON strings are valid YAML double-quoted scalars, so record text cannot break out of the front matter.
    return f"---\ntitle: {json.dumps(title, ensure_ascii=False)}\nsearch:\n  exclude: true\n---\n"


class DirectoryPlugin(BasePlugin[DirectoryConfig]):
    loaded = None  # set by `python -m generator build`, which has just validated the directory
    catalogue = None  # set by `python -m generator build` to {"paper": …, "cache": …} to add the printed catalogue

    def on_config(self, config):
        root = Path(self.config.path)
        if not root.is_absolute():
            root = Path(config.config_file_path).parent / root
        if self.loaded is not None and self.loaded.root.resolve() == root.resolve():
            directory, problems = self.loaded, []
        else:
            directory, problems = load_directory(root)
        if directory is None or has_errors(problems):
            raise PluginError("名录数据有错误，网站未生成：\n" + format_text(sort_problems(problems)))
        self.root = root
        self.site = Site(directory, reference_date(), config.site_url or "")
        labels = {d["key"]: d["label"] for d in directory.taxonomy["disclosures"]}
        self.site.history = read_history(root, directory.choice_tables, labels)
        config.site_name = directory.taxonomy["site"]["title"]
        if not config.site_url:
            log.warning("mkdocs.yml 没有设置 site_url：sitemap.xml 将为空，二维码和数据中的网页地址只能是相对路径。")
        generated_nav = [
            {"首页": "index.md"},
            {"搜索": "search.md"},
            {"按区域浏览": [{name: f"districts/{d}.md"} for d, name in self.site.districts.items()]},
            {"按服务功能浏览": [{name: f"functions/{f}.md"} for f, name in self.site.functions.items()]},
            {"示范平台": "demonstration.md"},
            {"统计": "stats.md"},
            {"最近更新": "changes.md"},
        ]
        config.nav = generated_nav + (config.nav or [])
        return config

    def _edit_url(self, config, record) -> str:
        if not config.repo_url:
            return ""
        relative = Path(record.path).resolve().relative_to(self.root.resolve()).as_posix()
        return config.repo_url.rstrip("/") + "/" + self.config.edit_uri.strip("/") + "/" + quote(relative)

    def _report_url(self, config, record) -> str:
        base = self.config.report_url or (config.repo_url.rstrip("/") + "/issues/new" if config.repo_url else "")
        return f"{base}?title={quote('更正：' + record.data['name'])}" if base else "../../about/"

    def _write_downloads(self, config, files) -> None:
        """Write the downloads; the search files are added while another process writes the workbook."""
        self.downloads_dir = Path(tempfile.mkdtemp(prefix="directory-downloads-"))
        exports = Exports(self.site, self.downloads_dir)
        try:
            paths = write_catalogues(self.site, self.downloads_dir, **self.catalogue) if self.catalogue is not None else []
            for path in write_hsds(self.site, self.downloads_dir / "hsds"):
                files.append(File.generated(config, f"downloads/hsds/{path.name}", abs_src_path=str(path)))
            self._add_search(config, files)
        except BaseException:
            exports.cancel()
            raise
        paths += exports.finish()
        for path in paths:
            files.append(File.generated(config, f"downloads/{path.name}", abs_src_path=str(path)))
        self.site.downloads = [(path.name, path.stat().st_size) for path in paths]

    def on_post_build(self, config):
        shutil.rmtree(self.downloads_dir, ignore_errors=True)
        started = time.monotonic()
        self.offline.finish(Path(config.site_dir))
        self.offline = None
        log.info(f"离线版已生成：downloads/{OFFLINE_ZIP}（最后一步用时 {time.monotonic() - started:.1f} 秒）")

    def on_env(self, env, config, files):
        self.offline = OfflineZip(Path(config.site_dir) / "downloads" / OFFLINE_ZIP, self.site.edition)
        return env

    def on_post_page(self, output, page, config):
        self.offline.add_page(page.file.dest_uri, output)
        return output

    def on_build_error(self, error):
        if getattr(self, "offline", None):
            self.offline.abandon()
        if getattr(self, "downloads_dir", None):
            shutil.rmtree(self.downloads_dir, ignore_errors=True)

    def on_files(self, files, config):
        self._write_downloads(config, files)
        self.pages = {}
        self.edit_urls = {f"institutions/{r.id}.md": self._edit_url(config, r) or None for r in self.site.records}
        generated = self.site.pages(lambda r: self.edit_urls[f"institutions/{r.id}.md"], lambda r: self._report_url(config, r))
        for page in generated:
            existing = files.get_file_from_path(page.src_uri)
            if existing is not None:
                files.remove(existing)
            inclusion = InclusionLevel.INCLUDED if page.in_nav else InclusionLevel.NOT_IN_NAV
            files.append(File.generated(config, page.src_uri, content=_front_matter(page.title), inclusion=inclusion))
            self.pages[page.src_uri] = page.html
        for record in self.site.records:
            files.append(File.generated(config, f"institutions/{record.id}.json", content=self.site.record_json(record)))
        return files

    def _add_search(self, config, files) -> None:
        """Add the feed, the search index, the result list and the search scripts."""
        site = self.site.taxonomy["site"]
        feed = render_feed(self.site.history, site["title"], site["authority"], self.site.site_url, {r.id for r in self.site.records},
                           f"{self.site.today.isoformat()}T00:00:00Z")
        files.append(File.generated(config, "feed.xml", content=feed))
        files.append(File.generated(config, "search/lunr-index.json", content=dump_json(build_search_index(self.site))))
        files.append(File.generated(config, "search/results.json", content=dump_json(build_result_list(self.site))))
        for name, source in SEARCH_ASSETS.items():
            files.append(File.generated(config, f"assets/dirsearch/{name}", abs_src_path=str(source)))

    def on_page_markdown(self, markdown, page, config, files):
        if DOWNLOADS_MARKER in markdown:
            markdown = markdown.replace(DOWNLOADS_MARKER, self.site.render_downloads("../"))
        if page.file.src_uri in self.pages:
            # Material prints page.meta.title unescaped in <title> and the header: escape record text here.
            page.meta["title"] = escape(page.meta["title"])
        return markdown

    def on_page_content(self, html, page, config, files):
        generated = self.pages.get(page.file.src_uri)
        return html if generated is None else generated

    def on_page_context(self, context, page, config, nav):
        if page.file.src_uri in self.pages:
            page.edit_url = self.edit_urls.get(page.file.src_uri)
        return context
