"""The evaluation cycle as the city's rules run it: each year's results (the results files, and the grades records
carry themselves), ranks within a group, the warnings the ranking earns, the titles a grade cancels, the lists, and
the quarterly bulletins. Pure: a Directory and a day in, facts out; pages, exports, the feed and `check` read them."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from ..read.evaluations import BULLETINS, EVALUATIONS
from ..schema import BULLETIN_FIGURES


@dataclass(frozen=True)
class Result:
    """One institution's result in one year."""

    year: int
    record_id: str
    group: str  # the tier or primary function it is ranked in (evaluation_rules.ranking)
    grade: str | None = None
    score: float | None = None
    rank: int | None = None  # within its group: as published, else by score
    notes: str = ""


@dataclass(frozen=True)
class Notice:
    """A warning one year's ranking earns an institution (黄牌警告, 建议更换运营单位 …)."""

    year: int
    record_id: str
    rule: str  # the warning's id in evaluation_rules
    name: str
    years: int = 1  # the years in a row it was last


@dataclass(frozen=True)
class Cancellation:
    """A demonstration title cancelled by a grade: from which day, and why."""

    record_id: str
    title: dict = field(hash=False, compare=False)
    year: int = 0
    date: datetime.date = datetime.date.min
    reason: str = ""


@dataclass
class Bulletin:
    """One quarter's figures per institution."""

    year: int
    quarter: int
    published: datetime.date | None
    figures: dict[str, dict]  # record id → {figure key: number}

    @property
    def key(self) -> str:
        """Return the bulletin's address part: 2025-q3."""
        return f"{self.year}-q{self.quarter}"


class Cycle:
    """Every year's results with ranks, warnings, cancellations and lists, and every quarter's bulletin."""

    def __init__(self, directory, today: datetime.date):
        self.rules = rules = directory.taxonomy.evaluation_rules
        self.today = today
        self.records = {r.id: r for r in directory.records}
        # A file dated after the day is not published yet: it (and the records' own grades of its year) count from its date on.
        due = [f for f in directory.cycle_files if (f.data.get("published") or today) <= today]
        files = [f for f in directory.cycle_files if f.kind == EVALUATIONS]
        self.published = {f.year: f.data.get("published") for f in files}
        self.sources = {f.year: f.data.get("source", "") for f in files}
        waiting = {year for year, day in self.published.items() if day and day > today}
        self.results = _rank(_results([f for f in files if f.year not in waiting], self.records, rules.ranking, waiting))
        self.notices = [n for rule in rules.warnings for n in _warnings(self.results, self.records, rule, rules.ranking)]
        self.cancellations = _cancellations(self.results, self.records, rules, self.published, directory.taxonomy.title_expiry,
                                           directory.choices("evaluation_grades"))
        self.bulletins = sorted((Bulletin(f.year, f.quarter, f.data.get("published"), {e["id"]: e for e in f.entries})
                                 for f in due if f.kind == BULLETINS), key=lambda b: (b.year, b.quarter))
        # Each institution's own entries, looked up once per page and export row (a scan each was quadratic).
        self._results, self._notices, self._cancellations = defaultdict(list), defaultdict(list), defaultdict(list)
        for year in self.years:
            for result in self.results[year]:
                self._results[result.record_id].append(result)
        for notice in sorted(self.notices, key=lambda n: n.year):
            self._notices[notice.record_id].append(notice)
        for cancellation in self.cancellations:
            self._cancellations[cancellation.record_id].append(cancellation)

    @property
    def years(self) -> list[int]:
        """Return the years with results, oldest first."""
        return sorted(self.results)

    def of(self, record_id: str) -> list[Result]:
        """Return an institution's results, oldest first."""
        return list(self._results.get(record_id, ()))

    def notices_of(self, record_id: str) -> list[Notice]:
        """Return the warnings an institution earned, oldest first."""
        return list(self._notices.get(record_id, ()))

    def current_notices(self, record_id: str) -> list[Notice]:
        """Return the warnings of the latest year with results (those still in force)."""
        latest = self.years[-1] if self.years else None
        return [n for n in self.notices_of(record_id) if n.year == latest]

    def cancelled(self, record_id: str, today: datetime.date | None = None) -> list[Cancellation]:
        """Return the titles of an institution cancelled on or before the day (all of them when no day is given)."""
        return [c for c in self._cancellations.get(record_id, ()) if today is None or c.date <= today]

    def lists(self, year: int) -> list[tuple[dict, list[str]]]:
        """Return each list of the rules with the ids its grades put on it that year."""
        grades = {r.record_id: r.grade for r in self.results.get(year, [])}
        return [(entry, [rid for rid, grade in grades.items() if grade in entry["grades"]]) for entry in self.rules.lists]

    def trend(self, record_id: str) -> list[tuple[Bulletin, dict]]:
        """Return an institution's quarterly figures, oldest quarter first."""
        return [(b, b.figures[record_id]) for b in self.bulletins if record_id in b.figures]


