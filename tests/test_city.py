"""Another city runs its own directory by editing YAML alone: a fictional city of districts, counties and a
county-level city is built (with the catalogue), and nothing from the Shanghai sample shows anywhere."""

import re
import subprocess
import zipfile
from html.parser import HTMLParser

import pytest
from openpyxl import load_workbook

from generator.schema import DEFAULT_SUFFIXES
from tests.support import FIXTURES, SAMPLE, build

CITY = FIXTURES / "city"


def _shanghai_words() -> set[str]:
    """What would give the Shanghai sample away: its district names (with and without suffix), tiers, institutions."""
    words = {"上海", "Shanghai"}
    for name in SAMPLE.choices("districts").values():
        words |= {name} | {name.removesuffix(s) for s in DEFAULT_SUFFIXES if name.endswith(s)}
    words |= {h["name"] for h in SAMPLE.taxonomy.historical_districts}
    words |= set(SAMPLE.choices("tiers").values()) - {"市级"}  # 市级 is also a common demonstration level
    words |= {r.data["name"] for r in SAMPLE.records} | {r.data["operator"] for r in SAMPLE.records}
    return words


SHANGHAI = _shanghai_words()
AREA_CODE = re.compile(r"(?<![0-9])021-")


class _Text(HTMLParser):
    """The text a reader sees plus the attribute values a browser shows or a crawler reads."""

    def __init__(self):
        super().__init__()
        self.parts = []
        self.scripts = []  # JSON-LD, configuration and code samples: not prose, but searched for leaks too
        self.code = 0  # inside <script>, <style> or <code>

    def handle_starttag(self, tag, attrs):
        self.parts += [value for key, value in attrs if key in ("placeholder", "content", "title", "alt", "aria-label") and value]
        self.code += tag in ("script", "style", "code")

    def handle_endtag(self, tag):
        self.code -= tag in ("script", "style", "code")

    def handle_data(self, data):
        (self.scripts if self.code else self.parts).append(data)


def _readable(name: str, data: bytes) -> str:
    if name.endswith(".html"):
        parser = _Text()
        parser.feed(data.decode("utf-8"))
        return "\n".join(parser.parts + parser.scripts)
    if name.endswith((".json", ".xml", ".csv", ".txt")) or name.startswith("search/") and name.endswith(".js"):
        return data.decode("utf-8-sig")
    return ""


@pytest.fixture(scope="module")
def city_site(tmp_path_factory):
    return build(CITY, tmp_path_factory.mktemp("city") / "site")


def _found(text: str) -> set[str]:
    found = {word for word in SHANGHAI if word in text}
    return found | ({"021-"} if AREA_CODE.search(text) else set())


def test_no_page_feed_sitemap_or_data_file_shows_the_shanghai_sample(city_site):
    leaks = {}
    for path in city_site.rglob("*"):
        if path.is_file() and (found := _found(_readable(path.relative_to(city_site).as_posix(), path.read_bytes()))):
            leaks[path.relative_to(city_site).as_posix()] = found
    assert leaks == {}


def test_no_spreadsheet_offline_file_or_printed_page_shows_the_shanghai_sample(city_site):
    downloads = city_site / "downloads"
    book = load_workbook(downloads / "directory.xlsx", read_only=True)
    cells = "\n".join(str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for v in row if v)
    assert _found(cells + "\n".join(book.sheetnames)) == set()
    with zipfile.ZipFile(downloads / "directory-offline.zip") as archive:
        leaks = {n: f for n in archive.namelist() if (f := _found(_readable(n.split("/", 1)[-1], archive.read(n))))}
    assert leaks == {}
    for pdf in sorted(downloads.glob("catalogue*.pdf")):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert "云溪市中小企业服务机构名录" in text
        assert _found(text) == set(), pdf.name


def test_the_city_s_own_words_are_used(city_site):
    home = (city_site / "index.html").read_text(encoding="utf-8")
    assert "覆盖 <strong>7</strong> 个县市区" in home
    assert '<meta name="description" content="按县市区、按服务领域查找云溪市认定的中小企业服务机构（虚构示例数据）。">' in home
    assert "本名录中的机构、地址和电话全部是虚构的测试数据。" in home.split('class="md-copyright"')[1]
    search = (city_site / "search" / "index.html").read_text(encoding="utf-8")
    assert 'placeholder="例如：检验 陶瓷"' in search and '<label class="dir-facet">县市区' in search
    about = (city_site / "about" / "index.html").read_text(encoding="utf-8")
    assert "枢纽平台、服务窗口" in about and "服务标准、服务流程、服务功能、收费标准、办理时限" in about
    headings = next(load_workbook(city_site / "downloads" / "directory.xlsx", read_only=True)["全部"].iter_rows(values_only=True))
    assert "所在县市区" in headings and "办理时限" in headings


def test_a_stats_page_without_targets_draws_no_empty_chart():
    import datetime

    from generator.model.model import Model
    from generator.read.directory import load_directory
    from generator.write.pages import render_stats

    directory, _ = load_directory(CITY)
    with_targets = render_stats(Model(directory, datetime.date(2026, 11, 1))).html
    assert 'id="chart-plan"' in with_targets
    for function in directory.taxonomy.functions:
        function.pop("target", None)
    html = render_stats(Model(directory, datetime.date(2026, 11, 1))).html
    assert 'id="chart-plan"' not in html and "规划目标进度" not in html
    assert all("<rect" in svg for svg in re.findall(r"<svg .*?</svg>", html, re.DOTALL))


def test_no_built_page_shows_raw_markdown(city_site):
    for path in city_site.rglob("*.html"):
        parser = _Text()
        parser.feed(path.read_text(encoding="utf-8"))
        text = "\n".join(parser.parts)
        assert not re.search(r"^\s*!!!|\*\*\S|\]\(", text, re.MULTILINE), path.relative_to(city_site)
