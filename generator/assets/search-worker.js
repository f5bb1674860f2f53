/* Loads the index and the result list once, then answers {id, state, limit} messages off the main thread. */
importScripts("lunr.js", "search-core.js");

var loading = null;

function load(indexUrl, resultsUrl) {
  return Promise.all([fetch(indexUrl), fetch(resultsUrl)])
    .then(function (responses) { return Promise.all(responses.map(function (r) { return r.json(); })); })
    .then(function (loaded) { return DirectorySearch.engine(lunr, loaded[0], loaded[1]); });
}

onmessage = function (event) {
  var message = event.data;
  loading = loading || load(message.index, message.results);
  loading.then(function (answer) {
    postMessage({ id: message.id, result: answer(message.state, message.limit) });
  }, function (error) {
    postMessage({ id: message.id, error: String(error) });
  });
};
