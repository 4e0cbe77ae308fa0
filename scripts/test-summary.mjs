#!/usr/bin/env node
// Usage: node scripts/test-summary.mjs [COMMAND ARGS...]
// Runs COMMAND (the suites: `turbo run typecheck test check:packages`), passing its output
// through, with the mock's secrets log on (MP_MOCK_SECRETS_LOG, docs/testkit.md#secrets-log), then
// - scans that whole output for a fixture secret or a token a mock issued: a hit prints one
//   line naming its kind and the task, never the value, and fails the run;
// - adds up the vitest JSON reports of every package and prints one closing line,
//   "N passed, N failed", so a CI log states plainly how many tests ran.
// Without COMMAND it only adds up the reports.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', 'packages');
const command = process.argv.slice(2);

/** Runs the command with its output passed through as it comes; resolves to its status and output. */
function runTee(args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(args[0], args.slice(1), { stdio: ['inherit', 'pipe', 'pipe'], env });
    // each stream kept whole on its own, so that their lines never interleave
    const out = [];
    const err = [];
    child.stdout.on('data', (chunk) => {
      out.push(chunk);
      process.stdout.write(chunk);
    });
    child.stderr.on('data', (chunk) => {
      err.push(chunk);
      process.stderr.write(chunk);
    });
    child.on('error', reject);
    child.on('close', (code, signal) =>
      resolve({
        status: code ?? (signal ? 1 : 0),
        output: `${Buffer.concat(out).toString('utf8')}\n${Buffer.concat(err).toString('utf8')}`,
      }),
    );
  });
}

if (command.length > 0) {
  const dir = mkdtempSync(join(tmpdir(), 'mp-secrets-'));
  const log = join(dir, 'secrets.jsonl');
  let status;
  let hits = [];
  try {
    const env = { ...process.env, MP_MOCK_SECRETS_LOG: log };
    // Output goes through a pipe now: keep the colours a terminal would have shown.
    if (process.stdout.isTTY && env.FORCE_COLOR === undefined && env.NO_COLOR === undefined)
      env.FORCE_COLOR = '1';
    let output;
    ({ status, output } = await runTee(command, env));
    // After the suites, which build the testkit the scan reads the default fixture from.
    const scan = await import('../test-utils/secret-scan.mjs').catch((error) => {
      if (status === 0) throw error;
      return null; // the build failed: that is the news
    });
    if (scan) {
      const secrets = scan.readSecrets(log);
      hits = scan.findSecrets(secrets, scan.outputsByTask(output));
      for (const hit of hits) console.error(scan.describeHit(hit));
      console.log(`secret scan: ${secrets.size} secrets looked for, ${hits.length} found`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (status !== 0) process.exit(status);
  if (hits.length > 0) process.exitCode = 1;
}

let passed = 0;
let failed = 0;
let skipped = 0;
for (const name of readdirSync(root)) {
  const file = join(root, name, '.vitest-report.json');
  if (!existsSync(file)) continue;
  const report = JSON.parse(readFileSync(file, 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + report.numTodoTests;
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
if (failed > 0 || passed === 0) process.exitCode = 1;
