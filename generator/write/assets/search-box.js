/* The header search box on every page (theme/partials/search.html): the first results from the directory's index as
   the user types, the hand-written pages as a second group, "查看全部 N 条结果" and Enter leading to the search page.
   The worker starts on the first focus, so a page that nobody searches from loads nothing more. The offline copy
   (file://) may start no worker: it loads the same code and the bundled index (search/bundle.js) and answers here. */
(function () {
  "use strict";
  var box = document.querySelector(".dir-box");
  if (!box) return;
  var root = new URL(box.dataset.root, location.href).href, offline = location.protocol === "file:";
  var assets = root + "assets/dirsearch/", base = root + "search/", LIMIT = 5;
  var form = box.querySelector("form"), input = form.elements.q, toggle = document.getElementById("__search");
  var status = box.querySelector(".dir-box__status"), records = box.querySelector(".dir-box__records");
  var pagesTitle = box.querySelector(".dir-box__pages-title"), pages = box.querySelector(".dir-box__pages");
  var client = null, asked = 0, timer = null;

  function page(path) { return root + path + (offline ? "index.html" : ""); }
  function searchUrl(text) { return page("search/") + "?q=" + encodeURIComponent(text); }

  /* A stand-in for the worker on file://: the engine on this thread over the bundled files. */
  function mainThread() {
    var fake = { onmessage: null, engine: null, queue: [] };
    function reply(message) {
      Promise.all([fake.engine.answer(message.state, message.limit), fake.engine.pages(message.state.q)]).then(function (both) {
        both[0].pages = both[1];
        fake.onmessage({ data: { id: message.id, result: both[0] } });
      }, function (error) { fake.onmessage({ data: { id: message.id, error: String(error) } }); });
    }
    function ready() {
      var files = window.DirectorySearchFiles;
      fake.engine = DirectorySearch.engine(function (path) {
        return Object.prototype.hasOwnProperty.call(files, path) ? Promise.resolve(files[path]) : Promise.reject(new Error(path));
      });
      fake.queue.forEach(reply);
    }
    var scripts = [[assets + "search-core.js", "DirectorySearch"], [base + "bundle.js", "DirectorySearchFiles"]];
    (function next(n) {
      if (n === scripts.length) { ready(); return; }
      if (window[scripts[n][1]]) { next(n + 1); return; }
      var script = document.createElement("script");
      script.src = scripts[n][0];
      script.onload = function () { next(n + 1); };
      script.onerror = function () { fake.queue.forEach(function (m) { fake.onmessage({ data: { id: m.id, error: "offline" } }); }); };
      document.head.appendChild(script);
    })(0);
    fake.postMessage = function (message) {
      if (message.prefetch !== undefined) return;
      if (fake.engine) reply(message); else fake.queue.push(message);
    };
    return fake;
  }

  function start() {
    if (client) return;
    client = offline ? mainThread() : new Worker(assets + "search-worker.js");
    client.onmessage = function (event) {
      if (event.data.id !== asked) return;
      if (event.data.error) { status.textContent = "搜索索引加载失败，请刷新页面重试。"; return; }
      render(event.data.result);
    };
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /* The text with every match of the query's words (and the words it was widened to) in <mark>, as text nodes. */
  function highlight(text, words) {
    var lower = String(text).toLowerCase(), marked = new Array(lower.length).fill(false);
    words.forEach(function (word) {
      if (!word) return;
      for (var at = lower.indexOf(word); at >= 0; at = lower.indexOf(word, at + 1)) {
        for (var i = at; i < at + word.length; i++) marked[i] = true;
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

  function item(href, title, meta, snippet, words) {
    var li = element("li", "md-search-result__item dir-box__item"), link = element("a", "md-search-result__link");
    link.href = href;
    var article = element("article", "md-search-result__article md-typeset"), heading = element("h1");
    heading.appendChild(highlight(title, words));
    article.appendChild(heading);
    if (meta) article.appendChild(element("p", "dir-box__meta", meta));
    if (snippet) { var p = element("p", "dir-box__snippet"); p.appendChild(highlight(snippet, words)); article.appendChild(p); }
    link.appendChild(article);
    li.appendChild(link);
    return li;
  }

  function render(result) {
    var facets = result.facets, words = result.marks.filter(function (w) { return w.length > 1 || !/^[a-z0-9]$/.test(w); });
    records.textContent = "";
    pages.textContent = "";
    if (result.total) {
      status.textContent = "";
      var all = element("a", "dir-box__all", "查看全部 " + result.total + " 条结果");
      all.href = searchUrl(input.value.trim());
      status.appendChild(all);
      if (result.fallback) status.appendChild(element("span", "dir-box__note", "没有同时包含所有关键词的机构，下面是包含任一关键词的"));
      else if (result.notes.length) status.appendChild(element("span", "dir-box__note", "也按这些说法查找了：" + result.notes.join("；")));
      else if (/\S\s+\S/.test(input.value.trim())) status.appendChild(element("span", "dir-box__note", "同时包含全部关键词"));
    } else {
      status.textContent = "没有找到符合条件的服务机构";
      var more = element("a", "dir-box__all", "去搜索页看看建议");
      more.href = searchUrl(input.value.trim());
      status.appendChild(document.createTextNode("。"));
      status.appendChild(more);
    }
    result.items.forEach(function (row) {
      var meta = facets.district[row[2]][1] + " · " + row[3].map(function (n) { return facets["function"][n][1]; }).join("、");
      records.appendChild(item(page("institutions/" + row[0] + "/"), row[1], meta, row[9], words));
    });
    (result.pages || []).forEach(function (hit) {
      pages.appendChild(item(root + hit[2], hit[0] + (hit[1] ? " › " + hit[1] : ""), "", hit[3], words));
    });
    pagesTitle.hidden = !(result.pages || []).length;
    input.setAttribute("aria-expanded", "true");
  }

  function ask() {
    var text = input.value.trim();
    if (!text) { records.textContent = ""; pages.textContent = ""; pagesTitle.hidden = true; status.textContent = "输入机构名称、拼音、电话或信用代码"; return; }
    start();
    asked += 1;
    status.textContent = "正在搜索…";
    client.postMessage({ id: asked, state: { q: text }, limit: LIMIT, base: base, pages: true });
  }

  function open() { if (toggle && !toggle.checked) toggle.checked = true; }
  function close() { if (toggle) toggle.checked = false; input.setAttribute("aria-expanded", "false"); input.blur(); }

  input.addEventListener("focus", function () {
    open();
    start();
    client.postMessage({ prefetch: input.value, base: base });
  });
  input.addEventListener("input", function () {
    open();
    if (client) client.postMessage({ prefetch: input.value, base: base });
    clearTimeout(timer);
    timer = setTimeout(ask, 80);
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (input.value.trim()) location.assign(searchUrl(input.value.trim()));
  });
  form.addEventListener("reset", function () { setTimeout(function () { ask(); input.focus(); }, 0); });
  if (toggle) toggle.addEventListener("change", function () { if (toggle.checked) input.focus(); });

  // The keyboard: arrows move through the results and back to the box, Escape closes it.
  box.addEventListener("keydown", function (event) {
    var links = Array.prototype.slice.call(box.querySelectorAll(".md-search-result a"));
    var at = links.indexOf(document.activeElement);
    if (event.key === "Escape") { event.preventDefault(); close(); return; }
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    if (!links.length) return;
    event.preventDefault();
    var next = event.key === "ArrowDown" ? at + 1 : at - 1;
    if (next < 0 || next >= links.length) input.focus(); else links[next].focus();
  });
  // "/" from anywhere on the page puts the cursor in the box, as in Material's own search.
  document.addEventListener("keydown", function (event) {
    var target = event.target, typing = target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
    if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) { event.preventDefault(); open(); input.focus(); }
  });
})();
