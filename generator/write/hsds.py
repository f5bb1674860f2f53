"""Open Referral HSDS 3.0.0 export: every table of the specification's tabular data package as CSV, with ids that are
name-based UUIDs of our record ids, our vocabularies as taxonomies and terms, and a report of rows left out because
a value HSDS requires is not in our data (nothing is invented)."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import uuid
from collections import defaultdict
from pathlib import Path

from ..cache import Memo
from ..model.model import Model
from .exports import neutralise

SPEC = Path(__file__).parent / "data" / "hsds-3.0.0" / "datapackage.json"
VERSION = "3.0.0"
REPORT = "README.txt"
EXTENSION = re.compile(r"^(.*?)\s*(?:转|ext\.?|#)\s*([0-9]{1,6})$")


def spec() -> dict:
    """Return the specification's own tabular data package (vendored, unchanged)."""
    return json.loads(SPEC.read_text(encoding="utf-8"))


def _columns() -> dict[str, list[str]]:
    return {r["path"].removesuffix(".csv"): [f["name"] for f in r["schema"]["fields"]] for r in spec()["resources"]}


class _Ids:
    """Name-based UUIDs (version 5): the same directory gives the same ids in every build."""

    def __init__(self, model: Model):
        self.namespace = uuid.uuid5(uuid.NAMESPACE_URL, model.site_url or "urn:minglu:" + model.site.title).bytes

    def __call__(self, kind: str, *keys) -> str:
        """Return str(uuid.uuid5(namespace, kind/keys…)), computed as uuid5 does without its UUID object (about a
        quarter of the tables' time went there: 224,000 ids at 10,000 records)."""
        digest = bytearray(hashlib.sha1(self.namespace + "/".join([kind, *map(str, keys)]).encode()).digest()[:16])
        digest[6] = digest[6] & 0x0F | 0x50  # version 5
        digest[8] = digest[8] & 0x3F | 0x80  # RFC 4122's variant
        text = digest.hex()
        return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


def _vocabularies(model: Model) -> list[tuple[str, str, dict[str, dict]]]:
    """Return (key, name, id → taxonomy item) for each vocabulary that travels with the data."""
    items = {key: {item["id"]: item for item in getattr(model.taxonomy, key)}
             for key in ("functions", "industries", "tiers", "demonstration_levels", "districts")}
    return [("functions", model.labels["functions"], items["functions"]), ("industries", model.labels["industries"], items["industries"]),
            ("tiers", model.labels["tier"], items["tiers"]), ("demonstration_levels", "示范平台级别", items["demonstration_levels"]),
            ("districts", model.words["district_word"], items["districts"])] + _cycle_vocabularies(model)


def _cycle_vocabularies(model: Model) -> list[tuple[str, str, dict[str, dict]]]:
    """The grades of the yearly evaluation, and the warnings the city's rules give (when they give any)."""
    grades = ("evaluation_grades", "年度评价等次", {g: {"id": g, "name": name} for g, name in model.grades.items()})
    warnings = {w.id: {"id": w.id, "name": w.name} for w in model.taxonomy.evaluation_rules.warnings}
    return [grades] + ([("evaluation_warnings", "评价警告", warnings)] if warnings else [])


def hsds_rows(model: Model) -> tuple[dict[str, list[dict]], list[str]]:
    """Return the rows of every HSDS table and the lines of the report on what was left out."""
    ids = _Ids(model)
    tables: dict[str, list[dict]] = {name: [] for name in _columns()} | _vocabulary_rows(model, ids)
    left_out = []
    for record in model.records:
        rows, lost = _record_rows(model, ids, record)
        for name, found in rows.items():
            tables[name] += found
        left_out += lost
    return tables, left_out


def _vocabulary_rows(model: Model, ids: _Ids) -> dict[str, list[dict]]:
    """Return the taxonomies' and their terms' rows: our vocabularies."""
    title = model.site.title
    tables: dict[str, list[dict]] = {"taxonomies": [], "taxonomy_terms": []}
    for key, name, items in _vocabularies(model):
        tables["taxonomies"].append({"id": ids("taxonomy", key), "name": name, "description": f"{title}的{name}分类",
                                     "version": model.edition.isoformat()})
        for item_id, item in items.items():
            tables["taxonomy_terms"].append({"id": ids("term", key, item_id), "code": f"{key}:{item_id}", "name": item["name"],
                                             "description": item.get("description") or f"{name}：{item['name']}", "taxonomy": name,
                                             "taxonomy_id": ids("taxonomy", key), "language": "zh"})
    return tables


