"""The built sample site: pages at their URLs, nothing unpublished, links intact, reproducible bytes."""

import json
import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from generator.read.directory import load_directory
from tests.support import PUBLISHED, ROOT, UNPUBLISHED, Links, build
from tests.support import SAMPLE as DIRECTORY
from tests.support import read_page as read

LABELS = ["服务内容", "服务流程", "服务标准", "收费标准", "服务时间"]


def test_sample_has_suspended_and_revoked_records():
    assert {r.data["status"] for r in UNPUBLISHED} == {"suspended", "revoked"}


def test_every_published_record_has_its_page_with_the_five_disclosures_in_order(sample_site):
    for record in PUBLISHED:
        html = read(sample_site, f"institutions/{record.id}")
        assert f"<h1>{record.data['name']}</h1>" in html
        positions = [html.index(f'">{label}</h3>') for label in LABELS]
        assert positions == sorted(positions), record.id
        for key in ("content", "process", "standards", "fees", "hours"):
            assert record.data["disclosures"][key] in html


def test_no_unpublished_record_appears_anywhere(sample_site):
    names = [r.data["name"] for r in UNPUBLISHED] + [r.id for r in UNPUBLISHED]
    for path in sample_site.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".json", ".xml", ".txt"):
            text = path.read_text(encoding="utf-8")
            for needle in names:
                assert needle not in text, (needle, path)


def test_district_and_function_pages_list_the_right_institutions(sample_site):
    for district in DIRECTORY.choices("districts"):
        html = read(sample_site, f"districts/{district}")
        expected = {r.id for r in PUBLISHED if r.data["district"] == district}
        assert set(re.findall(r'href="../../institutions/([a-z0-9-]+)/"', html)) == expected
    for function in DIRECTORY.choices("functions"):
        html = read(sample_site, f"functions/{function}")
        expected = {r.id for r in PUBLISHED if function in r.data["functions"]}
        assert set(re.findall(r'href="../../institutions/([a-z0-9-]+)/"', html)) == expected


def test_expired_title_is_shown_as_expired_not_current(sample_site):
    html = read(sample_site, "institutions/jiading-nev-platform")
    assert 'dir-badge--expired">区级示范平台 2019（已过期）</span>' in html
    assert 'dir-badge--district">区级示范平台 2019</span>' not in html
    assert 'dir-badge--national">国家级示范平台 2022</span>' in html
    district_level = read(sample_site, "demonstration").split('id="district"')[1]
    assert "jiading-nev-platform" not in district_level


def test_demonstration_entries_carry_the_title_of_their_section(sample_site):
    municipal_2018 = read(sample_site, "demonstration").split('id="municipal-2018"')[1].split("<h3")[0]
    entry = municipal_2018.split("pudong-biomedicine-platform/")[1].split("</li>")[0]
    assert '<span class="dir-badge dir-badge--municipal">市级示范平台 2018</span>' in entry
    assert "国家级" not in entry
    national_2021 = read(sample_site, "demonstration").split('id="national-2021"')[1].split("<h3")[0]
    assert '<span class="dir-badge dir-badge--national">国家级示范平台 2021</span>' in national_2021


