"""Rendering: a Model in, pages out (HTML fragments from autoescaped Jinja2 templates); no MkDocs imports."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from jinja2 import Environment, PackageLoader, select_autoescape

from ..cache import Memo, key
from ..hours import specification, weekly_rows
from ..model.evaluations import totals
from ..model.history import MAX_EVENTS
from ..model.model import Model
from ..problems import CODES, HELP_PAGE, SEVERITY_LABELS
from ..schema import BULLETIN_FIGURES, BULLETIN_FILE, EVALUATION_FILE, fields
from .feed import summary
from .offline import SIZE_MARK, size_text
from .search import facet_options

MARKDOWN_SPECIAL = set("&<>\"'`*_[]{}\\~")  # HTML, links, emphasis, code spans and attribute lists ({: onclick=…})

templates = Environment(loader=PackageLoader("generator.write", "templates"), autoescape=select_autoescape(default=True),
                        trim_blocks=True, lstrip_blocks=True)
templates.filters["size"] = size_text


@dataclass
class Page:
    """A generated page: where it lives, its title, and its HTML body (or how to render it when it is needed)."""

    src_uri: str
    title: str
    html: str = ""
    in_nav: bool = True
    head: str = ""  # HTML placed early in <head>, before the theme's styles and scripts
    later: Callable[[], str] | None = None  # for a family of thousands of pages: rendered one at a time, never all held
    wide: bool = False  # a page of wide tables and no sections: the theme's table of contents column is left out

    def body(self) -> str:
        """Return the page's HTML."""
        return self.later() if self.later else self.html


def _render(model: Model, template: str, src_uri: str, **values) -> str:
    depth = 0 if src_uri == "index.md" else src_uri.count("/") + 1
    return templates.get_template(template).render(site=model, base="../" * depth, **values)


def render_downloads(model: Model, downloads: list[tuple[str, int]], base: str) -> str:
    """Return the list of downloads with their sizes and the data's date (an HTML fragment)."""
    return templates.get_template("downloads.html").render(site=model, downloads=downloads, base=base, offline_size=SIZE_MARK)


def render_home(model: Model, downloads: list[tuple[str, int]]) -> Page:
    """Return the home page."""
    html = _render(model, "home.html", "index.md", stats=model.stats, downloads=downloads,
                   downloads_html=render_downloads(model, downloads, ""))
    return Page("index.md", model.site.title, html)


def _kept(memo: Memo | None, parts: list[str], render: Callable[[], str]) -> str:
    """Return a list page's HTML from the memo, under the key of everything it shows (`parts`), or render()."""
    return render() if memo is None else memo.get(key(*parts), render)


def _entry_parts(model: Model, records) -> list[str]:
    """What the entries of a list show of each record (macros.entry): the record, the taxonomy and files (record_key)
    and its badge."""
    return [model.record_key(r) + repr(model.badges[r.id]) for r in records]


def render_district(model: Model, district_id: str, memo: Memo | None = None) -> Page:
    """Return one district's page: its institutions grouped by primary function (kept in `memo` under its records)."""
    records = [r for r in model.records if r.data["district"] == district_id]
    src = f"districts/{district_id}.md"

    def render():
        groups = [(fid, [r for r in records if r.data["functions"][0] == fid]) for fid in model.functions]
        return _render(model, "district.html", src, district=district_id, records=records, groups=[g for g in groups if g[1]])

    html = _kept(memo, ["district", model.context, district_id, *_entry_parts(model, records)], render)
    return Page(src, model.districts[district_id], html)


def render_function(model: Model, function_id: str, memo: Memo | None = None) -> Page:
    """Return one function's page: every institution offering it, grouped by district (kept in `memo` under its records)."""
    function = next(f for f in model.taxonomy.functions if f["id"] == function_id)
    records = [r for r in model.records if function_id in r.data["functions"]]
    src = f"functions/{function_id}.md"

    def render():
        groups = [(did, [r for r in records if r.data["district"] == did]) for did in model.districts]
        return _render(model, "function.html", src, function=function, records=records, groups=[g for g in groups if g[1]])

    html = _kept(memo, ["function", model.context, function_id, *_entry_parts(model, records)], render)
    return Page(src, function["name"], html)


