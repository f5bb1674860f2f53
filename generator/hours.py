"""Opening hours as data: OpenStreetMap `opening_hours` text parsed by opening-hours-py for the weekly rules, and
China's statutory holidays and make-up working days (调休) from the chinese-calendar package, since the parser's own
holiday calendar is wrong for China. The browser decides "open now" at view time (assets/hours.js) from the weekly
table, the dates whose rules differ from it, and the calendar; this module prepares that data and reads Chinese text."""

from __future__ import annotations

import datetime
import json
import re
import unicodedata

DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
SCHEMA_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
CHINESE_DAYS = "一二三四五六日"
HOLIDAY_NAMES = {"New Year's Day": "元旦", "Spring Festival": "春节", "Tomb-sweeping Day": "清明节", "Labour Day": "劳动节",
                 "Dragon Boat Festival": "端午节", "Mid-autumn Festival": "中秋节", "National Day": "国庆节",
                 "Anti-Fascist 70th Day": "抗战胜利纪念日"}
NO_MAKEUP = "不调休"  # written in a record's opening_hours: closed on make-up working days that fall on its days off
WINDOW = 400  # days after the build whose date-specific rules are shipped


MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MONTH_DAYS = dict(zip(MONTHS, (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31), strict=True))
DATE = re.compile(r"\b(" + "|".join(MONTHS) + r")\s*(\d{1,2})\b(?:\s*-\s*(?:(" + "|".join(MONTHS) + r")\s*)?(\d{1,2})\b(?!:))?")


def syntax_error(text: str) -> tuple[int, str] | None:
    """Return (offset, the part that could not be read) for invalid opening_hours text, or None when it parses.
    A day the month does not have (Feb 30, Apr 31) is such a part: the parser would read it as every day."""
    import opening_hours

    try:
        opening_hours.OpeningHours(text)
    except opening_hours.ParserError as exc:
        match = re.search(r"-->\s*(\d+):(\d+)", str(exc))
        offset = int(match[2]) - 1 if match else 0
        return offset, text[offset:offset + 12] or text[-12:]
    for match in DATE.finditer(text):
        month, day, last_month, last_day = match.groups()
        if not 1 <= int(day) <= MONTH_DAYS[month] or last_day and not 1 <= int(last_day) <= MONTH_DAYS[last_month or month]:
            return match.start(), match.group()
    return None


def _intervals(rules, day: datetime.date) -> list[tuple[str, str]]:
    start = datetime.datetime.combine(day, datetime.time())
    found = []
    for begin, end, state, _ in rules.intervals(start, start + datetime.timedelta(days=1)):
        if str(state) == "open":
            close = "24:00" if end >= start + datetime.timedelta(days=1) else end.strftime("%H:%M")
            found.append((begin.strftime("%H:%M"), close))
    return found


def _public_holiday_rule(text: str) -> str | list[tuple[str, str]] | None:
    """Return "off" for `PH off`, the hours of a `PH 09:00-12:00` rule, or None when holidays have no rule of their own."""
    for rule in (r.strip() for r in text.split(";")):
        if re.match(r"^PH\s+(off|closed)\b", rule):
            return "off"
        if rule.startswith("PH "):
            return re.findall(r"(\d\d:\d\d)-(\d\d:\d\d)", rule)
    return None


def schedule(text: str, today: datetime.date) -> dict:
    """Return what the browser needs: the weekly table (Monday first), the dates in the next WINDOW days whose own rules
    differ from it, the holiday rule, and whether make-up working days follow the weekday hours."""
    import opening_hours

    rules = opening_hours.OpeningHours(text)  # no country given: PH never matches here, holidays are ours to decide
    monday = today - datetime.timedelta(days=today.weekday())
    weekly = [_intervals(rules, monday + datetime.timedelta(days=n)) for n in range(7)]
    exceptions = {}
    for n in range(-7, WINDOW):
        day = today + datetime.timedelta(days=n)
        hours = _intervals(rules, day)
        if hours != weekly[day.weekday()]:
            exceptions[day.isoformat()] = hours
    return {"weekly": weekly, "exceptions": exceptions, "holidays": _public_holiday_rule(text), "makeup": NO_MAKEUP not in text}


def workday_hours(weekly: list) -> list[tuple[str, str]]:
    """Return the hours a make-up working day keeps: the weekday hours (Friday's when the weekdays differ)."""
    return weekly[4] or next((w for w in weekly[:5] if w), [])


def calendar(today: datetime.date) -> dict:
    """Return the holidays and make-up working days the calendar data covers, from the year before the build on."""
    from chinese_calendar import constants

    years = sorted({d.year for d in constants.holidays})
    first = max(years[0], today.year - 1)
    holidays = {d.isoformat(): HOLIDAY_NAMES.get(name, name) for d, name in sorted(constants.holidays.items()) if d.year >= first}
    workdays = {d.isoformat(): HOLIDAY_NAMES.get(name, name) for d, name in sorted(constants.workdays.items()) if d.year >= first}
    return {"first": first, "last": years[-1], "holidays": holidays, "workdays": workdays}


def calendar_script(today: datetime.date) -> str:
    """Return the calendar as a script (a <script src> works from file:// too, where fetching does not)."""
    return "window.DirectoryCalendar=" + json.dumps(calendar(today), ensure_ascii=False, separators=(",", ":")) + ";\n"


def weekly_rows(weekly: list) -> list[tuple[str, str]]:
    """Return the weekly table as (周一至周五, 09:00–17:00) rows, consecutive days with the same hours joined."""
    rows, start = [], 0
    for day in range(1, 8):
        if day == 7 or weekly[day] != weekly[start]:
            days = f"周{CHINESE_DAYS[start]}" + (f"至周{CHINESE_DAYS[day - 1]}" if day - 1 > start else "")
            hours = "、".join(f"{a}–{b}" for a, b in weekly[start]) or "休息"
            rows.append((days, hours))
            start = day
    return rows


