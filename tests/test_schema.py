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
