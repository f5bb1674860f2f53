"""The offline copy: the built site as one zip that works when opened from file:// without a network.

Links that name a folder get `index.html` (a browser shows a folder listing for file:///…/), the split search index
is bundled into one script, search/bundle.js (file:// pages may not fetch), which the search page and the header box
load instead of starting a worker. The form editor (/admin/) is left out: it signs in to the code host. The pages that
list the zip get its size once it is written. A zip that would take the site over a size limit (hosts cap a site: GitHub
Pages at 1 GB) is put beside the site instead, with the other downloads when the site passes the limit without it, for
CI to publish on their own; the pages then link to where they are published, or leave them out of their lists.
"""

from __future__ import annotations

import datetime
import json
import os
import re
import shutil
import threading
import zipfile
import zlib
from concurrent.futures import ThreadPoolExecutor
from html import escape
from pathlib import Path

from ..cache import code_digest
from .search import INDEX_FILE

NAME = "directory-offline.zip"
FOLDER = "directory-offline"  # everything sits in one folder, so unzipping does not scatter files
LEVEL = 6
CHUNK, WINDOW = 1 << 20, 1 << 15  # deflate()'s pieces, and the window each is primed with
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry
STORED = {".pdf", ".png", ".jpg", ".gz", ".zip", ".xlsx", ".woff", ".woff2"}  # already compressed
ATTRIBUTE = re.compile(r'(\s(?:href|src|action)="|<meta http-equiv="refresh" content="0; url=)([^"]*)(")')
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
HIDE = '<style>.dir-offline-link{display:none}</style></head>'
LEFT_OUT = {"404.html", "sitemap.xml", "sitemap.xml.gz"}  # served by a web server only; their links are absolute
LEFT_OUT_FOLDERS = ("admin/",)  # the form editor (5 MB) signs in to the code host: it cannot work offline
MARK = "<!-- size:{} -->"  # where a page lists a download whose size is known only after the pages (fill_sizes)
SIZE_MARK = MARK.format(NAME)  # this zip's: the pages that hold it list the downloads
OFFLINE_ITEM = re.compile(r'<li class="dir-offline-link"><a href="[^"]*">.*?</li>\n?')  # as downloads.html writes them
DOWNLOADS = re.compile(r'<div class="dir-downloads">.*?</div>\n?', re.DOTALL)
ELSEWHERE = '<div class="dir-downloads">\n<p>下载文件（印刷版名录、全部数据和离线版）较大，没有随网站发布，另行提供。</p>\n</div>\n'
SEARCH_INDEX = re.compile(rf"search/({INDEX_FILE.pattern})")
README = """打开方法：解压后，用浏览器打开 {folder}/index.html。
离线版不需要网络，包括搜索；数据截至生成之日，最新内容请访问网站。
"""


def size_text(size: int) -> str:
    """Return a file size as the download lists show it: 840 KB, 12.3 MB."""
    return f"{size / 1048576:.1f} MB" if size >= 1048576 else f"{-(-size // 1024)} KB"


