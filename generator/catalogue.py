"""The printed catalogue: WeasyPrint renders each district as an independent chunk (in parallel, cached by content),
then the cover, table of contents and pinyin index are set with the page numbers the chunks produced, the parts are
joined with pypdf, and the page numbers are stamped on."""

from __future__ import annotations

import concurrent.futures
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

from .pages import templates

FONT_FAMILY = "Noto Sans CJK SC"
FONT_PACKAGES = "fonts-noto-cjk libharfbuzz-subset0"
PAPER_SIZES = ("A4", "A5")


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


def _refuse_fetch(url: str, *args, **kwargs):
    # Everything the catalogue needs is inline; record text must never make WeasyPrint load a file or a URL.
    raise ValueError(f"印刷版不加载外部资源：{url[:80]}")


def _qr_svg(url: str) -> str:
    import segno

    return segno.make_qr(url, error="m", mask=0).svg_inline(scale=1.6, border=4, omitsize=False)


def _render(html: str) -> tuple[bytes, int, dict[str, int]]:
    """Lay out one HTML document; return (PDF bytes, page count, anchor → page index)."""
    from weasyprint import HTML

    document = HTML(string=html, url_fetcher=_refuse_fetch).render()
    anchors = {anchor: number for number, page in enumerate(document.pages) for anchor in page.anchors}
    return document.write_pdf(), len(document.pages), anchors


def _render_cached(html: str, cache: Path | None) -> tuple[bytes, int, dict[str, int]]:
    if cache is None:
        return _render(html)
    import weasyprint

    key = hashlib.sha256((weasyprint.__version__ + html).encode()).hexdigest()
    pdf, meta = cache / f"{key}.pdf", cache / f"{key}.json"
    if pdf.exists() and meta.exists():
        info = json.loads(meta.read_text(encoding="utf-8"))
        return pdf.read_bytes(), info["pages"], info["anchors"]
    data, pages, anchors = _render(html)
    cache.mkdir(parents=True, exist_ok=True)
    pdf.write_bytes(data)
    meta.write_text(json.dumps({"pages": pages, "anchors": anchors}), encoding="utf-8")
    return data, pages, anchors


def _page(site, template: str, paper: str, **values) -> str:
    css = templates.get_template("catalogue.css").render(paper=paper)
    return templates.get_template(template).render(site=site, css=css, paper=paper, **values)


def district_html(site, district: str, paper: str) -> str:
    """Return one district's chunk: its institutions by primary function, each entry with a QR code of its page."""
    records = [r for r in site.records if r.data["district"] == district]
    groups = [(f, [r for r in records if r.data["functions"][0] == f]) for f in site.functions]
    return _page(site, "catalogue-district.html", paper, district=district, groups=[g for g in groups if g[1]],
                 qr={r.id: _qr_svg(site.page_url(r)) for r in records})


def _index_entries(site) -> list[tuple[str, list]]:
    letters = defaultdict(list)
    for record in site.records:
        letters[site.sort_key(record)[0][:1].upper()].append(record)
    return sorted(letters.items())


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def render_chunks(site, paper: str = "A4", cache: Path | None = None) -> dict[str, tuple[bytes, int, dict[str, int]]]:
    """Lay out every district with institutions, in parallel processes; return district → (PDF, pages, anchors)."""
    check_cjk_font()
    districts = [d for d in site.districts if any(r.data["district"] == d for r in site.records)]
    chunks = {}
    workers = max(1, min(len(districts), os.cpu_count() or 1))
    with concurrent.futures.ProcessPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(_render_cached, district_html(site, d, paper), cache): d for d in districts}
        for future in concurrent.futures.as_completed(futures):
            name = futures[future]
            chunks[name] = future.result()
            _progress(f"  印刷版排版 {len(chunks)}/{len(districts)}：{site.districts[name]}（{chunks[name][1]} 页）")
    return {d: chunks[d] for d in districts}


def assemble(site, chunks: dict, out: Path, paper: str = "A4", only: str | None = None) -> int:
    """Join cover, contents, the districts' chunks (all, or `only` one) and the pinyin index; return the page count."""
    from pypdf import PdfReader, PdfWriter

    districts = [only] if only else list(chunks)
    records = [r for r in site.records if r.data["district"] in districts]

    def front(numbers):
        return _page(site, "catalogue-front.html", paper, districts=districts, numbers=numbers, only=only, count=len(records))

    def number_pages(front_pages):
        numbers, start = {}, front_pages
        for name in districts:
            _, pages, anchors = chunks[name]
            numbers.update({anchor: start + local + 1 for anchor, local in anchors.items()})
            start += pages
        return numbers | {"index": start + 1}

    # The contents' own length decides where the districts start: set it until its page count stops changing.
    front_pages, rendered = 2, None
    for _ in range(3):
        numbers = number_pages(front_pages)
        rendered = _render(front(numbers))
        if rendered[1] == front_pages:
            break
        front_pages = rendered[1]
    parts = [rendered[0]] + [chunks[d][0] for d in districts]
    if not only:
        parts.append(_render(_page(site, "catalogue-index.html", paper, letters=_index_entries(site), numbers=numbers))[0])
    writer = PdfWriter()
    for part in parts:
        writer.append(PdfReader(io.BytesIO(part)))
    for name in districts:
        writer.add_outline_item(title=site.districts[name], page_number=numbers[f"d-{name}"] - 1)
    stamps = PdfReader(io.BytesIO(_render(_page(site, "catalogue-numbers.html", paper, total=len(writer.pages)))[0]))
    for page, stamp in zip(writer.pages, stamps.pages):
        page.merge_page(stamp)
    writer.add_metadata({"/Title": site.taxonomy["site"]["title"], "/Author": site.taxonomy["site"]["authority"]})
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("wb") as handle:
        writer.write(handle)
    return len(writer.pages)


def write_catalogues(site, folder: Path, paper: str = "A4", cache: Path | None = None) -> list[Path]:
    """Write catalogue.pdf and catalogue-<district>.pdf into folder, with progress and timing on stderr."""
    started = time.monotonic()
    _progress(f"印刷版：{len(site.records)} 家机构，纸张 {paper}")
    chunks = render_chunks(site, paper, cache)
    paths = [folder / "catalogue.pdf"]
    pages = assemble(site, chunks, paths[0], paper)
    for district in chunks:
        paths.append(folder / f"catalogue-{district}.pdf")
        assemble(site, chunks, paths[-1], paper, only=district)
    _progress(f"印刷版完成：catalogue.pdf {pages} 页，{paths[0].stat().st_size // 1024} KB；"
              f"另有 {len(chunks)} 个分区目录；用时 {time.monotonic() - started:.1f} 秒")
    return paths