class _Lines:
    """CSV lines of rows (no heading) by table, every value made safe for spreadsheets: one writer per table."""

    def __init__(self, columns: dict[str, list[str]]):
        self.buffer = io.StringIO()
        self.columns = columns
        self.known = {name: set(names) for name, names in columns.items()}
        self.writer = csv.writer(self.buffer, lineterminator="\r\n")

    def heading(self, name: str) -> str:
        self.writer.writerow(self.columns[name])
        return self._taken()

    def __call__(self, name: str, rows: list[dict]) -> str:
        names, known = self.columns[name], self.known[name]
        for row in rows:
            if not row.keys() <= known:  # as csv.DictWriter refuses them
                raise ValueError(f"HSDS {name}: {sorted(row.keys() - known)} not in the table's columns")
        self.writer.writerows([neutralise(row.get(column, "")) for column in names] for row in rows)
        return self._taken()

    def _taken(self) -> str:
        text = self.buffer.getvalue()
        self.buffer.seek(0)
        self.buffer.truncate()
        return text


def _record_rows(model: Model, ids: _Ids, record) -> tuple[dict[str, list[dict]], list[str]]:
    """Return one record's rows of each table and what was left out (what one record alone gives: kept in the cache)."""
    tables: dict[str, list[dict]] = defaultdict(list)
    left_out: list[str] = []
    region = model.site.region
    data, rid, contacts = record.data, record.id, record.data["contacts"]
    org, service, location = ids("organization", rid), ids("service", rid), ids("location", rid)
    district = model.districts[data["district"]]
    tier = model.tiers[data["tier"]]
    tables["organizations"].append({
        "id": org, "name": data["name"], "alternate_name": data.get("name_en", ""),
        "description": data.get("description")
        or f"{tier}{'、'.join(model.functions[f] for f in data['functions'])}平台，运营机构：{data['operator']}",
        "email": contacts.get("email", ""), "website": contacts.get("website", ""), "year_incorporated": data.get("since", ""),
        "uri": model.page_url(record) if model.site_url else ""})
    if data.get("credit_code"):
        tables["organization_identifiers"].append({"id": ids("identifier", rid), "organization_id": org,
                                                   "identifier_type": "统一社会信用代码",
                                                  "identifier": data["credit_code"]})
    disclosures = data["disclosures"]
    tables["services"].append({
        "id": service, "organization_id": org, "name": data["name"],
        "alternate_name": "、".join(model.functions[f] for f in data["functions"]),
        "description": disclosures["content"], "url": model.page_url(record) if model.site_url else "",
        "email": contacts.get("email", ""),
        "status": "active", "application_process": disclosures["process"], "fees_description": disclosures["fees"],
        "accreditations": disclosures["standards"], "assured_date": data["verified"].isoformat()})
    tables["locations"].append({"id": location, "location_type": "physical", "organization_id": org, "name": data["name"]})
    tables["service_at_location"].append({"id": ids("service_at_location", rid), "service_id": service, "location_id": location})
    address = {"id": ids("address", rid), "location_id": location, "address_1": data["address"], "city": district,
               "state_province": region, "postal_code": data.get("postal_code", ""), "country": "CN", "address_type": "physical"}
    missing = [model.labels["postal_code"] if not address["postal_code"] else "",
               "所在省市（分类表 site.region）" if not region else ""]
    if any(missing):
        left_out.append(f"addresses.csv：{data['name']}（{rid}）缺少{'、'.join(m for m in missing if m)}，地址未导出")
    else:
        tables["addresses"].append(address)
    for kind in ("phone", "hotline"):
        if contacts.get(kind):
            match = EXTENSION.match(contacts[kind])
            number, extension = match.groups() if match else (contacts[kind], "")
            tables["phones"].append({"id": ids(kind, rid), "service_id": service, "number": number, "extension": extension,
                                     "type": "voice", "description": model.labels[f"contacts.{kind}"]})
    if contacts.get("person"):
        tables["contacts"].append({"id": ids("contact", rid), "service_id": service, "name": contacts["person"],
                                   "email": contacts.get("email", "")})
    hours = model.schedule(record)
    weekly = [(day, opens, closes) for day, spans in enumerate(hours["weekly"]) for opens, closes in spans] if hours else []
    for number, (day, opens, closes) in enumerate(weekly, 1):
        tables["schedules"].append({"id": ids("schedule", rid, number), "service_id": service, "freq": "WEEKLY", "wkst": "MO",
                                    "byday": ("MO", "TU", "WE", "TH", "FR", "SA", "SU")[day], "opens_at": f"{opens}:00",
                                    "closes_at": "23:59:59" if closes == "24:00" else f"{closes}:00",
                                    "description": disclosures["hours"],
                                    "notes": "法定节假日休息" if hours["holidays"] == "off" else ""})
    if not weekly:
        tables["schedules"].append({"id": ids("schedule", rid), "service_id": service, "description": disclosures["hours"]})
    tables["service_areas"].append({"id": ids("service_area", rid), "service_id": service, "name": district,
                                    "description": f"{region}{district}" if region else district})
    for number, text in enumerate(data.get("free_services", []), 1):
        tables["cost_options"].append({"id": ids("cost_option", rid, number), "service_id": service, "option": text, "currency": "CNY",
                                       "amount": 0, "amount_description": model.labels["free_services"]})
    for number, fee in enumerate(data.get("fee_items", []), 1):
        amount = 0 if fee.get("free") else fee.get("amount", "")
        described = "、".join(filter(None, [f"最高 {fee['amount_max']} 元" if "amount_max" in fee else "",
                                           f"每{fee['unit']}" if fee.get("unit") else "", fee.get("note", "")]))
        tables["cost_options"].append({"id": ids("fee", rid, number), "service_id": service, "option": fee["item"], "currency": "CNY",
                                       "amount": amount, "amount_description": described or ("免费" if fee.get("free") else "")})
    links = [("functions", f, "") for f in data["functions"]] + [("industries", i, "") for i in data.get("industries", [])]
    links += [("tiers", data["tier"], ""), ("districts", data["district"], "")]
    links += [("demonstration_levels", t["level"],
               f"{t['year']}" + (f"/{expiry}" if (expiry := model.taxonomy.title_expiry(t)) else ""))
              for t in model.titles(record)["current"]]
    evaluation = model.evaluation(record)
    if evaluation and evaluation["grade"]:
        shown = [str(evaluation["year"])] + [f"{label} {evaluation[k]:g}" for k, label in (("score", "得分"), ("rank", "组内排名"))
                                             if evaluation[k] is not None]
        links.append(("evaluation_grades", evaluation["grade"], "；".join(shown)))
    links += [("evaluation_warnings", n.rule, str(n.year)) for n in model.cycle.current_notices(record.id)]
    for number, (key, item_id, value) in enumerate(links, 1):
        tables["attributes"].append({"id": ids("attribute", rid, number), "link_id": service, "link_entity": "service",
                                     "link_type": key, "taxonomy_term_id": ids("term", key, item_id), "value": value})
    return dict(tables), left_out