class _Ids(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids = []

    def handle_starttag(self, tag, attrs):
        self.ids += [value for name, value in attrs if name == "id"]


def test_no_page_of_the_site_repeats_an_id(sample_site):
    repeated, checked = {}, 0
    for path in sorted(sample_site.rglob("*.html")):
        parser = _Ids()
        parser.feed(path.read_text(encoding="utf-8"))
        checked += bool(parser.ids)
        twice = [i for i, n in Counter(parser.ids).items() if n > 1]
        if twice:
            repeated[path.relative_to(sample_site).as_posix()] = twice
    assert checked > 90 and repeated == {}


def test_the_institution_page_has_the_hours_and_the_fees_under_their_own_headings(sample_site):
    html = read(sample_site, "institutions/pudong-ic-testing")
    assert html.count('id="opening-hours"') == 1 and html.count('id="hours"') == 1  # the disclosure 服务时间 keeps its anchor
    hours, fees = html.index('<h2 id="opening-hours">营业时间</h2>'), html.index('<h2 id="fee-items">收费项目</h2>')
    assert hours < fees < html.index('id="disclosures"')


def test_the_stats_cross_table_explains_why_its_total_exceeds_the_institutions(sample_site):
    html = read(sample_site, "stats")
    assert ("一家机构提供几项服务功能，就在几列中各计一次：所以“功能合计”（102）大于机构数（64 家）；“机构数”一列每家机构只计一次。"
            in html)
    total = html.split('<tr class="dir-table__total">')[1].split("</tr>")[0]
    assert total.endswith('<td class="dir-num">102</td><td class="dir-num">64</td>')


def test_the_footer_names_the_generator_in_chinese(sample_site, tmp_path):
    html = read(sample_site, "")
    assert "本站由 <a href=\"https://www.mkdocs.org/\" rel=\"noopener\">MkDocs</a> 和" in html and "Made with" not in html
    assert '<link rel="icon" href="assets/favicon.svg">' in html and 'src="assets/logo.svg"' in html


def test_institution_pages_stay_out_of_navigation_and_the_hand_written_pages_are_in_the_box_s_index(sample_site):
    home = read(sample_site, "")
    assert "institutions/" not in home.split('<nav class="md-nav md-nav--primary"')[1].split("</nav>")[0]
    assert not (sample_site / "search/search_index.json").exists()  # Material's own search is gone
    pages = json.loads((sample_site / "search/pages.json").read_text(encoding="utf-8"))
    assert [(title, url) for title, url, _ in pages] == [
        ("关于名录", "about/"), ("编辑指南", "editing/"), ("检查项说明", "help/checks/"), ("字段说明", "help/fields/"),
        ("安全与可靠性", "security/")]
    editing = next(sections for title, _, sections in pages if title == "编辑指南")
    assert all(anchor for heading, anchor, _ in editing[1:]) and len(editing) > 5


def test_lists_are_in_pinyin_order(sample_site):
    html = read(sample_site, "functions/comprehensive")
    from pypinyin import lazy_pinyin
    for section in html.split("<h2")[1:]:
        names = re.findall(r'class="dir-entry__name" href="[^"]+">([^<]+)</a>', section)
        keys = ["".join(lazy_pinyin(n)) for n in names]
        assert keys == sorted(keys)


def test_no_broken_internal_links(sample_site):
    pages = {}
    for path in sample_site.rglob("*.html"):
        parser = Links()
        parser.feed(path.read_text(encoding="utf-8"))
        pages[path] = parser
    broken = []
    for path, parser in pages.items():
        base = "/" + path.relative_to(sample_site).as_posix()
        for link in parser.links:
            parts = urlsplit(urljoin(base, link))
            if parts.scheme or parts.netloc or link.startswith(("mailto:", "tel:", "#")):
                continue
            target = sample_site / unquote(parts.path).lstrip("/")
            if target.is_dir():
                target = target / "index.html"
            if (not target.exists()
                    or parts.fragment and target.suffix == ".html" and target in pages and parts.fragment not in pages[target].ids):
                broken.append((base, link))
    assert broken == []


def test_mkdocs_build_strict_builds_the_same_bytes_as_the_build_command(sample_site, tmp_path):
    """`mkdocs build --strict` (and so `mkdocs serve`) reads every option from mkdocs.yml: the same site, downloads included.

    Two separate builds giving the same bytes also shows the build is reproducible.
    """
    import sys

    again = build(ROOT / "directory", tmp_path / "again", command=(sys.executable, "-m", "mkdocs", "build", "--strict",
                                                                 "-f", str(ROOT / "mkdocs.yml"), "-d", str(tmp_path / "again")))
    assert (again / "downloads" / "catalogue.pdf").is_file()
    first = {p.relative_to(sample_site): p.read_bytes() for p in sample_site.rglob("*") if p.is_file()}
    second = {p.relative_to(again): p.read_bytes() for p in again.rglob("*") if p.is_file()}
    assert first.keys() == second.keys()
    assert [k for k in first if first[k] != second[k]] == []


def test_record_json_carries_derived_fields(sample_site):
    data = json.loads((sample_site / "institutions/pudong-ic-testing.json").read_text(encoding="utf-8"))
    assert data["url"] == "https://directory.example.org/institutions/pudong-ic-testing/"
    assert data["current_demonstration_level"] == "national"


@pytest.mark.parametrize("url", ["", "stats", "demonstration", "about", "editing"])
def test_index_pages_exist(sample_site, url):
    assert "<h1" in read(sample_site, url)


def test_home_and_about_link_every_download_with_its_size_and_the_data_date(sample_site):
    downloads = sorted(p.name for p in (sample_site / "downloads").iterdir() if p.is_file())
    assert downloads[:2] == ["catalogue-baoshan.pdf", "catalogue-changning.pdf"] and "directory.xlsx" in downloads
    edition = max(r.data["verified"] for r in PUBLISHED).isoformat()
    for url, prefix in [("", "downloads/"), ("about", "../downloads/")]:
        html = read(sample_site, url)
        assert f"数据截至 {edition}" in html
        for name in downloads:
            assert f'href="{prefix}{name}"' in html, (url, name)
        size = (sample_site / "downloads" / "directory.csv").stat().st_size
        assert f"全部数据（CSV，可用 Excel 打开）</a>（{-(-size // 1024)} KB）" in html
        offline = (sample_site / "downloads" / "directory-offline.zip").stat().st_size
        assert f"解压后无需网络即可浏览和搜索）</a>（{offline / 1048576:.1f} MB）</li>" in html


def _json_ld(html):
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL)
    assert len(blocks) == 1
    return json.loads(blocks[0])


