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
      return [S.first].concat(lines(plain, "", "")).join("\n") + "\n";
    }
  });
  var chinese = window.CMS.getLocale && window.CMS.getLocale("zh_Hans");
  if (chinese && chinese.editor) {  // Decap's "不满足模式" says nothing to a clerk; each field's message says what to write
    chinese.editor.editorControlPane.widget.regexPattern = "“%{fieldLabel}”的写法不对：%{pattern}";
  }
  window.CMS.init();
})();
