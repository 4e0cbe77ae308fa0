#!/usr/bin/env node
// Cold start of the built `mp` against `node -e 0` on the running Node, measured
// in the same run (run after `pnpm build`). Prints means and ratios; the goal for
// `mp session -f json` is ≤ 1.15× on every Node that CI tests (20, 22 and 24).
// Node ≥ 22.1 starts `mp` with Node's compile cache, which the warm-up rounds fill
// (as a user's first run does); older Node with the V8 cache the build warmed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import module from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const GOAL = 1.15;
const MP = join(dirname(fileURLToPath(import.meta.url)), '..', 'packages', 'cli', 'bin', 'mp.cjs');
const home = mkdtempSync(join(tmpdir(), 'mp-bench-cold-'));
// A compile cache of its own, so the figures do not depend on what other runs left.
const env = { PATH: process.env.PATH, HOME: home, NODE_COMPILE_CACHE: join(home, 'compile-cache') };
spawnSync(
  process.execPath,
  [MP, 'account', 'add', 'team', '--type', 'oauth_browser', '--region', 'us'],
  { env },
);

const commands = {
  'node -e 0': ['-e', '0'],
  'mp --version': [MP, '--version'],
  'mp session -f json': [MP, 'session', '-f', 'json'],
  'mp account list -f json': [MP, 'account', 'list', '-f', 'json'],
};
const RUNS = 40;
// Interleaved: each round runs every command once, so drift in the machine's
// load hits all of them alike. Warm-up first (page cache, compile cache).
const times = Object.fromEntries(Object.keys(commands).map((label) => [label, []]));
for (let round = -3; round < RUNS; round++) {
  for (const [label, args] of Object.entries(commands)) {
    const started = process.hrtime.bigint();
    const result = spawnSync(process.execPath, args, { env });
    const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
    if (result.status !== 0) throw new Error(`${label} exited ${result.status}: ${result.stderr}`);
    if (round >= 0) times[label].push(elapsed);
  }
}
const cache =
  typeof module.enableCompileCache === 'function'
    ? "Node's compile cache"
    : `V8 code cache main-${process.version}-${process.arch}.cache`;
console.log(`cold start on Node ${process.version} (${cache})`);
const means = {};
for (const [label, list] of Object.entries(times)) {
  list.sort((a, b) => a - b);
  const kept = list.slice(4, -4);
  means[label] = kept.reduce((sum, t) => sum + t, 0) / kept.length;
  console.log(
    `${label.padEnd(26)} ${means[label].toFixed(1).padStart(7)} ms (trimmed mean of ${RUNS}, interleaved)`,
  );
}
console.log('');
for (const label of Object.keys(commands).slice(1)) {
  console.log(
    `ratio ${label.padEnd(24)} / node -e 0: ${(means[label] / means['node -e 0']).toFixed(2)}x${label === 'mp session -f json' ? ` (goal ≤ ${GOAL.toFixed(2)}x)` : ''}`,
  );
}
rmSync(home, { recursive: true, force: true });