def test_institution_pages_carry_schema_org_json_ld(sample_site):
    for record in PUBLISHED:
        data = _json_ld(read(sample_site, f"institutions/{record.id}"))
        assert data["@type"] == "Organization" and data["@context"] == "https://schema.org"
        assert data["name"] == record.data["name"]
        assert data["url"] == f"https://directory.example.org/institutions/{record.id}/"
        assert data["address"]["streetAddress"] == record.data["address"]
        assert data["address"]["addressRegion"] == DIRECTORY.taxonomy.site.region == "上海市"
        assert data["areaServed"]["name"] == DIRECTORY.choices("districts")[record.data["district"]]
        assert data["makesOffer"]["itemOffered"]["description"] == record.data["disclosures"]["content"]
        assert data["makesOffer"]["itemOffered"]["hoursAvailable"] == record.data["disclosures"]["hours"]
        contacts = record.data["contacts"]
        if contacts.get("phone") or contacts.get("hotline"):
            assert data["telephone"] == (contacts.get("phone") or contacts.get("hotline"))


def test_sitemap_lists_every_published_page_and_nothing_unpublished(sample_site):
    sitemap = (sample_site / "sitemap.xml").read_text(encoding="utf-8")
    for record in PUBLISHED:
        assert f"<loc>https://directory.example.org/institutions/{record.id}/</loc>" in sitemap
    for record in UNPUBLISHED:
        assert record.id not in sitemap
    for url in ("search/", "stats/", "demonstration/", "districts/pudong/", "functions/quality/"):
        assert f"<loc>https://directory.example.org/{url}</loc>" in sitemap


def test_the_region_comes_from_the_taxonomy_and_may_be_left_out():
    import datetime

    from generator.model.model import Model
    from generator.write.pages import structured_data

    directory, _ = load_directory(Path(__file__).parent / "fixtures" / "valid")
    assert directory.taxonomy.site.region == ""
    data = json.loads(structured_data(Model(directory, datetime.date(2026, 1, 1)), directory.records[0]))
    assert "addressRegion" not in data["address"] and data["address"]["addressLocality"] in ("黄浦区", "浦东新区")
