/* Loads the index and the result list once, then answers {id, state, limit} messages off the main thread. */
importScripts("lunr.js", "search-core.js");

var data = null;
var FACETS = ["district", "function", "tier", "level", "industry"];

function load(indexUrl, resultsUrl) {
  return Promise.all([fetch(indexUrl), fetch(resultsUrl)])
    .then(function (responses) { return Promise.all(responses.map(function (r) { return r.json(); })); })
    .then(function (loaded) {
      var results = loaded[1], positions = {};
      FACETS.forEach(function (key) {
        positions[key] = {};
        results.facets[key].forEach(function (option, n) { positions[key][option[0]] = n; });
      });
      data = { idx: lunr.Index.load(DirectorySearch.expandIndex(loaded[0])), docs: results.docs, facets: results.facets, positions: positions };
    });
}

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

function answer(state, limit) {
  var found = DirectorySearch.search(lunr, data.idx, data.docs, state.q || "");
  var order = found ? found.order : data.docs.map(function (_, n) { return n; });
  var hits = order.filter(function (n) { return matches(data.docs[n], state, data.positions); });
  return {
    total: hits.length,
    fallback: !!(found && found.fallback),
    tokens: found ? found.tokens : [],
    items: hits.slice(0, limit).map(function (n) { return data.docs[n]; }),
    facets: data.facets
  };
}

var loading = null;
onmessage = function (event) {
  var message = event.data;
  loading = loading || load(message.index, message.results);
  loading.then(function () {
    postMessage({ id: message.id, result: answer(message.state, message.limit) });
  }, function (error) {
    postMessage({ id: message.id, error: String(error) });
  });
};
