"""The directory as data for every output: published records in reading order, lookup tables, derived facts (current
titles, statistics, the edition date) and the history of changes. No MkDocs, no Jinja: pages, search, the catalogue,
the exports, HSDS, the feed and the importer all read a Model."""

from __future__ import annotations

import datetime
import hashlib
import json
from functools import cached_property
from pathlib import Path

from pypinyin import lazy_pinyin

from ..background import halved
from ..cache import Memo, key
from ..hours import schedule, workday_hours
from ..kinds import Cells
from ..problems import Problem
from ..read.directory import TAXONOMY_FILE, Directory, Folder, Record, load_directory, reference_date
from ..read.evaluations import is_cycle_file
from ..schema import RECORD
from .evaluations import Cycle
from .history import History, read_history
from .stats import compute_stats


def spell(name: str, overrides: dict[str, str]) -> str:
    """Return a name in toneless pinyin, with the taxonomy's corrections for words pypinyin reads wrongly."""
    parts, start, position = [], 0, 0
    words = sorted(overrides, key=len, reverse=True)
    while position < len(name):
        word = next((w for w in words if name.startswith(w, position)), None)
        if word is None:
            position += 1
            continue
        parts += lazy_pinyin(name[start:position]) + [overrides[word]]
        position = start = position + len(word)
    parts += lazy_pinyin(name[start:])
    return " ".join(p for p in parts if p.strip())


def load_model(source, today: datetime.date | None = None, site_url: str = "", history: bool = False,
               cache=None) -> tuple[Model | None, list[Problem]]:
    """Load a directory (a folder, a git revision, or a Directory already loaded) as a Model; return (model or None, problems).
    The one way every command, the plugin and the benchmarks get a Model; with history, the git history of its folder;
    with cache, the build cache's folder (records read before are taken from it)."""
    today = today or reference_date()
    directory, problems = (source, []) if isinstance(source, Directory) else load_directory(source, today, cache)
    if directory is None:
        return None, problems
    past = read_history(directory.root, directory.choice_tables, directory.taxonomy.labels) if history else None
    return Model(directory, today, site_url, past, cache), problems


