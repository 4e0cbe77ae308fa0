#!/usr/bin/env node
// Adds up the vitest JSON reports of every package and prints one closing line,
// "N passed, N failed", so a CI log states plainly how many tests ran.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

let passed = 0;
let failed = 0;
let skipped = 0;
const root = join(import.meta.dirname, '..', 'packages');
for (const name of readdirSync(root)) {
  const file = join(root, name, '.vitest-report.json');
  if (!existsSync(file)) continue;
  const report = JSON.parse(readFileSync(file, 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + report.numTodoTests;
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