def structured_data(model: Model, record, hours: dict | None = None) -> str:
    """Return schema.org JSON-LD of a record, safe to place inside a <script> element; with opening hours, the weekly
    specification and the special days (statutory holidays, make-up working days) the calendar data covers."""
    data, contacts = record.data, record.data["contacts"]
    district, region = model.districts[data["district"]], model.site.region
    item = {
        "@context": "https://schema.org", "@type": "Organization", "@id": model.page_url(record), "name": data["name"],
        "url": model.page_url(record), "areaServed": {"@type": "AdministrativeArea", "name": district},
        "address": {"@type": "PostalAddress", "streetAddress": data["address"], "addressLocality": district,
                    "addressCountry": "CN"} | ({"addressRegion": region} if region else {}),
        "makesOffer": {"@type": "Offer", "description": f"{model.labels['disclosures.fees']}：{data['disclosures']['fees']}",
                       "itemOffered": {"@type": "Service", "name": "、".join(model.functions[f] for f in data["functions"]),
                                       "description": data["disclosures"]["content"],
                                       "hoursAvailable": data["disclosures"]["hours"], "areaServed": district}},
    }
    optional = {"alternateName": data.get("name_en"), "telephone": contacts.get("phone") or contacts.get("hotline"),
                "email": contacts.get("email"), "sameAs": contacts.get("website"), "taxID": data.get("credit_code"),
                "description": data.get("description")}
    item |= {key: value for key, value in optional.items() if value}
    if hours:
        regular, special = specification(hours["weekly"], model.today, hours)
        item["openingHoursSpecification"] = regular
        if special:
            item["specialOpeningHoursSpecification"] = special
    text = json.dumps(item, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def render_institution(model: Model, record, edit_url: str, report_url: str) -> Page:
    """Return one institution's page with its five disclosures in the taxonomy's order."""
    src = f"institutions/{record.id}.md"
    hours = model.schedule(record)
    cycle = model.cycle
    graded = [r for r in cycle.of(record.id) if r.grade]  # the results files' and the record's own grades, by year
    html = _render(model, "institution.html", src, r=record, d=record.data, titles=model.titles(record),
                   cancelled=model.cancelled_titles(record),
                   latest=graded[-1] if graded else None, edit_url=edit_url, report_url=report_url,
                   results=cycle.of(record.id)[-3:], notices=cycle.notices_of(record.id), trend=cycle.trend(record.id)[-4:],
                   figures=BULLETIN_FIGURES,
                   structured_data=structured_data(model, record, hours), schedule=hours,
                   weekly=weekly_rows(hours["weekly"]) if hours else [])
    return Page(src, record.data["name"], html)


def render_demonstration(model: Model) -> Page:
    """Return the list of current demonstration platforms by level, then year (newest first)."""
    rows = [(t, r) for r in model.records for t in model.titles(r)["current"]]
    groups = []
    for level in model.levels:
        titled = sorted((p for p in rows if p[0]["level"] == level), key=lambda p: (-p[0]["year"], model.sort_key(p[1])))
        years = defaultdict(list)
        for title, record in titled:
            years[title["year"]].append(record)
        groups.append((level, list(years.items())))
    return Page("demonstration.md", "示范平台", _render(model, "demonstration.html", "demonstration.md", groups=groups))


def render_evaluation(model: Model, year: int, memo: Memo | None = None) -> Page:
    """Return /evaluations/<year>/: the ranking by group with score, grade and warnings, the lists, cancelled titles and
    a chart of grade counts. Only published institutions are listed (their ranks stay as published). Kept in `memo`
    under what it shows."""
    cycle, shown = model.cycle, {r.id: r for r in model.records}
    results = [r for r in cycle.results[year] if r.record_id in shown]
    names = model.tiers if cycle.rules.ranking == "tier" else model.functions
    groups = [(name, [r for r in results if r.group == gid]) for gid, name in names.items()]
    notices = defaultdict(list)
    for notice in cycle.notices:
        if notice.year == year:
            notices[notice.record_id].append(notice.name)
    grades = [(name, sum(r.grade == gid for r in results), None) for gid, name in model.grades.items()]
    lists = [(entry, [shown[i] for i in ids if i in shown]) for entry, ids in cycle.lists(year)]
    cancelled = [c for c in cycle.cancellations if c.year == year and c.record_id in shown]
    src = f"evaluations/{year}.md"
    groups = [g for g in groups if g[1]]
    named = {i: shown[i].data["name"] for i in sorted({r.record_id for r in results} | {c.record_id for c in cancelled})}
    shows = [repr(part) for part in (groups, dict(notices), grades, [(e, [(r.id, r.data["name"]) for r in m]) for e, m in lists],
                                     cancelled, named, cycle.published.get(year), cycle.sources.get(year))]
    html = _kept(memo, ["evaluation", model.context, str(year), *shows], lambda: _render(
        model, "evaluation.html", src, year=year, groups=groups, records=shown, notices=notices, grades=grades, lists=lists,
        cancelled=cancelled, published=cycle.published.get(year), source=cycle.sources.get(year)))
    return Page(src, f"{year} 年度评价结果", html)


def render_bulletin(model: Model, bulletin) -> Page:
    """Return /bulletins/<year>-q<n>/: the quarter's figures by district and by primary function, totals against the
    plan's quarterly targets, with a chart."""
    records = [r for r in model.records if r.id in bulletin.figures]
    whole = dict(totals(bulletin, records, lambda r: "all")).get("all", dict.fromkeys(BULLETIN_FIGURES, 0))
    targets = model.taxonomy.plan.get("quarterly", {})
    rows = [(label, whole[key], targets.get(key)) for key, label in BULLETIN_FIGURES.items()]
    # Figures differ by orders of magnitude: with targets, the chart compares each total with its own target.
    chart = [(label, round(100 * value / target), 100) for label, value, target in rows if target] or rows
    districts = [(model.districts[d], row) for d, row in _ordered(totals(bulletin, records, lambda r: r.data["district"]), model.districts)]
    by_function = _ordered(totals(bulletin, records, lambda r: r.data["functions"][0]), model.functions)
    src = f"bulletins/{bulletin.key}.md"
    html = _render(model, "bulletin.html", src, b=bulletin, rows=rows, chart=chart, percent=chart is not rows, districts=districts,
                   count=len(records),
                   functions=[(model.functions[f], row) for f, row in by_function], figures=BULLETIN_FIGURES)
    return Page(src, f"{bulletin.year} 年第 {bulletin.quarter} 季度服务情况通报", html)


def _ordered(groups: list[tuple[str, dict]], order: dict) -> list[tuple[str, dict]]:
    ranks = {key: number for number, key in enumerate(order)}
    return sorted(groups, key=lambda item: ranks[item[0]])


def cycle_nav(model: Model) -> list[dict]:
    """Return the navigation entry of the results and bulletins (none when there are neither)."""
    cycle = model.cycle
    pages = [{f"{y} 年度评价结果": f"evaluations/{y}.md"} for y in reversed(cycle.years)]
    pages += [{f"{b.year} 年第 {b.quarter} 季度通报": f"bulletins/{b.key}.md"} for b in reversed(cycle.bulletins)]
    return [{"评价与通报": pages}] if pages else []


def render_stats(model: Model) -> Page:
    """Return the statistics page: matrix, tier and industry counts, progress against the plan, with SVG charts."""
    return Page("stats.md", "统计", _render(model, "stats.html", "stats.md", stats=model.stats), wide=True)


def render_search(model: Model) -> Page:
    """Return the search page (the results are drawn by assets/search-page.js)."""
    labels = {"district": model.words["district_word"], "function": model.labels["functions"], "tier": model.labels["tier"],
              "level": "示范平台", "industry": model.labels["industries"]}
    facets = [(key, labels[key], options) for key, options in facet_options(model).items()]
    return Page("search.md", "搜索", _render(model, "search.html", "search.md", facets=facets),
                head=_render(model, "search-head.html", "search.md"))


def render_changes(model: Model) -> Page:
    """Return the "最近更新" page: the same changes as feed.xml, grouped by day."""
    days = defaultdict(list)
    for event in model.history.events:
        days[event.date[:10]].append(event)
    html = _render(model, "changes.html", "changes.md", history=model.history, days=list(days.items()), summary=summary,
                   published={r.id for r in model.records}, limit=MAX_EVENTS)
    return Page("changes.md", "最近更新", html)


def render_field_help(model: Model) -> Page:
    """Return /help/fields/ (字段说明): every record field with its label, required or not, meaning and an example."""
    tables = model.directory.choice_tables

    def rows_of(spec_fields) -> list[dict]:
        rows = []
        for path, spec in spec_fields:
            choices = spec.choice_table()
            rows.append({"path": path, "label": model.labels.get(path, spec.label), "required": spec.required, "kind": spec.describe(),
                         "help": spec.help, "example": spec.example_for(tables, model.examples),
                         "choices": list(tables[choices].items()) if choices else [],
                         "headings": [h for h in spec.headings if h != spec.label] if spec.column else []})
        return rows

    files = [(spec.label, folder, rows_of(fields(spec)))
             for spec, folder in ((EVALUATION_FILE, "evaluations"), (BULLETIN_FILE, "bulletins"))]
    return Page("help/fields.md", "字段说明", _render(model, "help-fields.html", "help/fields.md", rows=rows_of(fields()), files=files),
                in_nav=False, wide=True)


def render_check_help(model: Model) -> Page:
    """Return /help/checks/ (检查项说明): every problem code with its severity, meaning, fix and an example."""
    rows = [(code, SEVERITY_LABELS[check.severity], check) for code, check in CODES.items()]
    return Page(HELP_PAGE.rstrip("/") + ".md", "检查项说明", _render(model, "help-checks.html", "help/checks.md", rows=rows),
                in_nav=False, wide=True)


def inert(text: str) -> str:
    """Return text for a Markdown page that shows as itself: HTML and Markdown's own characters as character references."""
    return "".join(f"&#{ord(c)};" if c in MARKDOWN_SPECIAL else c for c in text)


def render_snippets(model: Model, downloads: list[tuple[str, int]], base: str) -> dict[str, str]:
    """Return what a hand-written page may ask for with `<!-- name -->`: facts of the taxonomy, so no city corrects the text."""
    notice = model.site.notice
    return {
        "downloads": render_downloads(model, downloads, base),
        "tiers": inert("、".join(model.tiers.values())),
        "tier-ids": inert("、".join(model.tiers)),
        "disclosures": inert("、".join(d["label"] for d in model.taxonomy.disclosures)),
        "historical-districts": inert("、".join(h["name"] for h in model.taxonomy.historical_districts) or "（无）"),
        "district-word": inert(model.words["district_word"]),
        "example-phone": inert(model.examples["phone"]),
        "example-id": inert(model.examples["id"]),
        "notice": templates.get_template("notice.html").render(notice=notice) if notice else "",
    }


def render_redirects(model: Model) -> list[tuple[str, str]]:
    """Return (path, HTML) of a small redirect page for every former address: a published record's aliases, and each
    historical district that had its own id. They are no pages of the site: out of the navigation, search and sitemap."""
    moves = [("institutions", alias, record.id, record.data["name"]) for record in model.records
             for alias in record.data.get("aliases", [])]
    moves += [("districts", h["id"], h["maps_to"], model.districts[h["maps_to"]]) for h in model.taxonomy.historical_districts
              if "id" in h and h["id"] not in model.districts]
    template = templates.get_template("redirect.html")
    return [(f"{folder}/{old}/index.html", template.render(title=title, target=f"../{new}/", canonical=f"{model.site_url}/{folder}/{new}/"))
            for folder, old, new, title in moves]


def render_pages(model: Model, downloads: list[tuple[str, int]], edit_url, report_url, body=None, memo: Memo | None = None) -> list[Page]:
    """Return every generated page; edit_url and report_url give each record's links, body(record, edit URL, correction
    URL) an institution page's HTML (rendered here unless given: the build takes it from its cache), `memo` the
    build cache's list pages (districts, functions, evaluations)."""
    body = body or (lambda r, e, p: render_institution(model, r, e, p).html)
    pages = [render_home(model, downloads)]
    pages += [render_district(model, d, memo) for d in model.districts]
    pages += [render_function(model, f, memo) for f in model.functions]
    pages += [render_search(model), render_demonstration(model), render_stats(model), render_changes(model)]
    pages += [render_field_help(model), render_check_help(model)]
    pages += [render_evaluation(model, y, memo) for y in model.cycle.years] + [render_bulletin(model, b) for b in model.cycle.bulletins]
    pages += [Page(f"institutions/{r.id}.md", r.data["name"], in_nav=False,
                   later=partial(body, r, edit_url(r), report_url(r)))
              for r in model.records]
    return pages
