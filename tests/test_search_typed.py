"""What people type besides the bureau's words, run through the browser's find under node: pinyin, synonyms,
traditional characters, exact look-ups, several words, no result. Widened matches come after the literal ones, which
keep lunr.py's order (tests/test_search.py)."""

import datetime
import json

import pytest

from generator.model.model import Model
from generator.write.expansions import lookup_key, readings, record_lookups, syllables, thesaurus, traditional_table
from generator.write.search import write_search_files
from tests.support import SAMPLE
from tests.test_search import node

SITE = Model(SAMPLE, datetime.date(2026, 1, 1))
IDS = [r.id for r in SITE.records]


@pytest.fixture(scope="module", params=["sample sizes", "tiny sizes"])
def data(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp("typed")
    sizes = {} if request.param == "sample sizes" else {"common_over": 2, "shard_size": 40}
    write_search_files(SITE, folder, **sizes)
    return folder


def find(data, *queries):
    return node(data, "find", list(queries))["result"]


def literal(data, query):
    [result] = node(data, "search", [query])["result"]
    return result["order"]


def test_full_pinyin_with_or_without_spaces_finds_what_the_chinese_word_finds(data):
    jiance, spaced, chinese = find(data, "jiance", "jian ce", "检测")
    assert jiance["order"] == spaced["order"] == literal(data, "检测") == chinese["order"][:chinese["literal"]]
    assert jiance["literal"] == 0 and jiance["notes"] == ["jiance→检测"]
    [peixun] = find(data, "peixun")
    assert peixun["order"][: len(literal(data, "培训"))] == literal(data, "培训")


def test_initials_and_run_together_pinyin_find_a_function(data):
    initials, full = find(data, "jscx", "jishuchuangxin")
    assert initials["order"] == literal(data, "技术创新")
    assert full["order"] == literal(data, "技术创新")
    assert initials["order"][0] == "qingpu-bio-service"


def test_pinyin_of_two_words_narrows_like_the_chinese_words(data):
    [both] = find(data, "pudong jiance")
    assert both["order"] == literal(data, "浦东 检测") == ["pudong-ic-testing", "pudong-biomedicine-platform"]


def test_district_names_are_read_as_their_ids_spell_them():
    fixed = readings(SITE)
    assert fixed["闵行"] == ["min", "hang"] and fixed["长宁"] == ["chang", "ning"]
    assert syllables("闵行区技术中心", fixed) == ["min", "hang", "qu", "ji", "shu", "zhong", "xin"]


def test_a_chinese_match_ranks_above_a_pinyin_one(data):
    """minhang is also a Latin word of English names: those literal matches come first, then 闵行's."""
    [minhang] = find(data, "minhang")
    latin = literal(data, "minhang")
    assert latin and minhang["order"][: len(latin)] == latin and minhang["literal"] == len(latin)
    assert set(minhang["order"]) == set(latin) | set(literal(data, "闵行"))
    assert json.loads((data / "p" / "mi.json").read_text(encoding="utf-8"))["minhang"][0] == "闵行"


def test_a_synonym_finds_the_bureau_s_word_ranked_below_the_literal_word(data):
    [trademark] = find(data, "商标")
    assert trademark["order"][0] == "pudong-ip-service" and "商标→知识产权" in trademark["notes"]
    [credit] = find(data, "信贷")
    assert credit["order"][: len(literal(data, "融资"))] == literal(data, "融资")
    [testing] = find(data, "检验")
    own = literal(data, "检验")
    assert testing["order"][: len(own)] == own and testing["literal"] == len(own)
    widened = set().union(*(literal(data, word) for word in ("检测", "测试", "化验", "检定")))
    assert set(testing["order"][len(own):]) == widened - set(own)
    assert "检测" in testing["marks"]


def test_the_thesaurus_has_sixty_groups_covering_every_function_and_industry():
    groups = SITE.taxonomy.thesaurus
    assert len(groups) >= 60
    words = {word for group in thesaurus(SITE) for word in group}
    assert {f["name"] for f in SITE.taxonomy.functions} <= words
    assert {i["name"] for i in SITE.taxonomy.industries} <= words


def test_traditional_characters_are_folded_and_the_table_is_fetched_only_for_them(data):
    traditional, simplified = node(data, "find", ["檢驗"])["result"][0], node(data, "find", ["检验"])["result"][0]
    assert traditional["order"] == simplified["order"] and "檢驗→检验" in traditional["notes"]
    [info] = find(data, "資訊服務")
    assert info["order"][0] == "baoshan-steel-info"
    assert "t2s.json" in node(data, "find", ["檢驗"])["files"]
    assert "t2s.json" not in node(data, "find", ["检验", "浦东 检测", "jiance"])["files"]


def test_the_fold_table_comes_from_opencc_and_leaves_the_directory_s_own_characters_alone():
    table = traditional_table(set())
    assert table["檢"] == "检" and table["資"] == "资" and table["衛"] == "卫" and len(table) > 3000
    assert "检" not in table and "乾" not in traditional_table({"乾"})


@pytest.mark.parametrize("query", ["021-0518-1129", "02105181129", "0518 1129", "+86 21 0518 1129", "(021) 05181129",
                                   "52310104JWC2KYTFU4", "52310104jwc2kytfu4", "anting-town-station"])
def test_a_phone_credit_code_or_id_returns_its_record_first(data, query):
    [found] = find(data, query)
    assert found["order"][0] == "anting-town-station"


def test_a_postal_code_and_a_former_id_find_their_records(data):
    postal = {r.id for r in SITE.records if r.data.get("postal_code") == "206024"}
    [found] = find(data, "206024")
    assert set(found["order"][: len(postal)]) == postal
    [former] = find(data, "pudong-ic-testing-platform")
    assert former["order"][0] == "pudong-ic-testing"


def test_look_up_keys_of_a_record():
    record = SITE.records[IDS.index("anting-town-station")]
    assert record_lookups(SITE, record) == {"206024", "02105181129", "05181129", "52310104jwc2kytfu4", "antingtownstation"}
    assert lookup_key("+86 138 0000 1234") == "13800001234" and lookup_key("+86-21-5555-0000") == "02155550000"


def test_former_district_names_find_the_current_district(data):
    luwan, zhabei = find(data, "卢湾", "闸北区")
    huangpu = {r.id for r in SITE.records if r.data["district"] == "huangpu"}
    assert set(luwan["order"]) == huangpu and luwan["notes"] == ["卢湾现属黄浦"]
    jingan = [r.id for r in SITE.records if r.data["district"] == "jingan"]
    assert zhabei["order"] == literal(data, "静安区") and set(zhabei["order"]) == set(jingan) and zhabei["notes"] == ["闸北区现属静安区"]


def test_several_words_narrow_and_fall_back_to_any_word_only_when_none_has_all(data):
    one, two, none = node(data, "answer", [[{"q": "浦东"}, 50], [{"q": "浦东 检测"}, 50], [{"q": "检测 区块链"}, 50]])["result"]
    assert two["total"] < one["total"] and set(two["items"]) <= set(one["items"]) and two["fallback"] is False
    assert two["items"] == ["pudong-ic-testing", "pudong-biomedicine-platform"]
    assert none["fallback"] is True and none["items"][:1] == literal(data, "检测")[:1]


def test_no_result_suggests_close_names_and_the_query_without_its_rarest_word(data):
    nothing, some, typo = node(data, "answer", [[{"q": "区块链"}, 5], [{"q": "检测 区块链"}, 5], [{"q": "宝山纲铁资讯"}, 5]])["result"]
    assert nothing["total"] == 0 and len(nothing["suggestions"]["names"]) == 3
    assert some["suggestions"]["without"] == "检测"
    assert typo["suggestions"]["names"][0] == "宝山钢铁资讯服务平台"
    [plenty] = node(data, "answer", [[{"q": "检测"}, 5]])["result"]
    assert plenty["suggestions"] is None


@pytest.mark.parametrize(("typed", "first"),
                         [("bsgtzxfwpt", "baoshan-steel-info"), ("baoshan gangtie zixun fuwu pingtai", "baoshan-steel-info"),
                          ("mhdzxxcpjczx", "minhang-electronics-testing"), ("songjiang rongzi danbao", "songjiang-credit-guarantee")])
def test_a_name_typed_in_pinyin_or_its_initials_finds_its_record_first(data, typed, first):
    [found] = find(data, typed)
    assert found["order"][0] == first


def test_a_thesaurus_group_of_one_word_is_reported_in_chinese(valid_dir):
    from generator.problems import format_text
    from generator.read.directory import load_directory

    taxonomy = valid_dir / "taxonomy.yml"
    taxonomy.write_text(taxonomy.read_text(encoding="utf-8") + "thesaurus:\n  - [检测, 检验]\n  - [商标]\n", encoding="utf-8")
    _, problems = load_directory(valid_dir)
    assert [p.code for p in problems] == ["too-few-items"]
    assert "taxonomy.yml:43:5: 错误 [too-few-items] 字段 thesaurus[2]：至少要有 2 项" in format_text(problems)


@pytest.mark.parametrize("query", [":", "9:00-17:00", "*", "检测~2", "+检测 -融资", "\\", "'\"", "检" * 5000, "a" * 300, "🙂", "   ",
                                   "=上海", "#02105181129", "__proto__", "constructor", "hasOwnProperty", "--", "86", "檢" * 300])
def test_hostile_text_through_find_and_answer_never_throws(data, query):
    [answer] = node(data, "answer", [[{"q": query}, 5]])["result"]
    assert isinstance(answer["items"], list) and answer["total"] >= len(answer["items"])
