"""Search in headless chromium, ours beside Pagefind on the same built site: bytes and time to the first result
(medians of five page loads), query latency, and how many of 50 random full names rank their institution first."""

from __future__ import annotations

import functools
import gzip
import http.server
import json
import random
import statistics
import subprocess
import sys
import threading
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from benchmarks.synth import KINDS

CHROMIUM = "/usr/bin/chromium"
FIRST_LOADS = 5  # page loads (different names) whose median is the time and bytes to the first result
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run"]
FIRST_RESULT = """
window.__first = null;
new MutationObserver((changes, observer) => {
  // The first answer: a result, or the status line or marker saying there is none (a query can find nothing).
  const status = document.querySelector(".dir-search__status");
  const hit = document.querySelector(".dir-search__results li, #pf-results li, #pf-results[data-done]") ||
              (status && /^(找到|没有找到)/.test(status.textContent));
  if (hit && window.__first === null) { window.__first = performance.now(); observer.disconnect(); }
}).observe(document, {childList: true, subtree: true, attributes: true});  // data-done: Pagefind found nothing
"""
PAGEFIND_PAGE = """<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>pagefind</title><ol id="pf-results"></ol>
<script type="module">
const pagefind = await import("/pagefind-bench/pagefind.js");
window.pagefind = pagefind;
const q = new URLSearchParams(location.search).get("q");
const search = await pagefind.search(q);
const first = search.results.length ? await search.results[0].data() : null;
if (first) { const li = document.createElement("li"); li.textContent = first.url; document.getElementById("pf-results").append(li); }
document.getElementById("pf-results").dataset.done = "1";
</script>"""
OUR_LATENCY = """async ([queries]) => {
  const box = document.querySelector(".dir-search");
  const worker = new Worker(box.dataset.worker);
  const base = new URL(box.dataset.index, location.href).href;
  let id = 0;
  const ask = (q) => new Promise((resolve) => {
    const mine = ++id;
    worker.onmessage = (e) => { if (e.data.id === mine) resolve(e.data.result); };
    worker.postMessage({id: mine, state: {q}, limit: 50, base});
  });
  await ask("预热");
  const times = [], firsts = [];
  for (const q of queries) {
    const t = performance.now();
    const r = await ask(q);
    times.push(performance.now() - t);
    firsts.push(r.items.length ? r.items[0][0] : null);
  }
  worker.terminate();
  return {times, firsts};
}"""
PAGEFIND_LATENCY = """async ([queries]) => {
  const times = [], firsts = [];
  for (const q of queries) {
    const t = performance.now();
    const r = await window.pagefind.search(q);
    const first = r.results.length ? await r.results[0].data() : null;
    times.push(performance.now() - t);
    firsts.push(first ? first.url : null);
  }
  return {times, firsts};
}"""


OUR_TOP3 = """async ([queries]) => {
  const box = document.querySelector(".dir-search");
  const worker = new Worker(box.dataset.worker);
  const base = new URL(box.dataset.index, location.href).href;
  let id = 0;
  const out = [];
  for (const q of queries) {
    const mine = ++id;
    const r = await new Promise((resolve) => {
      worker.onmessage = (e) => { if (e.data.id === mine) resolve(e.data.result); };
      worker.postMessage({id: mine, state: {q}, limit: 3, base});
    });
    out.push(r.items.map((row) => row[0]));
  }
  worker.terminate();
  return out;
}"""
PAGEFIND_TOP3 = """async ([queries]) => {
  const out = [];
  for (const q of queries) {
    const r = await window.pagefind.search(q);
    out.push(await Promise.all(r.results.slice(0, 3).map(async (x) => (await x.data()).url)));
  }
  return out;
}"""
TYPED_EACH = 20  # typed queries of each kind


def typed_queries(model, seed: int = 11) -> list[tuple[str, str, str]]:
    """Return (kind, query, record id) for what people type besides the name: its pinyin (read right: 闵行 min hang),
    initials, the name with a thesaurus word swapped for a synonym, in traditional characters, the credit code, the
    phone without its area code and with a space, and two words (the name's first four characters and its kind)."""
    from generator.write.expansions import HAN, opencc_pairs, readings, syllables

    records, fixed = model.records, readings(model)

    to_traditional = opencc_pairs("STCharacters.txt")
    rng = random.Random(seed)
    chosen = rng.sample(records, min(TYPED_EACH, len(records)))
    groups = model.taxonomy.thesaurus
    out = []
    for record in chosen:
        data, name = record.data, record.data["name"]
        spelled = [s for run in HAN.findall(name) for s in syllables(run, fixed)]
        out += [("拼音", " ".join(spelled), record.id), ("首字母", "".join(s[0] for s in spelled), record.id),
                ("繁体", "".join(to_traditional.get(c, c) for c in name), record.id)]
        if data.get("credit_code"):
            out.append(("信用代码", data["credit_code"], record.id))
        digits = [part for part in data["contacts"].get("phone", "").split("-") if part]
        if len(digits) > 2:
            out.append(("电话", " ".join(digits[1:]), record.id))
        kind = next((k for k in sorted(KINDS, key=len, reverse=True) if name.endswith(k)), None)
        if kind and len(name) > len(kind) + 4:
            out.append(("两个词", name[:4] + " " + kind, record.id))
    swapped = 0
    for record in rng.sample(records, len(records)):
        name = record.data["name"]
        pair = next(((word, other) for group in groups for word in group if word in name for other in group if other != word), None)
        if pair:
            out.append(("同义词", name.replace(pair[0], pair[1], 1), record.id))
            swapped += 1
        if swapped == TYPED_EACH:
            break
    return out


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as every real web server (HTTP/1.0 opened a connection per file)
    disable_nagle_algorithm = True  # headers and body go out in two writes: without this, each waits 40 ms for an ACK

    def log_message(self, *args):
        pass


