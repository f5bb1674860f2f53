"""The printed catalogue: WeasyPrint renders each district as an independent chunk (in parallel, cached by content),
then the cover, table of contents and pinyin index are set with the page numbers the chunks produced, the parts are
joined with pypdf, and the page numbers are stamped on."""

from __future__ import annotations

import base64
import concurrent.futures
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from . import background
from .hours import weekly_rows
from .model import Model
from .pages import templates

FONT_FAMILY = "Noto Sans CJK SC"
FONT_PACKAGES = "fonts-noto-cjk libharfbuzz-subset0"
PAPER_SIZES = ("A4", "A5")
CACHE = Path(".cache/catalogue")  # laid-out districts by content hash: unchanged districts are not set again


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


def _qr_png(url: str) -> str:
    """Return a QR code of url as a data: URI (a PNG costs WeasyPrint less than an SVG path)."""
    import segno

    buffer = io.BytesIO()
    segno.make_qr(url, error="m", mask=0).save(buffer, kind="png", scale=3, border=4)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def _render(html: str) -> tuple[bytes, int, dict[str, int]]:
    """Lay out one HTML document; return (PDF bytes, page count, anchor → page index)."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    # Everything the catalogue needs is inline (QR codes as data: URIs): no text can make it load a file or a URL.
    document = HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=("data",))).render()
    anchors = {anchor: number for number, page in enumerate(document.pages) for anchor in page.anchors}
    return document.write_pdf(), len(document.pages), anchors


def _render_cached(html: str, cache: Path | None) -> tuple[bytes, int, dict[str, int]]:
    """Lay out a district, or take it from the cache. An entry is used only when its note parses and its PDF has the
    noted digest (an emptied or truncated file is set again); both are written to temporary files and renamed."""
    if cache is None:
        return _render(html)
    import weasyprint

    key = hashlib.sha256((weasyprint.__version__ + html).encode()).hexdigest()
    pdf, meta = cache / f"{key}.pdf", cache / f"{key}.json"
    try:
        info = json.loads(meta.read_text(encoding="utf-8"))
        data = pdf.read_bytes()
        if hashlib.sha256(data).hexdigest() == info["sha256"]:
            return data, int(info["pages"]), {str(k): int(v) for k, v in info["anchors"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass
    data, pages, anchors = _render(html)
    cache.mkdir(parents=True, exist_ok=True)
    _write_atomically(pdf, data)  # the PDF first: a note names only a PDF already in place
    _write_atomically(meta, json.dumps({"pages": pages, "anchors": anchors, "sha256": hashlib.sha256(data).hexdigest()}).encode())
    return data, pages, anchors


def _write_atomically(path: Path, data: bytes) -> None:
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    finally:
        Path(temporary).unlink(missing_ok=True)


def _page(model: Model, template: str, paper: str, **values) -> str:
    css = templates.get_template("catalogue.css").render(paper=paper)
    return templates.get_template(template).render(site=model, css=css, paper=paper, **values)


def district_html(model: Model, district: str, paper: str) -> str:
    """Return one district's chunk: its institutions by primary function, each entry with a QR code of its page."""
    records = [r for r in model.records if r.data["district"] == district]
    groups = [(f, [r for r in records if r.data["functions"][0] == f]) for f in model.functions]
    hours = {r.id: weekly_rows(s["weekly"]) if (s := model.schedule(r)) else [] for r in records}
    return _page(model, "catalogue-district.html", paper, district=district, groups=[g for g in groups if g[1]],
                 qr={r.id: _qr_png(model.page_url(r)) for r in records}, hours=hours)


def _index_entries(model: Model) -> list[tuple[str, list]]:
    letters = defaultdict(list)
    for record in model.records:
        letters[model.sort_key(record)[0][:1].upper()].append(record)
    return sorted(letters.items())


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _render_district(district: str, paper: str, cache: Path | None):
    return _render_cached(district_html(background.shared, district, paper), cache)


def _render_stamps(paper: str, first: int, count: int) -> bytes:
    return _render(_page(background.shared, "catalogue-numbers.html", paper, first=first, total=count))[0]


def _render_index(paper: str, numbers: dict) -> bytes:
    return _render(_page(background.shared, "catalogue-index.html", paper, letters=_index_entries(background.shared), numbers=numbers))[0]


def front(model: Model, chunks: dict, paper: str = "A4", only: str | None = None) -> tuple[bytes, dict[str, int]]:
    """Return the cover and contents (PDF) and the page number of every anchor in the districts that follow."""
    districts = [only] if only else list(chunks)
    count = sum(r.data["district"] in districts for r in model.records)

    def number_pages(front_pages):
        numbers, start = {}, front_pages
        for name in districts:
            _, pages, anchors = chunks[name]
            numbers.update({anchor: start + local + 1 for anchor, local in anchors.items()})
            start += pages
        return numbers | {"index": start + 1}

    # The contents' own length decides where the districts start: set it until its page count stops changing.
    front_pages = 2
    for _ in range(4):
        numbers = number_pages(front_pages)
        rendered = _render(_page(model, "catalogue-front.html", paper, districts=districts, numbers=numbers, only=only, count=count))
        if rendered[1] == front_pages:
            break
        front_pages = rendered[1]
    return rendered[0], numbers


