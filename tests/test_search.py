"""The search index and the browser's query code agree: tokens, expanded index, ranking and hostile queries."""

import datetime
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from generator.model import Model
from generator.plugin import LUNR_JS
from generator.search import build_lunr_index, build_result_list, build_search_index, dump_json, tokenize
from tests.support import SAMPLE as DIRECTORY

NODE_SCRIPT = Path(__file__).parent / "search_node.js"
SITE = Model(DIRECTORY, datetime.date(2026, 1, 1))


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    folder = tmp_path_factory.mktemp("search")
    (folder / "index.json").write_text(dump_json(build_search_index(SITE)), encoding="utf-8")
    (folder / "results.json").write_text(dump_json(build_result_list(SITE)), encoding="utf-8")
    return folder


def node(data: Path, mode: str, payload):
    assert shutil.which("node"), "没有找到 node：请运行 make test（会安装 nodejs）"
    result = subprocess.run(["node", str(NODE_SCRIPT), str(LUNR_JS), str(data / "index.json"), str(data / "results.json"), mode],
                            input=json.dumps(payload), capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def search(data, *queries):
    return node(data, "search", list(queries))


def test_tokenizer_splits_chinese_into_bigrams_and_keeps_latin_words():
    assert tokenize("知识产权 CNAS认可，9:00-17:00 Ｐｕｄｏｎｇ") == [
        "知识", "识产", "产权", "cnas", "认可", "9", "00", "17", "00", "pudong"]
    assert tokenize("税") == ["税"]
    assert tokenize("!!! ~ ^") == []


def test_python_and_javascript_tokenizers_agree(data):
    texts = [r.data["name"] for r in SITE.records] + [r.data.get("name_en", "") for r in SITE.records] + [
        r.data["disclosures"]["content"] for r in SITE.records] + ["Ｆｕｌｌ　ｗｉｄｔｈ ＡＢＣ１２３", "service@x.example.org", "é ß İ 𠀀 ㈱ ①"]
    assert node(data, "tokenize", texts) == [tokenize(t) for t in texts]


def test_browser_expansion_rebuilds_the_index_lunr_py_built(data):
    built = build_lunr_index(SITE).serialize()
    expanded = node(data, "expand", None)
    assert expanded["version"] == built["version"] == "2.3.9"
    assert expanded["fields"] == built["fields"] and expanded["pipeline"] == built["pipeline"] == []

    def canonical(serialized):
        terms = {posting["_index"]: term for term, posting in serialized["invertedIndex"]}
        postings = {term: {k: v for k, v in posting.items() if k != "_index"} for term, posting in serialized["invertedIndex"]}
        vectors = {}
        for ref, flat in serialized["fieldVectors"]:
            vectors[ref] = {terms[flat[i]]: flat[i + 1] for i in range(0, len(flat), 2)}
        return postings, vectors

    built_postings, built_vectors = canonical(built)
    expanded_postings, expanded_vectors = canonical(expanded)
    assert expanded_postings == built_postings
    assert expanded_vectors.keys() == built_vectors.keys()
    for ref, scores in built_vectors.items():
        assert expanded_vectors[ref].keys() == scores.keys()
        for term, score in scores.items():
            assert expanded_vectors[ref][term] == pytest.approx(score, abs=0.0011), (ref, term)


def test_every_full_name_ranks_its_institution_first(data):
    names = [r.data["name"] for r in SITE.records]
    results = search(data, *names)
    assert [r["order"][0] for r in results] == [r.id for r in SITE.records]


def test_every_english_name_ranks_its_institution_first(data):
    named = [r for r in SITE.records if r.data.get("name_en")]
    results = search(data, *(r.data["name_en"] for r in named))
    assert [r["order"][0] for r in results] == [r.id for r in named]


@pytest.mark.parametrize(
    "query, first, also",
    [
        ("知识产权", "pudong-ip-service", []),
        ("产权", "pudong-ip-service", ["pudong-biomedicine-platform"]),
        ("浦东", None, ["pudong-ic-testing", "pudong-sme-center", "pudong-software-center"]),
        ("浦东 生物医药", "pudong-biomedicine-platform", []),
        ("融资担保", "songjiang-credit-guarantee", []),
        ("检测", None, ["pudong-ic-testing", "xuhui-testing-center", "fengxian-quality-testing"]),
        ("CNAS", None, ["xuhui-testing-center", "jiading-auto-parts-testing"]),
        ("cna", None, ["xuhui-testing-center"]),
        ("Intellectual Property", "pudong-ip-service", []),
        ("pudong-ip-service.example.org", "pudong-ip-service", []),
        ("钢铁", "baoshan-steel-info", []),
        ("税", None, ["xuhui-legal-service"]),
        ("珠宝", "jewelry-design-platform", []),
    ],
)
def test_relevance(data, query, first, also):
    [result] = search(data, query)
    assert result["fallback"] is False
    if first:
        assert result["order"][0] == first
    assert set(also) <= set(result["order"])


def test_unpublished_records_are_not_in_the_index(data):
    results = json.loads((data / "results.json").read_text(encoding="utf-8"))
    ids = {doc[0] for doc in results["docs"]}
    assert ids == {r.id for r in SITE.records}
    assert not ids & {r.id for r in DIRECTORY.records if not r.published}


def test_and_with_no_hits_falls_back_to_or(data):
    [result] = search(data, "检测 区块链")
    assert result["fallback"] is True
    assert "pudong-ic-testing" in result["order"]


@pytest.mark.parametrize("query", [":", "~", "^", "+", "-", "9:00-17:00", "*", "检测~2", "name:检测", "+检测 -融资", "\\", "'\"",
                                   "检" * 5000, "a*b*c*", "🙂", "   "])
def test_hostile_query_text_never_throws(data, query):
    [result] = search(data, query)
    # Text with no searchable token gives no result set; anything else gives a list, however odd the text.
    assert (result is None) == (tokenize(query) == [])
    assert result is None or isinstance(result["order"], list)
