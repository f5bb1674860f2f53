"""The change feed (feed.xml, Atom): the history of changes as entries, and the sentence each change is summed up in."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit
from xml.etree import ElementTree

from ..model.history import Event, History

ATOM = "http://www.w3.org/2005/Atom"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(parent, tag: str, text: str = "", **attributes) -> ElementTree.Element:
    element = ElementTree.SubElement(parent, f"{{{ATOM}}}{tag}", attributes)
    if text:
        element.text = _NOT_XML.sub("", text)
    return element


@dataclass(frozen=True)
class Announcement:
    """An entry that is no change of a record: a year's results published, a title cancelled by a grade."""

    key: str  # stable part of the entry id
    date: str  # ISO 8601
    title: str
    page: str  # the page it links to, relative to the site
    summary: str


def announcements(model) -> list[Announcement]:
    """Return the evaluation cycle's announcements: each year's results (when published) and each cancelled title."""
    cycle, shown = model.cycle, {r.id: r for r in model.records}
    found = []
    for year in cycle.years:
        day = cycle.published.get(year)
        if day is None or day > model.today:
            continue
        results = [r for r in cycle.results[year] if r.record_id in shown]
        counts = "、".join(f"{name} {n} 家" for g, name in model.grades.items() if (n := sum(r.grade == g for r in results)))
        warned = "；".join(f"{n.name}：{shown[n.record_id].data['name']}" for n in cycle.notices if n.year == year and n.record_id in shown)
        found.append(Announcement(f"evaluations/{year}", f"{day}T00:00:00Z", f"{year} 年度评价结果公布", f"evaluations/{year}/",
                                  f"共 {len(results)} 家机构" + (f"：{counts}" if counts else "") + "。"
                                  + (f"{warned}。" if warned else "")))
    for c in cycle.cancellations:
        if c.record_id in shown and c.date <= model.today:
            level = model.levels[c.title["level"]]
            found.append(Announcement(f"cancelled/{c.record_id}/{c.title['level']}-{c.title['year']}", f"{c.date}T00:00:00Z",
                                      f"取消称号：{shown[c.record_id].data['name']}", f"institutions/{c.record_id}/",
                                      f"{level}示范平台称号（{c.title['year']} 年认定）自 {c.date} 起取消：{c.reason}。"))
    return found


def render_feed(history: History, title: str, authority: str, site_url: str, published_ids: set[str], fallback_date: str,
                news: list[Announcement] = ()) -> bytes:
    """Return the Atom feed of the history: one entry per change, ids built from the commit and the record; then the
    announcements of the evaluation cycle."""
    site_url = site_url.rstrip("/") + "/" if site_url else ""
    host = urlsplit(site_url).hostname or "directory.invalid"
    ElementTree.register_namespace("", ATOM)
    feed = ElementTree.Element(f"{{{ATOM}}}feed")
    _text(feed, "id", f"{site_url}feed.xml" if site_url else f"tag:{host},2026:feed")
    _text(feed, "title", f"{title}：最近更新")
    dates = [e.date for e in history.events[:1]] + [n.date for n in news]
    _text(feed, "updated", max(dates) if dates else fallback_date)
    _text(_text(feed, "author"), "name", authority)
    _text(feed, "link", rel="self", href=f"{site_url}feed.xml")
    _text(feed, "link", rel="alternate", href=f"{site_url}changes/")
    for event in history.events:
        entry = _text(feed, "entry")
        _text(entry, "id", f"tag:{host},{event.date[:10]}:{event.commit}/{event.record_id}")
        _text(entry, "title", f"{event.label}：{event.name}")
        _text(entry, "updated", event.date)
        page = f"institutions/{event.record_id}/" if event.record_id in published_ids else "changes/"
        _text(entry, "link", rel="alternate", href=site_url + page)
        _text(entry, "summary", summary(event), type="text")
    for item in sorted(news, key=lambda n: n.date, reverse=True):
        entry = _text(feed, "entry")
        _text(entry, "id", f"tag:{host},{item.date[:10]}:{item.key}")
        _text(entry, "title", item.title)
        _text(entry, "updated", item.date)
        _text(entry, "link", rel="alternate", href=site_url + item.page)
        _text(entry, "summary", item.summary, type="text")
    ElementTree.indent(feed)
    return ElementTree.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n"


def summary(event: Event) -> str:
    """Return one sentence on what changed."""
    if event.kind == "changed":
        return "修改了：" + "、".join(event.fields)
    if event.kind == "renamed":
        return f"改用新的网址（{'、'.join(event.fields)}），原网址自动转到这里。"
    return {"added": "新收录到名录。", "republished": "重新在名录中公开。", "unpublished": "不再在名录中公开。"}[event.kind]
