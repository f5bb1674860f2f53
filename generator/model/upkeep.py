"""The `check` command: what needs a person rather than a code fix, so the directory stays true over time:
verification overdue, titles expired or expiring, drafts waiting, and (with --links) contact websites that moved or
no longer answer. Output as text, JSON, or the Markdown body of the tracking issue (名录数据待核实清单)."""

from __future__ import annotations

import datetime
import json
import re
from dataclasses import asdict, dataclass

from ..kinds import dotted, short_names
from ..read.importer import name_key
from ..read.linkcheck import BAD, Result
from ..schema import RECORD
from .evaluations import Cycle

TITLE = "名录数据待核实清单"
EXPIRING_DAYS = 90


@dataclass(frozen=True)
class Finding:
    district: str  # the district's id
    path: str  # the record's file, relative to the directory folder
    name: str
    kind: str  # verification, title-expired, title-expiring, title-cancelled, title-cancelling, draft, notes, duplicate,
    # link-broken, link-moved
    todo: str  # what to do, in Chinese


def website_urls(directory) -> list[str]:
    """Return the contact websites of the records the check looks at."""
    return [r.data["contacts"]["website"] for r in _watched(directory) if r.data.get("contacts", {}).get("website")]


def _watched(directory) -> list:
    return [r for r in directory.records if r.published or r.draft]


def findings(directory, today: datetime.date, links: dict[str, Result] | None = None) -> list[Finding]:
    """Return every finding, in the taxonomy's district order, then by file."""
    due, months = directory.taxonomy.verification_due(today), directory.taxonomy.verification_months
    soon = today + datetime.timedelta(days=EXPIRING_DAYS)
    found = []
    cycle, levels = Cycle(directory, today), directory.choices("demonstration_levels")
    for record in _watched(directory):
        data = record.data

        def add(kind: str, todo: str, record=record, data=data) -> None:
            found.append(Finding(data["district"], f"{record.folder}/{record.id}.yml", data["name"], kind, todo))

        if record.draft:
            missing = list(dict.fromkeys(directory.taxonomy.label(p) for p in record.gaps + [dotted(m) for m in RECORD.missing(data)]))
            add("draft", (f"草稿还缺：{'、'.join(missing)}。" if missing else "")
                + "草稿待补全：补齐内容并核实后，把 status 改为 active 即可公开")
        for note in data.get("notes", []):
            add("notes", f"导入备注：{note}（处理后删去这一条）")
        if data.get("verified", due) < due:
            add("verification", f"最近核实日期 {data['verified']} 已超过 {months} 个月：请向机构核实后更新 verified")
        cancelled = cycle.cancelled(record.id)
        ended = {(c.title["level"], c.title["year"]) for c in cancelled if "expires" in c.title and c.title["expires"] <= c.date}
        for title in data.get("demonstration", []):
            expires = directory.taxonomy.title_expiry(title)
            if expires is None or (title["level"], title["year"]) in ended:  # ended by a cancelling grade: history, not due
                continue
            if expires < today:
                add("title-expired", f"{title['year']} 年的示范平台称号已于 {expires} 到期：已续期请更新 expires，未续期可保留为历史")
            elif expires <= soon:
                add("title-expiring", f"{title['year']} 年的示范平台称号将于 {expires} 到期：请提醒机构办理复核")
        for c in cancelled:
            if "expires" in c.title and c.title["expires"] <= c.date:
                continue  # the record already ends the title by the day it is cancelled
            named = f"{levels[c.title['level']]}示范平台称号（{c.title['year']} 年认定）"
            if c.date <= today:
                add("title-cancelled",
                    f"{named}已于 {c.date} 取消（{c.reason}）：网站显示为已取消；请在这一项写上 expires: {c.date}，或删除这一项")
            else:
                add("title-cancelling", f"{named}将于 {c.date} 取消（{c.reason}）：请通知机构")
        website = data.get("contacts", {}).get("website")
        result = (links or {}).get(website) if website else None
        if result is not None and result.kind in BAD:
            add("link-broken", f"网站 {website} {result.describe()}：请核实网址，无法访问的请删除 website")
        elif result is not None and result.kind == "redirect":
            add("link-moved", f"网站 {website} 已跳转到 {result.target}：请核实后把 website 改为新地址")
    found += duplicates(directory)
    order = {district: number for number, district in enumerate(directory.choices("districts"))}
    return sorted(found, key=lambda f: (order.get(f.district, len(order)), f.path))


