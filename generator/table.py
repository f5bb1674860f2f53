"""The directory as a table: the columns come from the field table (schema.RECORD) and serve both the CSV/XLSX
exports and the spreadsheet importer, so every export imports back. Each column's kind reads and writes its cells."""

from __future__ import annotations

from dataclasses import dataclass

from .kinds import Cells, Field, Slug
from .schema import leaf_fields


@dataclass(frozen=True)
class Column:
    heading: str  # written by exports
    path: str  # the record field
    spec: Field  # the field's kind: how a cell is read and written
    aliases: tuple[str, ...] = ()  # other headings the importer reads as this column

    def text(self, model, record) -> str:
        """Return this field of a record as spreadsheet text in people's words."""
        value = record.id if self.path == "id" else _get(record.data, self.path)
        return self.spec.write_cell(value, model.directory.choice_tables)

    def value(self, model, record):
        """Return what a workbook cell holds for this field of a record: a number for a number, else the text."""
        if not self.path or self.path == "id":
            return self.text(model, record)
        return self.spec.write_value(_get(record.data, self.path), model.directory.choice_tables)

    def read(self, text: str, cells: Cells):
        """Return the record value a cell stands for (the validator judges it afterwards)."""
        return self.spec.read_cell(text, cells)


@dataclass(frozen=True)
class TitleColumn(Column):
    """The current highest demonstration title, derived for exports (no field of its own: path empty, never imported)."""

    def text(self, model, record) -> str:
        badge = model.badges[record.id]
        return f"{model.levels[badge['level']]}示范平台（{badge['year']} 年）" if badge else ""


@dataclass(frozen=True)
class PageColumn(Column):
    """The address of the record's page, derived for exports (path empty, never imported)."""

    def text(self, model, record) -> str:
        return model.page_url(record)


@dataclass(frozen=True)
class ResultColumn(Column):
    """One part of the latest yearly result (year, grade, score, rank, warnings), derived for exports (never imported)."""

    def text(self, model, record) -> str:
        evaluation = model.evaluation(record)
        value = evaluation.get(self.spec.label) if evaluation else None
        if self.spec.label == "grade":
            return model.grades.get(value, "") if value else ""
        if self.spec.label == "warnings":
            return "、".join(value or [])
        return "" if value is None else f"{value:g}" if isinstance(value, float) else str(value)


def result_columns(taxonomy) -> list[Column]:
    """Return the derived columns of the latest result: warnings only where the city's rules give any."""
    parts = [("最近评价年度", "year"), ("最近评价等次", "grade"), ("最近评价得分", "score"), ("最近评价组内排名", "rank")]
    parts += [("最近评价警告", "warnings")] if taxonomy.evaluation_rules.warnings else []
    return [ResultColumn(heading, "", Field(key)) for heading, key in parts]


def columns(taxonomy) -> list[Column]:
    """Return every column in order: the id, each record field the field table marks as a column, then derived ones."""
    named = taxonomy.labels
    table = [Column("标识", "id", Slug("标识"))]
    for path, spec in leaf_fields():
        if not spec.column:
            continue
        heading = named[path] if named[path] != spec.label else spec.heading  # the taxonomy's own word wins
        aliases = tuple(h for h in dict.fromkeys((spec.label, *spec.headings)) if h != heading)
        table.append(Column(heading, path, spec, aliases))
    return (table + [TitleColumn("现有示范平台称号", "", Field("现有示范平台称号"))] + result_columns(taxonomy)
            + [PageColumn("网页", "", Field("网页"))])


def part_columns(taxonomy) -> list[Column]:
    """Return the import-only columns that each give one part of a list entry (a title's level, year and expiry,
    an evaluation's year and grade): path `demonstration.level` and so on, from the field table's headings."""
    found = []
    for path, spec in leaf_fields():
        if spec.many:
            for key, child in spec.entry_parts().items():
                if child.headings:
                    found.append(Column(child.headings[0], f"{path}.{key}", child, child.headings[1:]))
    return found


def _get(data: dict, path: str):
    for part in path.split("."):
        data = data.get(part) if isinstance(data, dict) else None
    return data
