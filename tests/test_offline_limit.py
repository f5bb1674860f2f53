"""The offline zip beside the site: a site that would pass `offline_limit` MB with its zip publishes the zip on its own
(site-offline/directory-offline.zip), and the pages link to `offline_url` or leave it out of their lists."""

import zipfile

import pytest

from generator.commands.build import build_site
from generator.write.offline import NAME, size_text
from tests.support import EPOCH, ROOT

LIST_PAGES = ("index.html", "about/index.html")  # the pages that list the downloads


def _build(site, **options):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        build_site(ROOT / "directory", site, ROOT / "mkdocs.yml", None, {"catalogue": False, "cache_dir": ""} | options)


def test_a_site_over_the_limit_links_the_zip_where_it_is_published_and_back_under_it_keeps_it_inside(tmp_path):
    site = tmp_path / "site"
    beside = tmp_path / "site-offline" / NAME
    url = "https://git.example.org/bureau/sme-directory/releases/latest/download/directory-offline.zip"
    _build(site, offline_limit=0, offline_url=url)
    assert not (site / "downloads" / NAME).exists() and not list(site.rglob("*.part"))
    with zipfile.ZipFile(beside) as archive:
        assert "directory-offline/index.html" in archive.namelist()
    for name in LIST_PAGES:
        html = (site / name).read_text(encoding="utf-8")
        assert f'<li class="dir-offline-link"><a href="{url}">' in html
        assert f"（{size_text(beside.stat().st_size)}）</li>" in html and "<!-- size:" not in html

    _build(site)  # the default limit: the sample's site is far under it
    assert (site / "downloads" / NAME).is_file() and not beside.exists()
    assert 'href="downloads/directory-offline.zip"' in (site / "index.html").read_text(encoding="utf-8")


def test_without_an_address_the_pages_leave_the_zip_out(tmp_path):
    site = tmp_path / "site"
    _build(site, offline_limit=0)
    assert (tmp_path / "site-offline" / NAME).is_file() and not (site / "downloads" / NAME).exists()
    for name in LIST_PAGES:
        html = (site / name).read_text(encoding="utf-8")
        assert "dir-offline-link" not in html and "directory-offline.zip" not in html
        assert "全部数据（CSV，可用 Excel 打开）" in html  # the other downloads are still listed
