"""The printed catalogue, as tagged PDF/UA-1 (structure tree, language, title, alternative text, the PDF/UA
identification): the whole catalogue (cover, contents, districts, name index) and each district's own catalogue.

Each part (a district's entries, a cover and contents, the name index) is laid out once, as one WeasyPrint document,
in parallel processes and cached by content; each file is then joined from its parts (pdfjoin: one structure tree,
each font once, running heads and page numbers drawn on the joined pages), once the contents are set and the index's
numbers written in with the page numbers the parts give."""

from __future__ import annotations

import concurrent.futures
import functools
import gc
import hashlib
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import urllib.parse
import zlib
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from .. import background
from ..cache import CACHE as BUILD_CACHE
from ..hours import from_chinese, schedule, weekly_rows
from ..model.model import Model
from ..read.directory import Record
from .pages import templates
from .pdfjoin import LINK_SCHEME, Folio, JoinError, fill_numbers, font_file, join

FONT_FAMILY = "Noto Sans CJK SC"
FONT_PACKAGES = "fonts-noto-cjk libharfbuzz-subset0"


@dataclass(frozen=True)
class Paper:
    """A paper size and its margins, in millimetres."""

    width: float
    height: float
    margins: tuple[float, float, float]  # top, left and right, bottom

    def folio(self) -> Folio:
        """Where the running head and the page number stand."""
        point = 72 / 25.4
        return Folio(self.width * point, self.height * point, self.margins[0] * point, self.margins[2] * point, FONT_FAMILY)


PAPERS = {"A4": Paper(210, 297, (18, 16, 20)), "A5": Paper(148, 210, (14, 12, 16))}
PAPER_SIZES = tuple(PAPERS)
CACHE = BUILD_CACHE / "catalogue"  # laid-out parts by content hash: an unchanged part is not set again
PDF_VARIANT = "pdf/ua-1"
QR_SCHEME = "qr:"  # an img src the fetcher answers with a QR code of the address that follows
INDEX_TITLE = "名称索引"  # its heading, contents line, bookmark and running head
QR_QUIET = 4  # modules of white around a code
QR_GREY = bytes([255] + [0] * 255)  # a module's value to its grey: 0 (light) white, any other black


class CatalogueError(Exception):
    """The catalogue cannot be made here; the message says what to install or fix."""


def check_cjk_font() -> None:
    """Stop with a message naming the package when fontconfig has no Chinese font (WeasyPrint would print boxes)."""
    if shutil.which("fc-match") is None:
        raise CatalogueError(f"找不到 fontconfig（fc-match），无法查找中文字体。请安装：sudo apt-get install fontconfig {FONT_PACKAGES}")
    found = subprocess.run(["fc-match", "-f", "%{family}", FONT_FAMILY], capture_output=True, text=True, check=False).stdout
    if "CJK" not in found:
        raise CatalogueError(f"没有找到中文字体 {FONT_FAMILY}（fontconfig 给出的是 {found or '无'}），印刷版会只显示方框。"
                             f"请安装：sudo apt-get install {FONT_PACKAGES}")


def _qr_png(url: str) -> bytes:
    """Return a QR code of url as a PNG: one grey pixel per module with its quiet zone (the page scales it without
    smoothing); WeasyPrint takes a grey PNG as it is, where a 1-bit one is converted to colour and encoded again. Written
    here rather than by Pillow: a code is a few hundred bytes, and the encoder's set-up cost more than the code."""
    import segno

    matrix = segno.make_qr(url, error="m", mask=0).matrix
    size = len(matrix) + 2 * QR_QUIET
    light = b"\xff" * QR_QUIET
    white = b"\0" + b"\xff" * size  # each row starts with its filter byte (0: none)
    rows = [white] * QR_QUIET + [b"\0" + light + bytes(row).translate(QR_GREY) + light for row in matrix] + [white] * QR_QUIET

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", size, size, 8, 0, 0, 0, 0)  # 8-bit grey, no interlace
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"".join(rows), 9)) + chunk(b"IEND", b"")


def _qr_source(url: str) -> str:
    """Return the img src of a QR code of url: the code is made when WeasyPrint fetches it, not carried in the HTML."""
    return QR_SCHEME + urllib.parse.quote(url, safe="")


