import datetime
import json
import subprocess
from pathlib import Path

import pytest

from generator.__main__ import main
from generator.read.evaluations import is_cycle_file
from generator.schema import RECORD
from tests.support import SAMPLE

ROOT = Path(__file__).parent.parent


def test_committed_json_schemas_are_generated_from_the_field_table(tmp_path, capsys):
    out = tmp_path / "schema" / "institution.schema.json"
    assert main(["schema", "--directory", str(ROOT / "directory"), "--output", str(out)]) == 0
    for name in ("institution", "evaluations", "bulletins"):
        stale = f"schema/{name}.schema.json is stale: run `python -m generator schema`"
        assert (out.parent / f"{name}.schema.json").read_text(encoding="utf-8") == (
            ROOT / f"schema/{name}.schema.json").read_text(encoding="utf-8"), stale


def test_sample_results_and_bulletins_point_editors_at_their_schemas_and_satisfy_them():
    import jsonschema
    import yaml

    for kind in ("evaluations", "bulletins"):
        schema = json.loads((ROOT / f"schema/{kind}.schema.json").read_text(encoding="utf-8"))
        files = sorted((ROOT / "directory" / kind).glob("*.yml"))
        assert files
        for path in files:
            text = path.read_text(encoding="utf-8")
            assert text.splitlines()[0] == f"# yaml-language-server: $schema=../../schema/{kind}.schema.json", path
            jsonschema.Draft7Validator(schema).validate(json.loads(json.dumps(yaml.safe_load(text), default=str)))
    broken = {"results": [{"id": "pudong-ic-testing", "grade": "很好"}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft7Validator(json.loads((ROOT / "schema/evaluations.schema.json").read_text(encoding="utf-8"))).validate(broken)


def test_json_schema_lists_taxonomy_choices_and_required_fields():
    schema = json.loads((ROOT / "schema/institution.schema.json").read_text(encoding="utf-8"))
    assert schema["properties"]["district"]["enum"][:3] == ["huangpu", "xuhui", "changning"]
    assert schema["properties"]["functions"]["items"]["enum"] == [
        "comprehensive", "information", "innovation", "quality", "consulting", "startup", "market", "training", "financing"]
    assert schema["required"] == ["name", "district", "tier", "functions", "operator", "address", "contacts", "disclosures", "verified"]
    assert schema["properties"]["disclosures"]["required"] == ["content", "process", "standards", "fees", "hours"]
    assert schema["additionalProperties"] is False


def test_every_sample_record_points_editors_at_the_schema():
    for path in sorted((ROOT / "directory").glob("*/*.yml")):
        if is_cycle_file(path.relative_to(ROOT / "directory").as_posix()):
            continue  # results and bulletins are no records
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first == "# yaml-language-server: $schema=../../schema/institution.schema.json", path


PROBES = ["021-5555-0000", "+ 86 21 5555 0000", "+86 21 5555 0000", "０２１-５５５５-００００", " 021-5555-0000 ", "\t021-5555-0000",
          "021-5555-0000 转 8", "(021) 5555 0000", "5555", "电话待定", "abc-def_01", "Service_2025", "9abcdef", "ab"]


def _form_verdicts(pattern: str, values: list[str]) -> list[bool]:
    """Return what the form editor says of each value: Decap CMS tests `RegExp(pattern).test(value)` in the browser."""
    script = "const [p, v] = JSON.parse(process.argv[1]); console.log(JSON.stringify(v.map(x => RegExp(p).test(x))));"
    result = subprocess.run(["node", "-e", script, json.dumps([pattern, values])], check=True, capture_output=True, text=True)
    return json.loads(result.stdout)


def _validator_verdicts(spec, values: list[str], tables) -> list[bool]:
    from generator.kinds import Context
    from generator.read.load import Scalar

    verdicts = []
    for value in values:
        ctx = Context("x.yml", tables)
        spec.convert(Scalar(value, 1, 1, False), ("x",), ctx)
        verdicts.append(not ctx.problems)
    return verdicts


def test_a_field_added_to_the_field_table_reaches_every_output(valid_dir, tmp_path, monkeypatch, capsys):
    """One declaration in schema.RECORD is the only edit a new field needs, and a new kind is one class: the form checks
    the validator's own pattern, so both give the same verdict."""
    import datetime
    from dataclasses import dataclass

    from generator.kinds import Patterned
    from generator.model.model import Model
    from generator.problems import CODES, Check
    from generator.read.directory import load_directory
    from generator.read.importer import headings
    from generator.schema import RECORD, json_schema
    from generator.write.cms import admin_config
    from generator.write.exports import export_rows
    from generator.write.pages import render_field_help

    @dataclass
    class WeChatId(Patterned):
        pattern: str = "^[A-Za-z][-_A-Za-z0-9]{5,19}$"
        pattern_hint: str = "微信号以字母开头，6 到 20 位字母、数字、下划线或减号"
        code: str = "bad-wechat"
        refusal: str = "{value} 不是微信号"
        fix: str = "以字母开头，6 到 20 位"
        described: str = "微信号"

    monkeypatch.setitem(CODES, "bad-wechat", Check("error", "不是微信号", "以字母开头，6 到 20 位", "wechat: 1"))
    field = WeChatId("微信公众号", ask=True, help="机构的微信公众号", example="Service_2025", headings=("微信公众号", "公众号"))
    monkeypatch.setitem(RECORD.fields, "wechat", field)
    record = valid_dir / "pudong/test-center.yml"
    record.write_text(record.read_text(encoding="utf-8") + "wechat: Service_2025\n", encoding="utf-8")
    directory, problems = load_directory(valid_dir)
    assert [p for p in problems if p.severity == "error"] == []
    model = Model(directory, datetime.date(2026, 11, 1))

    schema = json_schema("institution", directory.choice_tables)["properties"]["wechat"]
    assert schema["title"] == "微信公众号" and schema["pattern"] == WeChatId.pattern
    titles, rows = export_rows(model)
    assert "Service_2025" in rows[[r.id for r in model.records].index("test-center")][titles.index("微信公众号")]
    assert headings(directory.taxonomy)["公众号"].path == "wechat"
    page = render_field_help(model).html
    assert "<code>wechat</code>" in page and "机构的微信公众号" in page and "Service_2025" in page and "微信号" in page

    form = {f["name"]: f for f in admin_config(model, "https://github.com/a/b")["collections"][0]["fields"]}
    phone = {f["name"]: f for f in form["contacts"]["fields"]}["phone"]
    for spec, widget in ((field, form["wechat"]), (RECORD.fields["contacts"].fields["phone"], phone)):
        assert widget["pattern"][0] == spec.form_pattern()
        said = _validator_verdicts(spec, PROBES, directory.choice_tables)
        assert _form_verdicts(widget["pattern"][0], PROBES) == said, spec.label
        assert True in said and False in said
    assert _validator_verdicts(RECORD.fields["contacts"].fields["phone"], ["+ 86 21 5555 0000", " 021-5555-0000 "],
                               directory.choice_tables) == [False, True]

    sheet = tmp_path / "list.csv"
    disclosures = [model.labels[f"disclosures.{key}"] for key in ("content", "process", "standards", "fees", "hours")]
    sheet.write_text("\n".join([",".join(["名称", "区", "层级", "功能", "运营机构", "地址", "电话", *disclosures, "公众号"]),
                                "新增中心,浦东新区,市级,quality,某公司,示例路 3 号,021-0000-0003,检测,受理,七日,免费,工作日,New_Service"])
                     + "\n", encoding="utf-8")
    assert main(["import", str(sheet), "--directory", str(valid_dir)]) == 0, capsys.readouterr()
    assert "wechat: New_Service" in (valid_dir / "pudong/xin-zeng-zhong-xin.yml").read_text(encoding="utf-8")

    assert main(["new", "--directory", str(valid_dir), "--id", "wechat-center", "--name", "公众号中心", "--district", "pudong",
                 "--tier", "city", "--functions", "quality", "--operator", "某公司", "--address", "示例路 2 号",
                 "--phone", "021-0000-0002", "--content", "检测", "--process", "受理", "--standards", "七日", "--fees", "免费",
                 "--hours", "工作日", "--wechat", "Center_Service"]) == 0
    assert "wechat: Center_Service" in (valid_dir / "pudong/wechat-center.yml").read_text(encoding="utf-8")
    assert main(["new", "--directory", str(valid_dir), "--id", "wechat-bad", "--name", "公众号中心二", "--district", "pudong",
                 "--tier", "city", "--functions", "quality", "--operator", "某公司", "--address", "示例路 2 号",
                 "--phone", "021-0000-0002", "--content", "检测", "--process", "受理", "--standards", "七日", "--fees", "免费",
                 "--hours", "工作日", "--wechat", "1"]) == 1
    assert "1 不是微信号" in capsys.readouterr().err


def test_field_labels_on_pages_come_from_the_field_table():
    from generator.schema import RECORD

    template = (ROOT / "generator/write/templates/institution.html").read_text(encoding="utf-8")
    for key in ("district", "tier", "operator", "address"):
        assert f"<dt>{RECORD.fields[key].label}</dt>" not in template


FEES = RECORD.fields["fee_items"]
TITLES = RECORD.fields["demonstration"]


def _cells():
    from generator.kinds import Cells

    return Cells(SAMPLE.choice_tables)


@pytest.mark.parametrize(("entries", "text"), [
    ([{"item": "政策咨询", "free": True}, {"item": "专项服务", "free": False, "amount": 1500, "unit": "次", "note": "按项目约定"}],
     "政策咨询（免费）；专项服务 1500 元/次（按项目约定）"),
    ([{"item": "标准化咨询（首次）", "free": True, "note": "每家一次，限工作日"}], "标准化咨询（首次）（免费，每家一次，限工作日）"),
    ([{"item": "检测", "free": False, "amount": 800, "amount_max": 1200.5, "unit": "项", "note": "按合同（示例）"}],
     "检测 800–1200.5 元/项（按合同（示例））"),
    ([{"item": "场地租用", "free": False}], "场地租用（收费）"),
    ([{"item": "代理服务", "note": "面议"}], "代理服务（面议）"),
    # No words say this one exactly (the item's own brackets would read as a note): the parts joined by colons.
    ([{"item": "标准化咨询（首次）"}], "标准化咨询（首次）:::::"),
])
def test_fee_items_are_written_in_people_s_words_and_read_back_exactly(entries, text):
    assert FEES.write_cell(entries, SAMPLE.choice_tables) == text
    assert FEES.read_cell(text, _cells()) == entries


def test_fee_items_in_the_old_colon_form_are_still_read():
    assert FEES.read_cell("政策咨询:是::::；专项服务:否:1500::次:按项目约定", _cells()) == [
        {"item": "政策咨询", "free": True}, {"item": "专项服务", "free": False, "amount": 1500, "unit": "次", "note": "按项目约定"}]


@pytest.mark.parametrize(("entries", "text"), [
    ([{"level": "national", "year": 2018}], "国家级示范平台（2018 年，至 2021 年底）"),  # the level's three years of validity
    ([{"level": "national", "year": 2021, "expires": datetime.date(2026, 12, 31), "certificate": "工信示范〔2022〕68 号（示例）"}],
     "国家级示范平台（2021 年，至 2026 年底，编号 工信示范〔2022〕68 号（示例））"),
    ([{"level": "national", "year": 2018, "expires": datetime.date(2021, 12, 31)}], "国家级示范平台（2018 年，有效期至 2021-12-31）"),
    ([{"level": "municipal", "year": 2014, "expires": datetime.date(2019, 6, 30)}], "市级示范平台（2014 年，有效期至 2019-06-30）"),
    ([{"level": "municipal", "year": 2018}, {"level": "district", "year": 2017}], "市级示范平台（2018 年）；区级示范平台（2017 年）"),
])
def test_titles_are_written_in_people_s_words_and_read_back_exactly(entries, text):
    assert TITLES.write_cell(entries, SAMPLE.choice_tables) == text
    assert TITLES.read_cell(text, _cells()) == entries


@pytest.mark.parametrize(("value", "text"), [
    ("Mo-Fr 09:00-17:00; PH off", "周一至周五 09:00–17:00，法定节假日休息"),
    ("Mo-Fr 08:30-11:30,13:30-17:00; Sa 09:00-12:00", "周一至周五 08:30–11:30、13:30–17:00，周六 09:00–12:00"),
    ("24/7", "全天 24 小时"),
    ("Mo-Fr 09:00-17:00; 2026 Dec 31 09:00-12:00; PH off", "Mo-Fr 09:00-17:00; 2026 Dec 31 09:00-12:00; PH off"),  # no words for a date
    ('Mo-Fr 09:00-17:00 "不调休"', 'Mo-Fr 09:00-17:00 "不调休"'),
])
def test_opening_hours_are_written_in_chinese_when_that_reads_back_the_same(value, text):
    spec = RECORD.fields["opening_hours"]
    assert spec.write_cell(value, SAMPLE.choice_tables) == text
    assert spec.read_cell(text, _cells()) == value


def test_a_share_is_a_percentage_in_a_cell_and_a_number_in_a_workbook():
    spec = RECORD.fields["metrics"].fields["satisfaction"]
    assert [spec.write_cell(v, {}) for v in (0.95, 0.955, 1, 0.07)] == ["95%", "95.5%", "100%", "7%"]
    assert [spec.read_cell(t, _cells()) for t in ("95%", "95.5 ％", "0.95", "0.07")] == [0.95, 0.955, 0.95, 0.07]
    assert spec.write_value(0.95, {}) == 0.95 and spec.cell_format == "0%"
    assert RECORD.fields["since"].write_value(2013, {}) == 2013 and RECORD.fields["name"].write_value("名称", {}) == "名称"
