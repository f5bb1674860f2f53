"""The offline copy: the built site as one zip that works when opened from file:// without a network.

Links that name a folder get `index.html` (a browser shows a folder listing for file:///…/), the split search index
is bundled into one script, search/bundle.js (file:// pages may not fetch), which the search page and the header box
load instead of starting a worker. The form editor (/admin/) is left out: it signs in to the code host. The pages that
list the zip get its size once it is written.
"""

from __future__ import annotations

import datetime
import json
import os
import re
import zipfile
from pathlib import Path

from .. import background
from .search import INDEX_FILE

NAME = "directory-offline.zip"
FOLDER = "directory-offline"  # everything sits in one folder, so unzipping does not scatter files
LEVEL = 6
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry
STORED = {".pdf", ".png", ".jpg", ".gz", ".zip", ".xlsx", ".woff", ".woff2"}  # already compressed
ATTRIBUTE = re.compile(r'(\s(?:href|src|action)="|<meta http-equiv="refresh" content="0; url=)([^"]*)(")')
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
HIDE = '<style>.dir-offline-link{display:none}</style></head>'
LEFT_OUT = {"404.html", "sitemap.xml", "sitemap.xml.gz"}  # served by a web server only; their links are absolute
LEFT_OUT_FOLDERS = ("admin/",)  # the form editor (5 MB) signs in to the code host: it cannot work offline
SIZE_MARK = "<!-- offline-size -->"  # where a page lists this zip: its size, known only once the zip is written
SEARCH_INDEX = re.compile(rf"search/({INDEX_FILE.pattern})")
README = """打开方法：解压后，用浏览器打开 {folder}/index.html。
离线版不需要网络，包括搜索；数据截至生成之日，最新内容请访问网站。
"""


def size_text(size: int) -> str:
    """Return a file size as the download lists show it: 840 KB, 12.3 MB."""
    return f"{size / 1048576:.1f} MB" if size >= 1048576 else f"{-(-size // 1024)} KB"


def offline_link(url: str) -> str:
    """Return a relative link that works from file://: folder links get index.html; others are unchanged."""
    if not url or SCHEME.match(url) or url.startswith(("/", "#", "?")):
        return url
    cut = min((i for i in (url.find("?"), url.find("#")) if i >= 0), default=len(url))
    path, rest = url[:cut], url[cut:]
    if path.endswith("/"):
        return path + "index.html" + rest
    if path in (".", "..") or path.endswith(("/.", "/..")):
        return path + "/index.html" + rest
    return url


def offline_html(html: str) -> str:
    """Return a page with its links rewritten for file:// and the link to this zip hidden."""
    html = ATTRIBUTE.sub(lambda m: m.group(1) + offline_link(m.group(2)) + m.group(3), html)
    return html.replace("</head>", HIDE, 1)


class OfflineZip:
    """Writes the offline copy while the site is built: pages as MkDocs renders them, the other files at the end.

    A forked process rewrites and compresses, so the work uses the core that MkDocs, which renders on one, leaves idle.
    """

    def __init__(self, target: Path, date: datetime.date):
        """`date` stamps every file: the data's date, so the same data gives the same bytes."""
        self.target = Path(target)
        self.target.parent.mkdir(parents=True, exist_ok=True)
        self.partial = self.target.with_name(self.target.name + ".part")
        self.added: set[str] = set()
        self.listed: list[str] = []  # the pages that list the zip, to be given its size
        date_time = max((date.year, date.month, date.day, 0, 0, 0), ZIP_EPOCH)
        self.queue = background.queue(64)
        self.job = background.Job("离线版压缩包", _writer, self.partial, self.queue, date_time)

    def add_page(self, name: str, html: str) -> None:
        """Add one rendered page (its path in the site, e.g. districts/pudong/index.html)."""
        if SIZE_MARK in html:
            self.listed.append(name)
        if _kept(name):
            self.added.add(name)
            self.job.send(self.queue, ("page", name, html))

    def finish(self, site_dir: Path) -> Path:
        """Add every other file of the finished site, close the zip and put it in place; return its path."""
        site_dir = Path(site_dir)
        for path in sorted(p for p in site_dir.rglob("*") if p.is_file()):
            name = path.relative_to(site_dir).as_posix()
            if path not in (self.target, self.partial) and _kept(name) and name not in self.added:
                self.job.send(self.queue, ("file", name, str(path)))
        try:
            self.job.send(self.queue, None)
            self.job.finish()
        except background.BackgroundError:
            self.partial.unlink(missing_ok=True)
            raise
        self.partial.replace(self.target)
        size = f"（{size_text(self.target.stat().st_size)}）"
        for name in self.listed:
            page = site_dir / name
            page.write_text(page.read_text(encoding="utf-8").replace(SIZE_MARK, size), encoding="utf-8")
        return self.target

    def abandon(self) -> None:
        """Stop after a failed build and remove the unfinished file."""
        self.queue.cancel_join_thread()  # what is still buffered for the dead reader is dropped, not waited for
        self.job.cancel()
        self.partial.unlink(missing_ok=True)


def _kept(name: str) -> bool:
    return name not in LEFT_OUT and not name.startswith(LEFT_OUT_FOLDERS)


def _writer(partial: Path, items, date_time) -> None:
    with zipfile.ZipFile(partial, "w") as archive:
        def add(name: str, data: bytes, stored: bool = False) -> None:
            info = zipfile.ZipInfo(os.path.normpath(f"{FOLDER}/{name}"), date_time)
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data, compresslevel=LEVEL)

        add("../使用说明.txt", README.format(folder=FOLDER).encode())
        bundle = []
        while (item := items.get()) is not None:
            kind, name, value = item
            if kind == "page" or name.endswith(".html"):
                html = value if kind == "page" else Path(value).read_text(encoding="utf-8")
                add(name, offline_html(html).encode("utf-8"))
                continue
            data = Path(value).read_bytes()
            if match := SEARCH_INDEX.fullmatch(name):
                bundle.append(json.dumps(match.group(1)).encode() + b":" + data)
                continue
            add(name, data, stored=Path(name).suffix in STORED)
        add("search/bundle.js", b"window.DirectorySearchFiles={" + b",\n".join(bundle) + b"};\n")