def _page_references(pdf) -> tuple[bytes, ...]:
    """pydyf's PDF.page_references, kept while the page count stays the same: pydyf builds the tuple anew on each call,
    and WeasyPrint's tagging calls it for every structure element (quadratic in pages: minutes at 3,000 entries)."""
    count = len(pdf.pages["Kids"])
    cached = pdf.__dict__.get("_page_references")
    if cached is None or cached[0] != count:
        cached = pdf.__dict__["_page_references"] = (count, tuple(f"{number} 0 R".encode("ascii") for number in pdf.pages["Kids"][::3]))
    return cached[1]


def _fetcher():
    """Return a URL fetcher that makes the QR codes and loads nothing else: no text can make it read a file or a URL."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class QRCodes(URLFetcher):
        def fetch(self, url, headers=None):
            if not url.startswith(QR_SCHEME):
                raise ValueError(f"not loaded: {url}")
            return URLFetcherResponse(url, _qr_png(urllib.parse.unquote(url.removeprefix(QR_SCHEME))), {"Content-Type": "image/png"})

    return QRCodes(allowed_protocols=())


def _render(html: str) -> tuple[bytes, int, dict[str, int]]:
    """Lay out one HTML document and write it as tagged PDF/UA-1; return (PDF bytes, page count, the page (from 0) of
    each id)."""
    import pydyf
    from weasyprint import HTML

    pydyf.PDF.page_references = property(_page_references)
    # The layout makes millions of objects that live until the file is written, and next to no reference cycles: the
    # collector would walk them again and again as they pile up (an eighth of the time at 300 entries, for no memory).
    gc.disable()
    try:
        document = HTML(string=html, url_fetcher=_fetcher()).render(pdf_variant=PDF_VARIANT)
        anchors = {}
        for number, page in enumerate(document.pages):
            for name in page.anchors:
                anchors.setdefault(name, number)  # where the element starts: a split one is named on each page
        return document.write_pdf(pdf_variant=PDF_VARIANT), len(document.pages), anchors
    finally:
        gc.enable()


@functools.cache
def _fonts() -> str:
    """Name the font files fontconfig gives for the catalogue (path, size, time), for the cache key: a part set in
    another font, or another version of it, is set again rather than joined with the wrong glyphs."""
    found = []
    for style in ("", ":style=Bold"):
        file = font_file(FONT_FAMILY + style)
        info = Path(file[0]).stat() if file and Path(file[0]).exists() else None
        found.append(f"{file}:{info.st_size}:{info.st_mtime_ns}" if info else str(file))
    return "|".join(found)


def _render_cached(html: str, cache: Path | None) -> tuple[bytes, int, dict[str, int]]:
    """Lay out a document, or take it from the cache. An entry is used only when its note parses and its PDF has the
    noted digest (an emptied or truncated file is set again); both are written to temporary files and renamed."""
    if cache is None:
        return _render(html)
    import weasyprint

    key = hashlib.sha256((weasyprint.__version__ + PDF_VARIANT + _fonts() + html).encode()).hexdigest()
    pdf, note = cache / f"{key}.pdf", cache / f"{key}.json"
    try:
        info = json.loads(note.read_text(encoding="utf-8"))
        data = pdf.read_bytes()
        if hashlib.sha256(data).hexdigest() == info["sha256"]:
            return data, int(info["pages"]), {str(k): int(v) for k, v in info["anchors"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass
    data, count, anchors = _render(html)
    cache.mkdir(parents=True, exist_ok=True)
    _write_atomically(pdf, data)  # the PDF first: a note names only a PDF already in place
    _write_atomically(note, json.dumps({"pages": count, "sha256": hashlib.sha256(data).hexdigest(), "anchors": anchors}).encode())
    return data, count, anchors


def _write_atomically(path: Path, data: bytes) -> None:
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    finally:
        Path(temporary).unlink(missing_ok=True)


def entry_hours(model: Model, record: Record) -> tuple[str, str]:
    """Return an entry's hours once: (the structured week, a note) when the record has opening_hours, the note being the
    disclosure's text only when it says more than the week; ("", "") when there is no week (the text is shown as it is)."""
    data = model.schedule(record)
    if data is None:
        return "", ""
    week = "；".join(f"{days} {span}" for days, span in weekly_rows(data["weekly"]))
    if data["holidays"] == "off":
        week += "；法定节假日休息"
    text = record.data["disclosures"]["hours"]
    parsed = from_chinese(text)
    said = parsed and schedule(parsed, model.today)
    same = bool(said) and (said["weekly"], said["holidays"]) == (data["weekly"], data["holidays"])
    return week, "" if same else text


def _index_entries(model: Model, records) -> list[tuple[str, list]]:
    letters = defaultdict(list)
    for record in records:
        letters[model.sort_key(record)[0][:1].upper()].append(record)
    return sorted(letters.items())


