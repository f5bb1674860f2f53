"""Records → page content (HTML fragments from Jinja2 templates, autoescaped); no MkDocs imports."""

from __future__ import annotations

import datetime
import json
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property

from jinja2 import Environment, PackageLoader, select_autoescape
from pypinyin import lazy_pinyin

from .checks import current_titles
from .feed import MAX_EVENTS, History, summary
from .stats import compute_stats

templates = Environment(loader=PackageLoader("generator", "templates"), autoescape=select_autoescape(default=True),
                   trim_blocks=True, lstrip_blocks=True)


@dataclass
class Page:
    """A generated page: where it lives, its title, and its HTML body."""

    src_uri: str
    title: str
    html: str
    in_nav: bool = True


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


def pinyin_key(record, overrides: dict[str, str] | None = None) -> tuple[str, str, str]:
    """Return the sort key of a record: its pinyin (or the record's own `pinyin` field), then name and id."""
    spelled = record.data.get("pinyin") or spell(record.data["name"], overrides or {})
    return spelled.lower(), record.data["name"], record.id


class Site:
    """The directory seen as a website: lookup tables, derived fields and every page."""

    def __init__(self, directory, today: datetime.date, site_url: str = ""):
        self.directory = directory
        self.today = today
        self.site_url = site_url.rstrip("/")
        self.taxonomy = directory.taxonomy
        self.pinyin_overrides = {o["text"]: o["pinyin"] for o in self.taxonomy.get("pinyin_overrides", [])}
        self.records = sorted(directory.published, key=self.sort_key)
        self.downloads: list[tuple[str, int]] = []
        self.history = History([])  # the changes read from git; set by the plugin
        self.districts = directory.choices("districts")
        self.functions = directory.choices("functions")
        self.tiers = directory.choices("tiers")
        self.levels = directory.choices("demonstration_levels")
        self.grades = directory.choices("evaluation_grades")
        self.industries = directory.choices("industries")

    def sort_key(self, record) -> tuple[str, str, str]:
        """Return a record's place in every list: pinyin order with the taxonomy's corrections."""
        return pinyin_key(record, self.pinyin_overrides)

    @cached_property
    def edition(self) -> datetime.date:
        """Return the date of the data: the latest verification of a published record."""
        return max((r.data["verified"] for r in self.records), default=self.today)

    def page_url(self, record) -> str:
        """Return the address of a record's page (absolute when site_url is known)."""
        return f"{self.site_url}/institutions/{record.id}/"

    def titles(self, record) -> dict:
        """Return a record's demonstration titles split into current (highest level first) and expired."""
        order = list(self.levels)
        current = current_titles(record, self.today)
        expired = [t for t in record.data.get("demonstration", []) if t not in current]
        return {"current": sorted(current, key=lambda t: (order.index(t["level"]), -t["year"])), "expired": expired}

    @cached_property
    def badges(self) -> dict[str, dict | None]:
        """Return each record's current highest demonstration title (or None)."""
        return {r.id: (self.titles(r)["current"] or [None])[0] for r in self.records}

    def _render(self, template: str, src_uri: str, **values) -> str:
        depth = 0 if src_uri == "index.md" else src_uri.count("/") + 1
        return templates.get_template(template).render(site=self, base="../" * depth, **values)

    @cached_property
    def stats(self) -> dict:
        """Return the figures shared by the home and statistics pages."""
        return compute_stats(self)

    @cached_property
    def district_files(self) -> dict[str, str]:
        """Return the file name of each district's catalogue → the district's name."""
        return {f"catalogue-{d}.pdf": name for d, name in self.districts.items()}

    def render_downloads(self, base: str) -> str:
        """Return the list of downloads with their sizes and the data's date (an HTML fragment)."""
        return templates.get_template("downloads.html").render(site=self, base=base)

    def render_home(self) -> Page:
        """Return the home page."""
        html = self._render("home.html", "index.md", stats=self.stats)
        return Page("index.md", self.taxonomy["site"]["title"], html)

    def render_district(self, district_id: str) -> Page:
        """Return one district's page: its institutions grouped by primary function."""
        records = [r for r in self.records if r.data["district"] == district_id]
        groups = [(fid, [r for r in records if r.data["functions"][0] == fid]) for fid in self.functions]
        src = f"districts/{district_id}.md"
        html = self._render("district.html", src, district=district_id, records=records, groups=[g for g in groups if g[1]])
        return Page(src, self.districts[district_id], html)

    def render_function(self, function_id: str) -> Page:
        """Return one function's page: every institution offering it, grouped by district."""
        function = next(f for f in self.taxonomy["functions"] if f["id"] == function_id)
        records = [r for r in self.records if function_id in r.data["functions"]]
        groups = [(did, [r for r in records if r.data["district"] == did]) for did in self.districts]
        src = f"functions/{function_id}.md"
        html = self._render("function.html", src, function=function, records=records, groups=[g for g in groups if g[1]])
        return Page(src, function["name"], html)

    def structured_data(self, record) -> str:
        """Return schema.org JSON-LD of a record, safe to place inside a <script> element."""
        data, contacts = record.data, record.data["contacts"]
        district, region = self.districts[data["district"]], self.taxonomy["site"].get("region")
        labels = {d["key"]: d["label"] for d in self.taxonomy["disclosures"]}
        item = {
            "@context": "https://schema.org", "@type": "Organization", "@id": self.page_url(record), "name": data["name"],
            "url": self.page_url(record), "areaServed": {"@type": "AdministrativeArea", "name": district},
            "address": {"@type": "PostalAddress", "streetAddress": data["address"], "addressLocality": district,
                        "addressCountry": "CN"} | ({"addressRegion": region} if region else {}),
            "makesOffer": {"@type": "Offer", "description": f"{labels['fees']}：{data['disclosures']['fees']}",
                           "itemOffered": {"@type": "Service", "name": "、".join(self.functions[f] for f in data["functions"]),
                                           "description": data["disclosures"]["content"],
                                           "hoursAvailable": data["disclosures"]["hours"], "areaServed": district}},
        }
        optional = {"alternateName": data.get("name_en"), "telephone": contacts.get("phone") or contacts.get("hotline"),
                    "email": contacts.get("email"), "sameAs": contacts.get("website"), "taxID": data.get("credit_code"),
                    "description": data.get("description")}
        item |= {key: value for key, value in optional.items() if value}
        text = json.dumps(item, ensure_ascii=False, separators=(",", ":"))
        return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")

    def render_institution(self, record, edit_url: str, report_url: str) -> Page:
        """Return one institution's page with its five disclosures in the taxonomy's order."""
        evaluations = sorted(record.data.get("evaluations", []), key=lambda e: e["year"])
        src = f"institutions/{record.id}.md"
        html = self._render("institution.html", src, r=record, d=record.data, titles=self.titles(record),
                            latest=evaluations[-1] if evaluations else None, edit_url=edit_url, report_url=report_url)
        return Page(src, record.data["name"], html, in_nav=False)

    def render_demonstration(self) -> Page:
        """Return the list of current demonstration platforms by level, then year (newest first)."""
        rows = [(t, r) for r in self.records for t in self.titles(r)["current"]]
        groups = []
        for level in self.levels:
            titled = sorted((p for p in rows if p[0]["level"] == level), key=lambda p: (-p[0]["year"], self.sort_key(p[1])))
            years = defaultdict(list)
            for title, record in titled:
                years[title["year"]].append(record)
            groups.append((level, list(years.items())))
        return Page("demonstration.md", "示范平台", self._render("demonstration.html", "demonstration.md", groups=groups))

    def render_stats(self) -> Page:
        """Return the statistics page: matrix, tier and industry counts, progress against the plan, with SVG charts."""
        return Page("stats.md", "统计", self._render("stats.html", "stats.md", stats=self.stats))

    def render_search(self) -> Page:
        """Return the search page (the results are drawn by assets/search-page.js)."""
        facets = [("district", "区", self.districts), ("function", "服务功能", self.functions), ("tier", "层级", self.tiers),
                  ("level", "示范平台", self.levels), ("industry", "服务产业", self.industries)]
        facets = [(key, label, list(options.items())) for key, label, options in facets]
        return Page("search.md", "搜索", self._render("search.html", "search.md", facets=facets))

    def render_changes(self) -> Page:
        """Return the "最近更新" page: the same changes as feed.xml, grouped by day."""
        days = defaultdict(list)
        for event in self.history.events:
            days[event.date[:10]].append(event)
        html = self._render("changes.html", "changes.md", history=self.history, days=list(days.items()), summary=summary,
                            published={r.id for r in self.records}, limit=MAX_EVENTS)
        return Page("changes.md", "最近更新", html)

    def record_data(self, record) -> dict:
        """Return a published record with its derived fields (page URL, current demonstration level)."""
        badge = self.badges[record.id]
        return {"id": record.id, **record.data, "url": self.page_url(record), "current_demonstration_level": badge["level"] if badge else None}

    def record_json(self, record) -> str:
        """Return a published record as JSON with its derived fields."""
        return json.dumps(self.record_data(record), ensure_ascii=False, indent=2, default=str) + "\n"

    def pages(self, edit_url, report_url) -> list[Page]:
        """Return every generated page."""
        pages = [self.render_home()]
        pages += [self.render_district(d) for d in self.districts]
        pages += [self.render_function(f) for f in self.functions]
        pages += [self.render_search(), self.render_demonstration(), self.render_stats(), self.render_changes()]
        pages += [self.render_institution(r, edit_url(r), report_url(r)) for r in self.records]
        return pages