def join(model: Model, parts: list[bytes], stamps: list[bytes], out: Path, outline: list[tuple[str, int]], title: str) -> int:
    """Join PDF parts, stamp the page numbers (numbered blank pages laid over them), add bookmarks; return the page count."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for part in parts:
        writer.append(PdfReader(io.BytesIO(part)))
    numbered = [page for stamp in stamps for page in PdfReader(io.BytesIO(stamp)).pages]
    if len(numbered) < len(writer.pages):
        raise CatalogueError(f"页码只排了 {len(numbered)} 页，少于全书的 {len(writer.pages)} 页")  # a bug: never print unnumbered pages
    for page, stamp in zip(writer.pages, numbered):
        page.merge_page(stamp)
    for name, page in outline:
        writer.add_outline_item(title=name, page_number=page)
    writer.add_metadata({"/Title": title, "/Author": model.taxonomy["site"]["authority"]})
    with out.open("wb") as handle:
        writer.write(handle)
    return len(writer.pages)


def _pages(part: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(part)).pages)


def _outline(model: Model, chunks, parts, districts) -> list[tuple[str, int]]:
    outline, page = [], _pages(parts[0])
    for name in districts:
        outline.append((model.districts[name], page))
        page += chunks[name][1]
    return outline


def _write_district(district: str, chunk, out: Path, paper: str, stamps: list[bytes]) -> int:
    model = background.shared
    parts = [front(model, {district: chunk}, paper, district)[0], chunk[0]]
    title = f"{model.taxonomy['site']['title']}（{model.districts[district]}）"
    return join(model, parts, stamps, out, _outline(model, {district: chunk}, parts, [district]), title)


def write_catalogues(model: Model, folder: Path, paper: str = "A4", cache: Path | None = None) -> list[Path]:
    """Write catalogue.pdf and catalogue-<district>.pdf into folder, with progress and timing on stderr.

    Districts are laid out in parallel processes and reused for each district's own catalogue.
    """
    check_cjk_font()
    started = time.monotonic()
    districts = [d for d in model.districts if any(r.data["district"] == d for r in model.records)]
    _progress(f"印刷版：{len(model.records)} 家机构，{len(districts)} 个区，纸张 {paper}")
    folder.mkdir(parents=True, exist_ok=True)
    chunks = {}
    with background.pool("印刷版", model) as pool:
        futures = {pool.submit(_render_district, d, paper, cache): d for d in districts}
        for future in concurrent.futures.as_completed(futures):
            name = futures[future]
            chunks[name] = future.result()
            _progress(f"  排版 {len(chunks)}/{len(districts)}：{model.districts[name]}（{chunks[name][1]} 页）")
        chunks = {d: chunks[d] for d in districts}
        # Numbered pages for at most the whole catalogue, set in two halves while the contents are set here: the cover
        # and contents take at most 2 pages plus one per 20 contents lines, the index one per 40 names (a district's own
        # catalogue takes the first of the same pages). Should the guess fall short, the rest is set at the end.
        total = sum(chunks[d][1] for d in districts) + 2 + len(districts) * (len(model.functions) + 1) // 20 + len(model.records) // 40 + 2
        half = total // 2
        stamp_jobs = [pool.submit(_render_stamps, paper, 1, half), pool.submit(_render_stamps, paper, half + 1, total - half)]
        cover, numbers = front(model, chunks, paper)
        index = pool.submit(_render_index, paper, numbers)
        stamps = [job.result() for job in stamp_jobs]
        district_jobs = [pool.submit(_write_district, d, chunks[d], folder / f"catalogue-{d}.pdf", paper, stamps) for d in districts]
        parts = [cover] + [chunks[d][0] for d in districts] + [index.result()]
        needed = numbers["index"] - 1 + _pages(parts[-1])
        if needed > total:
            stamps.append(_render_stamps(paper, total + 1, needed - total))
        pages = join(model, parts, stamps, folder / "catalogue.pdf", _outline(model, chunks, parts, districts), model.taxonomy["site"]["title"])
        for job in district_jobs:
            job.result()
    path = folder / "catalogue.pdf"
    _progress(f"印刷版完成：catalogue.pdf {pages} 页，{path.stat().st_size // 1024} KB；另有 {len(districts)} 个分区目录；"
              f"用时 {time.monotonic() - started:.1f} 秒")
    return [path] + [folder / f"catalogue-{d}.pdf" for d in districts]