def _sections(model: Model, districts: list[str]) -> list:
    sections = []
    for district in districts:
        mine = [r for r in model.records if r.data["district"] == district]
        groups = [(f, [r for r in mine if r.data["functions"][0] == f]) for f in model.functions]
        sections.append((district, [g for g in groups if g[1]]))
    return sections


def part_html(model: Model, paper: str, part: str, only: str | None = None, pages: dict[str, int] | None = None,
              blank: str = "") -> str:
    """Return one part's document: "front" (cover and contents of the whole catalogue, or of district `only`),
    "district" (the entries of district `only` by primary function, each with a QR code of its page) or "index" (the
    pinyin name index, each page number `blank`); `pages` gives the page number of each section the contents name."""
    districts = [only] if only else [d for d in model.districts if any(r.data["district"] == d for r in model.records)]
    records = [r for r in model.records if r.data["district"] in districts]
    title = model.site.title + (f"（{model.districts[only]}）" if only else "")
    css = templates.get_template("catalogue.css").render(paper=paper, margins=PAPERS[paper].margins, family=FONT_FAMILY)
    return templates.get_template("catalogue-book.html").render(
        site=model, css=css, title=title, only=only, part=part, sections=_sections(model, districts), count=len(records),
        pages={} if pages is None else pages, link=LINK_SCHEME, index_title=INDEX_TITLE, blank=blank,
        qr={r.id: _qr_source(model.page_url(r)) for r in records} if part == "district" else {},
        hours={r.id: entry_hours(model, r) for r in records} if part == "district" else {},
        letters=_index_entries(model, records) if part == "index" else [])


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass(frozen=True)
class Part:
    """A laid-out part of the catalogue: its PDF, its page count and the page (from 0) of each id in it."""

    path: Path
    pages: int
    anchors: dict[str, int]


def _lay_out(html: str, cache: Path | None, path: Path) -> Part:
    data, pages, anchors = _render_cached(html, cache)
    path.write_bytes(data)
    return Part(path, pages, anchors)


def _district(district: str, paper: str, cache: Path | None, parts: Path) -> Part:
    """Lay out one district's entries (a worker's job)."""
    return _lay_out(part_html(background.shared, paper, "district", district), cache, parts / f"district-{district}-entries.pdf")


def _numbered(body: list[Part], before: int) -> dict[str, int]:
    """Give each id of the body parts, and the name index after them, its page number when `before` pages come first."""
    pages, start = {}, before
    for part in body:
        pages.update({name: start + page + 1 for name, page in part.anchors.items()})
        start += part.pages
    pages["index"] = start + 1
    return pages


def _front(only: str | None, body: list[Part], paper: str, cache: Path | None, parts: Path,
           assumed: int = 2) -> tuple[Part, dict[str, int]]:
    """Lay out the cover and contents with the page numbers the body gives; return it and the numbers (a worker's job).
    The contents' own length moves every number, so it is set again until the length it assumed is the length it has."""
    path = parts / (f"district-{only}-front.pdf" if only else "whole-front.pdf")  # no district id can make "whole-"
    for _ in range(5):
        pages = _numbered(body, assumed)
        front = _lay_out(part_html(background.shared, paper, "front", only, pages), cache, path)
        if front.pages == assumed:
            return front, pages
        assumed = front.pages
    raise CatalogueError("印刷版目录的页数无法确定（排版五次仍不一致）")


def _front_length(paper: str, cache: Path | None, parts: Path) -> int:
    """Return the whole catalogue's cover and contents length, set with every number 0 while the districts are laid out
    (a worker's job): a contents line is short, so a number's width moves no line and the length stands."""
    return _lay_out(part_html(background.shared, paper, "front", pages=defaultdict(int)), cache, parts / "whole-length.pdf").pages


def _index(width: int, paper: str, cache: Path | None, parts: Path) -> Part:
    """Lay out the name index with each page number a run of `width` zeros, for fill_numbers to overwrite once the
    pages are known (a worker's job): it does not wait for the districts, and stays in the cache while no name changes."""
    html = part_html(background.shared, paper, "index", blank="0" * width)
    return _lay_out(html, cache, parts / f"whole-index-{width}.pdf")


def _fill_index(index: Part, width: int, pages: dict[str, int]) -> Part:
    """Write the entries' page numbers into a copy of the index laid out with `width` zeros (a worker's job)."""
    model = background.shared
    path = index.path.with_name("whole-index.pdf")
    shutil.copyfile(index.path, path)
    order = [pages[f"r-{r.id}"] for _, records in _index_entries(model, model.records) for r in records]
    fill_numbers(path, order, width)
    return Part(path, index.pages, index.anchors)