def fill_sizes(site_dir: Path, pages: list[str], sizes: dict[str, int]) -> None:
    """Put each file's size (name → bytes) where the pages list it, as the download list writes a size: （12.3 MB）."""
    for name in pages:
        page = Path(site_dir) / name
        html = text = page.read_text(encoding="utf-8")
        for file, size in sizes.items():
            text = text.replace(MARK.format(file), f"（{size_text(size)}）")
        if text != html:
            page.write_text(text, encoding="utf-8")


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
    """Writes the offline copy from the finished site, every file in name order but the downloads, the pages that list
    them and the search index, which come last (so the same site gives the same bytes however its pages were written,
    and the rest can be written while the search job runs: prepare()): compressed on every core (zlib leaves the GIL),
    and an entry whose text is the previous zip's (kept in the build cache) is copied from it without being compressed
    again."""

    def __init__(self, target: Path, date: datetime.date, cache: Path | None = None):
        """`date` stamps every file: the data's date, so the same data gives the same bytes."""
        self.target = Path(target)
        self.partial = self.target.with_name(self.target.name + ".part")
        self.previous = Path(cache) / "offline" / NAME if cache else None
        self.listed: list[str] = []  # the pages that list the zip, to be given its size
        self.date_time = max((date.year, date.month, date.day, 0, 0, 0), ZIP_EPOCH)
        self.early: tuple[_Writer, threading.Thread] | None = None  # the zip's first part, written by prepare()

    def add_page(self, name: str, html: str) -> None:
        """Note a rendered page (its path in the site, e.g. districts/pudong/index.html) that lists the zip."""
        if SIZE_MARK in html:
            self.listed.append(name)

    def prepare(self, site_dir: Path) -> None:
        """Start writing the zip in a thread, once every page is on disk, while the build waits for its search job: the
        files no later step changes, that is every file but the downloads, the pages that list them and the search
        index, which the zip holds after them (so the zip's order does not depend on when a file was written); then
        deflate the downloads ahead."""
        site_dir = Path(site_dir)
        self.target.parent.mkdir(parents=True, exist_ok=True)
        writer = _Writer(self.partial, site_dir, self.date_time, self.previous)
        first, late = self._order([n for n in _site_files(site_dir, self.target, self.partial) if _kept(n)])

        def write() -> None:
            try:
                writer.add_files(first, workers=1)  # the search job has the other core
                writer.deflate_ahead([name for name in late if name.startswith("downloads/")])
            except (OSError, ValueError, zlib.error):  # finish() writes the zip again and reports what still fails
                writer.failed = True

        self.early = writer, threading.Thread(target=write, daemon=True)
        self.early[1].start()

    def _order(self, names: list[str]) -> tuple[list[str], list[str]]:
        """Split the site's files (the search index left out: it goes in as one script) into the zip's two parts."""
        first, late, listed = [], [], set(self.listed)
        for name in names:
            if not SEARCH_INDEX.fullmatch(name):
                (late if name.startswith("downloads/") or name in listed else first).append(name)
        return first, late

    def _prepared(self, site_dir: Path, first: list[str]) -> _Writer | None:
        """Stop prepare()'s thread; return its writer when what it wrote begins `first` and none of those files changed
        since (the caller adds the rest on every core)."""
        writer = self._stop()
        if writer is None:
            return None
        written, writer.stopped = list(writer.written), False
        if not writer.failed and written == first[: len(written)] and all(
                _signature(site_dir / name) == signature for name, signature in writer.written.items()):
            return writer
        writer.discard()
        return None

    def _stop(self) -> _Writer | None:
        """Stop prepare()'s thread at its next window, if there is one; return its writer."""
        if self.early is None:
            return None
        writer, thread = self.early
        self.early = None
        writer.stopped = True
        thread.join()
        return writer

    def finish(self, site_dir: Path, limit: int | None = None, beside: Path | None = None, url: str = "",
               downloads: list[str] = ()) -> list[str]:
        """Write the zip of the finished site and put it in place; give the pages that list it its size; return the
        names of the files put beside the site. Hosts cap a site (GitHub Pages at 1 GB): when the site with the zip
        would pass `limit` bytes, the zip goes to the folder `beside`; when the site passes it even without the zip, so
        do the `downloads` (their paths in the site) and the zip leaves them out. The pages then link to `url` + the
        file's name, or drop what moved when there is no url. Files an earlier build left beside are removed first,
        so that CI never publishes a stale one."""
        site_dir = Path(site_dir)
        self.target.parent.mkdir(parents=True, exist_ok=True)
        if beside is not None:
            for name in (NAME, *(Path(d).name for d in downloads)):
                (beside / name).unlink(missing_ok=True)
        names = _site_files(site_dir, self.target, self.partial)
        total = sum((site_dir / n).stat().st_size for n in names)
        names = [n for n in names if _kept(n)]
        moved = list(downloads) if beside is not None and limit is not None and total > limit else []
        if moved:
            beside.mkdir(parents=True, exist_ok=True)
            for name in moved:
                _move(site_dir / name, beside / Path(name).name)
            names = [n for n in names if n not in moved]
            _relink(site_dir, self.listed, [Path(n).name for n in moved], url)
        first, late = self._order(names)
        writer = self._prepared(site_dir, first)
        try:
            if writer is None:
                writer = _Writer(self.partial, site_dir, self.date_time, self.previous)
            writer.add_files(first[len(writer.written) :] + late)
            sources = writer.close(names)
        except BaseException:
            if writer is not None:
                writer.discard()
            self.partial.unlink(missing_ok=True)
            raise
        size = self.partial.stat().st_size
        target = self.target
        if moved or (beside is not None and limit is not None and total + size > limit):
            beside.mkdir(parents=True, exist_ok=True)
            target = beside / NAME
            _move(self.partial, target)
            _relink(site_dir, self.listed, [NAME], url)
            moved.append(NAME)
        else:
            self.partial.replace(target)
        if self.previous is not None:
            _keep(target, self.previous, sources)
        fill_sizes(site_dir, self.listed, {NAME: size})
        return [Path(n).name for n in moved]

    def abandon(self) -> None:
        """Stop prepare()'s thread and remove the unfinished file after a failed build."""
        writer = self._stop()
        if writer is not None:
            writer.discard()
        self.partial.unlink(missing_ok=True)