def duplicates(directory) -> list[Finding]:
    """Return the records that are probably one institution twice: the same credit code, or names equal once normalised
    (width, spaces, brackets, the city and district in front, 有限责任公司 as 有限公司)."""
    taxonomy, found, first = directory.taxonomy, [], {}
    region = tuple(short_names(taxonomy.site.region, taxonomy.district_suffixes)) if taxonomy.site.region else ()
    prefixes = {d["id"]: tuple(sorted(region + tuple(short_names(d["name"], taxonomy.district_suffixes)), key=len, reverse=True))
                for d in taxonomy.districts}
    for record in _watched(directory):
        data = record.data
        keys = [("信用代码相同", data["credit_code"])] if data.get("credit_code") else []
        keys.append(("名称相同", (data["district"], name_key(data["name"], prefixes.get(data["district"], ())))))
        for why, key in keys:
            other = first.setdefault(key, record)
            if other is not record:
                found.append(Finding(data["district"], f"{record.folder}/{record.id}.yml", data["name"], "duplicate",
                                     f"可能与 {other.folder}/{other.id}.yml（{other.data['name']}）是同一家机构（{why}）："
                                     "核实后删去重复的草稿，或把已公开的一条改为 revoked"))
                break
    return found


def format_text(items: list[Finding]) -> str:
    """Return one line per finding and a count."""
    lines = [f"{f.path}: {f.name}：{f.todo}" for f in items]
    records = len({f.path for f in items})
    return "\n".join(lines + [f"共 {records} 条记录需要处理。" if items else "没有需要处理的记录。"])


def format_json(items: list[Finding]) -> str:
    """Return the findings as a JSON list."""
    return json.dumps([asdict(f) for f in items], ensure_ascii=False, indent=2)


BODY_LIMIT = 65_536  # characters GitHub takes in an issue body (a longer one gets HTTP 422)
URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
MARKDOWN_CHARACTERS = re.compile(r"[\\`*_\[\]<>#|~&!]")


def _code(text: str) -> str:
    fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    pad = " " if text.startswith(("`", " ")) or text.endswith(("`", " ")) else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def markdown_text(text: str) -> str:
    """Return record text for an issue body that shows as itself: links as code, Markdown's characters escaped, and
    @mentions broken by a word joiner (GitHub would notify whoever a record names)."""
    parts = []
    for number, piece in enumerate(URL.split(text)):
        parts.append(MARKDOWN_CHARACTERS.sub(lambda m: "\\" + m.group(), piece).replace("@", "@\u2060"))
        if number < len(found := URL.findall(text)):
            parts.append(_code(found[number]))
    return "".join(parts)


def fit_body(body: str, pointer: str, limit: int = BODY_LIMIT) -> str:
    """Return the body cut at a record (a `- [ ]` line) so that it and a note of how many records were left out stay
    under `limit` characters; the note ends with `pointer` (where the full list is)."""
    if len(body) <= limit:
        return body
    lines = body.split("\n")
    kept, size = [], 0
    for line in lines:
        if line.startswith("- [ ] ") and size + len(line) + 400 > limit:
            break
        kept.append(line)
        size += len(line) + 1
    left = sum(line.startswith("- [ ] ") for line in lines[len(kept):])
    return "\n".join(kept).rstrip() + f"\n\n……另有 {left} 条记录未列出（议题正文不能超过 {limit:,} 个字符）：{pointer}\n"


def format_markdown(items: list[Finding], directory) -> str:
    """Return the tracking issue's body: by district, one checkbox per record with its file and what to do.

    It holds no date, so the same findings give the same body and the issue is not edited for nothing.
    """
    if not items:
        return ""
    names = directory.choices("districts")
    records = len({f.path for f in items})
    lines = [(f"由 `python -m generator check --links` 定期生成：共 {records} 条记录需要处理。处理后提交修改，下次检查时条目会自动消失；"
              "全部处理完后本议题会自动关闭。"), ""]
    for district in dict.fromkeys(f.district for f in items):
        mine = [f for f in items if f.district == district]
        lines += [f"### {names.get(district, district)}（{len({f.path for f in mine})} 条）", ""]
        for path in dict.fromkeys(f.path for f in mine):
            todo = [f for f in mine if f.path == path]
            lines.append(f"- [ ] {_code('directory/' + path)} {markdown_text(todo[0].name)}")
            lines += [f"  - {markdown_text(f.todo)}" for f in todo]
        lines.append("")
    return "\n".join(lines)


def tracking_action(open_body: str | None, body: str) -> str:
    """Return what to do with the tracking issue: create, update, close, or none (the same body: no churn)."""
    if not body:
        return "close" if open_body is not None else "none"
    if open_body is None:
        return "create"
    return "none" if open_body.strip() == body.strip() else "update"
