// The form editor saves records in our canonical text (generator/canonical.py writes the same): the schema line
// first, keys in the field table's order, block lists, a string plain only when no YAML reader could take it for
// anything else, otherwise double-quoted. So a one-field edit changes one line. Settings come from format.js.
(function () {
  "use strict";
  var S = window.MingluFormat, PLAIN = new RegExp(S.plain), WORDS = /^(y|n|yes|no|on|off|true|false|null)$/i;

  function scalar(value, path) {
    if (typeof value === "boolean") return value ? "true" : "false";
    if (typeof value === "number") return String(value);
    var text = String(value);
    if (S.dates.indexOf(path) >= 0 && /^\d{4}-\d{2}-\d{2}$/.test(text)) return text;
    if (PLAIN.test(text) && text.indexOf(" #") < 0 && !WORDS.test(text)) return text;
    return JSON.stringify(text);
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
  function lines(object, path, indent) {
    var out = [];
    ordered(object, path ? (S.order[path] || []) : S.top).forEach(function (key) {
      var value = object[key], here = path ? path + "." + key : key;
      if (empty(value)) return;
      if (Array.isArray(value)) {
        out.push(indent + key + ":");
        value.forEach(function (item) {
          if (item !== null && typeof item === "object") {
            var inner = lines(item, here, indent + "    ");
            if (!inner.length) return;
            out.push(indent + "  - " + inner[0].replace(/^\s+/, ""));
            out = out.concat(inner.slice(1));
          } else {
            out.push(indent + "  - " + scalar(item, here));
          }
        });
      } else if (typeof value === "object") {
        out.push(indent + key + ":");
        out = out.concat(lines(value, here, indent + "  "));
      } else {
        out.push(indent + key + ": " + scalar(value, here));
      }
    });
    return out;
  }

  window.CMS.registerCustomFormat(S.format, "yml", {
    fromFile: function (text) { return window.jsyaml.load(text, {schema: window.jsyaml.JSON_SCHEMA}) || {}; },
    toFile: function (data) {
      var plain = data && typeof data.toJS === "function" ? data.toJS() : data;
      delete plain[S.key];
      return [S.first].concat(lines(plain, "", "")).join("\n") + "\n";
    }
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
  window.CMS.registerEventListener({name: "preSave", handler: function (event) {
    var data = event.entry.get("data");
    return event.entry.get("newRecord") ? data.set(S.key, idFor(String(data.get("name") || ""))) : data;
  }});
  var chinese = window.CMS.getLocale && window.CMS.getLocale("zh_Hans");
  if (chinese && chinese.editor) {  // Decap's "不满足模式" says nothing to a clerk; each field's message says what to write
    chinese.editor.editorControlPane.widget.regexPattern = "“%{fieldLabel}”的写法不对：%{pattern}";
  }
  window.CMS.init();
})();
