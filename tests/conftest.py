import shutil
import signal
from pathlib import Path

import pytest

from tests.support import FIXTURES, ROOT, build, commit, git, serving


@pytest.fixture
def valid_dir(tmp_path) -> Path:
    """A copy of the small valid directory, safe to modify."""
    target = tmp_path / "directory"
    shutil.copytree(FIXTURES / "valid", target)
    return target


@pytest.fixture
def repo(tmp_path) -> Path:
    """A git repository whose directory/ is a copy of the small valid directory, committed once ("base")."""
    root = tmp_path / "repo"
    shutil.copytree(FIXTURES / "valid", root / "directory")
    git(root, "init", "-q", "-b", "main")
    commit(root, "base")
    return root


@pytest.fixture
def target(tmp_path) -> Path:
    """An empty directory with the sample's taxonomy: where imports and `new` write."""
    root = tmp_path / "directory"
    root.mkdir()
    shutil.copy(ROOT / "directory" / "taxonomy.yml", root / "taxonomy.yml")
    return root


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory) -> Path:
    """The sample directory built once, with a fixed SOURCE_DATE_EPOCH (2026-01-01)."""
    return build(ROOT / "directory", tmp_path_factory.mktemp("sample") / "site")


@pytest.fixture(scope="session")
def serve(sample_site):
    """The built sample site served for the browser tests; yields the base URL."""
    with serving(sample_site) as url:
        yield url


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium driven by Playwright; it must be installed (make test installs it)."""
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "没有找到 /usr/bin/chromium：请运行 make test（会安装 chromium），或 apt-get install chromium"
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    """A fresh page that records console errors and failed requests in page.errors (a load the browser itself abandons
    because the page is left, net::ERR_ABORTED, is no failure: nobody sees it)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.errors = []
    page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.on("requestfailed", lambda r: r.failure != "net::ERR_ABORTED" and page.errors.append(f"failed: {r.url}"))
    yield page
    context.close()


@pytest.fixture(autouse=True)
def _sigpipe_ignored():
    """main() restores SIGPIPE's default (for `… | head`); a test that calls it in-process must not leave the whole test
    process to die when a local server writes to a client that hung up."""
    yield
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_IGN)
