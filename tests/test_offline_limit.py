"""Downloads beside the site: a site that would pass `downloads_limit` MB with its offline zip publishes the zip on its
own (site-downloads/directory-offline.zip); a site that passes it even without the zip puts the other downloads there
too. The pages link to `downloads_url` + the file's name, or leave out what moved."""

import math
import zipfile

import pytest

from generator.commands.build import build_site
from generator.write.offline import NAME, size_text
from tests.support import EPOCH, ROOT

LIST_PAGES = ("index.html", "about/index.html")  # the pages that list the downloads
URL = "https://git.example.org/bureau/sme-directory/releases/latest/download/"


def _build(site, **options):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        build_site(ROOT / "directory", site, ROOT / "mkdocs.yml", None, {"catalogue": False, "cache_dir": ""} | options)


def _files(folder):
    return {p.relative_to(folder).as_posix(): p.stat().st_size for p in folder.rglob("*") if p.is_file()}


def test_a_site_over_the_limit_with_its_zip_only_publishes_the_zip_beside_it(tmp_path):
    site, beside = tmp_path / "site", tmp_path / "site-downloads"
    _build(site)  # the default limit: the sample is far under it, everything stays in the site
    files = _files(site)
    zipped = files.pop(f"downloads/{NAME}")
    assert zipped > 1048576 and not beside.exists()
    limit = math.ceil(sum(files.values()) / 1048576)  # over the site without the zip, under it with the zip
    assert sum(files.values()) < limit * 1048576 < sum(files.values()) + zipped

    _build(site, downloads_limit=limit, downloads_url=URL)
    assert sorted(p.name for p in beside.iterdir()) == [NAME] and not (site / "downloads" / NAME).exists()
    with zipfile.ZipFile(beside / NAME) as archive:
        assert "directory-offline/downloads/directory.csv" in archive.namelist()
    for name in LIST_PAGES:
        html = (site / name).read_text(encoding="utf-8")
        assert f'<li class="dir-offline-link"><a href="{URL}{NAME}">' in html
        assert f"（{size_text((beside / NAME).stat().st_size)}）</li>" in html and "<!-- size:" not in html
        assert 'href="downloads/directory.csv"' in html or 'href="../downloads/directory.csv"' in html

    _build(site)  # back under the limit: the zip is in the site again and nothing stale is left beside it
    assert (site / "downloads" / NAME).is_file() and not list(beside.iterdir())


def test_a_site_over_the_limit_without_its_zip_publishes_every_download_beside_it(tmp_path):
    site, beside = tmp_path / "site", tmp_path / "site-downloads"
    _build(site, downloads_limit=0, downloads_url=URL)
    assert sorted(p.name for p in beside.iterdir()) == sorted(["directory.csv", "directory.json", "directory.xlsx", NAME])
    assert sorted(p.name for p in (site / "downloads").iterdir()) == ["hsds"] and not list(site.rglob("*.part"))
    with zipfile.ZipFile(beside / NAME) as archive:
        names = archive.namelist()
    assert "directory-offline/index.html" in names and not [n for n in names if n.endswith(".csv") and "hsds" not in n]
    for name in LIST_PAGES:
        html = (site / name).read_text(encoding="utf-8")
        for file in ("directory.csv", "directory.json", "directory.xlsx", NAME):
            assert f'href="{URL}{file}"' in html
        assert "downloads/directory" not in html


def test_without_an_address_the_pages_leave_out_what_moved(tmp_path):
    site = tmp_path / "site"
    _build(site, downloads_limit=0)
    assert (tmp_path / "site-downloads" / NAME).is_file()
    for name in LIST_PAGES:
        html = (site / name).read_text(encoding="utf-8")
        assert "directory-offline.zip" not in html and "directory.csv" not in html and "<!-- size:" not in html
        assert "下载文件（印刷版名录、全部数据和离线版）较大，没有随网站发布，另行提供。" in html
