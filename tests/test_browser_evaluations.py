"""The evaluation cycle's pages as a user sees them in headless chromium, at desktop and phone widths."""

import pytest
from playwright.sync_api import expect

PAGES = ["/evaluations/2025/", "/bulletins/2025-q3/", "/institutions/jiading-sme-center/", "/institutions/songjiang-credit-guarantee/"]


@pytest.mark.parametrize("width", [1280, 360])
@pytest.mark.parametrize("path", PAGES)
def test_pages_fit_the_screen_and_load_nothing_from_elsewhere(page, serve, path, width):
    page.set_viewport_size({"width": width, "height": 900})
    outside = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith((serve, "data:")) else None)
    page.goto(serve + path)
    # tables and charts scroll inside their own box; the page itself never scrolls sideways, and chart text stays readable
    overflow = page.evaluate("[...document.querySelectorAll('article > *')].filter(e => e.getBoundingClientRect().right > innerWidth + 1)"
                             ".map(e => e.tagName + '.' + e.className)")
    assert overflow == [] and page.evaluate("document.documentElement.scrollWidth") <= width
    smallest = page.evaluate("Math.min(99, ...[...document.querySelectorAll('.dir-chart text')]"
                             ".map(t => t.getBoundingClientRect().height))")
    assert smallest >= 9
    assert outside == [] and page.errors == []


def test_results_page_ranks_each_tier_with_warnings_lists_and_a_described_chart(page, serve):
    page.goto(serve + "/evaluations/2025/")
    expect(page.locator("h1")).to_have_text("2025 年度评价结果")
    expect(page.locator("#chart-grades-title")).to_have_text("2025 年度各等次机构数：优秀 27家；合格 36家；不合格 1家")
    row = page.locator("tr", has=page.get_by_role("link", name="嘉定区中小企业服务中心（示例）"))
    expect(row).to_contain_text("17")
    expect(row.locator(".dir-warning")).to_have_text(["黄牌警告", "建议更换运营单位"])
    expect(page.locator("#list-black + p + ul")).to_have_text("松江中小企业融资担保服务平台")
    expect(page.locator("#cancelled + ul")).to_contain_text("市级示范平台（2020 年认定）自 2025-12-20 起取消，"
                                                            "2025 年度评价不合格，取消称号")
    page.get_by_role("link", name="2025 年第 3 季度通报").click()
    expect(page.locator("h1")).to_have_text("2025 年第 3 季度服务情况通报")
    expect(page.locator("#chart-totals-title")).to_contain_text("本季度合计占季度目标的百分比：服务需求对接数量")
    assert page.errors == []


def test_institution_page_shows_a_cancelled_title_never_as_current(page, serve):
    page.goto(serve + "/institutions/songjiang-credit-guarantee/")
    expect(page.locator(".dir-badges")).to_have_text("市级示范平台 2020（已取消）")
    expect(page.locator(".dir-cancelled")).to_have_text("市级示范平台称号（2020 年认定）自 2025-12-20 起取消："
                                                        "2025 年度评价不合格，取消称号。")
    expect(page.locator(".dir-badge--municipal")).to_have_count(0)
    expect(page.locator("#evaluations + div table, #evaluations + table").locator("tbody tr")).to_have_count(2)
    expect(page.locator("#quarters ~ figure svg title")).to_contain_text("服务企业数：2025 年第 1 季度")
    assert page.errors == []
