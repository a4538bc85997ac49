#!/usr/bin/env bash
# The whole suite as `npm test` runs it (after the type check): the unit project (files in
# parallel), then the integration project (files one at a time), then one summary of both.
# Exits non-zero when a test or a test file failed. Arguments go to both jest runs.
set -uo pipefail
cd "$(dirname "$0")/.."
export LOG_LEVEL=${LOG_LEVEL:-warn}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

status=0
for project in unit integration; do
  start=$SECONDS
  bash scripts/jest.sh "$project" --passWithNoTests --json --outputFile="$out/$project.json" "$@" || status=1
  echo "$((SECONDS - start))" > "$out/$project.seconds"
done

node - "$out" <<'JS' || status=1
const fs = require('node:fs');
const dir = process.argv[2];
let total = { passed: 0, failed: 0, skipped: 0, brokenFiles: 0 };
let ok = true;
console.log('\nSummary');
for (const project of ['unit', 'integration']) {
  const seconds = fs.readFileSync(`${dir}/${project}.seconds`, 'utf8').trim();
  let r;
  try { r = JSON.parse(fs.readFileSync(`${dir}/${project}.json`, 'utf8')); } catch {
    console.log(`  ${project.padEnd(12)} no results (jest did not finish)`);
    ok = false;
    continue;
  }
  // A file that failed to load or whose hooks threw counts here even when none of its tests ran.
  const brokenFiles = r.testResults.filter((f) => f.status === 'failed' && f.assertionResults.every((a) => a.status !== 'failed')).length;
  const skipped = r.numPendingTests + r.numTodoTests;
  console.log(`  ${project.padEnd(12)} ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped` +
    `${brokenFiles ? `, ${brokenFiles} file(s) failed outside tests` : ''} (${r.numTotalTestSuites} files, ${seconds} s)`);
  total.passed += r.numPassedTests; total.failed += r.numFailedTests; total.skipped += skipped; total.brokenFiles += brokenFiles;
  if (!r.success) ok = false;
}
console.log(`Tests: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped` +
  `${total.brokenFiles ? `; ${total.brokenFiles} file(s) failed outside tests` : ''}`);
process.exit(ok ? 0 : 1);
JS
exit "$status"
