#!/usr/bin/env node
// Cold start of the built `mp` against `node -e 0`, measured in the same run
// (run after `pnpm build`). Prints means and ratios; the goal is ≤ 1.3×.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MP = join(dirname(fileURLToPath(import.meta.url)), '..', 'packages', 'cli', 'bin', 'mp.cjs');
const home = mkdtempSync(join(tmpdir(), 'mp-bench-cold-'));
const env = { PATH: process.env.PATH, HOME: home };
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
const RUNS = 30;
const means = {};
for (const [label, args] of Object.entries(commands)) {
  for (let i = 0; i < 3; i++) spawnSync(process.execPath, args, { env });
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    const started = process.hrtime.bigint();
    const result = spawnSync(process.execPath, args, { env });
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
    if (result.status !== 0) throw new Error(`${label} exited ${result.status}: ${result.stderr}`);
  }
  times.sort((a, b) => a - b);
  means[label] = times.slice(3, -3).reduce((sum, t) => sum + t, 0) / (times.length - 6);
  console.log(
    `${label.padEnd(26)} ${means[label].toFixed(1).padStart(7)} ms (trimmed mean of ${RUNS})`,
  );
}
console.log('');
for (const label of Object.keys(commands).slice(1)) {
  console.log(
    `ratio ${label.padEnd(24)} / node -e 0: ${(means[label] / means['node -e 0']).toFixed(2)}x (goal ≤ 1.30x)`,
  );
}
rmSync(home, { recursive: true, force: true });
