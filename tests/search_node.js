// Runs the browser's search code (lunr.js from mkdocs + generator/assets/search-core.js) under node for the tests.
// usage: node search_node.js LUNR_JS INDEX_JSON RESULTS_JSON MODE < input.json
//   MODE expand:   print the expanded lunr serialization
//   MODE tokenize: input is a list of strings; print their tokens
//   MODE search:   input is a list of queries; print [{order, fallback}] (order as record ids)
const fs = require("fs");
const path = require("path");
const [lunrPath, indexPath, resultsPath, mode] = process.argv.slice(2);
const lunr = require(lunrPath);
const core = require(path.join(__dirname, "..", "generator", "assets", "search-core.js"));
const input = JSON.parse(fs.readFileSync(0, "utf8") || "null");
if (mode === "tokenize") {
  process.stdout.write(JSON.stringify(input.map(core.tokenize)));
} else {
  const expanded = core.expandIndex(JSON.parse(fs.readFileSync(indexPath, "utf8")));
  if (mode === "expand") {
    process.stdout.write(JSON.stringify(expanded));
  } else {
    const docs = JSON.parse(fs.readFileSync(resultsPath, "utf8")).docs;
    const idx = lunr.Index.load(expanded);
    const out = input.map((q) => {
      const found = core.search(lunr, idx, docs, q);
      return found && { order: found.order.map((n) => docs[n][0]), fallback: found.fallback };
    });
    process.stdout.write(JSON.stringify(out));
  }
}
