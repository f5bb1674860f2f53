"""Open Referral HSDS export: organizations, services, locations, addresses, phones and schedules as CSV,
described by a datapackage.json, so other service-directory tools can import the directory."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from .model import Model

TABLES = {
    "organizations": ["id", "name", "alternate_name", "description", "email", "url", "tax_id"],
    "services": ["id", "organization_id", "name", "alternate_name", "description", "url", "email", "status",
                 "application_process", "fees", "accreditations"],
    "locations": ["id", "organization_id", "name"],
    "physical_addresses": ["id", "location_id", "address_1", "city", "state_province", "country"],
    "phones": ["id", "organization_id", "service_id", "number", "type", "description"],
    "schedules": ["id", "service_id", "description"],
}


def hsds_rows(model: Model) -> dict[str, list[dict]]:
    """Return the HSDS tables of the published records; the five disclosures map to the fields they correspond to."""
    tables = {name: [] for name in TABLES}
    region = model.taxonomy["site"].get("region", "")
    for record in model.records:
        data, rid = record.data, record.id
        contacts = data["contacts"]
        district = model.districts[data["district"]]
        tables["organizations"].append({"id": rid, "name": data["name"], "alternate_name": data.get("name_en", ""),
                                        "description": data.get("description", ""), "email": contacts.get("email", ""),
                                        "url": contacts.get("website", ""), "tax_id": data.get("credit_code", "")})
        tables["services"].append({
            "id": f"{rid}-service", "organization_id": rid, "name": "、".join(model.functions[f] for f in data["functions"]),
            "alternate_name": data["name"], "description": data["disclosures"]["content"], "url": model.page_url(record),
            "email": contacts.get("email", ""), "status": "active", "application_process": data["disclosures"]["process"],
            "fees": data["disclosures"]["fees"], "accreditations": data["disclosures"]["standards"]})
        tables["locations"].append({"id": f"{rid}-location", "organization_id": rid, "name": data["name"]})
        tables["physical_addresses"].append({"id": f"{rid}-address", "location_id": f"{rid}-location", "address_1": data["address"],
                                             "city": district, "state_province": region, "country": "CN"})
        for kind in ("phone", "hotline"):
            if contacts.get(kind):
                tables["phones"].append({"id": f"{rid}-{kind}", "organization_id": rid, "service_id": f"{rid}-service",
                                         "number": contacts[kind], "type": "voice", "description": "服务热线" if kind == "hotline" else "电话"})
        tables["schedules"].append({"id": f"{rid}-schedule", "service_id": f"{rid}-service", "description": data["disclosures"]["hours"]})
    return tables


def write_hsds(model: Model, folder: Path) -> list[Path]:
    """Write the HSDS CSV files and datapackage.json into folder; return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths, resources = [], []
    for name, rows in hsds_rows(model).items():
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=TABLES[name], lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
        path = folder / f"{name}.csv"
        path.write_text(buffer.getvalue(), encoding="utf-8")
        paths.append(path)
        resources.append({"name": name, "path": path.name, "profile": "tabular-data-resource", "format": "csv", "encoding": "utf-8",
                          "schema": {"fields": [{"name": field, "type": "string"} for field in TABLES[name]], "primaryKey": "id"}})
    package = {"name": "sme-service-directory", "title": model.taxonomy["site"]["title"], "profile": "tabular-data-package",
               "version": model.edition.isoformat(), "resources": resources}
    (folder / "datapackage.json").write_text(json.dumps(package, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return [*paths, folder / "datapackage.json"]
