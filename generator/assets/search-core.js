/* The directory search shared by the Web Worker and the tests: the tokenizer (same rules as generator/search.py),
   expansion of the compact index into lunr's serialization, and queries built token by token (never idx.search),
   so no typed text can throw or freeze the page. */
(function (root) {
  "use strict";
  var RUNS = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[a-z0-9]+/g;
  var K1 = 1.2, B = 0.75, MAX_TOKENS = 32;

  function isAscii(text) { return /^[\x00-\x7f]*$/.test(text); }

  function tokenize(text) {
    var tokens = [], runs = String(text).normalize("NFKC").toLowerCase().match(RUNS) || [];
    runs.forEach(function (run) {
      if (isAscii(run) || run.length === 1) { tokens.push(run); return; }
      for (var i = 0; i + 1 < run.length; i++) tokens.push(run.slice(i, i + 2));
    });
    return tokens;
  }

  function round3(x) { return Math.round(x * 1000) / 1000; }

  function expandIndex(compact) {
    var fields = compact.fields.map(function (f) { return f[0]; });
    var count = compact.count, refs = [], i;
    for (i = 0; i < count; i++) refs.push(i.toString(16));
    var average = compact.lengths.map(function (lengths) {
      return lengths.reduce(function (a, b) { return a + b; }, 0) / (count || 1);
    });
    var vectors = fields.map(function () { return refs.map(function () { return []; }); });
    var invertedIndex = [], termDocs = [];
    compact.terms.forEach(function (entry, termIndex) {
      var posting = { _index: termIndex }, documents = 0;
      fields.forEach(function (field, f) {
        var list = entry[f + 1], map = {}, doc = 0, last = null;
        for (var k = 0; k < list.length; k++) {
          var value = list[k];
          if (value < 0) { last[1] = -value; continue; }
          doc += value;
          map[refs[doc]] = {};
          last = [termIndex, 1];
          vectors[f][doc].push(last);
          documents++;
        }
        posting[field] = map;
      });
      termDocs.push(documents);
      invertedIndex.push([entry[0], posting]);
    });
    var idf = termDocs.map(function (n) { return Math.log(1 + Math.abs((count - n + 0.5) / (n + 0.5))); });
    var fieldVectors = [];
    fields.forEach(function (field, f) {
      var boost = compact.fields[f][1];
      refs.forEach(function (ref, doc) {
        var norm = K1 * (1 - B + B * (compact.lengths[f][doc] / average[f]));
        var flat = [];
        vectors[f][doc].forEach(function (pair) {
          var tf = pair[1];
          flat.push(pair[0], round3(idf[pair[0]] * ((K1 + 1) * tf) / (norm + tf) * boost));
        });
        fieldVectors.push([field + "/" + ref, flat]);
      });
    });
    return { version: "2.3.9", fields: fields, fieldVectors: fieldVectors, invertedIndex: invertedIndex, pipeline: [] };
  }

  function queryTokens(text) {
    var seen = {}, tokens = [];
    tokenize(String(text).slice(0, 200)).forEach(function (t) {
      if (!seen[t] && tokens.length < MAX_TOKENS) { seen[t] = true; tokens.push(t); }
    });
    return tokens;
  }

  function runQuery(lunr, idx, tokens, required) {
    return idx.query(function (q) {
      tokens.forEach(function (token) {
        var wildcard = lunr.Query.wildcard.NONE;
        if (!isAscii(token) && token.length === 1) wildcard = lunr.Query.wildcard.LEADING | lunr.Query.wildcard.TRAILING;
        else if (isAscii(token) && token.length >= 2) wildcard = lunr.Query.wildcard.TRAILING;
        q.term(token, {
          usePipeline: false,
          wildcard: wildcard,
          presence: required ? lunr.Query.presence.REQUIRED : lunr.Query.presence.OPTIONAL
        });
      });
    });
  }

  function compactName(text) { return String(text).normalize("NFKC").toLowerCase().replace(/\s+/g, ""); }

  /* Return {order: [document numbers, best first], fallback: bool} for a text query, or null for an empty one. */
  function search(lunr, idx, docs, text) {
    var tokens = queryTokens(text);
    if (!tokens.length) return null;
    var results = runQuery(lunr, idx, tokens, true), fallback = false;
    if (!results.length && tokens.length > 1) { results = runQuery(lunr, idx, tokens, false); fallback = true; }
    var order = results.map(function (r) { return parseInt(r.ref, 16); });
    var wanted = compactName(text);
    var exact = order.filter(function (n) { return compactName(docs[n][1]) === wanted; });
    if (exact.length) order = exact.concat(order.filter(function (n) { return exact.indexOf(n) < 0; }));
    return { order: order, fallback: fallback, tokens: tokens };
  }

  var FACETS = ["district", "function", "tier", "level", "industry"];

  function matches(doc, state, positions) {
    function want(key) { return state[key] ? positions[key][state[key]] : undefined; }
    var district = want("district"), fn = want("function"), tier = want("tier"), level = want("level"), industry = want("industry");
    if (district !== undefined && doc[2] !== district) return false;
    if (fn !== undefined && doc[3].indexOf(fn) < 0) return false;
    if (tier !== undefined && doc[4] !== tier) return false;
    if (level !== undefined && !(doc[5] && doc[5][0] === level)) return false;
    if (industry !== undefined && doc[6].indexOf(industry) < 0) return false;
    if (state.free && !doc[8]) return false;
    return true;
  }

  /* Return answer(state, limit) over the loaded compact index and result list: the query, then the facets. */
  function engine(lunr, compactIndex, results) {
    var idx = lunr.Index.load(expandIndex(compactIndex)), docs = results.docs, positions = {};
    FACETS.forEach(function (key) {
      positions[key] = {};
      results.facets[key].forEach(function (option, n) { positions[key][option[0]] = n; });
    });
    return function answer(state, limit) {
      var found = search(lunr, idx, docs, state.q || "");
      var order = found ? found.order : docs.map(function (_, n) { return n; });
      var hits = order.filter(function (n) { return matches(docs[n], state, positions); });
      return {
        total: hits.length,
        fallback: !!(found && found.fallback),
        tokens: found ? found.tokens : [],
        items: hits.slice(0, limit).map(function (n) { return docs[n]; }),
        facets: results.facets
      };
    };
  }

  var api = { tokenize: tokenize, expandIndex: expandIndex, search: search, queryTokens: queryTokens, engine: engine };
  if (typeof module !== "undefined" && module.exports) module.exports = api;
  else root.DirectorySearch = api;
})(typeof self !== "undefined" ? self : this);
