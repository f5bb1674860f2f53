"""The offline copy: the built site as one zip that works when opened from file:// without a network.

Links that name a folder get `index.html` (a browser shows a folder listing for file:///…/), the search data is
also written as scripts (file:// pages may not fetch), and the theme's own search box, which needs a worker, is hidden.
"""

from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path

NAME = "directory-offline.zip"
FOLDER = "directory-offline"  # everything sits in one folder, so unzipping does not scatter files
STORED = {".pdf", ".png", ".jpg", ".gz", ".zip", ".xlsx", ".woff", ".woff2"}  # already compressed
ATTRIBUTE = re.compile(r'(\s(?:href|src|action)=")([^"]*)(")')
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
HIDE = '<style>.md-search,label.md-header__button[for="__search"],.dir-offline-link{display:none}</style></head>'
LEFT_OUT = {"404.html", "sitemap.xml", "sitemap.xml.gz"}  # served by a web server only; their links are absolute
SEARCH_DATA = {"search/lunr-index.json": "index", "search/results.json": "results"}
README = """打开方法：解压后，用浏览器打开 {folder}/index.html。
离线版不需要网络，包括搜索；数据截至生成之日，最新内容请访问网站。
"""


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
    """Return a page with its links rewritten for file:// and the theme's search box and the link to this zip hidden."""
    html = ATTRIBUTE.sub(lambda m: m.group(1) + offline_link(m.group(2)) + m.group(3), html)
    return html.replace("</head>", HIDE, 1)


def _date_time() -> tuple[int, ...]:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        import time

        return max(time.gmtime(int(epoch))[:6], (1980, 1, 1, 0, 0, 0))
    return (1980, 1, 1, 0, 0, 0)


def write_offline_zip(site_dir: Path, target: Path) -> Path:
    """Write the whole built site (but the zip itself) as an offline copy to target; return target."""
    site_dir = Path(site_dir)
    date_time = _date_time()
    partial = target.with_suffix(".zip.part")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        def add(name: str, data: bytes, stored: bool = False) -> None:
            info = zipfile.ZipInfo(f"{FOLDER}/{name}", date_time)
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data, compresslevel=6)

        archive.writestr(zipfile.ZipInfo("使用说明.txt", date_time), README.format(folder=FOLDER).encode(), zipfile.ZIP_DEFLATED)
        for path in sorted(p for p in site_dir.rglob("*") if p.is_file()):
            name = path.relative_to(site_dir).as_posix()
            if path in (target, partial) or name in LEFT_OUT:
                continue
            if name.endswith(".html"):
                add(name, offline_html(path.read_text(encoding="utf-8")).encode("utf-8"))
                continue
            data = path.read_bytes()
            add(name, data, stored=path.suffix in STORED)
            if name in SEARCH_DATA:
                key = SEARCH_DATA[name]
                script = b"window.DirectorySearchData=window.DirectorySearchData||{};DirectorySearchData." + key.encode() + b"=" + data + b";\n"
                add(name[:-len(".json")] + ".js", script)
    partial.replace(target)
    return target