@contextmanager
def serve(folder: Path):
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()


def _gzip_size(body: bytes) -> int:
    return min(len(body), len(gzip.compress(body, 6)))


def _first_result(browser, url: str, folder: Path) -> tuple[int, float]:
    """Open url; return (gzip bytes downloaded until the first result showed, milliseconds to it).

    Sizes come from the served files, not from the browser: chromium drops large response bodies from its cache.
    """
    page = browser.new_page()
    page.add_init_script(FIRST_RESULT)
    paths = []
    page.on("response", lambda response: response.status == 200 and paths.append(urlsplit(response.url).path))
    page.goto(url)
    page.wait_for_function("window.__first !== null", timeout=180_000)
    first_ms = page.evaluate("window.__first")
    page.close()
    files = [folder / unquote(path).lstrip("/") for path in paths]
    return sum(_gzip_size((f / "index.html" if f.is_dir() else f).read_bytes()) for f in files), first_ms


def _latency(browser, url: str, script: str, queries: list[str]) -> dict:
    page = browser.new_page()
    page.goto(url)
    page.wait_for_load_state("networkidle")
    if "pagefind" in url:
        page.wait_for_function("window.pagefind !== undefined", timeout=120_000)
    result = page.evaluate(script, [queries])
    page.close()
    return result


def _summary(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    return round(statistics.median(ordered), 1), round(ordered[max(0, int(len(ordered) * 0.95) - 1)], 1)


def index_size(folder: Path) -> tuple[int, int]:
    """Return the bytes of the search files (generator/search.py's layout), raw and gzip (each file on its own)."""
    files = [p for p in folder.rglob("*.json") if p.name != "search_index.json"]
    return sum(p.stat().st_size for p in files), sum(_gzip_size(p.read_bytes()) for p in files)


def bench_search(site: Path, records: list[tuple[str, str]], seed: int = 7, pagefind: bool = True,
                 typed: list[tuple[str, str, str]] = ()) -> dict:
    """Measure our search and Pagefind's on a built site; records are (id, name) of published institutions, typed the
    (kind, query, id) whose share answered in the top 3 is counted by kind.

    Without pagefind, the site may hold only the search page and the search files (the bench's 100,000 records)."""
    from playwright.sync_api import sync_playwright

    sample = random.Random(seed).sample(records, min(50, len(records)))
    names = [name for _, name in sample]
    runs = [("ours", "/search/?q=", OUR_LATENCY, [rid for rid, _ in sample])]
    if pagefind:
        subprocess.run([sys.executable, "-m", "pagefind", "--site", str(site), "--output-subdir", "pagefind-bench",
                        "--force-language", "zh", "--silent"], check=True)
        (site / "pagefind-bench.html").write_text(PAGEFIND_PAGE, encoding="utf-8")
        runs.append(("pagefind", "/pagefind-bench.html?q=", PAGEFIND_LATENCY, [f"/institutions/{rid}/" for rid, _ in sample]))
    out = {}
    with serve(site) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        # One page load varies by a third on this machine: the median of FIRST_LOADS names, the two searches taking turns.
        loads = {label: [] for label, *_ in runs}
        for name in names[:FIRST_LOADS]:
            for label, path, *_ in runs:
                loads[label].append(_first_result(browser, base + path + quote(name), site))
        for label, path, script, expected in runs:
            timing = _latency(browser, base + path + quote(names[0]), script, names)
            median, p95 = _summary(timing["times"])
            out[label] = {"first_result_kb": round(statistics.median(kb for kb, _ in loads[label]) / 1024),
                          "first_result_ms": round(statistics.median(ms for _, ms in loads[label])),
                          "first_result_ms_each": [round(ms) for _, ms in loads[label]], "query_median_ms": median,
                          "query_p95_ms": p95, "names_first": sum(a == b for a, b in zip(timing["firsts"], expected)),
                          "names_tried": len(expected)}
        if typed:
            queries = [query for _, query, _ in typed]
            answers = {"ours": _latency(browser, base + runs[0][1] + quote(names[0]), OUR_TOP3, queries)}
            if pagefind:
                answers["pagefind"] = [[url.strip("/").rsplit("/", 1)[-1] for url in urls]
                                       for urls in _latency(browser, base + runs[1][1] + quote(names[0]), PAGEFIND_TOP3, queries)]
            out["typed"] = {}
            for label, found in answers.items():
                for (kind, _, wanted), top in zip(typed, found):
                    counts = out["typed"].setdefault(kind, {"tried": 0})
                    counts[label] = counts.get(label, 0) + (wanted in top)
            for kind, _, _ in typed:
                out["typed"][kind]["tried"] = sum(k == kind for k, _, _ in typed)
        browser.close()
    raw, gzipped = index_size(site / "search")
    out["ours"] |= {"index_kb": round(raw / 1024), "index_gzip_kb": round(gzipped / 1024)}
    if pagefind:
        pagefind_files = [p for p in (site / "pagefind-bench").rglob("*") if p.is_file()]
        out["pagefind"] |= {"index_kb": round(sum(p.stat().st_size for p in pagefind_files) / 1024),
                            "index_gzip_kb": round(sum(_gzip_size(p.read_bytes()) for p in pagefind_files) / 1024)}
    return out


if __name__ == "__main__":
    from generator.model.model import load_model

    published = load_model(Path(sys.argv[2]))[0].records
    print(json.dumps(bench_search(Path(sys.argv[1]), [(r.id, r.data["name"]) for r in published]), ensure_ascii=False, indent=2))
