"""The directory as a table: the columns come from the field table (schema.RECORD) and serve both the CSV/XLSX
exports and the spreadsheet importer, so every export imports back."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from .schema import Choice, Date, Flag, Integer, ListOf, Number, Object, labels, leaf_fields

SEPARATORS = re.compile(r"[、,，;；/／\n]+")
ITEMS = re.compile(r"[；;\n]+")


@dataclass(frozen=True)
class Column:
    heading: str  # written by exports
    path: str  # the record field ("" for derived columns)
    kind: str  # how a value is written as text: text, number, date, list, items, choice:<table>, choices:<table>, derived, url
    aliases: tuple[str, ...] = ()  # other headings the importer reads as this column
    item_kinds: tuple[tuple[str, str], ...] = ()  # for items: (key, kind) of each part, in order


def _kind(spec) -> str:
    if isinstance(spec, Choice):
        return f"choice:{spec.choices}"
    if isinstance(spec, ListOf):
        if isinstance(spec.item, Choice):
            return f"choices:{spec.item.choices}"
        return "items" if isinstance(spec.item, Object) else "list"
    if isinstance(spec, Integer | Number):
        return "number"
    if isinstance(spec, Flag):
        return "flag"
    return "date" if isinstance(spec, Date) else "text"


def columns(taxonomy: dict) -> list[Column]:
    """Return every column in order: the id, each record field the field table marks as a column, then derived ones."""
    named = labels(taxonomy)
    table = [Column("标识", "id", "text")]
    for path, spec in leaf_fields():
        if not spec.column:
            continue
        heading = named[path] if named[path] != spec.label else spec.heading  # the taxonomy's own word wins
        parts = tuple((key, _kind(child)) for key, child in spec.item.fields.items()) if _kind(spec) == "items" else ()
        aliases = tuple(h for h in dict.fromkeys((spec.label, *spec.headings)) if h != heading)
        table.append(Column(heading, path, _kind(spec), aliases, parts))
    return table + [Column("现有示范平台称号", "", "derived"), Column("网页", "", "url")]


def part_columns(taxonomy: dict) -> list[Column]:
    """Return the import-only columns that each give one part of a list entry (a title's level, year and expiry,
    an evaluation's year and grade): path `demonstration.level` and so on, from the field table's headings."""
    found = []
    for path, spec in leaf_fields():
        if isinstance(spec, ListOf) and isinstance(spec.item, Object):
            for key, child in spec.item.fields.items():
                if child.headings:
                    found.append(Column(child.headings[0], f"{path}.{key}", _kind(child), child.headings[1:]))
    return found


def _get(data: dict, path: str):
    for part in path.split("."):
        data = data.get(part) if isinstance(data, dict) else None
    return data


def _cell(model, value, kind: str) -> str:
    if value is None:
        return ""
    if kind.startswith("choice:"):
        return model.directory.choices(kind[7:])[value]
    if kind.startswith("choices:"):
        return "、".join(model.directory.choices(kind[8:])[v] for v in value)
    if kind == "list":
        return "；".join(value)
    if kind == "number":
        return f"{value:g}" if isinstance(value, float) else str(value)
    if kind == "flag":
        return "是" if value else "否"
    return value.isoformat() if isinstance(value, datetime.date) else str(value)


def to_text(model, record, column: Column) -> str:
    """Return one field of a record as spreadsheet text."""
    if column.kind == "url":
        return model.page_url(record)
    if column.kind == "derived":
        badge = model.badges[record.id]
        return f"{model.levels[badge['level']]}示范平台（{badge['year']}）" if badge else ""
    value = record.id if column.path == "id" else _get(record.data, column.path)
    if column.kind == "items" and value is not None:
        return "；".join(":".join(_cell(model, item.get(key), kind) for key, kind in column.item_kinds) for item in value)
    return _cell(model, value, column.kind)


def short_names(name: str, suffixes) -> set[str]:
    """Return a name and the names it is also written as once one of its suffixes (区, 县, 自治县 …) is left out."""
    return {name} | {name[: -len(s)] for s in suffixes if name.endswith(s) and len(name) > len(s)}


def _choice(model, key: str, text: str) -> str:
    """Return the id for a Chinese name (or an id), tolerating the taxonomy's district suffixes and 平台;
    unknown text is returned as it is."""
    names = model.directory.choices(key)
    text = text.strip()
    if text in names:
        return text
    if text in model.choice_aliases.get(key, {}):
        return model.choice_aliases[key][text]
    suffixes = model.district_suffixes if key == "districts" else ()
    for option, name in names.items():
        if text in short_names(name, suffixes) | {name + "平台", name + "示范平台"} or text.removesuffix("平台") == name:
            return option
    return text


def from_text(model, column: Column, text: str):
    """Return the record value a spreadsheet cell stands for (the validator judges it afterwards)."""
    return _value(model, column.kind, text.strip(), column.item_kinds)


def _value(model, kind: str, text: str, item_kinds=()):
    if kind.startswith("choice:"):
        return _choice(model, kind[7:], text)
    if kind.startswith("choices:"):
        return [_choice(model, kind[8:], part) for part in SEPARATORS.split(text) if part.strip()]
    if kind == "list":
        return [part.strip() for part in ITEMS.split(text) if part.strip()]
    if kind == "items":
        items = []
        for entry in filter(None, (p.strip() for p in ITEMS.split(text))):
            parts = entry.split(":", len(item_kinds) - 1)
            items.append({key: _value(model, part_kind, part.strip()) for (key, part_kind), part in zip(item_kinds, parts) if part.strip()})
        return items
    if kind == "number":
        return _number(text)
    if kind == "flag":
        return {"是": True, "否": False, "免费": True, "收费": False}.get(text, text.lower() in ("true", "yes", "y", "1"))
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
