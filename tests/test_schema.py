import json
from pathlib import Path

from generator.__main__ import main

ROOT = Path(__file__).parent.parent


def test_committed_json_schema_is_generated_from_the_validator_schema(tmp_path, capsys):
    out = tmp_path / "schema.json"
    assert main(["schema", "--directory", str(ROOT / "directory"), "--output", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == (ROOT / "schema/institution.schema.json").read_text(encoding="utf-8"), (
        "schema/institution.schema.json is stale: run `python -m generator schema`")


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
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first == "# yaml-language-server: $schema=../../schema/institution.schema.json", path


def test_a_field_added_to_the_field_table_reaches_every_output(valid_dir, tmp_path, monkeypatch, capsys):
    """One declaration in schema.RECORD is the only edit a new field needs."""
    import datetime

    from generator.directory import load_directory
    from generator.exports import export_rows
    from generator.importer import headings
    from generator.model import Model
    from generator.pages import render_field_help
    from generator.schema import RECORD, Text, record_json_schema

    field = Text("微信公众号", ask=True, help="机构的微信公众号名称", example="示例服务号", headings=("微信公众号", "公众号"))
    monkeypatch.setitem(RECORD.fields, "wechat", field)
    record = valid_dir / "pudong/test-center.yml"
    record.write_text(record.read_text(encoding="utf-8") + "wechat: 测试服务号\n", encoding="utf-8")
    directory, problems = load_directory(valid_dir)
    assert [p for p in problems if p.severity == "error"] == []
    model = Model(directory, datetime.date(2026, 11, 1))

    assert record_json_schema(directory.choice_tables)["properties"]["wechat"]["title"] == "微信公众号"
    titles, rows = export_rows(model)
    assert "测试服务号" in rows[[r.id for r in model.records].index("test-center")][titles.index("微信公众号")]
    assert headings(directory.taxonomy)["公众号"].path == "wechat"
    page = render_field_help(model).html
    assert "<code>wechat</code>" in page and "机构的微信公众号名称" in page and "示例服务号" in page

    sheet = tmp_path / "list.csv"
    disclosures = [model.labels[f"disclosures.{key}"] for key in ("content", "process", "standards", "fees", "hours")]
    sheet.write_text("\n".join([",".join(["名称", "区", "层级", "功能", "运营机构", "地址", "电话", *disclosures, "公众号"]),
                                "新增中心,浦东新区,市级,quality,某公司,示例路 3 号,021-0000-0003,检测,受理,七日,免费,工作日,新增服务号"])
                     + "\n", encoding="utf-8")
    assert main(["import", str(sheet), "--directory", str(valid_dir)]) == 0, capsys.readouterr()
    assert "wechat: 新增服务号" in (valid_dir / "pudong/xin-zeng-zhong-xin.yml").read_text(encoding="utf-8")

    assert main(["new", "--directory", str(valid_dir), "--id", "wechat-center", "--name", "公众号中心", "--district", "pudong",
                 "--tier", "city", "--functions", "quality", "--operator", "某公司", "--address", "示例路 2 号",
                 "--phone", "021-0000-0002", "--content", "检测", "--process", "受理", "--standards", "七日", "--fees", "免费",
                 "--hours", "工作日", "--wechat", "中心服务号"]) == 0
    assert "wechat: 中心服务号" in (valid_dir / "pudong/wechat-center.yml").read_text(encoding="utf-8")


def test_field_labels_on_pages_come_from_the_field_table():
    from generator.schema import RECORD

    template = (ROOT / "generator/templates/institution.html").read_text(encoding="utf-8")
    for key in ("district", "tier", "operator", "address"):
        assert f"<dt>{RECORD.fields[key].label}</dt>" not in template
