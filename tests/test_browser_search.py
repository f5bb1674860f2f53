"""The search page as a user drives it in headless chromium."""

import re
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from playwright.sync_api import expect


def result_names(page):
    return page.locator(".dir-search__results .dir-entry__name").all_inner_texts()


def facet(page, name):
    return page.locator(f".dir-search select[name={name}]")


def params(page):
    return {k: v[0] for k, v in parse_qs(urlsplit(page.url).query).items()}


def test_typing_a_query_shows_ranked_results_with_highlight(page, serve):
    page.goto(serve + "/search/")
    expect(page.locator(".dir-search__status")).to_have_text("找到 64 家服务机构")
    page.get_by_label("关键词").fill("知识产权")
    expect(page.locator(".dir-search__status")).not_to_have_text("找到 64 家服务机构")
    # The literal answer comes first and the widened one (synonyms) may follow it: wait for the final order.
    expect(page.locator(".dir-search__results .dir-entry__name").first).to_have_text("浦东知识产权公共服务中心")
    expect(page.locator(".dir-search__results li").first.locator("mark").first).to_have_text("知识产权")
    assert params(page) == {"q": "知识产权"}
    assert page.errors == []


def test_facets_combine_with_the_query_and_the_back_button_restores_state(page, serve):
    page.goto(serve + "/search/?q=检测")
    expect(page.locator(".dir-search__status")).to_have_text("找到 10 家服务机构")
    facet(page, "district").select_option("pudong")
    expect(page.locator(".dir-search__status")).to_have_text("找到 2 家服务机构")
    assert params(page) == {"q": "检测", "district": "pudong"}
    facet(page, "level").select_option("national")
    expect(page.locator(".dir-search__status")).to_have_text("找到 2 家服务机构")
    facet(page, "tier").select_option("specialised")
    expect(page.locator(".dir-search__status")).to_have_text("没有找到符合条件的服务机构")
    page.go_back()
    expect(facet(page, "tier")).to_have_value("")
    expect(page.locator(".dir-search__status")).to_have_text("找到 2 家服务机构")
    page.go_back()
    page.go_back()
    expect(facet(page, "district")).to_have_value("")
    expect(page.get_by_label("关键词")).to_have_value("检测")
    expect(page.locator(".dir-search__status")).to_have_text("找到 10 家服务机构")
    assert page.errors == []


def test_facets_alone_list_everything_that_matches(page, serve):
    page.goto(serve + "/search/?function=financing&free=1")
    expect(facet(page, "function")).to_have_value("financing")
    expect(page.get_by_label("提供免费服务")).to_be_checked()
    expect(page.locator(".dir-search__status")).to_have_text("找到 11 家服务机构")
    metas = page.locator(".dir-entry__meta").all_inner_texts()
    assert len(metas) == 11 and all("融资服务" in meta for meta in metas)


def test_no_match_for_all_words_falls_back_and_says_so(page, serve):
    page.goto(serve + "/search/")
    page.get_by_label("关键词").fill("检测 区块链")
    expect(page.locator(".dir-search__fallback")).to_be_visible()
    assert len(result_names(page)) > 0


def test_hostile_query_text_does_not_break_the_page(page, serve):
    page.goto(serve + "/search/")
    for text in ["*", "9:00-17:00", "检测~2", "^+-:", "<img src=x onerror=alert(1)>"]:
        page.get_by_label("关键词").fill(text)
        page.keyboard.press("Enter")
        expect(page.locator(".dir-search__status")).not_to_have_text("正在搜索…")
    assert page.errors == []
    assert page.locator(".dir-search img").count() == 0


def test_keyboard_only_search_and_open_a_result(page, serve):
    page.goto(serve + "/search/")
    page.get_by_label("关键词").focus()
    page.keyboard.type("融资担保")
    page.keyboard.press("Enter")
    expect(page.locator(".dir-search__results .dir-entry__name").first).to_have_text("松江中小企业融资担保服务平台")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.closest('.dir-search__facets') !== null")
    assert focused
    page.locator(".dir-search__results a").first.focus()
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("松江中小企业融资担保服务平台")


