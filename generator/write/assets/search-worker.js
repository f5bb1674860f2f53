/* Answers {id, state, limit} messages off the main thread, fetching only the index files a query needs;
   {pages: true} adds the hand-written pages that match (the header box);
   {prefetch: text} fetches the files a query of the words typed so far needs. Every message carries base, the index folder.
   The site serves this file with search-core.js in front of it, so nothing more is loaded before the first query.
   The worker fetches the manifest itself: a page busy starting the theme would hand it over late. */
if (typeof DirectorySearch === "undefined") importScripts("search-core.js");

var engine = null;

function loader(base) {
  return function (path, version) {
    var url = new URL(path + (version ? "?v=" + version : ""), base);
    return fetch(url, version ? {} : { cache: "no-cache" }).then(function (response) {
      if (!response.ok) throw new Error(response.status + " " + url);
      return response.json();
    });
  };
}

onmessage = function (event) {
  var message = event.data;
  engine = engine || DirectorySearch.engine(loader(message.base));
  if (message.prefetch !== undefined) { engine.prefetch(message.prefetch); return; }
  if (!message.state) return;
  var pages = message.pages ? engine.pages(message.state.q) : Promise.resolve(undefined);
  Promise.all([engine.answer(message.state, message.limit), pages]).then(function (both) {
    both[0].pages = both[1];
    postMessage({ id: message.id, result: both[0] });
  }, function (error) {
    postMessage({ id: message.id, error: String(error) });
  });
};
