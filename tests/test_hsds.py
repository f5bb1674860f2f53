"""The Open Referral HSDS 3.0.0 export, checked as another tool would: against the specification's own tabular
data package (vendored in generator/write/data/hsds-3.0.0 with its licence and source) with frictionless."""

import csv
import datetime
import hashlib
import json
import uuid

import pytest
from frictionless import Package

from generator.model.model import Model
from generator.read.directory import load_directory
from generator.write.hsds import SPEC, _Ids, write_hsds
from tests.support import FIXTURES, PUBLISHED, SAMPLE

# openreferral/specification, tag v3.0, datapackage.json: the vendored copy must stay the official file.
SPEC_SHA256 = "06d063ec1a22f8797da3ee9cd1e2a9e519fa813d6f3e93140bbdd7814d36984b"


def read(folder, name):
    with (folder / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def validate_against_the_specification(folder):
    """Return frictionless's errors for our CSV files described by the specification's own package."""
    descriptor = json.loads(SPEC.read_text(encoding="utf-8"))
    report = Package(descriptor, basepath=str(folder)).validate()
    return [(task.name, error.type, error.message) for task in report.tasks for error in task.errors]


@pytest.fixture(scope="module")
def city_export(tmp_path_factory):
    directory, _ = load_directory(FIXTURES / "city")
    folder = tmp_path_factory.mktemp("city-hsds")
    write_hsds(Model(directory, datetime.date(2026, 11, 1), "https://city.example.org/"), folder)
    return folder


def test_the_vendored_specification_is_the_official_file():
    assert hashlib.sha256(SPEC.read_bytes()).hexdigest() == SPEC_SHA256
    assert json.loads(SPEC.read_text(encoding="utf-8"))["version"] == "3.0.0"


def test_the_sample_export_is_valid_hsds_3(sample_site):
    folder = sample_site / "downloads" / "hsds"
    assert validate_against_the_specification(folder) == []
    assert Package(str(folder / "datapackage.json")).validate().valid


def test_another_city_s_export_is_valid_hsds_3_and_names_what_it_left_out(city_export):
    assert validate_against_the_specification(city_export) == []
    assert Package(str(city_export / "datapackage.json")).validate().valid
    assert read(city_export, "addresses") == []  # no record of that city has a postal code
    report = (city_export / "README.txt").read_text(encoding="utf-8")
    assert report.count("缺少邮政编码，地址未导出") == 12 and "桐岭市上市辅导服务中心（tongling-listing-coach）" in report


def test_ids_are_name_based_uuids_that_never_change(sample_site, tmp_path):
    folder = sample_site / "downloads" / "hsds"
    organizations = read(folder, "organizations")
    assert len(organizations) == len(PUBLISHED)
    assert all(uuid.UUID(row["id"]).version == 5 for row in organizations)
    again = tmp_path / "again"
    write_hsds(Model(SAMPLE, datetime.date(2026, 1, 1), "https://directory.example.org/"), again)
    for name in ("organizations", "services", "attributes", "taxonomy_terms"):
        assert (again / f"{name}.csv").read_bytes() == (folder / f"{name}.csv").read_bytes(), name


def test_ids_are_exactly_uuid5_of_the_kind_and_keys():
    model = Model(SAMPLE, datetime.date(2026, 1, 1), "https://directory.example.org/")
    namespace = uuid.uuid5(uuid.NAMESPACE_URL, model.site_url)
    ids = _Ids(model)
    for kind, keys in (("organization", ("pudong-testing",)), ("attribute", ("甲-中心", 12)), ("term", ("functions", "info"))):
        assert ids(kind, *keys) == str(uuid.uuid5(namespace, "/".join([kind, *map(str, keys)])))


def test_vocabulary_disclosures_and_titles_travel_with_the_data(sample_site):
    folder = sample_site / "downloads" / "hsds"
    terms = {row["id"]: row for row in read(folder, "taxonomy_terms")}
    services = {row["name"]: row for row in read(folder, "services")}
    attributes = read(folder, "attributes")
    schedules = {row["service_id"]: row for row in read(folder, "schedules")}
    areas = {row["service_id"]: row for row in read(folder, "service_areas")}
    identifiers = {row["identifier"] for row in read(folder, "organization_identifiers")}
    for record in PUBLISHED:
        service = services[record.data["name"]]
        disclosures = record.data["disclosures"]
        assert (service["description"], service["application_process"], service["fees_description"], service["accreditations"]) == (
            disclosures["content"], disclosures["process"], disclosures["fees"], disclosures["standards"])
        assert schedules[service["id"]]["description"] == disclosures["hours"]
        assert areas[service["id"]]["name"] == SAMPLE.choices("districts")[record.data["district"]]
        linked = {terms[a["taxonomy_term_id"]]["code"]: a["value"] for a in attributes if a["link_id"] == service["id"]}
        assert {f"functions:{f}" for f in record.data["functions"]} | {f"tiers:{record.data['tier']}"} <= linked.keys()
        if record.data.get("credit_code"):
            assert record.data["credit_code"] in identifiers
    titled = [a for a in attributes if a["link_type"] == "demonstration_levels"]
    assert titled and all(a["value"][:4].isdigit() for a in titled)