def test_home_search_box_and_header_link_lead_to_the_search_page(page, serve):
    page.goto(serve + "/districts/pudong/")
    page.locator(".dir-topbar").get_by_role("link", name="搜索服务机构").click()
    expect(page).to_have_url(serve + "/search/")
    page.goto(serve + "/")
    page.locator("#dir-q").fill("钢铁")
    page.locator("#dir-q").press("Enter")
    expect(page.locator(".dir-search__results .dir-entry__name").first).to_have_text("宝山钢铁资讯服务平台")
    assert params(page) == {"q": "钢铁"}


def test_small_screen_has_no_horizontal_scroll(browser, serve):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(serve + "/search/?q=检测")
    expect(page.locator(".dir-search__status")).to_have_text("找到 10 家服务机构")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    context.close()


def test_without_javascript_the_page_says_so(browser, serve):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(serve + "/search/")
    assert "搜索需要浏览器启用 JavaScript" in page.content()
    context.close()


def box(page):
    return page.locator(".dir-box")


def test_the_header_box_answers_from_the_directory_as_the_user_types(page, serve):
    page.goto(serve + "/search/?q=检测")
    expect(page.locator(".dir-search__status")).to_have_text("找到 10 家服务机构")
    first_five = result_names(page)[:5]
    page.goto(serve + "/districts/pudong/")
    box(page).get_by_role("combobox").press_sequentially("检测", delay=20)
    expect(box(page).locator(".dir-box__all")).to_have_text("查看全部 10 条结果")
    expect(box(page).locator(".dir-box__records h1")).to_have_text(first_five)
    first = box(page).locator(".dir-box__records li").first
    expect(first.locator(".dir-box__meta")).to_have_text("青浦区 · 质量技术、信息服务")
    # 检测's own word and its synonym 检验, side by side in 检验检测, are marked as one run
    expect(first.locator(".dir-box__snippet mark").first).to_have_text("检验检测")
    box(page).locator(".dir-box__all").click()
    expect(page).to_have_url(serve + "/search/?q=%E6%A3%80%E6%B5%8B")
    expect(page.locator(".dir-search__status")).to_have_text("找到 10 家服务机构")
    assert page.errors == []
    assert not [w for w in page.context.pages if w.url.endswith("search_index.json")]


def test_the_header_box_lists_the_hand_written_pages_as_their_own_group(page, serve):
    page.goto(serve + "/")
    box(page).get_by_role("combobox").fill("编辑")
    expect(box(page).locator(".dir-box__pages-title")).to_be_visible()
    pages = box(page).locator(".dir-box__pages h1").all_inner_texts()
    assert pages and all(text.startswith(("编辑指南", "字段说明", "检查项说明", "关于名录", "安全与可靠性")) for text in pages)
    assert pages[0].startswith("编辑指南")
    box(page).locator(".dir-box__pages a").first.click()
    expect(page).to_have_url(re.compile(r"/editing/(#.*)?$"))


def test_the_header_box_works_with_the_keyboard_alone(page, serve):
    page.goto(serve + "/about/")
    page.keyboard.press("/")
    page.keyboard.type("融资担保")
    expect(box(page).locator(".dir-box__records li").first).to_contain_text("松江中小企业融资担保服务平台")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.textContent").startswith("查看全部")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.closest('.dir-box__records') !== null")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    assert page.evaluate("document.activeElement.name") == "q"
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q="))
    expect(page.locator(".dir-search__results .dir-entry__name").first).to_have_text("松江中小企业融资担保服务平台")
    page.goto(serve + "/about/")
    page.keyboard.press("/")
    page.keyboard.type("融资担保")
    expect(box(page).locator(".dir-box__records li").first).to_be_visible()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("松江中小企业融资担保服务平台")
    page.keyboard.press("/")
    page.keyboard.press("Escape")
    assert page.evaluate("document.getElementById('__search').checked") is False


def test_the_header_box_at_360_px(browser, serve):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(serve + "/functions/quality/")
    page.locator("label.md-header__button[for='__search']").click()
    box(page).get_by_role("combobox").fill("钢铁")
    expect(box(page).locator(".dir-box__records h1").first).to_have_text("宝山钢铁资讯服务平台")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    width = box(page).locator(".dir-box__records li").first.bounding_box()["width"]
    assert 300 <= round(width, 2) <= 360  # layout units: 360.0000084 is the full width, not wider
    context.close()