class Model:
    """The published directory and everything derived from it, as of one day."""

    def __init__(self, directory: Directory, today: datetime.date, site_url: str = "", history: History | None = None,
                 cache: Path | None = None):
        self.directory = directory
        self.cache = cache  # the build cache's folder (cache.py), or None
        self._record_keys: dict[str, str] = {}  # record_key's, computed once per record
        self.today = today
        self.site_url = site_url.rstrip("/")
        self.history = history or History([])
        self.taxonomy = taxonomy = directory.taxonomy
        self.site = taxonomy.site
        self.labels = taxonomy.labels
        self.words = taxonomy.words  # district_word (区, 县市区 …) and area_word (全市 …)
        self.examples = taxonomy.examples  # phone, id, query and credit_code shown in hints and placeholders
        self.verification_months = taxonomy.verification_months
        self.verification_due = taxonomy.verification_due(today)  # verified before this day: overdue
        self.pinyin_overrides = taxonomy.pinyin_overrides
        self.cells = Cells(taxonomy.tables, taxonomy.aliases, taxonomy.district_suffixes)  # what reading a spreadsheet cell needs
        spellings = Memo(cache, "spellings", repr(self.pinyin_overrides))
        overrides = self.pinyin_overrides
        names = list(dict.fromkeys(r.data["name"] for r in directory.published
                                   if not r.data.get("pinyin") and not spellings.has(r.data["name"])))
        spelled = dict(zip(names, halved("名称的拼音", lambda names: [spell(name, overrides) for name in names], names)))
        self.spelled = {r.id: r.data.get("pinyin") or spellings.get(r.data["name"], lambda r=r: spelled[r.data["name"]])
                        for r in directory.published}  # each name's pinyin, from the cache when it was read before
        spellings.save()
        self.records = sorted(directory.published, key=self.sort_key)
        self.districts = directory.choices("districts")
        self.functions = directory.choices("functions")
        self.tiers = directory.choices("tiers")
        self.levels = directory.choices("demonstration_levels")
        self.grades = directory.choices("evaluation_grades")
        self.industries = directory.choices("industries")

    def sort_key(self, record: Record) -> tuple[str, str, str]:
        """Return a record's place in every list: its pinyin (the taxonomy's corrections, or its own `pinyin`), name, id."""
        spelled = self.spelled.get(record.id) or record.data.get("pinyin") or spell(record.data["name"], self.pinyin_overrides)
        return spelled.lower(), record.data["name"], record.id

    @cached_property
    def context(self) -> str:
        """Return a digest of what every output made from one record reads besides the record: the taxonomy, the
        results and bulletin files, the day and the site's address (with the code, in every key of cache.py)."""
        digest = hashlib.sha256(f"{self.today.isoformat()}\0{self.site_url}\0".encode())
        root = Folder(self.directory.root)
        for name in root.entries() if self.directory.root.is_dir() else []:
            if name == TAXONOMY_FILE or (is_cycle_file(name) and not name.endswith("/")):
                digest.update(name.encode() + b"\0" + (root.root / name).read_bytes() + b"\0")
        return digest.hexdigest()

    def record_key(self, record: Record) -> str:
        """Return the cache key of what is made from one record alone (its page, its rows): the record and `context`."""
        if record.id not in self._record_keys:
            self._record_keys[record.id] = key("record", self.context, repr((record.id, record.folder, record.data)))
        return self._record_keys[record.id]

    @cached_property
    def edition(self) -> datetime.date:
        """Return the date of the data: the latest verification of a published record."""
        return max((r.data["verified"] for r in self.records), default=self.today)

    def page_url(self, record: Record) -> str:
        """Return the address of a record's page (absolute when site_url is known)."""
        return f"{self.site_url}/institutions/{record.id}/"

    def titles(self, record: Record) -> dict:
        """Return a record's demonstration titles split into current (highest level first) and expired."""
        order = list(self.levels)
        gone = {id(c.title) for c in self.cancelled_titles(record)}  # cancelled by a grade: neither current nor expired
        current = [t for t in record.current_titles(self.taxonomy, self.today) if id(t) not in gone]
        expired = [t for t in record.data.get("demonstration", []) if t not in current and id(t) not in gone]
        return {"current": sorted(current, key=lambda t: (order.index(t["level"]), -t["year"])), "expired": expired}

    def cancelled_titles(self, record: Record) -> list:
        """Return the titles a grade has cancelled by today, as the evaluation rules say (each with its date and reason)."""
        return self.cycle.cancelled(record.id, self.today)

    @cached_property
    def cycle(self) -> Cycle:
        """Return the evaluation cycle: results with ranks, warnings, cancelled titles, lists, quarterly bulletins."""
        return Cycle(self.directory, self.today)

    def evaluation(self, record: Record) -> dict | None:
        """Return a record's latest result with the warnings of that year, as exports and pages show it (or None)."""
        results = self.cycle.of(record.id)
        if not results:
            return None
        last = results[-1]
        warnings = [n.name for n in self.cycle.notices_of(record.id) if n.year == last.year]
        return {"year": last.year, "grade": last.grade, "score": last.score, "rank": last.rank, "warnings": warnings}

    @cached_property
    def badges(self) -> dict[str, dict | None]:
        """Return each record's current highest demonstration title (or None)."""
        return {r.id: (self.titles(r)["current"] or [None])[0] for r in self.records}

    @cached_property
    def stats(self) -> dict:
        """Return the figures shared by the home and statistics pages."""
        return compute_stats(self)

    @cached_property
    def district_files(self) -> dict[str, str]:
        """Return the file name of each district's catalogue → the district's name."""
        return {f"catalogue-{d}.pdf": name for d, name in self.districts.items()}

    def schedule(self, record: Record) -> dict | None:
        """Return the opening hours the page's script needs (weekly table, dated exceptions, holiday rule), or None."""
        text = record.data.get("opening_hours")
        if not text:
            return None
        data = schedule(text, self.today)
        return data | {"workday": workday_hours(data["weekly"]), "tz": self.site.timezone}

    def free(self, record: Record) -> bool:
        """Return True when the record offers free basic services or a free fee item."""
        return bool(record.data.get("free_services")) or any(item.get("free") for item in record.data.get("fee_items", []))

    def record_data(self, record: Record) -> dict:
        """Return a published record with its derived fields (page URL, current demonstration level)."""
        badge = self.badges[record.id]
        public = {key: value for key, value in record.data.items() if RECORD.fields[key].public}
        return {"id": record.id, **public, "url": self.page_url(record),
                "current_demonstration_level": badge["level"] if badge else None, "latest_evaluation": self.evaluation(record),
                "cancelled_titles": [c.title | {"cancelled": c.date, "reason": c.reason} for c in self.cancelled_titles(record)]}

    def record_json(self, record: Record, memo: Memo | None = None) -> str:
        """Return a published record as JSON with its derived fields (kept in the memo when one is given)."""
        def compute():
            return json.dumps(self.record_data(record), ensure_ascii=False, indent=2, default=str) + "\n"
        return memo.get(self.record_key(record), compute) if memo else compute()
