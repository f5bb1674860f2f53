"""The printed catalogue: one WeasyPrint document per file, written as tagged PDF/UA-1 (structure tree, language, title,
alternative text, the PDF/UA identification): the whole catalogue (cover, contents, districts, name index) and each
district's own catalogue, rendered in parallel processes and cached by content. A file is never joined from parts:
joining drops the structure tree and embeds the fonts once per part."""

from __future__ import annotations

import concurrent.futures
import gc
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections import defaultdict
from pathlib import Path

from .. import background
from ..hours import from_chinese, schedule, weekly_rows
from ..model.model import Model
from ..read.directory import Record
from .pages import templates

FONT_FAMILY = "Noto Sans CJK SC"
FONT_PACKAGES = "fonts-noto-cjk libharfbuzz-subset0"
PAPER_SIZES = ("A4", "A5")
CACHE = Path(".cache/catalogue")  # written files by content hash: an unchanged file is not set again
PDF_VARIANT = "pdf/ua-1"
QR_SCHEME = "qr:"  # an img src the fetcher answers with a QR code of the address that follows


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
    smoothing); WeasyPrint takes a grey PNG as it is, where a 1-bit one is converted to colour and encoded again."""
    import segno
    from PIL import Image

    rows = [bytes(0 if dark else 255 for dark in row) for row in segno.make_qr(url, error="m", mask=0).matrix_iter(border=4)]
    buffer = io.BytesIO()
    Image.frombytes("L", (len(rows[0]), len(rows)), b"".join(rows)).save(buffer, format="PNG")
    return buffer.getvalue()


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


def _render(html: str) -> tuple[bytes, int]:
    """Lay out one HTML document and write it as tagged PDF/UA-1; return (PDF bytes, page count)."""
    import pydyf
    from weasyprint import HTML

    pydyf.PDF.page_references = property(_page_references)
    # The layout makes millions of objects that live until the file is written, and next to no reference cycles: the
    # collector would walk them again and again as they pile up (an eighth of the time at 300 entries, for no memory).
    gc.disable()
    try:
        document = HTML(string=html, url_fetcher=_fetcher()).render(pdf_variant=PDF_VARIANT)
        return document.write_pdf(pdf_variant=PDF_VARIANT), len(document.pages)
    finally:
        gc.enable()


def _render_cached(html: str, cache: Path | None) -> tuple[bytes, int]:
    """Lay out a file, or take it from the cache. An entry is used only when its note parses and its PDF has the noted
    digest (an emptied or truncated file is set again); both are written to temporary files and renamed."""
    if cache is None:
        return _render(html)
    import weasyprint

    key = hashlib.sha256((weasyprint.__version__ + PDF_VARIANT + html).encode()).hexdigest()
    pdf, note = cache / f"{key}.pdf", cache / f"{key}.json"
    try:
        info = json.loads(note.read_text(encoding="utf-8"))
        data = pdf.read_bytes()
        if hashlib.sha256(data).hexdigest() == info["sha256"]:
            return data, int(info["pages"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass
    data, count = _render(html)
    cache.mkdir(parents=True, exist_ok=True)
    _write_atomically(pdf, data)  # the PDF first: a note names only a PDF already in place
    _write_atomically(note, json.dumps({"pages": count, "sha256": hashlib.sha256(data).hexdigest()}).encode())
    return data, count


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


def catalogue_html(model: Model, paper: str = "A4", only: str | None = None) -> str:
    """Return one file's document: cover, contents, the districts (or only one) by primary function, and for the whole
    catalogue the pinyin name index; each entry with a QR code of its page."""
    districts = [only] if only else [d for d in model.districts if any(r.data["district"] == d for r in model.records)]
    records = [r for r in model.records if r.data["district"] in districts]
    sections = []
    for district in districts:
        mine = [r for r in records if r.data["district"] == district]
        groups = [(f, [r for r in mine if r.data["functions"][0] == f]) for f in model.functions]
        sections.append((district, [g for g in groups if g[1]]))
    title = model.site.title + (f"（{model.districts[only]}）" if only else "")
    css = templates.get_template("catalogue.css").render(paper=paper)
    return templates.get_template("catalogue-book.html").render(
        site=model, css=css, title=title, only=only, sections=sections, count=len(records),
        qr={r.id: _qr_source(model.page_url(r)) for r in records}, hours={r.id: entry_hours(model, r) for r in records},
        letters=[] if only else _index_entries(model, records))


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _write(only: str | None, paper: str, cache: Path | None, path: Path) -> int:
    data, pages = _render_cached(catalogue_html(background.shared, paper, only), cache)
    path.write_bytes(data)
    return pages


def write_catalogues(model: Model, folder: Path, paper: str = "A4", cache: Path | None = None) -> list[Path]:
    """Write catalogue.pdf and catalogue-<district>.pdf into folder, with progress and timing on stderr.

    The whole catalogue is set in one worker while the districts' own catalogues are set in the others.
    """
    check_cjk_font()
    started = time.monotonic()
    districts = [d for d in model.districts if any(r.data["district"] == d for r in model.records)]
    _progress(f"印刷版：{len(model.records)} 家机构，{len(districts)} 个区，纸张 {paper}")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "catalogue.pdf"
    with background.pool("印刷版", model) as pool:
        whole = pool.submit(_write, None, paper, cache, path)  # the longest job first: the districts fill the other cores
        futures = {pool.submit(_write, d, paper, cache, folder / f"catalogue-{d}.pdf"): d for d in districts}
        for done, future in enumerate(concurrent.futures.as_completed(futures), 1):
            _progress(f"  排版 {done}/{len(districts)}：{model.districts[futures[future]]}分册（{future.result()} 页）")
        pages = whole.result()
    _progress(f"印刷版完成：catalogue.pdf {pages} 页，{path.stat().st_size // 1024} KB；另有 {len(districts)} 个分区目录；"
              f"用时 {time.monotonic() - started:.1f} 秒")
    return [path] + [folder / f"catalogue-{d}.pdf" for d in districts]
