/* The directory search shared by the Web Worker, the offline copy and the tests: the tokenizer (same rules as
   generator/search.py) and the query over the split index (layout in generator/search.py), which fetches only the
   files a query needs through load(path, version) and ranks by lunr's BM25 exactly as lunr.py's full index would.
   Queries are built token by token, so no typed text can throw or freeze the page. */
(function (root) {
  "use strict";
  var RUNS = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[a-z0-9]+/g;
  var RUNS_CJK = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/;
  var K1 = 1.2, B = 0.75, MAX_TOKENS = 32, FEW_RECORD_FILES = 12, KEEP_FILES = 2000, MAX_WIDER = 12;
  var FACETS = ["district", "function", "tier", "level", "industry"];

  function isAscii(text) { return /^[\x00-\x7f]*$/.test(text); }

  function tokenize(text) {
    var tokens = [], runs = String(text).normalize("NFKC").toLowerCase().match(RUNS) || [];
    runs.forEach(function (run) {
      if (isAscii(run) || run.length === 1) { tokens.push(run); return; }
      for (var i = 0; i + 1 < run.length; i++) tokens.push(run.slice(i, i + 2));
    });
    return tokens;
  }

  function queryTokens(text) {
    var seen = new Set(), tokens = [];
    tokenize(String(text).slice(0, 200)).forEach(function (t) {
      if (!seen.has(t) && tokens.length < MAX_TOKENS) { seen.add(t); tokens.push(t); }
    });
    return tokens;
  }

  /* What an exact look-up compares (generator/expansions.py's lookup_key): letters and digits, lower case, +86 as 0. */
  function lookupKey(text) {
    var key = String(text).normalize("NFKC").toLowerCase().replace(/[^0-9a-z]/g, "");
    if (/^86\d{10,}$/.test(key)) key = key.charAt(2) === "1" && key.length === 13 ? key.slice(2) : "0" + key.slice(2);
    return key;
  }

  /* Levenshtein distance over characters, for the names closest to a query that found nothing. */
  function distance(a, b) {
    a = Array.from(a); b = Array.from(b);
    var row = [];
    for (var j = 0; j <= b.length; j++) row.push(j);
    for (var i = 1; i <= a.length; i++) {
      var diagonal = row[0];
      row[0] = i;
      for (j = 1; j <= b.length; j++) {
        var above = row[j];
        row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
        diagonal = above;
      }
    }
    return row[b.length];
  }

  function compactName(text) { return String(text).normalize("NFKC").toLowerCase().replace(/\s+/g, ""); }

  function fnv1a(text) {
    var hash = 0x811c9dc5;
    for (var i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
    return hash;
  }

  function shardKey(term) { return isAscii(term) ? term.slice(0, 2) : term; }

  /* round(score, 3) × 1000 as Python computes it: exact decimal rounding, checked only near a half. */
  function thousandths(score) {
    var scaled = score * 1000;
    if (Math.abs(scaled - Math.floor(scaled) - 0.5) > 1e-6) return Math.round(scaled);
    return Math.round(Number(score.toFixed(3)) * 1000);
  }

  var PACK = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", DIGIT = new Int8Array(128).fill(-1);
  for (var p = 0; p < PACK.length; p++) DIGIT[PACK.charCodeAt(p)] = p;

  /* Read the integers generator/search.py's pack() wrote: 5 bits a character, low bits first, "more" above 31. */
  function unpack(text) {
    var out = [], value = 0, scale = 1;
    for (var i = 0; i < text.length; i++) {
      var digit = DIGIT[text.charCodeAt(i) & 127];
      if (digit < 0) break;
      if (digit >= 32) { value += (digit - 32) * scale; scale *= 32; continue; }
      value += digit * scale;
      out.push(value % 2 ? -(value + 1) / 2 : value / 2);
      value = 0;
      scale = 1;
    }
    return out;
  }

  /* Call each(doc, code) for a coded posting list: document gaps, each followed by -code unless the code is 1. */
  function eachCoded(list, each) {
    var doc = 0, pending = -1;
    for (var i = 0; i < list.length; i++) {
      var value = list[i];
      if (value < 0) { each(pending, -value); pending = -1; continue; }
      if (pending >= 0) each(pending, 1);
      doc += value;
      pending = doc;
    }
    if (pending >= 0) each(pending, 1);
  }

  function eachPair(list, each) {
    for (var i = 0, doc = 0; i + 1 < list.length; i += 2) { doc += list[i]; each(doc, list[i + 1]); }
  }

  function gapsToSet(list) {
    var set = new Set(), doc = 0;
    for (var i = 0; i < list.length; i++) { doc += list[i]; set.add(doc); }
    return set;
  }

  /* Return the query API over a loader: load(path, version) resolves to the parsed file (path under search/). */
  function engine(load) {
    var files = new Map(), manifest = null, words = null;

    function prepare(m) {
      m.average = m.totals.map(function (total) { return m.count ? total / m.count : 0; });
      return m;
    }

    /* Return a file, fetched once; the most recently used KEEP_FILES stay, so a long visit stays small. */
    function get(path) {
      var file = files.get(path);
      if (file) files.delete(path);
      else {
        file = getManifest().then(function (m) { return load(path, m.version); });
        file.catch(function () { if (files.get(path) === file) files.delete(path); });
      }
      files.set(path, file);
      if (files.size > KEEP_FILES) files.delete(files.keys().next().value);
      return file;
    }

    function getManifest() {
      if (!manifest) {
        manifest = Promise.resolve().then(function () { return load("manifest.json"); }).then(prepare);
        manifest.catch(function () { manifest = null; });
      }
      return manifest;
    }

    /* Return the common Chinese words (words.json) as a Map: word → its long list, like a shard's entry for it. */
    function getWords() {
      if (!words) {
        words = getManifest().then(function (m) { return load("words.json", m.version); }).then(function (file) {
          var map = new Map();
          [["terms", 2], ["characters", 1]].forEach(function (kind) {
            var text = file[kind[0]], size = kind[1], lists = unpack(file[kind[0] + "_lists"]);
            var records = unpack(file[kind[0] + "_records"]), both = size === 2 ? unpack(file.terms_both) : null;
            for (var i = 0, id = 0; i < lists.length; i++) {
              id += lists[i];
              map.set(text.substr(i * size, size), { id: id, documents: records[i], frequency: both ? records[i] + both[i] : undefined, lone: !both });
            }
          });
          return map;
        });
        words.catch(function () { words = null; });
      }
      return words;
    }

    function shardPath(m, key) { return "t/" + (fnv1a(key) % m.shards) + ".json"; }

    /* The shard holding a record's exact name: that of the name's first word not listed in words.json, spaces
       left out (usually a shard the query fetches anyway). */
    function nameShard(m, listed, text) {
      var tokens = queryTokens(compactName(text)), first = tokens.find(function (token) { return !listed.has(token); });
      return shardPath(m, shardKey(first === undefined ? tokens[0] : first));
    }

    function prefetch(text) {
      Promise.all([getManifest(), getWords()]).then(function (both) {
        queryTokens(text).forEach(function (token) {
          if (!both[1].has(token)) get(shardPath(both[0], shardKey(token))).catch(function () {});
        });
      }).catch(function () {});
    }

    /* A token's matches: docs maps a document to its contributions, [lunr document frequency, code] for a term
       or [-1, weight] for a lone character's merged list; common names the long lists not fetched yet. */
    function resolve(m, listed, token) {
      var word = listed.get(token);  // a common Chinese word: its long list is known without its shard
      if (word) return Promise.resolve({ docs: new Map(), common: [word], matched: true });
      return get(shardPath(m, shardKey(token))).then(function (shard) {
        var lone = !isAscii(token) && token.length === 1, keys = [];
        if (isAscii(token) && token.length >= 2) {
          Object.keys(shard).forEach(function (key) { if (key.charAt(0) !== "=" && key.indexOf(token) === 0) keys.push(key); });
        } else if (Object.prototype.hasOwnProperty.call(shard, token)) keys.push(token);
        var found = { docs: new Map(), common: [], matched: keys.length > 0 };
        keys.forEach(function (key) {
          var entry = shard[key];
          if (typeof entry !== "string") { found.common.push({ id: entry.c, documents: entry.d, frequency: entry.n, lone: entry.n === undefined }); return; }
          entry = unpack(entry);
          if (lone) { eachPair(entry, function (doc, weight) { add(found.docs, doc, [-1, weight]); }); return; }
          var frequency = 0;
          eachCoded(entry, function (doc, code) { frequency += (code >= 1000 ? 1 : 0) + (code % 1000 ? 1 : 0); });
          eachCoded(entry, function (doc, code) { add(found.docs, doc, [frequency, code]); });
        });
        return found;
      });
    }

    function add(map, doc, contribution) {
      var list = map.get(doc);
      if (list) list.push(contribution); else map.set(doc, [contribution]);
    }

    /* Fetch the long lists of common terms into the tokens' maps (only the documents in `only`, when given). */
    function fetchCommon(found, only) {
      var jobs = [];
      found.forEach(function (token) {
        token.common.forEach(function (part) {
          jobs.push(get("c/" + part.id + ".json").then(function (text) {
            var list = unpack(text);
            function keep(doc, contribution) { if (!only || only.has(doc)) add(token.docs, doc, contribution); }
            if (part.lone) eachPair(list, function (doc, weight) { keep(doc, [-1, weight]); });
            else eachCoded(list, function (doc, code) { keep(doc, [part.frequency, code]); });
          }));
        });
      });
      return Promise.all(jobs);
    }

    function record(m, doc) {
      return get("d/" + Math.floor(doc / m.docs) + ".json").then(function (file) { return file[doc % m.docs]; });
    }

    /* Read the candidates' record files: their common words replace the long lists, their lengths rank them. */
    function fetchRecords(m, found, candidates, lengths) {
      return Promise.all(Array.from(candidates).map(function (doc) {
        return record(m, doc).then(function (entry) {
          lengths.set(doc, entry[1]);
          var codes = new Map();
          eachCoded(unpack(entry[2]), function (id, code) { codes.set(id, code); });
          found.forEach(function (token) {
            token.common.forEach(function (part) {
              if (codes.has(part.id)) add(token.docs, doc, [part.frequency, codes.get(part.id)]);
            });
          });
        });
      }));
    }

    function intersect(found) {
      var smallest = found.reduce(function (a, b) { return a.docs.size <= b.docs.size ? a : b; });
      var out = new Set();
      smallest.docs.forEach(function (_, doc) {
        if (found.every(function (token) { return token.docs.has(doc); })) out.add(doc);
      });
      return out;
    }

    /* Return the matching documents, best first, by the sum of every token's BM25 weights (lunr's score times the
       query vector's length, which is the same for every document), ties in document (pinyin) order. */
    function rank(m, found, docs, known) {
      var chunks = {};
      docs.forEach(function (doc) { if (!known.has(doc)) chunks[Math.floor(doc / m.lengths)] = true; });
      return Promise.all(Object.keys(chunks).map(function (chunk) {
        return get("l/" + chunk + ".json").then(function (lengths) { return [Number(chunk), lengths]; });
      })).then(function (loaded) {
        var lengthFiles = {};
        loaded.forEach(function (pair) { lengthFiles[pair[0]] = pair[1]; });
        var idf = {}, scores = new Map();
        docs.forEach(function (doc) {
          var lengths = known.get(doc), at = 0;
          if (!lengths) { lengths = lengthFiles[Math.floor(doc / m.lengths)]; at = (doc % m.lengths) * 2; }
          var norms = [0, 1].map(function (f) { return K1 * (1 - B + B * (lengths[at + f] / m.average[f])); });
          var score = 0;
          found.forEach(function (token) {
            (token.docs.get(doc) || []).forEach(function (c) {
              if (c[0] < 0) { score += c[1]; return; }
              var n = c[0], weight = idf[n];
              if (weight === undefined) weight = idf[n] = Math.log(1 + Math.abs((m.count - n + 0.5) / (n + 0.5)));
              var name = Math.floor(c[1] / 1000), body = c[1] % 1000;
              if (name) score += thousandths(weight * ((K1 + 1) * name) / (norms[0] + name) * m.fields[0][1]);
              if (body) score += thousandths(weight * ((K1 + 1) * body) / (norms[1] + body) * m.fields[1][1]);
            });
          });
          scores.set(doc, score);
        });
        return Array.from(docs).sort(function (a, b) { return scores.get(b) - scores.get(a) || a - b; });
      });
    }

    /* Return {order: [document numbers, best first], fallback, tokens} for a text query, or null for an empty one. */
    function search(text) {
      var tokens = queryTokens(text);
      if (!tokens.length) return Promise.resolve(null);
      return Promise.all([getManifest(), getWords()]).then(function (loaded) {
        var m = loaded[0], listed = loaded[1];
        return Promise.all(tokens.map(function (token) { return resolve(m, listed, token); })).then(function (found) {
          var fallback = false, ready, known = new Map();
          if (found.every(function (token) { return token.matched; })) {
            var narrow = found.filter(function (token) { return !token.common.length; });
            if (narrow.length) {
              // A rarer word narrows the query to candidates: when their record files are few and cheaper than the
              // common words' lists, they give those words' codes, the lengths and the rows in one round.
              var candidates = intersect(narrow), parts = [], chunks = {};
              found.forEach(function (token) { parts = parts.concat(token.common); });
              candidates.forEach(function (doc) { chunks[Math.floor(doc / m.docs)] = true; });
              var files = Object.keys(chunks).length, recordCost = files * m.docs * m.cost[0];
              var listCost = parts.reduce(function (sum, part) { return sum + part.documents * m.cost[1]; }, 0);
              var lone = parts.some(function (part) { return part.lone; });
              if (files <= FEW_RECORD_FILES && !lone && (!parts.length || recordCost < listCost)) {
                ready = fetchRecords(m, found, candidates, known);
              } else ready = fetchCommon(found, candidates);
            } else ready = fetchCommon(found, null);
          } else ready = Promise.resolve();
          return ready.then(function () {
            var docs = found.every(function (token) { return token.matched; }) ? intersect(found) : new Set();
            if (docs.size || tokens.length < 2) return docs;
            // No document has every token: rank those with any, from the tokens' full lists.
            fallback = true;
            return Promise.all(tokens.map(function (token) { return resolve(m, listed, token); })).then(function (all) {
              found = all;
              return fetchCommon(found, null);
            }).then(function () {
              var union = new Set();
              found.forEach(function (token) { token.docs.forEach(function (_, doc) { union.add(doc); }); });
              return union;
            });
          }).then(function (docs) {
            return Promise.all([rank(m, found, docs, known), get(nameShard(m, listed, text))]);
          }).then(function (both) {
            var order = both[0], exact = both[1]["=" + compactName(text)], first = null;
            if (Array.isArray(exact)) {
              var named = gapsToSet(exact);
              first = order.filter(function (doc) { return named.has(doc); });
              if (first.length) order = first.concat(order.filter(function (doc) { return !named.has(doc); }));
            }
            return { order: order, fallback: fallback, tokens: tokens, exact: !!(first && first.length) };
          });
        });
      });
    }

    /* The exact look-up (credit code, phone, postal code, id, former id): the records filed under the key, or none.
       Only text with no Chinese and a digit or a dash is looked up, so other queries fetch nothing more. */
    function lookup(m, text) {
      var key = lookupKey(text);
      if (key.length < 5 || RUNS_CJK.test(text) || !/[0-9-]/.test(text)) return Promise.resolve([]);
      return get("t/" + (fnv1a("#" + key) % m.shards) + ".json").then(function (shard) {
        var entry = shard["#" + key];
        return Array.isArray(entry) ? Array.from(gapsToSet(entry)) : [];
      });
    }

    /* The query with traditional characters made simplified (t2s.json, fetched only for a query that has one). */
    function fold(m, text) {
      if (!m.traditionalSet) m.traditionalSet = gapsToSet(unpack(m.traditional || ""));
      var chars = Array.from(String(text).normalize("NFKC"));
      if (!chars.some(function (c) { return m.traditionalSet.has(c.codePointAt(0)); })) return Promise.resolve(text);
      return get("t2s.json").then(function (table) {
        if (!table.map) {
          var from = Array.from(table.from), to = Array.from(table.to);
          table.map = new Map(from.map(function (c, i) { return [c, to[i]]; }));
        }
        return chars.map(function (c) { return table.map.get(c) || c; }).join("");
      });
    }

    /* The queries a text is widened to by the thesaurus and the former district names: [text, note] pairs, each with
       one word replaced (the longest words first, none overlapping). */
    function synonymQueries(m, text) {
      var q = String(text).normalize("NFKC").toLowerCase(), out = [];
      (m.former || []).forEach(function (pair) {
        if (q.indexOf(pair[0]) >= 0) out.push([q.split(pair[0]).join(pair[1]), pair[0] + "现属" + pair[1]]);
      });
      if (!m.groupsOf) {
        m.groupsOf = new Map();
        (m.synonyms || []).forEach(function (group) {
          group.forEach(function (word) { m.groupsOf.set(word, (m.groupsOf.get(word) || []).concat([group])); });
        });
        m.synonymWords = Array.from(m.groupsOf.keys()).sort(function (a, b) { return b.length - a.length; });
      }
      var taken = new Array(q.length).fill(false);
      m.synonymWords.forEach(function (word) {
        var at = q.indexOf(word);
        if (at < 0 || taken.slice(at, at + word.length).some(Boolean)) return;
        for (var i = at; i < at + word.length; i++) taken[i] = true;
        m.groupsOf.get(word).forEach(function (group) {
          group.forEach(function (other) {
            if (other !== word) out.push([q.slice(0, at) + " " + other + " " + q.slice(at + word.length), word + "→" + other]);
          });
        });
      });
      return out.slice(0, MAX_WIDER);
    }

    /* The Chinese queries a pinyin text reads as (p/<two letters>.json): full pinyin with or without spaces, or initials,
       cut into the fewest known keys, each key's most common word first, then a few with another word for one key. */
    function pinyinQueries(m, text) {
      var letters = String(text).normalize("NFKC").toLowerCase().replace(/[\s'’-]+/g, "");
      if (!/^[a-z]{2,120}$/.test(letters)) return Promise.resolve([]);
      var best = [[]], frontier = [0];
      function round(depth) {
        if (!frontier.length || best[letters.length] || depth > 10) return Promise.resolve();
        var shards = new Set(), known = m.pinyin || "";
        for (var i = 0; i < known.length; i += 2) shards.add(known.substr(i, 2));
        var needed = Array.from(new Set(frontier.map(function (at) { return letters.substr(at, 2); }))).filter(function (p) { return shards.has(p); });
        return Promise.all(needed.map(function (prefix) { return get("p/" + prefix + ".json"); })).then(function (tables) {
          var next = [];
          frontier.forEach(function (at) {
            var table = tables[needed.indexOf(letters.substr(at, 2))] || {};
            for (var end = letters.length; end >= at + 2; end--) {
              var key = letters.slice(at, end);
              if (!best[end] && Object.prototype.hasOwnProperty.call(table, key)) { best[end] = best[at].concat([table[key]]); next.push(end); }
            }
          });
          frontier = next;
          return round(depth + 1);
        });
      }
      return round(0).then(function () {
        var pieces = best[letters.length];
        if (!pieces) return [];
        var first = pieces.map(function (words) { return words[0]; }), out = [[first.join(" "), letters + "→" + first.join("")]];
        pieces.forEach(function (words, i) {
          words.slice(1).forEach(function (word) {
            var other = first.slice();
            other[i] = word;
            out.push([other.join(" "), letters + "→" + other.join("")]);
          });
        });
        return out.slice(0, MAX_WIDER);
      });
    }

    /* Return what the page shows for a text: {order, fallback, tokens, marks, notes, wider} or null for an empty text.
       Exact look-ups first, then the literal matches of every word (lunr.py's order), then the matches of every word
       of the widened queries (traditional folded, thesaurus, former names, pinyin), each below the literal ones;
       only when none of these has every word, the records with any word (fallback). */
    function find(text) {
      var tokens = queryTokens(text);
      if (!tokens.length && !lookupKey(text)) return Promise.resolve(null);
      return getManifest().then(function (m) {
        return Promise.all([search(text), lookup(m, text), fold(m, text)]).then(function (first) {
          var literal = first[0], looked = first[1], folded = first[2], wider = [];
          if (folded !== text) wider.push([folded, text.trim() + "→" + folded.trim()]);
          var exact = literal && literal.exact;
          return (exact || looked.length ? Promise.resolve([]) : pinyinQueries(m, text)).then(function (spelled) {
            if (!exact && !looked.length) wider = wider.concat(synonymQueries(m, folded), spelled);
            return Promise.all(wider.map(function (pair) { return search(pair[0]); })).then(function (results) {
              var seen = new Set(), order = [], marks = literal ? literal.tokens.slice() : [], notes = [];
              function put(doc) { if (!seen.has(doc)) { seen.add(doc); order.push(doc); } }
              looked.forEach(put);
              var literalCount = 0;
              if (literal && !literal.fallback) { literal.order.forEach(put); literalCount = order.length; }
              results.forEach(function (result, i) {
                if (!result || result.fallback || !result.order.length) return;
                var before = order.length;
                result.order.forEach(put);
                if (order.length > before && notes.indexOf(wider[i][1]) < 0) notes.push(wider[i][1]);
                marks = marks.concat(result.tokens);
              });
              var fallback = false;
              if (!order.length && literal && literal.fallback && literal.order.length) { fallback = true; literal.order.forEach(put); }
              return {
                order: order, fallback: fallback, tokens: literal ? literal.tokens : [], marks: Array.from(new Set(marks)),
                notes: notes, literal: literalCount, looked: looked.length
              };
            });
          });
        });
      });
    }

    /* What to try when a text found nothing (or nothing with every word): the names closest to it (edit distance,
       among the records sharing a character with it), and the text without its rarest word. */
    function suggest(m, text, found) {
      var words = String(text).trim().split(/\s+/).filter(Boolean), jobs = [];
      if (words.length > 1) {
        jobs.push(Promise.all(words.map(function (word) { return search(word); })).then(function (each) {
          var counts = each.map(function (r) { return r ? r.order.length : 0; });
          var rarest = counts.indexOf(Math.min.apply(null, counts));
          return words.filter(function (_, i) { return i !== rarest; }).join(" ");
        }));
      } else jobs.push(Promise.resolve(""));
      var characters = Array.from(new Set(tokenize(text).join("").split(""))).filter(function (c) { return !isAscii(c); });
      var pool = found && found.order.length ? Promise.resolve(found) : characters.length ? search(characters.join(" ")) : Promise.resolve(null);
      jobs.push(pool.then(function (result) {
        if (!result) return [];
        return rows(m, result.order.slice(0, 40)).then(function (items) {
          var target = compactName(text);
          return items.map(function (row) { return [distance(target, compactName(row[1])), row[1]]; })
            .sort(function (a, b) { return a[0] - b[0] || (a[1] < b[1] ? -1 : 1); })
            .slice(0, 3).map(function (pair) { return pair[1]; });
        });
      }));
      return Promise.all(jobs).then(function (both) { return { without: both[0], names: both[1] }; });
    }

    /* Return the sets of documents for the facets chosen in state (district, function, … and free). */
    function facetSets(m, state) {
      var paths = [];
      FACETS.forEach(function (key) {
        if (!state[key]) return;
        var n = m.facets[key].findIndex(function (option) { return option[0] === state[key]; });
        paths.push(n < 0 ? null : "v/" + key + "/" + n + ".json");
      });
      if (state.free) paths.push("v/free.json");
      return Promise.all(paths.map(function (path) { return path ? get(path).then(gapsToSet) : new Set(); }));
    }

    function rows(m, docs) {
      return Promise.all(docs.map(function (doc) { return record(m, doc).then(function (entry) { return entry[0]; }); }));
    }

    /* Answer the search page: the query, then the facets; the first `limit` results with what they show. */
    function answer(state, limit) {
      return getManifest().then(function (m) {
        return Promise.all([find(state.q || ""), facetSets(m, state)]).then(function (both) {
          var found = both[0], sets = both[1], hits;
          if (found) hits = found.order;
          else if (sets.length) {
            var smallest = sets.reduce(function (a, b) { return a.size <= b.size ? a : b; });
            hits = Array.from(smallest).sort(function (a, b) { return a - b; });
          } else {
            hits = [];
            for (var n = 0; n < m.count; n++) hits.push(n);
          }
          if (sets.length) hits = hits.filter(function (doc) { return sets.every(function (set) { return set.has(doc); }); });
          var advice = found && (found.fallback || !hits.length) ? suggest(m, state.q, found.fallback ? found : null) : Promise.resolve(null);
          return Promise.all([rows(m, hits.slice(0, limit)), advice]).then(function (both) {
            return {
              total: hits.length, fallback: !!(found && found.fallback), tokens: found ? found.tokens : [],
              marks: found ? found.marks : [], notes: found ? found.notes : [], items: both[0], facets: m.facets,
              suggestions: both[1]
            };
          });
        });
      });
    }

    /* Return the hand-written pages' sections (pages.json) holding every word of the text, best first, at most
       `limit`: [page title, section heading, address, a snippet around the first match]. */
    function pages(text, limit) {
      var tokens = queryTokens(text);
      if (!tokens.length) return Promise.resolve([]);
      return get("pages.json").then(function (all) {
        var hits = [];
        all.forEach(function (entry) {
          entry[2].forEach(function (section) {
            var head = (entry[0] + " " + section[0]).normalize("NFKC").toLowerCase();
            var body = section[2].normalize("NFKC").toLowerCase(), score = 0;
            for (var i = 0; i < tokens.length; i++) {
              var inHead = head.split(tokens[i]).length - 1, inBody = body.split(tokens[i]).length - 1;
              if (!inHead && !inBody) return;
              score += 10 * inHead + Math.min(inBody, 5);
            }
            var at = Math.max(0, body.indexOf(tokens[0]) - 20);
            hits.push([score, entry[0], section[0], entry[1] + (section[1] ? "#" + section[1] : ""),
              (at ? "…" : "") + section[2].slice(at, at + 80)]);
          });
        });
        hits.sort(function (a, b) { return b[0] - a[0]; });
        return hits.slice(0, limit || 5).map(function (hit) { return hit.slice(1); });
      });
    }

    return { answer: answer, search: search, find: find, prefetch: prefetch, pages: pages };
  }

  var api = { tokenize: tokenize, queryTokens: queryTokens, fnv1a: fnv1a, unpack: unpack, lookupKey: lookupKey, engine: engine };
  if (typeof module !== "undefined" && module.exports) module.exports = api;
  else root.DirectorySearch = api;
})(typeof self !== "undefined" ? self : this);
