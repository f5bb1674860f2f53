"""What a user sees on the sample site in headless chromium."""

import pytest
from playwright.sync_api import expect


def test_home_shows_counts_and_browse_links(page, serve):
    page.goto(serve + "/")
    expect(page.locator("h1")).to_have_text("上海市中小企业公共服务机构名录（示例）")
    expect(page.locator(".dir-counts")).to_contain_text("共收录 64 家服务机构")
    expect(page.get_by_role("link", name="浦东新区").first).to_be_visible()
    expect(page.locator(".dir-notice")).to_contain_text("虚构的示例数据")
    page.locator("article").get_by_role("link", name="融资服务").click()
    expect(page).to_have_url(serve + "/functions/financing/")
    assert page.errors == []


def test_district_page_groups_by_function_and_opens_an_institution(page, serve):
    page.goto(serve + "/districts/pudong/")
    expect(page.locator("h1")).to_have_text("浦东新区")
    expect(page.locator("article h2").first).to_have_text("综合服务（1）")
    page.get_by_role("link", name="浦东知识产权公共服务中心").click()
    expect(page.locator("h1")).to_have_text("浦东知识产权公共服务中心")
    assert page.errors == []


def test_function_page_has_description_and_district_groups(page, serve):
    page.goto(serve + "/functions/quality/")
    expect(page.locator(".dir-lead")).to_contain_text("检验检测")
    expect(page.locator("article h2", has_text="浦东新区")).to_be_visible()
    assert page.errors == []


def test_institution_page_shows_disclosures_contacts_and_badges(page, serve):
    page.goto(serve + "/institutions/pudong-ic-testing/")
    headings = page.locator("article h3").all_inner_texts()
    assert headings == ["服务内容", "服务流程", "服务标准", "收费标准", "服务时间"]
    expect(page.get_by_role("link", name="021-0756-3576")).to_have_attribute("href", "tel:021-0756-3576")
    expect(page.locator(".dir-badge--national")).to_have_text("国家级示范平台 2021")
    expect(page.locator(".dir-free")).to_contain_text("标准化咨询（首次）")
    expect(page.get_by_role("link", name="编辑此记录")).to_have_attribute(
        "href", "https://git.example.org/bureau/sme-directory/edit/main/directory/pudong/pudong-ic-testing.yml")
    assert page.errors == []


def test_stats_page_has_charts_with_text_and_tables(page, serve):
    page.goto(serve + "/stats/")
    chart = page.locator("svg#chart-plan")
    expect(chart).to_be_visible()
    assert chart.bounding_box()["width"] > 500
    expect(page.locator("#chart-plan-title")).to_contain_text("服务机构总数 64家（目标 300）")
    expect(page.locator("table").first).to_contain_text("21%")
    assert page.errors == []


def test_print_hides_navigation(page, serve):
    page.goto(serve + "/institutions/pudong-ic-testing/")
    page.emulate_media(media="print")
    expect(page.locator(".md-header")).to_be_hidden()
    expect(page.locator(".md-sidebar--primary")).to_be_hidden()


TABLE_PAGES = ["/institutions/pudong-ic-testing/", "/help/fields/", "/help/checks/", "/stats/"]
# Elements of one text line each: a code, a heading of a column, a number (examples may wrap at their spaces).
ONE_LINE = ".dir-table code:not(.dir-example code), .dir-table thead th, .dir-table .dir-num, .dir-table .dir-nowrap"
WRAPPED = """sel => [...document.querySelectorAll(sel)].filter(e => e.offsetParent !== null).filter(e => {
  const range = document.createRange(); range.selectNodeContents(e);
  return new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.bottom))).size > 1;
}).map(e => e.textContent.trim())"""
BORDERS = """() => [...document.querySelectorAll("article table")].map(t => { const s = getComputedStyle(t);
  return [t.className, s.borderTopStyle, parseFloat(s.borderTopWidth) > 0, s.borderTopColor,
          getComputedStyle(t.querySelector("td")).paddingLeft]; })"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", TABLE_PAGES)
def test_every_generated_table_has_the_theme_s_borders_and_no_code_wraps(page, serve, path, scheme):
    page.emulate_media(color_scheme=scheme)
    page.clock.set_fixed_time("2026-10-05T10:00:00+08:00")
    page.goto(serve + path)
    tables = page.evaluate(BORDERS)
    assert tables and all(name.startswith("dir-table") for name, *_ in tables), tables
    colour = page.evaluate("getComputedStyle(document.body).getPropertyValue('--md-typeset-table-color').trim()")
    assert colour and all(style == "solid" and wide and padding != "0px" for _, style, wide, _, padding in tables), tables
    assert len({c for *_, c, _ in tables}) == 1  # the theme's table colour, which follows the scheme
    assert page.evaluate(WRAPPED, ONE_LINE) == []
    assert page.errors == []


@pytest.mark.parametrize("path", TABLE_PAGES)
def test_tables_fit_a_phone_screen_without_breaking_codes(browser, serve, path):
    context = browser.new_context(viewport={"width": 360, "height": 800})
    page = context.new_page()
    page.goto(serve + path)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page.evaluate(WRAPPED, ".dir-table td.dir-code code, .dir-table .dir-nowrap") == []
    if "help" in path:  # one block per row, each cell led by its column's name
        assert page.evaluate("getComputedStyle(document.querySelector('.dir-table tbody td')).display") == "block"
        assert page.evaluate("getComputedStyle(document.querySelector('.dir-table tbody td'), '::before').content").startswith('"')
    context.close()


def test_favicon_and_logo_answer(page, serve):
    page.goto(serve + "/stats/")
    for selector, attribute in (("link[rel=icon]", "href"), (".md-header img", "src")):
        url = page.evaluate(f"document.querySelector('{selector}').{attribute}")
        response = page.request.get(url)
        assert response.status == 200 and response.headers["content-type"].startswith("image/svg"), url
    assert page.errors == []


def test_the_home_page_search_button_looks_like_a_button(page, serve):
    page.goto(serve + "/")
    style = page.evaluate("""() => { const s = getComputedStyle(document.querySelector('.dir-search-box button'));
      return [s.backgroundColor, s.borderTopStyle, s.color, s.cursor]; }""")
    primary = page.evaluate("""() => { const probe = document.createElement('div');
      probe.style.background = 'var(--md-primary-fg-color)'; document.body.append(probe);
      return getComputedStyle(probe).backgroundColor; }""")
    assert style[1] == "solid" and style[3] == "pointer" and style[0] == primary != "rgba(0, 0, 0, 0)", (primary, style)
    assert style[2] == "rgb(255, 255, 255)"
