"""The taxonomy is edited by pull request like the records, so its text must be as inert: markup characters are
refused by `validate`, and what passes (Markdown, templates, entities, attribute lists) shows as itself on every page."""

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from generator.read.directory import load_directory
from tests.support import FIXTURES, ROOT, build, serving

TEXT_KEYS = {"title", "authority", "region", "description", "notice", "name", "label", "district_word", "area_word", "name_en"}
MARKUP = "<img src=x onerror=alert(1)>"
PAYLOAD = "{{ 7*7 }}[点我](javascript:alert(1)) *强调* `代码 {: onclick=alert(3) } ' onmouseover='alert(4) javascript:alert(5)"
INJECTED = "img[src='x'], svg[onload], iframe, a[href^='javascript'], [onclick], [onmouseover], [onerror]"  # anywhere in a page


def _taxonomy_with(folder, text):
    """Copy the valid fixture with `text` after every text of its taxonomy (and a region, description and notice)."""
    shutil.copytree(FIXTURES / "valid", folder)
    taxonomy = yaml.safe_load((folder / "taxonomy.yml").read_text(encoding="utf-8"))
    taxonomy["site"] |= {"region": "测试市", "description": "简介", "notice": "提示", "district_word": "区", "area_word": "全市"}

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                node[key] = value + text if key in TEXT_KEYS and isinstance(value, str) else walk(value)
        elif isinstance(node, list):
            return [walk(item) for item in node]
        return node

    walk(taxonomy)
    (folder / "taxonomy.yml").write_text(yaml.safe_dump(taxonomy, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return folder


def test_markup_in_any_text_of_the_taxonomy_is_refused_at_its_line_and_column(tmp_path):
    folder = _taxonomy_with(tmp_path / "directory", MARKUP)
    text = (folder / "taxonomy.yml").read_text(encoding="utf-8")
    expected = text.count(MARKUP)
    _, problems = load_directory(folder)
    refused = [p for p in problems if p.code == "markup-character"]
    assert len(refused) == expected > 20
    lines = text.splitlines()
    for problem in refused:
        assert MARKUP in lines[problem.line - 1][problem.column - 1:], problem
        assert problem.message.endswith("含有网页标记字符 <")
    result = subprocess.run([sys.executable, "-m", "generator", "validate", "--directory", str(folder)], cwd=ROOT,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 1
    assert f"{folder / 'taxonomy.yml'}:2:" in result.stderr or "taxonomy.yml:" in result.stderr


@pytest.fixture(scope="module")
def payload_site(tmp_path_factory):
    folder = _taxonomy_with(tmp_path_factory.mktemp("taxonomy") / "directory", PAYLOAD)
    _, problems = load_directory(folder)
    assert [p for p in problems if p.severity == "error"] == []
    return build(folder, tmp_path_factory.mktemp("taxonomy-site") / "site")


def test_taxonomy_text_shows_as_itself_and_runs_nothing_on_any_page(browser, payload_site):
    dialogs = []
    context = browser.new_context()
    page = context.new_page()
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    paths = sorted(p.relative_to(payload_site).parent.as_posix() for p in payload_site.rglob("index.html"))
    assert {"about", "editing", "districts/pudong", "functions/quality", "institutions/test-center"} <= set(paths)
    with serving(payload_site) as url:
        for path in paths:
            page.goto(f"{url}/{'' if path == '.' else path + '/'}")
            assert page.locator(INJECTED).count() == 0, path
            assert page.locator("article script:not([src]):not([type='application/ld+json'])").count() == 0, path
            page.hover("body")
        page.goto(f"{url}/about/")
        shown = page.locator("body").inner_text()
        for text in ("测试名录" + PAYLOAD, "提示" + PAYLOAD, "市级" + PAYLOAD, "服务标准" + PAYLOAD):
            assert text in shown, text
        assert page.title().endswith("测试名录" + PAYLOAD)
        page.goto(f"{url}/districts/pudong/")
        assert page.locator("h1").inner_text() == "浦东新区" + PAYLOAD
        assert page.locator("meta[name=description]").get_attribute("content") == "简介" + PAYLOAD
    time.sleep(0.5)
    assert dialogs == []
    context.close()


def test_taxonomy_text_stays_text_in_the_catalogue(payload_site):
    text = subprocess.run(["pdftotext", str(payload_site / "downloads" / "catalogue.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "{{ 7*7 }}[点我](javascript:alert(1))" in text.replace("\n", "")


@pytest.mark.parametrize("escape", ["\\x7f", "\\x85", "\\x9b", "\\x00", "\\x1b", "\\ufffe", "\\U0010ffff", "\\ufdd0"])
@pytest.mark.parametrize("file", ["pudong/test-center.yml", "taxonomy.yml"])
def test_control_characters_are_refused_at_their_line_and_column_in_records_and_the_taxonomy(tmp_path, escape, file):
    folder = tmp_path / "directory"
    shutil.copytree(FIXTURES / "valid", folder)
    old = "name: 测试检测中心" if file != "taxonomy.yml" else "name: 浦东新区"
    path = folder / file
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(old, f'name: "测试{escape}中心"'), encoding="utf-8")
    line = text[:text.index(old)].count("\n") + 1
    column = text.splitlines()[line - 1].index("name:") + 1 + len("name: ")
    _, problems = load_directory(folder)
    [problem] = [p for p in problems if p.code == "control-character"]
    code = ord(escape.encode().decode("unicode_escape"))
    assert (Path(problem.path).resolve(), problem.line, problem.column) == (path.resolve(), line, column)
    assert problem.message.endswith(f"含有控制字符 U+{code:04X}")
