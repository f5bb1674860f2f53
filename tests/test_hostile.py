"""Hostile but schema-valid records, random input to the validator, and interrupted builds."""

import os
import signal
import subprocess
import sys
import time
from urllib.parse import quote

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from playwright.sync_api import expect

from generator.kinds import Context
from generator.read.directory import load_directory
from generator.read.load import parse_yaml
from generator.schema import FIXED_CHOICES, RECORD
from tests.support import FIXTURES, ROOT, build, serving

INJECTED = "img[src='x'], svg[onload], iframe, a[href^='javascript'], script:not([src]):not([type='application/ld+json'])"


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    return build(FIXTURES / "hostile", tmp_path_factory.mktemp("hostile") / "site")


@pytest.fixture(scope="module")
def hostile_url(hostile_site):
    with serving(hostile_site) as url:
        yield url


def test_hostile_records_are_schema_valid():
    directory, problems = load_directory(FIXTURES / "hostile")
    assert [p for p in problems if p.severity == "error"] == []
    assert len(directory.published) == 2


def test_no_page_or_search_result_runs_or_injects_anything(browser, hostile_site, hostile_url):
    dialogs = []
    context = browser.new_context()
    page = context.new_page()
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    pages = sorted(p.relative_to(hostile_site).parent.as_posix() for p in hostile_site.rglob("index.html"))
    assert "institutions/script-name" in pages
    for path in pages:
        page.goto(f"{hostile_url}/{'' if path == '.' else path + '/'}")
        assert page.locator("article " + INJECTED.replace(", ", ", article ")).count() == 0, path
    for query in ["script", "检测", "img onerror", "长文本", "免费"]:
        page.goto(f"{hostile_url}/search/?q={quote(query)}")
        expect(page.locator(".dir-search__status")).not_to_have_text("正在搜索…")
        assert page.locator(".dir-search " + INJECTED.replace(", ", ", .dir-search ")).count() == 0, query
    page.goto(f"{hostile_url}/institutions/script-name/")
    expect(page.locator("h1")).to_have_text("<script>alert('name')</script>检测中心")
    shown = page.locator("article").inner_text()
    for text in ["<iframe src=javascript:alert('iframe')></iframe>", "{% raw %}{{ config }}{% endraw %} ${7*7}",
                 "</title></textarea></script><script>alert('close')</script>", "[点我](javascript:alert('md'))", "{{ 7*7 }}老师"]:
        assert text in shown, text
    time.sleep(0.5)
    assert dialogs == []
    context.close()


def test_text_in_no_chinese_font_is_set_in_a_fallback_font_whose_glyphs_are_all_embedded(hostile_site):
    from tests.test_catalogue import missing_outlines

    path = hostile_site / "downloads" / "catalogue.pdf"
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert "DejaVu-Sans" in fonts and "CID TrueType" in fonts  # the fixture's Arabic, emoji or symbols
    missing, count = missing_outlines(path)
    assert missing == [] and count == 4


def test_hostile_text_stays_text_in_the_exports_and_the_catalogue(hostile_site):
    csv_text = (hostile_site / "downloads" / "directory.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in csv_text
    text = subprocess.run(["pdftotext", str(hostile_site / "downloads" / "catalogue.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "<script>alert('name')</script>" in text.replace("\n", "")


SCALARS = st.one_of(st.text(max_size=40), st.integers(), st.floats(allow_nan=False), st.booleans(), st.none(), st.dates())
STRUCTURES = st.recursive(SCALARS, lambda children: st.lists(children, max_size=4) | st.dictionaries(
    st.sampled_from([*RECORD.fields, "contacts", "phone", "level", "x", "<<"]) | st.text(max_size=8), children, max_size=6),
    max_leaves=25)
CHOICES = FIXED_CHOICES | {key: {"a": "甲"} for key in ("districts", "tiers", "functions", "industries", "demonstration_levels",
                                                         "evaluation_grades")}


def _located(problems):
    for problem in problems:
        assert problem.line >= 1 and problem.column >= 1 and problem.message and problem.code


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_arbitrary_text_is_valid_or_located_problems(text):
    root, problems = parse_yaml("x.yml", text)
    _located(problems)
    if root is not None and not problems:
        context = Context("x.yml", dict(CHOICES))
        RECORD.convert(root, (), context)
        _located(context.problems)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(STRUCTURES)
def test_arbitrary_structures_are_valid_or_located_problems(value):
    text = yaml.safe_dump(value, allow_unicode=True)
    root, problems = parse_yaml("x.yml", text)
    _located(problems)
    if root is not None:
        context = Context("x.yml", dict(CHOICES))
        RECORD.convert(root, (), context)
        _located(context.problems)


def test_a_killed_build_leaves_the_previous_site_intact(tmp_path):
    from benchmarks.synth import write_directory

    directory = write_directory(800, tmp_path / "directory")
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("previous", encoding="utf-8")
    process = subprocess.Popen([sys.executable, "-m", "generator", "build", "--no-catalogue", "--directory", str(directory),
                                "--site-dir", str(site)], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               start_new_session=True)
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob(".site-new-*/institutions")) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert process.poll() is None, "the build ended before it could be interrupted"
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert (site / "index.html").read_text(encoding="utf-8") == "previous"
    assert [p.name for p in site.iterdir()] == ["index.html"]
    result = subprocess.run([sys.executable, "-m", "generator", "build", "--no-catalogue", "--directory", str(directory),
                             "--site-dir", str(site)], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert (site / "institutions").is_dir()
    assert not list(tmp_path.glob(".site-*")), "a rerun removes what the killed build left behind"


def test_json_ld_cannot_be_closed_by_record_text(hostile_site):
    import json
    import re

    html = (hostile_site / "institutions" / "script-name" / "index.html").read_text(encoding="utf-8")
    [block] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL)
    assert "<" not in block
    assert json.loads(block)["name"] == "<script>alert('name')</script>检测中心"