def _district_file(district: str, body: Part, paper: str, cache: Path | None, parts: Path, path: Path) -> int:
    """Write one district's own catalogue: its cover and contents, then its entries (a worker's job)."""
    front, _ = _front(district, [body], paper, cache, parts)
    return join([(front.path, ""), (body.path, background.shared.districts[district])], path, PAPERS[paper].folio())


def _lay_out_parts(pool, model: Model, districts: list[str], counts: dict[str, int], paper: str, cache: Path | None,
                   parts: Path, folder: Path) -> tuple[Part, Part, list[Part]]:
    """Lay out every part in the pool: the districts' entries, the largest first, with each district's own file joined as
    soon as its entries are set (so it waits behind at most one district); then the contents and the name index side by
    side. Return the whole catalogue's front, index and body."""
    length = pool.submit(_front_length, paper, cache, parts)
    # The index first, the longest job: its numbers are written in later. Room for as many digits as a catalogue of
    # two pages an entry would need; a longer one is set again with room enough.
    width = len(str(2 * len(model.records) + 100))
    blank = pool.submit(_index, width, paper, cache, parts)
    waiting, running, body, files, last = sorted(districts, key=lambda d: -counts[d]), {}, {}, [], None
    while waiting or running:
        while waiting and len(running) < (os.cpu_count() or 1):  # the pool's size: more would queue ahead of the files
            district = waiting.pop(0)
            running[pool.submit(_district, district, paper, cache, parts)] = district
        done, _ = concurrent.futures.wait(running, return_when=concurrent.futures.FIRST_COMPLETED)
        for future in done:
            district = running.pop(future)
            body[district] = future.result()
            _progress(f"  排版 {len(body)}/{len(districts)}：{model.districts[district]}（{body[district].pages} 页）")
            last = (_district_file, district, body[district], paper, cache, parts, folder / f"catalogue-{district}.pdf")
            if waiting or running:
                files.append(pool.submit(*last))
    ordered = [body[d] for d in districts]
    assumed = length.result()
    front = pool.submit(_front, None, ordered, paper, cache, parts, assumed)
    blank = blank.result()
    needed = len(str(assumed + sum(part.pages for part in ordered) + blank.pages))
    if needed > width:
        width, blank = needed, pool.submit(_index, needed, paper, cache, parts).result()
    index = pool.submit(_fill_index, blank, width, _numbered(ordered, assumed))
    if last:
        files.append(pool.submit(*last))  # the last district's file after the index, the longest job left
    front, pages = front.result()
    index = index.result() if front.pages == assumed else pool.submit(_fill_index, blank, width, pages).result()
    for future in files:
        future.result()
    return front, index, ordered


def write_catalogues(model: Model, folder: Path, paper: str = "A4", cache: Path | None = None) -> list[Path]:
    """Write catalogue.pdf and catalogue-<district>.pdf into folder, with progress and timing on stderr.

    Every part is laid out in the pool's workers; each district's own file is joined there, the whole catalogue here.
    """
    check_cjk_font()
    started = time.monotonic()
    counts = {d: sum(1 for r in model.records if r.data["district"] == d) for d in model.districts}
    districts = [d for d in model.districts if counts[d]]
    _progress(f"印刷版：{len(model.records)} 家机构，{len(districts)} 个区，纸张 {paper}")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "catalogue.pdf"
    try:
        with tempfile.TemporaryDirectory(prefix=".catalogue-parts-", dir=folder) as scratch:
            parts = Path(scratch)
            with background.pool("印刷版", model) as pool:
                front, index, body = _lay_out_parts(pool, model, districts, counts, paper, cache, parts, folder)
            # Here, once the workers are gone: the join holds every part's objects at once.
            _progress("  合订 catalogue.pdf …")
            files = [(front.path, ""), *((part.path, model.districts[d]) for part, d in zip(body, districts)), (index.path, INDEX_TITLE)]
            pages = join(files, path, PAPERS[paper].folio())
    except JoinError as exc:
        raise CatalogueError(str(exc)) from None
    _progress(f"印刷版完成：catalogue.pdf {pages} 页，{path.stat().st_size // 1024} KB；另有 {len(districts)} 个分区目录；"
              f"用时 {time.monotonic() - started:.1f} 秒")
    return [path] + [folder / f"catalogue-{d}.pdf" for d in districts]