def _move(source: Path, target: Path) -> None:
    """Move a finished file out of the site: a rename, or a copy when the folder is on another disk."""
    part = target.with_name(target.name + ".part")
    shutil.move(source, part)
    part.replace(target)


def _relink(site_dir: Path, pages: list[str], files: list[str], url: str) -> None:
    """Point the pages' links to these downloads (names in downloads/) at `url`, or take them out of the pages' lists
    when there is no url: the offline zip's line, or the whole list (a line says so) once the other files have gone."""
    for name in pages:
        page = site_dir / name
        html = text = page.read_text(encoding="utf-8")
        for file in files:
            link = re.compile(f'href="[^"]*downloads/{re.escape(file)}"')
            if url:
                text = link.sub(f'href="{escape(url.rstrip("/"))}/{escape(file)}"', text)
            elif file == NAME:
                text = OFFLINE_ITEM.sub("", text)
            else:
                text = DOWNLOADS.sub(ELSEWHERE, text)
        if text != html:
            page.write_text(text, encoding="utf-8")


def _keep(target: Path, previous: Path, sources: dict) -> None:
    """Keep the zip (a second link to it when the cache is on the same disk) and its source files for the next build;
    the list first goes, so a zip is never paired with another zip's list."""
    part = previous.with_suffix(".part")
    try:
        previous.parent.mkdir(parents=True, exist_ok=True)
        previous.with_suffix(".json").unlink(missing_ok=True)
        part.unlink(missing_ok=True)
        try:
            os.link(target, part)
        except OSError:
            shutil.copyfile(target, part)
        part.replace(previous)
        listed = previous.with_suffix(".json.part")
        listed.write_text(json.dumps({"code": code_digest(), "files": sources}), encoding="utf-8")
        listed.replace(previous.with_suffix(".json"))
    except OSError:  # the cache only saves time
        pass


def _site_files(site_dir: Path, *left_out: Path) -> list[str]:
    """Return the site's files by name (paths in the site), but `left_out` (the zip itself). Read with os.scandir,
    whose entries know their kind: Path.rglob took 1.0–1.9 s over the 26,000 files of 10,000 records, this 0.3 s."""
    names, skipped = [], {str(path) for path in left_out}

    def walk(folder: str, prefix: str) -> None:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    walk(entry.path, prefix + entry.name + "/")
                elif entry.is_file() and entry.path not in skipped:
                    names.append(prefix + entry.name)

    walk(str(site_dir), "")
    return sorted(names)


