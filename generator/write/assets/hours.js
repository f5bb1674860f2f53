// "Open now" on an institution page, decided in the browser at view time (the built site may be weeks old):
// the weekly table and the dates whose rules differ come from the record's opening_hours, statutory holidays and
// make-up working days (调休) from the calendar data (calendar.js). It runs from file:// too: no fetch, no worker.
(function () {
  "use strict";
  var box = document.querySelector(".dir-hours[data-hours]");
  if (!box) return;
  var data = JSON.parse(box.getAttribute("data-hours"));
  var calendar = window.DirectoryCalendar;
  var NAMES = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"];

  function wallClock(date) {
    var parts = {};
    new Intl.DateTimeFormat("en-CA", {timeZone: data.tz, year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", hourCycle: "h23"}).formatToParts(date).forEach(function (p) { parts[p.type] = p.value; });
    return {day: parts.year + "-" + parts.month + "-" + parts.day, minutes: Number(parts.hour) * 60 + Number(parts.minute)};
  }
  function addDays(iso, n) {
    var d = new Date(iso + "T00:00:00Z");
    d.setUTCDate(d.getUTCDate() + n);
    return d.toISOString().slice(0, 10);
  }
  function weekday(iso) { return (new Date(iso + "T00:00:00Z").getUTCDay() + 6) % 7; }
  function minutes(hhmm) { var p = hhmm.split(":"); return Number(p[0]) * 60 + Number(p[1]); }
  function covered(iso) { var y = Number(iso.slice(0, 4)); return !!calendar && y >= calendar.first && y <= calendar.last; }

  // The hours of one day and why: a statutory holiday, a make-up working day, or the record's own rules.
  function day(iso) {
    var own = data.exceptions[iso] || data.weekly[weekday(iso)];
    if (!covered(iso)) return {hours: own, mark: "", unknown: true};
    if (calendar.holidays[iso]) {
      var name = calendar.holidays[iso] + "（法定节假日）";
      if (data.holidays === "off") return {hours: [], mark: name};
      return {hours: data.holidays || own, mark: name};
    }
    if (calendar.workdays[iso]) {
      if (!own.length && data.makeup) return {hours: data.workday, mark: "调休上班"};
      return {hours: own, mark: "调休上班日"};
    }
    return {hours: own, mark: ""};
  }
  function span(hours) {
    return hours.length ? hours.map(function (h) { return h[0] + "–" + h[1]; }).join("、") : "休息";
  }
  function part(parent, name, text) {
    var element = parent.appendChild(document.createElement("span"));
    element.className = name;
    element.textContent = text;
  }
  function label(iso) {
    return Number(iso.slice(5, 7)) + "月" + Number(iso.slice(8, 10)) + "日（" + NAMES[weekday(iso)] + "）";
  }

  var now = wallClock(new Date());
  var today = day(now.day);
  var open = today.hours.some(function (h) { return minutes(h[0]) <= now.minutes && now.minutes < minutes(h[1]); });
  var text = open ? "现在开放：今天 " + span(today.hours) : "现在休息";
  if (!open) {
    var next = null;
    for (var n = 0; n < 15 && !next; n++) {
      var iso = addDays(now.day, n), info = n ? day(iso) : today;
      for (var i = 0; i < info.hours.length && !next; i++) {
        if (n || minutes(info.hours[i][0]) > now.minutes) next = (n ? label(iso) + " " : "今天 ") + info.hours[i][0];
      }
    }
    text += next ? "，下次开放：" + next : "";
  }
  if (today.mark) text += "（今天" + today.mark + "）";
  var status = box.querySelector(".dir-hours__now");
  status.textContent = text;
  status.className = "dir-hours__now " + (open ? "dir-hours__now--open" : "dir-hours__now--closed");
  status.hidden = false;

  // The next 14 days as a calendar: one row per week, a column per weekday, days outside the 14 left empty.
  var table = box.querySelector(".dir-hours__days"), body = table.querySelector("tbody"), unknown = [], row = null;
  var first = weekday(now.day);
  for (var cell = 0; cell < first + 14; cell++) {
    if (cell % 7 === 0) row = body.appendChild(document.createElement("tr"));
    var td = row.appendChild(document.createElement("td"));
    if (cell < first) continue;
    var date = addDays(now.day, cell - first), shown = day(date);
    var month = cell === first || date.slice(8) === "01";
    td.setAttribute("data-date", date);
    part(td, "dir-hours__date", month ? Number(date.slice(5, 7)) + "月" + Number(date.slice(8, 10)) + "日" : Number(date.slice(8, 10)) + "日");
    part(td, shown.hours.length ? "dir-hours__open" : "dir-hours__closed", span(shown.hours));
    if (shown.mark) {
      part(td, "dir-hours__mark", shown.mark.replace("（法定节假日）", ""));
      td.className = calendar.holidays[date] ? "dir-hours__holiday" : "dir-hours__workday";
      td.title = shown.mark;
    }
    if (shown.unknown && unknown.indexOf(date.slice(0, 4)) < 0) unknown.push(date.slice(0, 4));
  }
  while (row.children.length < 7) row.appendChild(document.createElement("td"));
  table.hidden = false;
  if (unknown.length) {
    var note = document.createElement("p");
    note.className = "dir-hours__note";
    note.textContent = unknown.join("、") + " 年的法定节假日和调休安排尚未公布，节假日是否开放请先致电确认。";
    box.appendChild(note);
  }
})();
