"""The change feed (feed.xml, Atom): the history of changes as entries, and the sentence each change is summed up in."""

from __future__ import annotations

import re
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


def render_feed(history: History, title: str, authority: str, site_url: str, published_ids: set[str], fallback_date: str) -> bytes:
    """Return the Atom feed of the history: one entry per change, ids built from the commit and the record."""
    site_url = site_url.rstrip("/") + "/" if site_url else ""
    host = urlsplit(site_url).hostname or "directory.invalid"
    ElementTree.register_namespace("", ATOM)
    feed = ElementTree.Element(f"{{{ATOM}}}feed")
    _text(feed, "id", f"{site_url}feed.xml" if site_url else f"tag:{host},2026:feed")
    _text(feed, "title", f"{title}：最近更新")
    _text(feed, "updated", history.events[0].date if history.events else fallback_date)
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
    ElementTree.indent(feed)
    return ElementTree.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n"


def summary(event: Event) -> str:
    """Return one sentence on what changed."""
    if event.kind == "changed":
        return "修改了：" + "、".join(event.fields)
    return {"added": "新收录到名录。", "republished": "重新在名录中公开。", "unpublished": "不再在名录中公开。"}[event.kind]