@pytest.mark.parametrize(("typed", "meant"), [("jiance", "检测"), ("jian ce", "检测"), ("jscx", "技术创新"), ("檢驗", "检验"),
                                              ("卢湾", "黄浦"), ("pudong jiance", "浦东 检测")])
def test_the_header_box_finds_what_people_type(page, serve, typed, meant):
    page.goto(serve + "/search/?q=" + meant)
    expect(page.locator(".dir-search__status")).to_contain_text("找到")
    wanted = result_names(page)[:5]
    page.goto(serve + "/stats/")
    box(page).get_by_role("combobox").fill(typed)
    expect(box(page).locator(".dir-box__note")).to_contain_text("也按这些说法查找了：")
    expect(box(page).locator(".dir-box__records h1")).to_have_text(wanted)
    assert page.errors == []


@pytest.mark.parametrize(("typed", "first"), [("021-0518-1129", "安亭示例镇企业服务站"), ("+86 21 0518 1129", "安亭示例镇企业服务站"),
                                              ("52310104JWC2KYTFU4", "安亭示例镇企业服务站"), ("商标", "浦东知识产权公共服务中心"),
                                              ("資訊服務", "宝山钢铁资讯服务平台")])
def test_codes_phones_synonyms_and_traditional_text_find_their_record_first(page, serve, typed, first):
    page.goto(serve + "/")
    box(page).get_by_role("combobox").fill(typed)
    expect(box(page).locator(".dir-box__records h1").first).to_have_text(first)
    page.goto(serve + "/search/?q=" + quote(typed))
    expect(page.locator(".dir-search__results .dir-entry__name").first).to_have_text(first)


def test_widened_words_are_said_and_highlighted(page, serve):
    page.goto(serve + "/search/?q=商标")
    expect(page.locator(".dir-search__notes")).to_have_text("也按这些说法查找了（排在原词的结果之后）：商标→知识产权")
    expect(page.locator(".dir-search__results li").first.locator("mark").first).to_have_text("知识产权")


def test_no_result_offers_close_names_a_shorter_query_and_browsing(page, serve):
    page.goto(serve + "/search/?q=宝山纲铁资讯")
    expect(page.locator(".dir-search__fallback")).to_be_visible()
    expect(page.locator(".dir-search__names a").first).to_have_text("宝山钢铁资讯服务平台")
    page.goto(serve + "/search/?q=区块链")
    expect(page.locator(".dir-search__status")).to_have_text("没有找到符合条件的服务机构")
    expect(page.locator(".dir-search__names a")).to_have_count(3)
    suggestions = page.locator(".dir-search__suggestions")
    assert suggestions.get_by_role("link", name="按区域浏览").get_attribute("href") == "../#by-district"
    assert suggestions.get_by_role("link", name="按服务功能浏览").get_attribute("href") == "../#by-function"
    page.get_by_label("关键词").fill("检测 区块链")
    page.keyboard.press("Enter")
    expect(page.locator(".dir-search__fallback")).to_be_visible()
    page.locator(".dir-search__without a").click()
    expect(page.get_by_label("关键词")).to_have_value("检测")
    expect(page.locator(".dir-search__status")).to_have_text("找到 10 家服务机构")
    expect(page.locator(".dir-search__suggestions")).to_be_hidden()
    assert page.errors == []


def test_several_words_narrow_and_the_page_says_which(page, serve):
    page.goto(serve + "/search/?q=浦东")
    expect(page.locator(".dir-search__status")).to_have_text("找到 6 家服务机构")
    expect(page.locator(".dir-search__narrowed")).to_be_hidden()
    page.get_by_label("关键词").fill("浦东 检测")
    expect(page.locator(".dir-search__status")).to_have_text("找到 2 家服务机构")
    expect(page.locator(".dir-search__narrowed")).to_have_text("下面的机构同时包含全部关键词：浦东、检测")
    assert result_names(page) == ["浦东集成电路研发检测公共服务平台", "浦东生物医药研发服务平台"]
    expect(page.locator(".dir-search__fallback")).to_be_hidden()
    page.get_by_label("关键词").fill("检测 区块链")
    expect(page.locator(".dir-search__fallback")).to_be_visible()
    expect(page.locator(".dir-search__narrowed")).to_be_hidden()
