"""The directory as a table: one column definition shared by the CSV/XLSX exports and the spreadsheet importer."""

from __future__ import annotations

import datetime
import re

SEPARATORS = re.compile(r"[、,，;；/／\n]+")


def _names(site, key: str) -> dict[str, str]:
    return {"districts": site.districts, "tiers": site.tiers, "functions": site.functions, "industries": site.industries,
            "demonstration_levels": site.levels, "evaluation_grades": site.grades}[key]


def columns(site) -> list[tuple[str, str, str]]:
    """Return (heading, field path, kind) for every column, in order; kinds say how a value is written as text."""
    disclosures = [(d["label"], f"disclosures.{d['key']}", "text") for d in site.taxonomy["disclosures"]]
    return [
        ("标识", "id", "text"), ("名称", "name", "text"), ("英文名称", "name_en", "text"),
        ("所在区", "district", "choice:districts"), ("层级", "tier", "choice:tiers"), ("服务功能", "functions", "choices:functions"),
        ("服务产业", "industries", "choices:industries"), ("运营机构", "operator", "text"), ("统一社会信用代码", "credit_code", "text"),
        ("地址", "address", "text"), ("联系人", "contacts.person", "text"), ("电话", "contacts.phone", "text"),
        ("服务热线", "contacts.hotline", "text"), ("电子邮箱", "contacts.email", "text"), ("网站", "contacts.website", "text"),
        *disclosures,
        ("免费基础服务", "free_services", "list"), ("示范平台称号", "demonstration", "demonstration"),
        ("年度评价", "evaluations", "evaluations"), ("指标年份", "metrics.year", "number"),
        ("服务场地面积（平方米）", "metrics.floor_area_m2", "number"), ("年服务企业数", "metrics.smes_served", "number"),
        ("满意度", "metrics.satisfaction", "number"), ("简介", "description", "text"), ("成立年份", "since", "number"),
        ("名称拼音", "pinyin", "text"), ("最近核实日期", "verified", "date"),
        ("现有示范平台称号", "", "derived"), ("网页", "", "url"),
    ]


def _get(data: dict, path: str):
    for part in path.split("."):
        data = data.get(part) if isinstance(data, dict) else None
    return data


def to_text(site, record, path: str, kind: str) -> str:
    """Return one field of a record as spreadsheet text."""
    if kind == "url":
        return site.page_url(record)
    if kind == "derived":
        badge = site.badges[record.id]
        return f"{site.levels[badge['level']]}示范平台（{badge['year']}）" if badge else ""
    value = record.id if path == "id" else _get(record.data, path)
    if value is None:
        return ""
    if kind.startswith("choice:"):
        return _names(site, kind[7:])[value]
    if kind.startswith("choices:"):
        return "、".join(_names(site, kind[8:])[v] for v in value)
    if kind == "list":
        return "；".join(value)
    if kind == "demonstration":
        return "；".join(":".join([site.levels[t["level"]], str(t["year"]), str(t.get("expires", "")), t.get("certificate", "")])
                        for t in value)
    if kind == "evaluations":
        return "；".join(f"{e['year']}:{site.grades[e['grade']]}" for e in value)
    if kind == "number":
        return f"{value:g}" if isinstance(value, float) else str(value)
    return value.isoformat() if isinstance(value, datetime.date) else str(value)


def _choice(site, key: str, text: str) -> str:
    """Return the id for a Chinese name (or an id), tolerating 区/平台 suffixes; unknown text is returned as it is."""
    names = _names(site, key)
    text = text.strip()
    if text in names:
        return text
    for option, name in names.items():
        if text in (name, name.removesuffix("区"), name.removesuffix("新区"), name + "平台") or text.removesuffix("平台") == name:
            return option
    return text


def from_text(site, path: str, kind: str, text: str):
    """Return the record value a spreadsheet cell stands for (the validator judges it afterwards)."""
    text = text.strip()
    if kind.startswith("choice:"):
        return _choice(site, kind[7:], text)
    if kind.startswith("choices:"):
        return [_choice(site, kind[8:], part) for part in SEPARATORS.split(text) if part.strip()]
    if kind == "list":
        return [part.strip() for part in re.split(r"[；;\n]+", text) if part.strip()]
    if kind == "demonstration":
        titles = []
        for item in filter(None, (p.strip() for p in re.split(r"[；;\n]+", text))):
            level, year, expires, certificate = (item.split(":", 3) + ["", "", ""])[:4]
            title = {"level": _choice(site, "demonstration_levels", level.removesuffix("示范平台")), "year": _number(year)}
            if expires.strip():
                title["expires"] = _date(expires)
            if certificate.strip():
                title["certificate"] = certificate.strip()
            titles.append(title)
        return titles
    if kind == "evaluations":
        pairs = [item.split(":", 1) for item in re.split(r"[；;\n]+", text) if ":" in item]
        return [{"year": _number(year), "grade": _choice(site, "evaluation_grades", grade)} for year, grade in pairs]
    if kind == "number":
        return _number(text)
    if kind == "date":
        return _date(text)
    return text


def _number(text: str):
    text = text.strip()
    if re.fullmatch(r"[0-9]+", text):
        return int(text)
    try:
        return float(text)
    except ValueError:
        return text


def _date(text: str):
    text = text.strip().split(" ")[0].replace("/", "-").replace(".", "-")
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        return text
