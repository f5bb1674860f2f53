// Runs the browser's search code (generator/write/assets/search-core.js) under node for the tests.
// usage: node search_node.js SEARCH_FOLDER MODE < input.json
//   MODE tokenize: input is a list of strings; print their tokens
//   MODE search:   input is a list of queries; print [{order, fallback}] (order as record ids) or null
//   MODE find:     the same through find (look-ups, widened queries): [{order, fallback, literal, notes, marks}] or null
//   MODE answer:   input is a list of [state, limit]; print the page's answers (items as record ids)
//   Every mode also prints the files read, in "files".
const fs = require("fs");
const path = require("path");
const core = require(path.join(__dirname, "..", "generator", "write", "assets", "search-core.js"));
const [folder, mode] = process.argv.slice(2);
const input = JSON.parse(fs.readFileSync(0, "utf8") || "null");
const read = [];
const load = (name) => { read.push(name); return Promise.resolve(JSON.parse(fs.readFileSync(path.join(folder, name), "utf8"))); };
const ids = [];
const manifest = folder && fs.existsSync(path.join(folder, "manifest.json")) && JSON.parse(fs.readFileSync(path.join(folder, "manifest.json"), "utf8"));
for (let chunk = 0; manifest && chunk * manifest.docs < manifest.count; chunk++) {
  JSON.parse(fs.readFileSync(path.join(folder, `d/${chunk}.json`), "utf8")).forEach((entry) => ids.push(entry[0][0]));
}

async function main() {
  if (mode === "tokenize") return input.map(core.tokenize);
  const engine = core.engine(load);
  const out = [];
  for (const item of input) {
    if (mode === "find") {
      const found = await engine.find(item);
      out.push(found && { order: found.order.map((n) => ids[n]), fallback: found.fallback, literal: found.literal, notes: found.notes,
        marks: found.marks });
    } else if (mode === "search") {
      const found = await engine.search(item);
      out.push(found && { order: found.order.map((n) => ids[n]), fallback: found.fallback });
    } else {
      const result = await engine.answer(item[0], item[1]);
      out.push({ total: result.total, fallback: result.fallback, items: result.items.map((row) => row[0]), notes: result.notes,
        suggestions: result.suggestions });
    }
  }
  return out;
}
main().then((result) => process.stdout.write(JSON.stringify({ result, files: read })),
  (error) => { process.stderr.write(String(error && error.stack || error)); process.exit(1); });
