"""Accessibility: axe-core finds no serious or critical WCAG 2.1 AA violation, and search works by keyboard alone."""

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

AXE = Path(__file__).parent.parent / "node_modules" / "axe-core" / "axe.min.js"
PAGES = ["/", "/districts/pudong/", "/functions/financing/", "/institutions/songjiang-credit-guarantee/",
         "/search/?q=%E8%9E%8D%E8%B5%84", "/stats/", "/about/", "/demonstration/", "/changes/",
         "/institutions/pudong-ic-testing/", "/help/fields/", "/help/checks/",
         "/evaluations/2025/", "/bulletins/2025-q3/", "/institutions/jiading-sme-center/"]
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(page) -> list[dict]:
    assert AXE.exists(), "没有找到 axe-core：请运行 make test（它会用 npm ci 安装 package.json 中的测试工具）"
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS)
    return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]


def describe(violations) -> str:
    return json.dumps([{"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"][:5]]} for v in violations],
                      ensure_ascii=False, indent=1)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", PAGES)
def test_no_serious_or_critical_axe_violations(page, serve, path, scheme):
    page.emulate_media(color_scheme=scheme)
    page.goto(serve + path)
    if "q=" in path:
        expect(page.locator(".dir-search__results .dir-entry__name").first).to_be_visible()
    violations = axe_violations(page)
    assert violations == [], describe(violations)


def focused(page) -> dict:
    return page.evaluate("""() => { const e = document.activeElement;
        return {tag: e.tagName, id: e.id, name: e.name || '', text: (e.textContent || '').trim(), href: e.getAttribute('href') || ''}; }""")


def tab_until(page, predicate, limit: int = 80) -> dict:
    """Press Tab until the focused element satisfies predicate; fail if it never does."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        element = focused(page)
        if predicate(element):
            return element
    raise AssertionError(f"按 Tab {limit} 次仍未到达目标元素，最后停在 {element}")


def test_keyboard_only_walk_type_pick_a_facet_open_a_result(page, serve):
    """From page load, with the keyboard alone: reach the box, type, pick a district, open the first result."""
    page.goto(serve + "/search/")
    tab_until(page, lambda e: e["id"] == "dir-search-q")
    page.keyboard.type("服务")
    page.keyboard.press("Enter")
    expect(page.locator(".dir-search__results > li").first).to_be_visible()
    tab_until(page, lambda e: e["name"] == "district")
    page.keyboard.press("ArrowDown")  # a closed <select> moves to the next option: the first district in the list
    chosen = page.evaluate("document.activeElement.selectedOptions[0].textContent")
    expect(page).to_have_url(re.compile(r"district=\w+"))
    page.wait_for_function("""name => { const metas = [...document.querySelectorAll('.dir-search__results .dir-entry__meta')];
        return metas.length > 0 && metas.every(m => m.textContent.includes(name)); }""", arg=chosen)
    link = tab_until(page, lambda e: e["tag"] == "A" and "/institutions/" in e["href"])
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text(link["text"])
    assert page.errors == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_calendar_of_the_next_14_days_keeps_its_contrast_on_holidays(page, serve, scheme):
    page.emulate_media(color_scheme=scheme)
    page.clock.set_fixed_time("2026-09-28T10:00:00+08:00")  # the National Day holiday and a make-up working day ahead
    page.goto(serve + "/institutions/pudong-ic-testing/")
    expect(page.locator(".dir-hours__days .dir-hours__holiday").first).to_be_visible()
    expect(page.locator(".dir-hours__days .dir-hours__workday")).to_have_count(1)
    violations = axe_violations(page)
    assert violations == [], describe(violations)