def write_hsds(model: Model, folder: Path) -> list[Path]:
    """Write every HSDS table as CSV, our datapackage.json (the specification's, describing our files) and the report.
    Each record's CSV lines are kept in the build cache under its key."""
    folder.mkdir(parents=True, exist_ok=True)
    ids, csv_lines = _Ids(model), _Lines(_columns())
    texts = {name: [csv_lines.heading(name)] for name in csv_lines.columns}
    for name, rows in _vocabulary_rows(model, ids).items():
        texts[name].append(csv_lines(name, rows))
    left_out = []
    memo = Memo(model.cache, "hsds-csv")
    for record in model.records:
        def lines(record=record):
            rows, lost = _record_rows(model, ids, record)
            return {name: csv_lines(name, found) for name, found in rows.items()}, lost
        found, lost = memo.get(model.record_key(record), lines)
        for name, text in found.items():
            texts[name].append(text)
        left_out += lost
    memo.save()
    paths = []
    for name, parts in texts.items():
        path = folder / f"{name}.csv"
        path.write_text("".join(parts), encoding="utf-8")
        paths.append(path)
    package = spec() | {"name": "sme-service-directory", "title": model.site.title, "version": model.edition.isoformat(),
                        "description": f"{model.site.title}，Open Referral HSDS {VERSION} 格式"}
    (folder / "datapackage.json").write_text(json.dumps(package, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    report = [f"Open Referral HSDS {VERSION} 格式的开放数据，表格和列名按规范的 datapackage.json。",
              "各表的 id 是由本站机构标识生成的 UUID（第 5 版，基于名称），每次生成都相同。",
              "规范要求而本站数据中没有的值不会编造：缺少这些值的行没有导出，列在下面。", ""]
    report += left_out or ["所有行都已导出。"]
    (folder / REPORT).write_text("\n".join(report) + "\n", encoding="utf-8")
    return [*paths, folder / "datapackage.json", folder / REPORT]
