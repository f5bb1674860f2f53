"""What a user sees on the sample site in headless chromium."""

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
