"""What the search page fetches in chromium: the manifest and the results on screen before typing, then only the
shards of the words typed (prefetched while typing), never the whole index."""

from urllib.parse import quote, urlsplit

from playwright.sync_api import expect

from tests.support import SAMPLE


def test_the_page_fetches_by_need(page, serve, sample_site):
    fetched = []
    page.on("request", lambda request: fetched.append(urlsplit(request.url).path))

    def index_files():
        return [path.removeprefix("/search/") for path in fetched if path.startswith("/search/") and path.endswith(".json")]

    page.goto(serve + "/search/")
    expect(page.locator(".dir-search__status")).to_have_text("找到 64 家服务机构")
    assert index_files()[0] == "manifest.json"
    assert {path.split("/")[0] for path in index_files()} == {"manifest.json", "d"}
    name = next(r.data["name"] for r in SAMPLE.records if r.id == "songjiang-credit-guarantee")
    before = len(index_files())
    page.locator("#dir-search-q").focus()
    page.locator("#dir-search-q").press_sequentially(name, delay=5)
    expect(page.locator(".dir-search__results .dir-entry__name").first).to_have_text(name)
    typed = index_files()[before:]
    # Partial names are widened by the thesaurus (中小企业 → 小微企业 …): ranking those matches may read a lengths file.
    assert typed and {path.split("/")[0] for path in typed} <= {"words.json", "t", "d", "l"}
    every = [p for p in (sample_site / "search").rglob("*.json") if p.name != "search_index.json"]
    assert len(set(index_files())) < len(every) / 2
    # The feed link is not taken for a language version: no page view downloads the sitemap (megabytes at 100,000).
    assert "/sitemap.xml" not in fetched and 'rel="alternate feed"' in page.content()


def test_one_worker_started_before_the_theme(page, serve):
    """The worker starts in <head>, before the theme's styles, and the page's script takes it over (not a second one)."""
    name = next(r.data["name"] for r in SAMPLE.records if r.id == "songjiang-credit-guarantee")
    page.goto(serve + "/search/?q=" + quote(name))
    expect(page.locator(".dir-search__results .dir-entry__name").first).to_have_text(name)
    assert len(page.workers) == 1
    html = page.content()
    assert html.index("new Worker(") < html.index('rel="stylesheet"')
