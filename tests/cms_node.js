// Runs the form editor's own format code (generator/write/assets/cms-format.js) under node for the tests: each file
// read as the editor reads it and written back as it saves it, with no edit in between.
// usage: node cms_node.js FORMAT_JS < [[format name, text], …]   prints the texts written back, in order
const fs = require("fs");
const path = require("path");
const formats = {};
global.window = {
  CMS: {registerCustomFormat: (name, ext, format) => { formats[name] = format; }, registerEventListener() {}, init() {},
        getLocale() { return null; }},
  jsyaml: require(path.join(__dirname, "..", "node_modules", "js-yaml")),
};
eval(fs.readFileSync(process.argv[2], "utf8"));
eval(fs.readFileSync(path.join(__dirname, "..", "generator", "write", "assets", "cms-format.js"), "utf8"));
const input = JSON.parse(fs.readFileSync(0, "utf8"));
console.log(JSON.stringify(input.map(([name, text]) => formats[name].toFile(formats[name].fromFile(text)))));