def specification(weekly: list, today: datetime.date, data: dict) -> tuple[list[dict], list[dict]]:
    """Return schema.org openingHoursSpecification (weekly) and specialOpeningHoursSpecification (holidays closed,
    make-up working days with weekday hours) for the dates the calendar covers from today on."""
    regular = []
    for index, hours in enumerate(weekly):
        for opens, closes in hours:
            same = next((s for s in regular if s["opens"] == opens and s["closes"] == closes), None)
            if same:
                same["dayOfWeek"].append(SCHEMA_DAYS[index])
            else:
                regular.append({"@type": "OpeningHoursSpecification", "dayOfWeek": [SCHEMA_DAYS[index]], "opens": opens, "closes": closes})
    special = []
    days = calendar(today)
    if data["holidays"] == "off":
        special += [{"@type": "OpeningHoursSpecification", "validFrom": d, "validThrough": d, "opens": "00:00", "closes": "00:00",
                     "description": name} for d, name in days["holidays"].items() if d >= today.isoformat()]
    if data["makeup"]:
        for d, name in days["workdays"].items():
            if d >= today.isoformat() and not weekly[datetime.date.fromisoformat(d).weekday()]:
                special += [{"@type": "OpeningHoursSpecification", "validFrom": d, "validThrough": d, "opens": a, "closes": b,
                             "description": f"{name}调休上班"} for a, b in workday_hours(weekly)]
    return regular, special


def from_chinese(text: str) -> str | None:
    """Return opening_hours for the common Chinese ways of writing hours, or None when the text is not unambiguous:
    周一至周五 9:00-17:00（法定节假日除外）, 工作日 8:30-17:30, 周六上午 9:00-12:00, 24小时."""
    text = unicodedata.normalize("NFKC", text).replace("：", ":")
    text = re.sub(r"\s*[—–~～至到]\s*(?=\d)", "-", text)
    # 工作日 (working days) are Monday to Friday with make-up days, statutory holidays excepted.
    holidays_off = bool(re.search(r"(法定)?节假日(除外|休息|不办公|闭馆)|工作日", text))
    text = re.sub(r"[（(]?[，,;；]?\s*(法定)?节假日(除外|休息|不办公|闭馆)[）)]?", "", text)
    if re.fullmatch(r"\s*(全天)?\s*24\s*小时(服务|开放)?\s*|\s*全天候\s*", text):
        return "24/7"
    text = text.replace("每周", "周")
    # "周一至周五 8:30-11:30，13:30-17:00": a segment of times alone belongs to the days before it.
    text = re.sub(r"(\d)\s*[，,、]\s*(?=(?:上午|下午|晚上)?\s*\d{1,2}[:点]\d{0,2}\s*-)", r"\1 ", text)
    rules = []
    for segment in filter(None, (s.strip() for s in re.split(r"[，,;；。\n]+", text))):
        match = re.fullmatch(r"(工作日|周一至周五|周[一二三四五六日天](?:[-至到]周?[一二三四五六日天])?|每天|每日|全周)\s*"
                             r"((?:(?:上午|下午|晚上)?\s*\d{1,2}[:点]\d{0,2}\s*-\s*\d{1,2}[:点]\d{0,2}\s*[、, ]?\s*)+)", segment)
        if not match:
            return None
        days = _days(match[1])
        times = re.findall(r"(上午|下午|晚上)?\s*(\d{1,2})[:点](\d{0,2})\s*-\s*(\d{1,2})[:点](\d{0,2})", match[2])
        spans = []
        for part, h1, m1, h2, m2 in times:
            start, end = int(h1), int(h2)
            if part in ("下午", "晚上") and start < 12:
                start, end = start + 12, end + 12 if end < 12 else end
            elif end < start:
                end += 12
            if not (0 <= start < end <= 24):
                return None
            spans.append(f"{start:02d}:{int(m1 or 0):02d}-{end:02d}:{int(m2 or 0):02d}")
        rules.append(f"{days} {','.join(spans)}")
    if not rules:
        return None
    result = "; ".join(rules) + ("; PH off" if holidays_off else "")
    return result if syntax_error(result) is None else None


def to_chinese(text: str) -> str | None:
    """Return opening_hours as people write it (周一至周五 09:00–17:00，法定节假日休息), from its weekly rules and its
    holiday rule; None when it does not parse. Date rules have no place in these words: callers check the reading back."""
    import opening_hours

    if text.strip() == "24/7":
        return "全天 24 小时"
    try:
        rules = opening_hours.OpeningHours(text)
    except opening_hours.ParserError:
        return None
    monday = datetime.date(2001, 1, 1)
    weekly = [_intervals(rules, monday + datetime.timedelta(days=n)) for n in range(7)]
    words = [f"{days} {hours}" for days, hours in weekly_rows(weekly) if hours != "休息"]
    holidays = _public_holiday_rule(text)
    if holidays == "off":
        words.append("法定节假日休息")
    elif holidays:
        return None
    return "，".join(words) or None


def _days(words: str) -> str:
    if words in ("工作日", "周一至周五"):
        return "Mo-Fr"
    if words in ("每天", "每日", "全周"):
        return "Mo-Su"
    names = [DAYS[CHINESE_DAYS.index("日" if c == "天" else c)] for c in re.findall(r"[一二三四五六日天]", words)]
    return "-".join(names) if len(names) == 2 else names[0]
