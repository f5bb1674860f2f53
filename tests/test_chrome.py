"""The shared chrome of institution pages: rendered once by the theme, filled in per page, the same bytes."""

import re

import pytest

from generator.commands.build import build_site
from generator.write import chrome
from generator.write.chrome import TOKENS, Chrome, fits, tidy
from tests.support import EPOCH, PUBLISHED, ROOT


def test_fill_puts_each_value_in_every_place_its_token_was():
    page = Chrome(f"<title>{TOKENS['title']} - 站</title><h1>{TOKENS['title']}</h1><a href='{TOKENS['edit_url']}'></a>{TOKENS['content']}")
    assert page.fill({"title": "甲", "edit_url": "https://e/x.yml", "content": "<h1>正文</h1>", "canonical_url": ""}) == (
        "<title>甲 - 站</title><h1>甲</h1><a href='https://e/x.yml'></a><h1>正文</h1>")


def test_tidy_joins_the_chromes_blank_lines_and_keeps_content_scripts_and_preformatted_text():
    content = '<div class="dir-disclosure">第一步\n    第二步\n\n第三步</div>'
    page = ("<nav>\n    <a>首页</a>\n\n      <a>搜索</a>  <b>x</b>\n</nav>\n<script>var a = 1;\n    var b = 2;</script>\n"
            "<pre>  缩进\n    保留</pre>\n  " + content + "\n    <footer>\n  </footer>")
    assert tidy(page, content) == ("<nav>\n<a>首页</a>\n<a>搜索</a>  <b>x</b>\n</nav>\n<script>var a = 1;\n    var b = 2;</script>\n"
                                   "<pre>  缩进\n    保留</pre>\n" + content + "\n<footer>\n</footer>")
    assert tidy(tidy(page, content), content) == tidy(page, content)


@pytest.mark.parametrize(("title", "expected"), [("示例中心", True), ("A &amp; B", False), ("两个  空格", False), ("a<b", False)])
def test_only_pages_the_theme_would_print_unchanged_share_the_chrome(title, expected):
    assert fits(title) is expected


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    """The sample built with the shared chrome and without it (no catalogue: it does not touch pages)."""
    out = tmp_path_factory.mktemp("chrome")
    fills = []
    real_fill = Chrome.fill
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        patch.setattr(chrome.Chrome, "fill", lambda self, values: fills.append(values["title"]) or real_fill(self, values))
        build_site(ROOT / "directory", out / "on", ROOT / "mkdocs.yml", None, {"catalogue": False})
        on_fills = len(fills)
        build_site(ROOT / "directory", out / "off", ROOT / "mkdocs.yml", None, {"catalogue": False, "shared_chrome": False})
    return out / "on", out / "off", on_fills, len(fills) - on_fills


def test_the_shared_chrome_gives_the_same_bytes_in_every_file(both):
    on, off, on_fills, off_fills = both
    # One page is rendered by the theme and checked against the filled chrome (here); every other one is filled by the
    # family's writers (forked: not counted here), none through MkDocs.
    assert on_fills == 1 and off_fills == 0
    first = {p.relative_to(on): p.read_bytes() for p in on.rglob("*") if p.is_file()}
    second = {p.relative_to(off): p.read_bytes() for p in off.rglob("*") if p.is_file()}
    assert first.keys() == second.keys()
    assert [k for k in first if first[k] != second[k]] == []


def test_per_page_state_stays_right_on_three_institutions(both):
    on = both[0]
    for record in PUBLISHED[:3]:
        html = (on / "institutions" / record.id / "index.html").read_text(encoding="utf-8")
        assert f'<link rel="canonical" href="https://directory.example.org/institutions/{record.id}/">' in html
        assert f"<title>{record.data['name']} - " in html
        assert re.search(rf'href="https://git\.example\.org/bureau/sme-directory/edit/main/directory/'
                         rf'{record.folder}/{record.id}\.yml"[^>]*rel="edit"', html)
        assert '<meta name="description" content="按区域、按功能查找' in html
        assert html.count(f"<h1>{record.data['name']}</h1>") == 1
