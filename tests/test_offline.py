"""The offline copy: downloads/directory-offline.zip opens and searches from file:// with no server."""

import json
import re
import zipfile
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from playwright.sync_api import expect

from generator.write.offline import SEARCH_INDEX, offline_link
from tests.support import Links

# Chromium refuses these requests from file:// pages; the theme survives both (it reads the sitemap only to
# speed up links, and the tab icon is cosmetic).
ALLOWED = re.compile(r"sitemap\.xml|favicon\.png|Failed to load resource")


@pytest.fixture(scope="module")
def offline(sample_site, tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("offline")
    with zipfile.ZipFile(sample_site / "downloads" / "directory-offline.zip") as archive:
        archive.extractall(target)
    return target / "directory-offline"


@pytest.mark.parametrize(("link", "expected"), [
    ("../", "../index.html"), ("./", "./index.html"), ("..", "../index.html"), (".", "./index.html"),
    ("districts/pudong/", "districts/pudong/index.html"), ("../search/?q=x#top", "../search/index.html?q=x#top"),
    ("./#by-district", "./index.html#by-district"), ("#top", "#top"), ("https://example.org/", "https://example.org/"),
    ("mailto:a@example.org", "mailto:a@example.org"), ("../assets/x.css", "../assets/x.css"), ("/abs/", "/abs/"),
])
def test_folder_links_get_index_html(link, expected):
    assert offline_link(link) == expected


def test_the_zip_holds_the_whole_site_and_the_search_index_as_one_script(sample_site, offline):
    online = {p.relative_to(sample_site).as_posix() for p in sample_site.rglob("*") if p.is_file()}
    copied = {p.relative_to(offline).as_posix() for p in offline.rglob("*") if p.is_file()}
    index = {name for name in online if SEARCH_INDEX.fullmatch(name)}
    assert "search/manifest.json" in index and len(index) > 20
    editor = {name for name in online if name.startswith("admin/")}  # the form editor cannot work offline
    assert "admin/index.html" in editor and "admin/decap-cms.js" in editor
    left_out = {"downloads/directory-offline.zip", "404.html", "sitemap.xml", "sitemap.xml.gz"}
    assert copied == online - left_out - index - editor | {"search/bundle.js"}
    bundle = (offline / "search" / "bundle.js").read_text(encoding="utf-8")
    files = json.loads(bundle.removeprefix("window.DirectorySearchFiles=").removesuffix(";\n"))
    assert {f"search/{path}" for path in files} == index
    assert files["manifest.json"] == json.loads((sample_site / "search" / "manifest.json").read_text(encoding="utf-8"))
    assert (offline.parent / "使用说明.txt").read_text(encoding="utf-8").startswith("打开方法")


def test_every_link_of_the_offline_copy_names_a_file(offline):
    broken = []
    for path in offline.rglob("*.html"):
        parser = Links()
        parser.feed(path.read_text(encoding="utf-8"))
        base = "/" + path.relative_to(offline).as_posix()
        for link in parser.links:
            parts = urlsplit(urljoin(base, link))
            if parts.scheme or parts.netloc or link.startswith("#") or link.endswith("downloads/directory-offline.zip"):
                continue
            if not (offline / unquote(parts.path).lstrip("/")).is_file():
                broken.append((base, link))
    assert broken == []


def test_browse_and_search_from_file_url(page, offline):
    page.goto((offline / "index.html").as_uri())
    expect(page.locator(".dir-offline-link")).to_be_hidden()
    page.locator("#dir-q").fill("融资担保")
    page.locator("#dir-q").press("Enter")
    expect(page).to_have_url(re.compile(r"/search/index\.html\?q="))
    expect(page.locator(".dir-search__results .dir-entry__name").first).to_have_text("松江中小企业融资担保服务平台")
    page.locator("select[name=district]").select_option("songjiang")
    expect(page).to_have_url(re.compile(r"district=songjiang"))
    expect(page.locator(".dir-search__status")).to_contain_text("找到")
    page.locator(".dir-search__results a").first.click()
    expect(page.locator("h1")).to_have_text("松江中小企业融资担保服务平台")
    assert page.url.endswith("/institutions/songjiang-credit-guarantee/index.html")
    page.locator(".dir-topbar").get_by_role("link", name="按区域").click()
    page.get_by_role("link", name="浦东新区").first.click()
    expect(page).to_have_url(re.compile(r"/districts/pudong/index\.html$"))
    assert [e for e in page.errors if not ALLOWED.search(e)] == []


def test_the_header_box_searches_from_file_url(page, offline):
    page.goto((offline / "districts" / "pudong" / "index.html").as_uri())
    page.locator(".dir-box input").fill("融资担保")
    expect(page.locator(".dir-box__records h1").first).to_have_text("松江中小企业融资担保服务平台")
    page.locator(".dir-box__records a").first.click()
    assert page.url.endswith("/institutions/songjiang-credit-guarantee/index.html")
    page.locator(".dir-box input").fill("检测")
    page.locator(".dir-box input").press("Enter")
    expect(page).to_have_url(re.compile(r"/search/index\.html\?q="))
    expect(page.locator(".dir-search__status")).to_have_text("找到 10 家服务机构")
    assert [e for e in page.errors if not ALLOWED.search(e)] == []