def _kept(name: str) -> bool:
    return name not in LEFT_OUT and not name.startswith(LEFT_OUT_FOLDERS)


def _packed(site_dir: Path, name: str, old: dict, sources: dict, data: bytes | None = None, workers: int | None = None) -> tuple:
    """Return a file's entry: (name, its bytes as the offline copy holds them or None when copied, their CRC, their size,
    their deflated bytes (None for a file stored as it is; the previous zip's reader when the file is the one that
    entry was made from), and the file's own (CRC, size))."""
    raw = (site_dir / name).read_bytes() if data is None else data
    source = [zlib.crc32(raw), len(raw)]
    known = old.get(name)
    if known is not None and sources.get(name) == source:  # the same file as last time: its entry as it was
        return name, None, known[0], known[1], known[2], source
    data = offline_html(raw.decode("utf-8")).encode("utf-8") if name.endswith(".html") else raw
    crc = zlib.crc32(data)
    if Path(name).suffix in STORED:
        return name, data, crc, len(data), None, source
    return name, data, crc, len(data), deflate(data, workers), source


def deflate(data: bytes, workers: int | None = None) -> bytes:
    """Return data deflated as zipfile writes it (ZIP_DEFLATED at LEVEL), a large file in CHUNK pieces on every core
    (as pigz does): each piece flushed to a byte's end and primed with the 32 KB before it, so the pieces join into one
    stream about as small as one compressor's (the search bundle, 29 MB at 10,000 records, was the last step's longest);
    on `workers` threads (default: one per core)."""
    if len(data) <= CHUNK:
        packer = zlib.compressobj(LEVEL, zlib.DEFLATED, -15)
        return packer.compress(data) + packer.flush()

    def piece(start: int) -> bytes:
        primed = {"zdict": data[max(0, start - WINDOW) : start]} if start else {}
        packer = zlib.compressobj(LEVEL, zlib.DEFLATED, -15, **primed)
        last = start + CHUNK >= len(data)
        return packer.compress(data[start : start + CHUNK]) + packer.flush(zlib.Z_FINISH if last else zlib.Z_SYNC_FLUSH)

    with ThreadPoolExecutor(workers or os.cpu_count() or 1) as threads:
        return b"".join(threads.map(piece, range(0, len(data), CHUNK)))


def _previous(archive: zipfile.ZipFile | None) -> dict:
    """Return the previous zip's deflated entries by name: (CRC, size, a reader of the deflated bytes)."""
    entries = {}
    for info in archive.infolist() if archive else []:
        if info.compress_type == zipfile.ZIP_DEFLATED and info.filename.startswith(FOLDER + "/"):
            def read(info=info):
                archive.fp.seek(info.header_offset + 26)
                skip = int.from_bytes(archive.fp.read(2), "little") + int.from_bytes(archive.fp.read(2), "little")
                archive.fp.seek(skip, 1)
                return archive.fp.read(info.compress_size)
            entries[info.filename[len(FOLDER) + 1 :]] = (info.CRC, info.file_size, read)
    return entries


def _open_previous(path: Path | None) -> zipfile.ZipFile | None:
    try:
        return zipfile.ZipFile(path) if path and path.is_file() else None
    except (OSError, zipfile.BadZipFile):
        return None


