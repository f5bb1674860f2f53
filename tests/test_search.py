"""The split search index and the browser's query code: tokens, lunr.py's weights, the same top 10 as lunr.py's full
index (in both the sample's sizes and tiny ones that send every query through the common lists and record files),
facets and counts, what a query fetches, and hostile text."""

import datetime
import json
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from lunr.query import Query, QueryPresence

from generator.model.model import Model, load_model
from generator.write.search import Postings, build_lunr_index, compact_name, fnv1a, pack, tokenize, write_search_files
from tests.support import SAMPLE as DIRECTORY

NODE_SCRIPT = Path(__file__).parent / "search_node.js"
SITE = Model(DIRECTORY, datetime.date(2026, 1, 1))
IDS = [r.id for r in SITE.records]
RELEVANCE = [
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
]
MORE = ["检测 区块链", "服务", "中心 服", "s", "se", "platform 浦", "上海 融资 培训", "闸北", "创业 孵化 园区"]


@pytest.fixture(scope="module", params=["sample sizes", "tiny sizes"])
def data(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp("search")
    sizes = {} if request.param == "sample sizes" else {"common_over": 2, "shard_size": 40}
    write_search_files(SITE, folder, **sizes)
    return folder


def node(data: Path, mode: str, payload):
    assert shutil.which("node"), "没有找到 node：请运行 make test（会安装 nodejs）"
    result = subprocess.run(["node", str(NODE_SCRIPT), str(data), mode], input=json.dumps(payload), capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def search(data, *queries):
    return node(data, "search", list(queries))["result"]


def lunr_order(index, text: str) -> list[str] | None:
    """The ranking lunr.py's full index gives, queried as the page queried lunr.js: every token required (any, when
    none has them all), lone characters as *字*, Latin words as prefixes, a full name first; ties in pinyin order."""
    tokens = list(dict.fromkeys(tokenize(text[:200])))[:32]
    if not tokens:
        return None

    def run(presence):
        query = index.create_query()
        for token in tokens:
            wildcard = Query.WILDCARD_NONE
            if not token.isascii() and len(token) == 1:
                wildcard = Query.WILDCARD_LEADING | Query.WILDCARD_TRAILING
            elif token.isascii() and len(token) >= 2:
                wildcard = Query.WILDCARD_TRAILING
            query.term(token, use_pipeline=False, wildcard=wildcard, presence=presence)
        return index.query(query)

    results = run(QueryPresence.REQUIRED)
    if not results and len(tokens) > 1:
        results = run(QueryPresence.OPTIONAL)
    order = [IDS[int(r["ref"], 16)] for r in sorted(results, key=lambda r: (-round(r["score"], 9), int(r["ref"], 16)))]
    named = {r.id for r in SITE.records if compact_name(r.data["name"]) == compact_name(text)}
    return [i for i in order if i in named] + [i for i in order if i not in named]


def test_tokenizer_splits_chinese_into_bigrams_and_keeps_latin_words():
    assert tokenize("知识产权 CNAS认可，9:00-17:00 Ｐｕｄｏｎｇ") == [
        "知识", "识产", "产权", "cnas", "认可", "9", "00", "17", "00", "pudong"]
    assert tokenize("税") == ["税"]
    assert tokenize("!!! ~ ^") == []


def test_python_and_javascript_tokenizers_and_hashes_agree(data):
    texts = [r.data["name"] for r in SITE.records] + [r.data.get("name_en", "") for r in SITE.records] + [
        r.data["disclosures"]["content"] for r in SITE.records] + ["Ｆｕｌｌ　ｗｉｄｔｈ ＡＢＣ１２３", "service@x.example.org",
                                                                   "é ß İ 𠀀 ㈱ ①"]
    assert node(data, "tokenize", texts)["result"] == [tokenize(t) for t in texts]
    keys = ["知识", "税", "cn", "=上海浦东知识产权服务中心", "㈱"]
    script = "const c=require(process.argv[1]);console.log(JSON.stringify(process.argv.slice(2).map(c.fnv1a)))"
    core = str(Path(__file__).parent.parent / "generator" / "write" / "assets" / "search-core.js")
    out = subprocess.run(["node", "-e", script, core, *keys], capture_output=True, text=True, check=True).stdout
    assert json.loads(out) == [fnv1a(k) for k in keys]


def test_packed_lists_read_back_in_the_browser():
    values = [0, 1, -1, 31, 32, -999, 1023, 1024, -1999, 65535, 10**9, -(10**9), *range(-40, 40)]
    script = "const c=require(process.argv[1]);console.log(JSON.stringify(c.unpack(process.argv[2])))"
    core = str(Path(__file__).parent.parent / "generator" / "write" / "assets" / "search-core.js")
    out = subprocess.run(["node", "-e", script, core, pack(values)], capture_output=True, text=True, check=True).stdout
    assert json.loads(out) == values
    small = [-(1 << 15), (1 << 15) - 1, -513, -512, 0, 1, 511, 512, 1023, 1024, 32767 - 1, *range(-40, 40)]  # from the table
    out = subprocess.run(["node", "-e", script, core, pack(small)], capture_output=True, text=True, check=True).stdout
    assert json.loads(out) == small and pack([]) == ""
    assert len(pack([3, -1002] * 100)) < len(json.dumps([3, -1002] * 100)) / 2


def test_weights_are_the_ones_lunr_py_computes():
    built = build_lunr_index(SITE)
    postings = Postings(SITE)
    terms = {posting["_index"]: term for term, posting in built.inverted_index.items()}
    expected = {}
    for field_ref, vector in built.field_vectors.items():
        ref = field_ref.split("/")[1]
        elements = vector.elements
        for i in range(0, len(elements), 2):
            key = (terms[elements[i]], int(ref, 16))
            expected[key] = expected.get(key, 0) + round(elements[i + 1] * 1000)
    mine = {}
    for term, values in postings.terms.items():
        for i in range(0, len(values), 2):
            norms = postings.norms(values[i])
            mine[term, values[i]] = postings.weight(term, values[i + 1], norms)
    assert mine == expected
    lone = {(c, values[i]): values[i + 1] for c, values in postings.lone.items() for i in range(0, len(values), 2)}
    assert lone[("税", IDS.index("xuhui-legal-service"))] == sum(
        w for (term, doc), w in expected.items() if "税" in term and doc == IDS.index("xuhui-legal-service"))
    summed = Counter()  # every character's weight in every record: the sum over the Chinese terms holding it
    for (term, doc), w in expected.items():
        for character in set(term) if not term.isascii() else ():
            summed[character, doc] += w
    assert lone == summed


@pytest.mark.parametrize("query", [q for q, _, _ in RELEVANCE] + MORE)
def test_top_ten_is_lunr_py_s_top_ten(data, query):
    expected = lunr_order(build_lunr_index(SITE), query)
    [found] = search(data, query)
    assert found["order"][:10] == expected[:10]
    assert sorted(found["order"]) == sorted(expected)


def test_every_full_name_ranks_its_institution_first(data):
    names = [r.data["name"] for r in SITE.records]
    assert [r["order"][0] for r in search(data, *names)] == IDS


def test_the_exact_name_is_looked_up_whatever_spaces_the_query_has(data):
    """A name's `=name` entry is found with a space typed inside the word whose shard holds it (so the query lacks
    that word), and the name still ranks first."""
    holder = {key: f"t/{path.name}" for path in data.glob("t/*.json") for key in json.loads(path.read_text()) if key[0] == "="}
    words = json.loads((data / "words.json").read_text(encoding="utf-8"))
    listed = {words["terms"][i : i + 2] for i in range(0, len(words["terms"]), 2)} | set(words["characters"])
    ids, spaced = [], []
    for record in SITE.records:
        name, tokens = record.data["name"], tokenize(record.data["name"])
        first = next((token for token in tokens if token not in listed), tokens[0])
        if len(first) == 2 and not first.isascii() and first in name:
            ids.append(record.id)
            spaced.append(name.replace(first, first[0] + " " + first[1], 1))
    assert len(ids) > 20
    for query in spaced[:12]:
        assert holder["=" + compact_name(query)] in node(data, "search", [query])["files"]
    assert [r["order"][0] for r in search(data, *spaced)] == ids


def test_every_english_name_ranks_its_institution_first(data):
    named = [r for r in SITE.records if r.data.get("name_en")]
    results = search(data, *(r.data["name_en"] for r in named))
    assert [r["order"][0] for r in results] == [r.id for r in named]


@pytest.mark.parametrize("query, first, also", RELEVANCE)
def test_relevance(data, query, first, also):
    [result] = search(data, query)
    assert result["fallback"] is False
    if first:
        assert result["order"][0] == first
    assert set(also) <= set(result["order"])


def test_a_full_name_fetches_a_few_files_not_the_index(data):
    """A name's common words are found in words.json: only its rarer words' shards are fetched."""
    name = SITE.records[5].data["name"]
    files = node(data, "answer", [[{"q": name}, 50]])["files"]
    words = json.loads((data / "words.json").read_text(encoding="utf-8"))
    listed = {words["terms"][i : i + 2] for i in range(0, len(words["terms"]), 2)} | set(words["characters"])
    shards = json.loads((data / "manifest.json").read_text())["shards"]
    rare, common = ({f"t/{fnv1a(t) % shards}.json" for t in tokenize(name) if (t in listed) is kind} for kind in (False, True))
    assert files[:2] == ["manifest.json", "words.json"] and rare <= set(files) and any(f.startswith("d/") for f in files)
    assert not (common - rare) & set(files)
    assert len(files) == len(set(files)) < len(list(data.rglob("*.json"))) / 3


SAMPLE_POSTINGS = Postings(SITE)


def _narrow(text: str) -> bool:
    """Whether some word of the text is in at most two records (so the tiny sizes keep its list in a shard)."""
    return any(len(SAMPLE_POSTINGS.terms.get(t, [])) // 2 <= 2 for t in tokenize(text))


@pytest.mark.parametrize("query",
                         [q for q in [r.data["name"] for r in SITE.records[:12]] + ["浦东 生物医药 中心", "钢铁 服务"] if _narrow(q)])
def test_record_files_rank_as_the_long_lists_do(tmp_path, query):
    """With every word but the rarest common, the candidates' record files replace the common terms' lists."""
    write_search_files(SITE, tmp_path, common_over=2, shard_size=40)
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    manifest["cost"] = [0.001, 1000]
    (tmp_path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    answer = node(tmp_path, "search", [query])
    assert answer["result"][0]["order"][:10] == lunr_order(build_lunr_index(SITE), query)[:10]
    assert any(f.startswith("d/") for f in answer["files"]) and not any(f.startswith(("c/", "l/")) for f in answer["files"])


def test_unpublished_records_are_not_in_the_index(data):
    rows = [entry[0] for path in sorted(data.glob("d/*.json")) for entry in json.loads(path.read_text(encoding="utf-8"))]
    assert {row[0] for row in rows} == set(IDS) and len(rows) == len(IDS)
    assert not set(IDS) & {r.id for r in DIRECTORY.records if not r.published}


def test_facets_and_counts_are_exact(data):
    records = SITE.records
    states = [({}, len(records)), ({"district": "pudong"}, None), ({"function": "financing", "free": "1"}, None),
              ({"q": "服务", "tier": "district"}, None), ({"q": "检测", "industry": "electronics"}, None),
              ({"level": "national"}, None), ({"district": "no-such-district"}, 0)]
    answers = node(data, "answer", [[state, 5] for state, _ in states])["result"]

    def wanted(record, state):
        data_ = record.data
        badge = SITE.badges[record.id]
        return (state.get("district", data_["district"]) == data_["district"]
                and (not state.get("function") or state["function"] in data_["functions"])
                and state.get("tier", data_["tier"]) == data_["tier"]
                and (not state.get("level") or (badge and badge["level"] == state["level"]))
                and (not state.get("industry") or state["industry"] in data_.get("industries", []))
                and (not state.get("free") or SITE.free(record)))

    index = build_lunr_index(SITE)
    for (state, count), answer in zip(states, answers):
        order = lunr_order(index, state["q"]) if state.get("q") else IDS
        hits = [i for i in order if wanted(records[IDS.index(i)], state)]
        assert answer["total"] == len(hits) == (count if count is not None else len(hits)), state
        assert answer["items"] == hits[:5], state
    assert any(a["total"] for a in answers[1:6]) and answers[0]["total"] == 64


def test_and_with_no_hits_falls_back_to_or(data):
    [result] = search(data, "检测 区块链")
    assert result["fallback"] is True
    assert "pudong-ic-testing" in result["order"]


@pytest.mark.parametrize("query", [":", "~", "^", "+", "-", "9:00-17:00", "*", "检测~2", "name:检测", "+检测 -融资", "\\", "'\"",
                                   "检" * 5000, "a*b*c*", "🙂", "   ", "=上海", "__proto__", "constructor", "hasOwnProperty"])
def test_hostile_query_text_never_throws(data, query):
    [result] = search(data, query)
    # Text with no searchable token gives no result set; anything else gives a list, however odd the text.
    assert (result is None) == (tokenize(query) == [])
    assert result is None or isinstance(result["order"], list)


def test_characters_sums_kept_in_the_cache_are_the_ones_computed_afresh(tmp_path):
    """After a change, the sums kept from the last build (the names' average moved, a word's frequency moved, a record
    went) are used only where they are what a build without the cache computes."""
    from benchmarks.synth import write_directory

    directory = write_directory(200, tmp_path / "directory")

    def postings(cache=tmp_path / "cache"):
        return Postings(load_model(directory, cache=cache)[0])

    def edit_name(record, prefix):
        path = directory / record.folder / f"{record.id}.yml"
        path.write_text(path.read_text(encoding="utf-8").replace("\nname: ", f"\nname: {prefix}", 1), encoding="utf-8")

    first = postings()
    assert first.computed == 2 * first.count
    model = load_model(directory)[0]
    edit_name(model.records[0], "改")
    second = postings()
    assert second.lone == postings(None).lone
    assert second.count <= second.computed < second.count + 10  # every name's sums, almost no body's
    rare = next(term for term, values in second.terms.items() if len(term) == 2 and term >= "\u4e00" and len(values) == 2
                and values[0] > second.count // 2 and values[1] < 1000)  # in one record's body, far from the one edited
    edit_name(model.records[0], rare)
    third = postings()
    assert third.lone == postings(None).lone  # the record holding `rare` was computed again: its frequency moved
    assert third.computed < third.count + 10
    (directory / model.records[-1].folder / f"{model.records[-1].id}.yml").unlink()
    fourth = postings()
    assert fourth.lone == postings(None).lone and fourth.computed == 2 * fourth.count