def ranking_group(record, ranking: str) -> str:
    """Return the group a record is ranked in now: its tier or its primary function (evaluation_rules.ranking)."""
    return record.data.get("tier", "") if ranking == "tier" else (record.data.get("functions") or [""])[0]  # a draft may lack both


def _results(files, records: dict, ranking: str, waiting: set[int]) -> dict[int, list[Result]]:
    """The results files' entries, and each record's own grades for the years (or institutions) no file gives."""
    found: dict[int, dict[str, Result]] = defaultdict(dict)
    for cycle_file in files:
        for e in cycle_file.entries:
            if e["id"] in records:
                group = e.get("group") or ranking_group(records[e["id"]], ranking)  # the year's group, as imported
                found[cycle_file.year][e["id"]] = Result(cycle_file.year, e["id"], group, e.get("grade"), e.get("score"), e.get("rank"),
                                                         e.get("notes", ""))
    for record in records.values():
        for own in (e for e in record.data.get("evaluations", []) if e["year"] not in waiting):
            found[own["year"]].setdefault(record.id, Result(own["year"], record.id, ranking_group(record, ranking), own["grade"]))
    return {year: list(by_id.values()) for year, by_id in found.items()}


def _rank(results: dict[int, list[Result]]) -> dict[int, list[Result]]:
    """Fill in ranks from scores where the list gave none (equal scores share a rank); order each year by group, rank."""
    ranked = {}
    for year, items in results.items():
        done = []
        for item in items:
            if item.rank is None and item.score is not None:
                peers = [o.score for o in items if o.group == item.group and o.score is not None]
                item = Result(**{**item.__dict__, "rank": 1 + sum(s > item.score for s in peers)})
            done.append(item)
        ranked[year] = sorted(done, key=lambda r: (r.group, r.rank is None, r.rank or 0, r.record_id))
    return ranked


def _last(results: list[Result], places: int) -> set[str]:
    """The institutions in the last places of each group (a group of one has no last place)."""
    last = set()
    for group in {r.group for r in results}:
        ranks = sorted(r.rank for r in results if r.group == group and r.rank is not None)
        if len(ranks) >= 2:
            cut = ranks[-min(places, len(ranks) - 1)]
            last |= {r.record_id for r in results if r.group == group and r.rank is not None and r.rank >= cut}
    return last


def _warnings(results: dict[int, list[Result]], records: dict, rule, ranking: str) -> list[Notice]:
    last = {year: _last(items, rule.last_places) for year, items in results.items()}
    tier = {(r.year, r.record_id): r.group if ranking == "tier" else records[r.record_id].data.get("tier")
            for items in results.values() for r in items}  # the tier of the year ranked
    notices = []
    for year in sorted(results):
        for rid in sorted(last[year]):
            if rule.tiers and tier[year, rid] not in rule.tiers:
                continue
            if all(rid in last.get(year - back, ()) for back in range(rule.years)):
                notices.append(Notice(year, rid, rule.id, rule.name, rule.years))
    return notices


def _cancellations(results, records, rules, published, expiry, grades: dict) -> list[Cancellation]:
    """The titles each grade cancels: titles awarded by the evaluation year and not expired by the day of cancelling."""
    found, done = [], set()
    for year in sorted(results):
        for result in results[year]:
            for number, title in enumerate(records[result.record_id].data.get("demonstration", [])):
                if (result.record_id, number) in done or title["year"] > year or not rules.cancels(result.grade, title["level"]):
                    continue
                date = rules.cancel_date(year, published.get(year))
                if (expiry(title) or date) < date:
                    continue
                done.add((result.record_id, number))
                reason = rules.cancel_reason.replace("{year}", str(year)).replace("{grade}", grades.get(result.grade, result.grade))
                found.append(Cancellation(result.record_id, title, year, date, reason))
    return found


def totals(bulletin: Bulletin, records: list, key) -> list[tuple[str, dict[str, int]]]:
    """Return the bulletin's figures summed per value of key(record) (a district, a primary function), in first-seen order."""
    sums: dict[str, dict[str, int]] = {}
    for record in records:
        figures = bulletin.figures.get(record.id)
        if figures is None:
            continue
        row = sums.setdefault(key(record), dict.fromkeys(BULLETIN_FIGURES, 0))
        for figure in BULLETIN_FIGURES:
            row[figure] += figures.get(figure, 0)
    return list(sums.items())
