// The form editor saves files in our canonical text (generator/canonical.py writes the same for records, and
// generator/read/results.py for results and bulletins): the schema line first, keys in the field table's order, block
// lists, a string plain only when no YAML reader could take it for anything else, otherwise double-quoted; results and
// bulletins keep one line per institution and their leading comments. So a one-field edit changes one line.
// Settings come from format.js.
(function () {
  "use strict";
  var S = window.MingluFormat, PLAIN = new RegExp(S.plain), WORDS = /^(y|n|yes|no|on|off|true|false|null)$/i;
  var HEAD = "_comments";  // a results or bulletin file's comment lines below the schema line, kept through an edit

  function scalar(value, path, f) {
    if (typeof value === "boolean") return value ? "true" : "false";
    if (typeof value === "number") return String(value);
    var text = String(value);
    if (f.dates.indexOf(path) >= 0 && /^\d{4}-\d{2}-\d{2}$/.test(text)) return text;
    if (PLAIN.test(text) && text.indexOf(" #") < 0 && !WORDS.test(text)) return text;
    return JSON.stringify(text);
  }
  function flowScalar(value) {  // inside {…} on one line (results.py _dump): numbers and ids plain, other text quoted
    if (typeof value === "number") return String(value);
    var text = String(value);
    return /^[a-z0-9-]+$/.test(text) ? text : JSON.stringify(text);
  }
  function empty(value) {
    if (value === null || value === undefined || value === "") return true;
    if (Array.isArray(value)) return !value.length;
    return typeof value === "object" && !Object.keys(value).length;
  }
  function ordered(object, keys) {
    return keys.filter(function (k) { return k in object; })
      .concat(Object.keys(object).filter(function (k) { return keys.indexOf(k) < 0; }));
  }
  function lines(object, path, indent, f) {
    var out = [];
    ordered(object, path ? (f.order[path] || []) : f.top).forEach(function (key) {
      var value = object[key], here = path ? path + "." + key : key;
      if (empty(value)) return;
      if (Array.isArray(value)) {
        out.push(indent + key + ":");
        value.forEach(function (item) {
          if (item !== null && typeof item === "object") {
            var inner = lines(item, here, indent + "    ", f);
            if (!inner.length) return;
            out.push(indent + "  - " + inner[0].replace(/^\s+/, ""));
            out = out.concat(inner.slice(1));
          } else {
            out.push(indent + "  - " + scalar(item, here, f));
          }
        });
      } else if (typeof value === "object") {
        out.push(indent + key + ":");
        out = out.concat(lines(value, here, indent + "  ", f));
      } else {
        out.push(indent + key + ": " + scalar(value, here, f));
      }
    });
    return out;
  }
  function cycleLines(object, f) {
    var out = [];
    ordered(object, f.top).forEach(function (key) {
      var value = object[key];
      if (empty(value) || f.form_only.indexOf(key) >= 0 || key === HEAD) return;
      if (key !== f.entries) { out.push(key + ": " + scalar(value, key, f)); return; }
      out.push(key + ":");
      value.forEach(function (entry) {
        var parts = ordered(entry, f.order[key]).filter(function (k) { return !empty(entry[k]); })
          .map(function (k) { return k + ": " + flowScalar(entry[k]); });
        if (parts.length) out.push("  - {" + parts.join(", ") + "}");
      });
    });
    return out;
  }

  Object.keys(S.formats).forEach(function (name) {
    var f = S.formats[name];
    window.CMS.registerCustomFormat(name, "yml", {
      fromFile: function (text) {
        var data = window.jsyaml.load(text, {schema: window.jsyaml.JSON_SCHEMA}) || {};
        if (f.entries) data[HEAD] = text.split("\n").filter(function (l) { return /^#/.test(l) && l !== f.first; });
        return data;
      },
      toFile: function (data) {
        var plain = data && typeof data.toJS === "function" ? data.toJS() : data;
        delete plain[S.key];
        var body = f.entries ? (plain[HEAD] || []).concat(cycleLines(plain, f)) : lines(plain, "", "", f);
        return [f.first].concat(body).join("\n") + "\n";
      }
    });
  });
  // A new record's id, made from its name as generator/ids.py makes it (id_words, id_for), from the table S.ids.
  var T = S.ids, CHARS = {}, PHRASES = {}, PREFIXES = {}, NOT_ID = /[^a-z0-9]+/g;
  T.chars.replace(/([^a-z])([a-z]+)/gu, function (_, c, r) { CHARS[c] = r; });
  T.words.split(" ").forEach(function (w) {
    PHRASES[w] = true;
    for (var i = 1; i <= w.length; i++) PREFIXES[w.slice(0, i)] = true;
  });
  var KNOWN = Object.keys(T.readings).sort(function (a, b) { return b.length - a.length; });

  function segments(run) {  // pypinyin's strict forward longest match over its phrases (pypinyin/seg/mmseg.py)
    var chars = Array.from(run), out = [], i = 0;
    while (i < chars.length) {
      var end = i, valid = 0;
      while (end < chars.length && PREFIXES[chars.slice(i, end + 1).join("")]) {
        end++;
        if (PHRASES[chars.slice(i, end).join("")]) valid = end;
      }
      if (end === chars.length && !valid) return out.concat(chars.slice(i));  // the rest only begins a phrase: one by one
      valid = valid || i + 1;
      out.push(chars.slice(i, valid).join(""));
      i = valid;
    }
    return out;
  }
  function idWords(name) {
    name = name.normalize("NFKC").toLowerCase();
    T.forms.forEach(function (form) { var cut = name.split(form).join(""); if (cut.trim()) name = cut; });
    var words = [];
    function plain(text) {
      (text.match(/[a-z0-9]+|[^a-z0-9]+/g) || []).forEach(function (run) {
        if (/^[\x00-\x7f]+$/.test(run)) { if (/^[a-z0-9]/.test(run)) words.push([run]); return; }
        segments(run).forEach(function (word) {
          var readings = T.special[word] ? T.special[word].split(" ") : Array.from(word).map(function (c) { return CHARS[c] || ""; });
          words.push(readings.map(function (r) { return r.replace(NOT_ID, ""); }).filter(Boolean));
        });
      });
    }
    var start = 0, position = 0;
    while (position < name.length) {
      var word = KNOWN.find(function (w) { return name.startsWith(w, position); });
      if (word === undefined) { position++; continue; }
      plain(name.slice(start, position));
      words.push(T.readings[word].split(" "));
      position = start = position + word.length;
    }
    plain(name.slice(start));
    return words.filter(function (w) { return w.length; });
  }
  function idFor(name) {
    var base = "", prefix = T.drop.find(function (p) { return name.startsWith(p) && name.length > p.length; }) || "";
    var words = idWords(name.slice(prefix.length));
    for (var w = 0; w < words.length; w++) {
      if (base.length + words[w].join("-").length + 1 > T.limit && base) break;
      for (var s = 0; s < words[w].length && base.length + words[w][s].length + 1 <= T.limit; s++) {
        base = base ? base + "-" + words[w][s] : words[w][s];
      }
    }
    return base || "institution";
  }
  window.MingluId = idFor;
  function cycleName(f, data) {  // a new results or bulletin file: named by the year (and quarter), this one if none given
    var now = new Date(), given = {year: data.get("year") || now.getFullYear(),
                                   quarter: data.get("quarter") || String(Math.floor(now.getMonth() / 3) + 1)};
    f.form_only.forEach(function (k) { data = data.set(k, given[k]); });
    return data.set(S.key, f.name.replace(/\{(\w+)\}/g, function (_, k) { return given[k]; }));
  }
  window.CMS.registerEventListener({name: "preSave", handler: function (event) {
    var entry = event.entry, data = entry.get("data");
    if (!entry.get("newRecord")) return data;
    var cycle = Object.keys(S.formats).map(function (n) { return S.formats[n]; })
      .find(function (f) { return f.collection === entry.get("collection"); });
    return cycle ? cycleName(cycle, data) : data.set(S.key, idFor(String(data.get("name") || "")));
  }});
  var chinese = window.CMS.getLocale && window.CMS.getLocale("zh_Hans");
  if (chinese && chinese.editor) {  // Decap's "不满足模式" says nothing to a clerk; each field's message says what to write
    chinese.editor.editorControlPane.widget.regexPattern = "“%{fieldLabel}”的写法不对：%{pattern}";
  }
  window.CMS.init();
})();
