"""The typed taxonomy: taxonomy.yml as read, with every default of the field table applied once, and the facts every
output asks of it (choice tables, the city's words, labels, examples, title validity). No module reads it as a dict."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from .kinds import credit_code_check_char
from .schema import FIXED_CHOICES, RECORD, TAXONOMY, fields

LISTS = [key for key, spec in TAXONOMY.fields.items() if getattr(spec, "unique_key", "") == "id"]  # the lists a field chooses from


def choice_tables(data: dict) -> dict[str, dict[str, str]]:
    """Return every id → Chinese name table a field may choose from (the taxonomy's lists, as far as they are read, and
    the fixed ones), under `placeholders` the text that is not data and under `validity_years` each title level's
    validity (what a title's cell shows as its expiry)."""
    data = TAXONOMY.complete(data)
    tables = {key: {item["id"]: item.get("name", item["id"]) for item in data.get(key, []) if "id" in item}  # refused ones too
              for key in LISTS}
    levels = data.get("demonstration_levels", [])
    validity = {item["id"]: str(item["validity_years"]) for item in levels if "validity_years" in item and "id" in item}
    return tables | {"placeholders": dict.fromkeys(data["placeholders"], ""), "validity_years": validity} | FIXED_CHOICES


@dataclass(frozen=True)
class Site:
    """The site's own words: title, authority, region, description, notice, time zone, area code, the city's words."""

    title: str
    authority: str
    region: str
    description: str
    notice: str
    timezone: str
    area_code: str
    district_word: str
    area_word: str
    examples: dict


@dataclass(frozen=True)
class RankWarning:
    """A warning the ranking earns: the last places of a group, so many years in a row, for some tiers (or all)."""

    id: str
    name: str
    last_places: int = 1
    years: int = 1
    tiers: tuple[str, ...] = ()


@dataclass(frozen=True)
class EvaluationRules:
    """What a year's results do, as the city's rules say: which grades cancel which titles from when, which ranks earn
    which warning, which grades put a platform on which list. Empty: results are shown and do nothing."""

    ranking: str = "tier"
    cancel_grades: tuple[str, ...] = ()
    cancel_levels: tuple[str, ...] = ()
    cancel_from: str = "published"
    cancel_reason: str = ""
    warnings: tuple[RankWarning, ...] = ()
    lists: tuple[dict, ...] = ()

    @classmethod
    def from_data(cls, data: dict) -> EvaluationRules:
        """Return the rules of taxonomy.yml's evaluation_rules (defaults applied)."""
        warnings = tuple(RankWarning(w["id"], w["name"], w.get("last_places", 1), w.get("years", 1), tuple(w.get("tiers", ())))
                         for w in data["warnings"])
        return cls(data["ranking"], tuple(data["cancel_grades"]), tuple(data["cancel_levels"]), data["cancel_from"],
                   data["cancel_reason"], warnings, tuple(data["lists"]))

    def cancel_date(self, year: int, published: datetime.date | None) -> datetime.date:
        """Return the day a title is cancelled by a grade of the given year's results."""
        if self.cancel_from == "year_end":
            return datetime.date(year, 12, 31)
        if self.cancel_from == "published" and published:
            return published
        return datetime.date(year + 1, 1, 1)

    def cancels(self, grade: str | None, level: str) -> bool:
        """Return True when a grade cancels a title of that level."""
        return grade in self.cancel_grades and (not self.cancel_levels or level in self.cancel_levels)


class Taxonomy:
    """taxonomy.yml with its defaults: the lists a record chooses from and everything derived from them."""

    def __init__(self, data: dict):
        data = TAXONOMY.complete(data)
        self.site = Site(**data["site"])
        self.districts: list[dict] = data["districts"]
        self.historical_districts: list[dict] = data["historical_districts"]
        self.district_suffixes: tuple[str, ...] = tuple(data["district_suffixes"])
        self.functions: list[dict] = data["functions"]
        self.tiers: list[dict] = data["tiers"]
        self.industries: list[dict] = data["industries"]
        self.demonstration_levels: list[dict] = data["demonstration_levels"]
        self.disclosures: list[dict] = data["disclosures"]
        self.plan: dict = data["plan"]
        self.evaluation_rules = EvaluationRules.from_data(data["evaluation_rules"])
        self.verification_months: int = data["verification_months"]
        self.pinyin_overrides = {o["text"]: o["pinyin"] for o in data["pinyin_overrides"]}
        self.thesaurus: list[list[str]] = data["thesaurus"]  # groups of words a search query also looks for
        self.tables = choice_tables(data)
        # The words a city uses for a choice besides its name (人才培训 for 人员培训), taught to the importer.
        self.aliases = {key: {alias: item["id"] for item in data[key] for alias in item.get("aliases", [])} for key in LISTS}
        self.words = {"district_word": self.site.district_word, "area_word": self.site.area_word}
        self.labels = self._labels()
        self.examples = self._examples()
        self.area_code = self.site.area_code or self._area_code_of(self.examples["phone"])
        self._validity = {level["id"]: level.get("validity_years") for level in self.demonstration_levels}

    def label(self, path: str) -> str:
        """Return a field's label as people read it, a nested field after its parent's: 服务五公开·服务内容, 联系方式·电话."""
        path = path.split("[")[0]
        parent = path.rpartition(".")[0]
        own = self.labels.get(path, path)
        return f"{self.labels.get(parent, parent)}·{own}" if parent else own

    def choices(self, key: str) -> dict[str, str]:
        """Return the id → Chinese name table of one list."""
        return self.tables[key]

    def _labels(self) -> dict[str, str]:
        """The label of every record field by dotted path, as the city words them: the district by its word for a
        district, the disclosures by the taxonomy's labels."""
        named = {path: child.label for path, child in fields(RECORD)}
        named["district"] = "所在" + self.site.district_word
        return named | {f"disclosures.{d['key']}": d["label"] for d in self.disclosures}

    def _examples(self) -> dict[str, str]:
        """The example values shown in hints and placeholders: the taxonomy's own, else made from its lists."""
        first = self.districts[0]
        place = next((first["name"].removesuffix(s) for s in self.district_suffixes if first["name"].endswith(s)), first["name"])
        topic = (self.industries or self.functions)[0]["name"]
        code = "91000000MA0000000"
        phone = f"{self.site.area_code}-0000-0000" if self.site.area_code else "0000-0000-0000"
        return {"phone": phone, "id": f"{first['id']}-service-center", "query": f"{place} {topic}",
                "credit_code": code + credit_code_check_char(code)} | self.site.examples

    @staticmethod
    def _area_code_of(phone: str) -> str:
        return phone.split("-")[0] if phone.startswith("0") and "-" in phone else ""

    def verification_due(self, today: datetime.date) -> datetime.date:
        """Return the date before which a verification is overdue (today less the verification period)."""
        months = today.year * 12 + today.month - 1 - self.verification_months
        year, month = divmod(months, 12)
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        last = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month]
        return datetime.date(year, month + 1, min(today.day, last))

    def title_expiry(self, title: dict) -> datetime.date | None:
        """Return when a title expires: its own `expires`, else the end of the year its level's validity ends, else never."""
        if "expires" in title:
            return title["expires"]
        years = self._validity.get(title["level"])
        return datetime.date(title["year"] + years, 12, 31) if years else None