class _Writer:
    """Writes the zip's entries in the order given, from a thread or the caller: the readme first, the search index as
    one script (search/bundle.js) last. `written` are the files written so far, with the (size, mtime, inode) each had
    before it was read, so that finish() can tell they are still what the zip holds."""

    def __init__(self, partial: Path, site_dir: Path, date_time, previous: Path | None):
        self.site_dir, self.date_time = site_dir, date_time
        self.old_archive = _open_previous(previous)
        self.old, self.sources = _previous(self.old_archive), _sources(previous)
        self.made: dict = {}  # each deflated entry's source file (CRC, size), kept with the zip for the next build
        self.written: dict[str, tuple] = {}
        self.stopped = self.failed = False  # stopped: add_files returns at its next window
        self.archive = zipfile.ZipFile(partial, "w")
        readme = zipfile.ZipInfo(os.path.normpath(f"{FOLDER}/../使用说明.txt"), date_time)
        readme.compress_type, readme.external_attr = zipfile.ZIP_DEFLATED, 0o644 << 16
        self.archive.writestr(readme, README.format(folder=FOLDER).encode(), compresslevel=LEVEL)

    def add_files(self, names: list[str], workers: int | None = None) -> None:
        """Add the site's files, compressed on `workers` threads (default: one per core) a window at a time (never all
        read at once)."""
        window = 256
        with ThreadPoolExecutor(workers or os.cpu_count() or 1) as threads:
            for start in range(0, len(names), window):
                if self.stopped:
                    return
                batch = names[start : start + window]
                stats = [_signature(self.site_dir / name) for name in batch]
                for entry, stat in zip(threads.map(lambda n: _packed(self.site_dir, n, self.old, self.sources), batch), stats):
                    self._add(*entry)
                    self.written[entry[0]] = stat

    def deflate_ahead(self, names: list[str]) -> None:
        """Deflate, on one thread, files the zip holds later (the downloads, on disk before the pages) while the build
        waits for its search job: an entry is then taken from here when its file is unchanged, as from the last zip."""
        for name in names:
            if self.stopped:
                return
            name, _, crc, size, packed, source = _packed(self.site_dir, name, self.old, self.sources, workers=1)
            if isinstance(packed, bytes):
                self.old[name], self.sources[name] = (crc, size, packed), source

    def close(self, names: list[str]) -> dict:
        """Add the search index of `names` as one script, close the zip and return `made`."""
        bundle = [json.dumps(m.group(1)).encode() + b":" + (self.site_dir / n).read_bytes()
                  for n in names if (m := SEARCH_INDEX.fullmatch(n))]
        data = b"window.DirectorySearchFiles={" + b",\n".join(bundle) + b"};\n"
        self._add(*_packed(self.site_dir, "search/bundle.js", self.old, self.sources, data))
        self.discard()
        return self.made

    def discard(self) -> None:
        self.archive.close()
        if self.old_archive is not None:
            self.old_archive.close()

    def _add(self, name: str, data: bytes | None, crc: int, size: int, packed, source) -> None:
        archive = self.archive
        info = zipfile.ZipInfo(os.path.normpath(f"{FOLDER}/{name}"), self.date_time)
        info.external_attr = 0o644 << 16
        if packed is None:
            info.compress_type = zipfile.ZIP_STORED
            archive.writestr(info, data)
            return
        packed = packed() if callable(packed) else packed
        self.made[name] = source
        # The header zipfile writes for a deflated entry (seekable file, no data descriptor), then the bytes.
        info.compress_type, info.CRC, info.file_size, info.compress_size = zipfile.ZIP_DEFLATED, crc, size, len(packed)
        info.header_offset = archive.fp.tell()
        archive.fp.write(info.FileHeader(False))
        archive.fp.write(packed)
        archive.start_dir = archive.fp.tell()
        archive.filelist.append(info)
        archive.NameToInfo[info.filename] = info


def _signature(path: Path) -> tuple:
    stat = path.stat()
    return stat.st_size, stat.st_mtime_ns, stat.st_ino


def _sources(previous: Path | None) -> dict:
    """Return the previous zip's source files (name → [CRC, size]), or nothing when they are not known."""
    try:
        kept = json.loads(previous.with_suffix(".json").read_text(encoding="utf-8")) if previous else {}
        return kept["files"] if kept.get("code") == code_digest() else {}  # another version may rewrite pages otherwise
    except (OSError, ValueError, KeyError, AttributeError):
        return {}
