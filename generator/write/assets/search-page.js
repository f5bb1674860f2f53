/* The search page: keeps the query and facets in the URL, asks the worker, and renders results as text nodes. */
(function () {
  "use strict";
  var box = document.querySelector(".dir-search");
  if (!box) return;
  var form = box.querySelector("form"), input = form.elements.q;
  var status = box.querySelector(".dir-search__status"), fallback = box.querySelector(".dir-search__fallback");
  var list = box.querySelector(".dir-search__results"), more = box.querySelector(".dir-search__more");
  var notes = box.querySelector(".dir-search__notes"), suggestions = box.querySelector(".dir-search__suggestions");
  var narrowed = box.querySelector(".dir-search__narrowed");
  var KEYS = ["q", "district", "function", "tier", "level", "industry", "free"];
  var PAGE = 50, limit = PAGE, asked = 0, timer = null, typing = false;
  var base = new URL(box.dataset.index, location.href).href;  // the folder of the split index (search/)
  // The offline copy, opened from file://, may start no worker and fetch nothing: it loads the same code and the
  // same index files, bundled in one script (search/bundle.js, in the offline zip only), and answers on the main thread.
  var offline = location.protocol === "file:";
  // The worker is started in <head> (templates/search-head.html), so that its fetches overlap the theme's loading.
  var worker = offline ? mainThreadWorker() : window.DirectorySearchWorker || new Worker(box.dataset.worker);

  function mainThreadWorker() {
    var fake = { onmessage: null, queue: [], engine: null };
    var assets = new URL(".", new URL(box.dataset.worker, location.href)).href;  // beside search-worker.js
    var scripts = [assets + "search-core.js", base + "bundle.js"];
    function reply(message) {
      if (!message.state) return;
      fake.engine.answer(message.state, message.limit).then(function (result) {
        fake.onmessage({ data: { id: message.id, result: result } });
      }, function (error) { fake.onmessage({ data: { id: message.id, error: String(error) } }); });
    }
    function next(n) {
      if (n === scripts.length) {
        fake.engine = DirectorySearch.engine(function (path) {
          var files = window.DirectorySearchFiles;
          return Object.prototype.hasOwnProperty.call(files, path) ? Promise.resolve(files[path]) : Promise.reject(new Error(path));
        });
        fake.queue.forEach(reply);
        return;
      }
      var script = document.createElement("script");
      script.src = scripts[n];
      script.onload = function () { next(n + 1); };
      script.onerror = function () { fake.queue.forEach(function (m) { fake.onmessage({ data: { id: m.id, error: "offline" } }); }); };
      document.head.appendChild(script);
    }
    fake.postMessage = function (message) {
      if (fake.engine) reply(message);
      else fake.queue.push(message);
    };
    next(0);
    return fake;
  }

  function readForm() {
    var state = {};
    KEYS.forEach(function (key) {
      var field = form.elements[key];
      var value = field.type === "checkbox" ? (field.checked ? "1" : "") : field.value.trim();
      if (value) state[key] = value;
    });
    return state;
  }

  function writeForm(state) {
    KEYS.forEach(function (key) {
      var field = form.elements[key];
      if (field.type === "checkbox") field.checked = state[key] === "1";
      else field.value = state[key] || "";
    });
  }

  function stateFromUrl() {
    var params = new URLSearchParams(location.search), state = {};
    KEYS.forEach(function (key) { if (params.get(key)) state[key] = params.get(key); });
    return state;
  }

  function urlFor(state) {
    var params = new URLSearchParams();
    KEYS.forEach(function (key) { if (state[key]) params.set(key, state[key]); });
    var query = params.toString();
    return location.pathname + (query ? "?" + query : "");
  }

  function ask() {
    asked += 1;
    status.textContent = "正在搜索…";
    worker.postMessage({ id: asked, state: readForm(), limit: limit, base: base });
  }

  function highlight(text, tokens) {
    var lower = text.toLowerCase(), marked = new Array(text.length).fill(false);
    tokens.forEach(function (token) {
      if (token.length < 2 && !/^[\u3400-\u9fff]$/.test(token)) return;
      for (var at = lower.indexOf(token); at >= 0; at = lower.indexOf(token, at + 1)) {
        for (var i = at; i < at + token.length; i++) marked[i] = true;
      }
    });
    var fragment = document.createDocumentFragment(), start = 0;
    for (var i = 1; i <= text.length; i++) {
      if (i === text.length || marked[i] !== marked[start]) {
        var piece = document.createTextNode(text.slice(start, i));
        if (marked[start]) { var mark = document.createElement("mark"); mark.appendChild(piece); fragment.appendChild(mark); }
        else fragment.appendChild(piece);
        start = i;
      }
    }
    return fragment;
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function render(result) {
    var facets = result.facets;
    function names(key, positions) { return positions.map(function (n) { return facets[key][n][1]; }).join("、"); }
    status.textContent = result.total ? "找到 " + result.total + " 家服务机构" : "没有找到符合条件的服务机构";
    fallback.hidden = !result.fallback;
    var words = (readForm().q || "").split(/\s+/).filter(Boolean);
    narrowed.hidden = !(result.total && !result.fallback && words.length > 1);
    narrowed.textContent = narrowed.hidden ? "" : "下面的机构同时包含全部关键词：" + words.join("、");
    notes.hidden = !result.notes.length;
    notes.textContent = result.notes.length ? "也按这些说法查找了（排在原词的结果之后）：" + result.notes.join("；") : "";
    renderSuggestions(result.suggestions);
    list.textContent = "";
    result.items.forEach(function (doc) {
      var item = element("li", "dir-entry");
      var link = element("a", "dir-entry__name", doc[1]);
      link.href = box.dataset.institutions + doc[0] + (offline ? "/index.html" : "/");
      item.appendChild(link);
      if (doc[5]) {
        var level = facets.level[doc[5][0]];
        item.appendChild(element("span", "dir-badge dir-badge--" + level[0], level[1] + "示范平台 " + doc[5][1]));
      }
      item.appendChild(element("span", "dir-entry__meta",
        facets.district[doc[2]][1] + " · " + names("function", doc[3]) + " · " + facets.tier[doc[4]][1]));
      if (doc[7]) item.appendChild(element("span", "dir-entry__phone", "电话：" + doc[7]));
      var snippet = element("span", "dir-entry__snippet");
      snippet.appendChild(highlight(doc[9], result.marks));
      item.appendChild(snippet);
      list.appendChild(item);
    });
    more.hidden = result.items.length >= result.total;
  }

  function searchLink(text, label) {
    var link = element("a", "", label || text);
    link.href = urlFor({ q: text });
    link.addEventListener("click", function (event) { event.preventDefault(); writeForm({ q: text }); typing = false; changed(true); });
    return link;
  }

  /* After no result (or none with every word): the closest names, the query without its rarest word, browsing. */
  function renderSuggestions(advice) {
    suggestions.hidden = !advice;
    if (!advice) return;
    var names = suggestions.querySelector(".dir-search__names"), without = suggestions.querySelector(".dir-search__without");
    var holder = names.querySelector("span");
    holder.textContent = "";
    advice.names.forEach(function (name, i) {
      if (i) holder.appendChild(document.createTextNode("、"));
      holder.appendChild(searchLink(name));
    });
    names.hidden = !advice.names.length;
    without.hidden = !advice.without;
    without.textContent = "";
    if (advice.without) without.appendChild(searchLink(advice.without, "去掉最少见的词再搜：" + advice.without));
  }

  worker.onmessage = function (event) {
    if (event.data.id !== asked) return;
    if (event.data.error) { status.textContent = "搜索索引加载失败，请刷新页面重试。"; return; }
    render(event.data.result);
  };

  function changed(push) {
    limit = PAGE;
    var url = urlFor(readForm());
    if (url !== location.pathname + location.search) history[push ? "pushState" : "replaceState"](null, "", url);
    ask();
  }

  // The index files for the words typed so far are fetched at once, while the answer waits for a pause in typing.
  function prefetch() { worker.postMessage({ prefetch: input.value, base: base }); }
  input.addEventListener("focus", prefetch);

  // The first keystroke of a new query adds a history entry; the rest of the typing updates that entry.
  input.addEventListener("input", function () {
    prefetch();
    clearTimeout(timer);
    timer = setTimeout(function () { changed(!typing); typing = true; }, 120);
  });
  form.addEventListener("change", function (event) { if (event.target !== input) { typing = false; changed(true); } });
  form.addEventListener("submit", function (event) { event.preventDefault(); clearTimeout(timer); typing = false; changed(true); });
  more.addEventListener("click", function () { limit += PAGE; ask(); });
  window.addEventListener("popstate", function () { typing = false; writeForm(stateFromUrl()); limit = PAGE; ask(); });

  writeForm(stateFromUrl());
  ask();
})();
