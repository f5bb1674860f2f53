"""Cross-record rules, one small function each, yielding problems (errors and warnings)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from ..problems import Problem
from ..schema import RECORD, normalise_name


def _problem(record, key: str, code: str, message: str, hint: str = "") -> Problem:
    line, column = record.position(key)
    return Problem(code, record.path, line, column, key, message, hint=hint, location=(key,))


def check_district_matches_folder(directory, today) -> Iterator[Problem]:
    """A record's district must equal the folder it sits in."""
    for record in directory.records:
        if record.data["district"] != record.folder:
            yield _problem(record, "district", "district-folder-mismatch",
                           f"写的是 {record.data['district']}，但文件在 {record.folder} 文件夹里",
                           hint=f"改成 district: {record.folder}，或把文件移到 {record.data['district']}/ 文件夹")


def check_unique_ids(directory, today) -> Iterator[Problem]:
    """Two records may not share an id (file name), even in different district folders."""
    seen = {}
    for record in directory.records:
        if record.id in seen:
            yield Problem("duplicate-id", record.path, 1, 1, "", f"机构标识 {record.id} 与 {seen[record.id]} 重复",
                          hint="请给其中一个文件换个名字")
        else:
            seen[record.id] = record.path


def check_unique_names(directory, today) -> Iterator[Problem]:
    """Two records may not carry the same name once spaces, width and invisible characters are ignored."""
    seen = {}
    for record in directory.records:
        key = normalise_name(record.data["name"])
        if key in seen:
            yield _problem(record, "name", "duplicate-name", f"与 {seen[key]} 的机构名称相同", hint="同一机构只保留一条记录")
        else:
            seen[key] = record.path


def check_verified_recent(directory, today) -> Iterator[Problem]:
    """Warn when the bureau last checked a record longer ago than the taxonomy's verification period."""
    due, months = directory.taxonomy.verification_due(today), directory.taxonomy.verification_months
    for record in directory.records:
        if record.data.get("verified", due) < due:
            yield _problem(record, "verified", "verification-overdue", f"最近核实日期 {record.data['verified']} 已超过 {months} 个月",
                           "请重新核实后更新日期")


def check_titles_current(directory, today) -> Iterator[Problem]:
    """Warn about demonstration titles past their expiry date (they are shown as expired)."""
    for record in directory.records:
        for title in record.data.get("demonstration", []):
            expires = directory.taxonomy.title_expiry(title)
            if expires and expires < today:
                yield _problem(record, "demonstration", "title-expired",
                               f"{title['year']} 年的示范平台称号已于 {expires} 到期，网站显示为已过期")


def check_metrics_meet_tier(directory, today) -> Iterator[Problem]:
    """Warn when reported metrics fall below the criteria of the record's tier."""
    tiers = {t["id"]: t for t in directory.taxonomy.tiers}
    labels = {key: spec.label for key, spec in RECORD.fields["metrics"].fields.items()}
    for record in directory.records:
        metrics = record.data.get("metrics", {})
        criteria = tiers[record.data["tier"]].get("criteria", {}) if "tier" in record.data else {}
        for key in criteria:
            if key in metrics and metrics[key] < criteria[key]:
                yield _problem(record, "metrics", "below-tier-criteria",
                               f"{labels[key]} {metrics[key]:g} 低于{tiers[record.data['tier']]['name']}要求的 {criteria[key]:g}")


def check_revoked_without_title(directory, today) -> Iterator[Problem]:
    """Warn when a revoked record still holds a current demonstration title."""
    for record in directory.records:
        if record.data.get("status") == "revoked" and record.current_titles(directory.taxonomy, today):
            yield _problem(record, "demonstration", "revoked-with-title", "已撤销的机构仍持有未到期的示范平台称号",
                           "请核实称号是否已被收回，并填写 expires")


def check_aliases(directory, today) -> Iterator[Problem]:
    """A former id (alias) keeps an old address alive: it may not be a live id, nor another record's alias."""
    ids = {record.id: record.path for record in directory.records}
    seen = {}
    for record in directory.records:
        for alias in record.data.get("aliases", []):
            if alias in ids:
                yield _problem(record, "aliases", "alias-collision", f"原标识 {alias} 是现有记录 {ids[alias]} 的标识",
                               "原标识只写已经不用的旧标识")
            elif alias in seen:
                yield _problem(record, "aliases", "alias-collision", f"原标识 {alias} 已写在 {seen[alias]} 中",
                               "一个旧网址只能跳转到一条记录")
            seen.setdefault(alias, record.path)


def check_fee_ranges(directory, today) -> Iterator[Problem]:
    """A fee's highest amount (amount_max) is not below its amount."""
    for record in directory.records:
        for number, fee in enumerate(record.data.get("fee_items", [])):
            if "amount" in fee and "amount_max" in fee and fee["amount_max"] < fee["amount"]:
                yield _problem(record, "fee_items", "fee-range-reversed",
                               f"收费项目“{fee.get('item', number + 1)}”的最高金额 {fee['amount_max']:g} 低于金额 {fee['amount']:g}",
                               "amount 写最低（或唯一）金额，amount_max 写最高金额")


LOCAL_NAMES = ("localhost", ".localhost", ".local", ".internal", ".home.arpa", ".lan")


def private_host(url: str) -> str | None:
    """Return the host of a URL when it names this machine or a private network without DNS (an address, localhost)."""
    import ipaddress
    import socket
    from urllib.parse import urlsplit

    from ..read.linkcheck import is_public

    try:
        host = (urlsplit(url).hostname or "").rstrip(".").lower()
    except ValueError:
        return None
    if host == LOCAL_NAMES[0] or host.endswith(LOCAL_NAMES[1:]):
        return host
    try:
        address = str(ipaddress.ip_address(host))
    except ValueError:
        try:
            address = socket.inet_ntoa(socket.inet_aton(host))  # 2130706433, 127.1 and 0x7f.1 are addresses too
        except OSError:
            return None
    return None if is_public(address) else host


def check_websites_public(directory, today) -> Iterator[Problem]:
    """Warn about a website on this machine or a private network: visitors cannot reach it, and the link check won't."""
    for record in directory.records:
        website = record.data.get("contacts", {}).get("website")
        if website and (host := private_host(website)):
            yield _problem(record, "contacts.website", "private-website",
                           f"网站 {website} 的地址 {host} 是本机、内网或保留地址，访客无法访问",
                           "请写机构在互联网上的网址")


CHECKS = (
    check_district_matches_folder,
    check_unique_ids,
    check_unique_names,
    check_verified_recent,
    check_titles_current,
    check_metrics_meet_tier,
    check_revoked_without_title,
    check_aliases,
    check_websites_public,
    check_fee_ranges,
)


def check_directory(directory, today: datetime.date) -> list[Problem]:
    """Run every cross-record check and return the problems found."""
    return [problem for check in CHECKS for problem in check(directory, today)]
