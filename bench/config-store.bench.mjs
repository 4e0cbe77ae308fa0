#!/usr/bin/env node
// Benchmark of @mixpanel-data/config-store (run after `pnpm build`): prints
// figures and ratios against a baseline measured in the same run, so the
// numbers compare across machines. Not a test: nothing here passes or fails.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createConfigStore,
  stringifyToml,
  writePrivateFileAtomic,
} from '@mixpanel-data/config-store';

const home = mkdtempSync(join(tmpdir(), 'mp-bench-'));
const store = createConfigStore({ env: { HOME: home }, home, lock: { timeoutMs: 60_000 } });

function time(label, runs, fn) {
  for (let i = 0; i < Math.min(20, runs); i++) fn(i); // warm-up
  const started = process.hrtime.bigint();
  for (let i = 0; i < runs; i++) fn(i + runs);
  const meanMs = Number(process.hrtime.bigint() - started) / 1e6 / runs;
  console.log(`${label.padEnd(48)} ${meanMs.toFixed(3).padStart(8)} ms mean (${runs} runs)`);
  return meanMs;
}

for (let i = 0; i < 20; i++) {
  store.addAccount(`acct-${i}`, {
    type: 'service_account',
    region: 'eu',
    defaultProject: String(1000 + i),
    username: `bot${i}`,
    secret: `s${i}`,
  });
}
const text = stringifyToml(store.read().document);
const baselinePath = join(home, 'baseline.toml');

const load = time('load() + listAccounts() of a 20-account config', 500, () =>
  store.listAccounts(),
);
const unlocked = time('baseline: unlocked atomic write (same bytes)', 300, () =>
  writePrivateFileAtomic(baselinePath, text),
);
const add = time('one locked targets.add (read, validate, write)', 300, (i) =>
  store.addTarget(`t${i}`, { account: 'acct-0', project: String(i + 1) }),
);

// 50 concurrent writer processes, each adding one target through the lock.
const workers = 50;
const script = `import { createConfigStore } from '@mixpanel-data/config-store';
const [home, id] = process.argv.slice(1);
createConfigStore({ env: { HOME: home }, home, lock: { timeoutMs: 60_000 } }).addTarget('w' + id, { account: 'acct-1', project: '7' });`;
const spawnOne = (id) =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script, home, String(id)], {
      cwd: process.cwd(),
      stdio: 'inherit',
    });
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`worker ${id} exited ${code}`)),
    );
  });
const spawnIdle = () =>
  new Promise((resolve) => spawn(process.execPath, ['-e', '0']).on('exit', resolve));
let started = performance.now();
await Promise.all(Array.from({ length: workers }, spawnIdle));
const idleMs = performance.now() - started;
started = performance.now();
await Promise.all(Array.from({ length: workers }, (_, id) => spawnOne(id)));
const busyMs = performance.now() - started;
const lost = workers - store.listTargets().filter((t) => t.name.startsWith('w')).length;

console.log(
  `${'50 concurrent writer processes'.padEnd(48)} ${busyMs.toFixed(0).padStart(8)} ms total, ${(workers / (busyMs / 1000)).toFixed(1)} writes/s, ${lost} lost`,
);
console.log(
  `${'baseline: 50 empty node processes'.padEnd(48)} ${idleMs.toFixed(0).padStart(8)} ms total`,
);
console.log('');
console.log(`ratio locked add / unlocked atomic write: ${(add / unlocked).toFixed(2)}x`);
console.log(`ratio load / unlocked atomic write:       ${(load / unlocked).toFixed(2)}x`);
console.log(`ratio 50 writers / 50 empty processes:    ${(busyMs / idleMs).toFixed(2)}x`);
rmSync(home, { recursive: true, force: true });
