#!/usr/bin/env node
// Benchmark of Workspace switching in @mixpanel-data/client (run after `pnpm build`).
// Prints mean µs per switch against structuredClone(ws.session) measured in the same run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAccounts, createTargets, Workspace } from '@mixpanel-data/client';

const home = mkdtempSync(join(tmpdir(), 'mp-bench-client-'));
const where = { env: { HOME: home }, home, cwd: home };
const accounts = createAccounts(where);
for (let i = 0; i < 20; i++) {
  accounts.add(`acct-${i}`, {
    type: 'service_account',
    region: 'us',
    username: `bot${i}`,
    secret: `s${i}`,
    defaultProject: String(1000 + i),
  });
}
createTargets(where).add('t1', { account: 'acct-3', project: '77', workspace: 5 });
createTargets(where).add('t2', { account: 'acct-4', project: '78' });

const N = 20_000;
function time(label, fn) {
  for (let i = 0; i < 2_000; i++) fn(i); // warm-up
  const started = process.hrtime.bigint();
  for (let i = 0; i < N; i++) fn(i);
  const us = Number(process.hrtime.bigint() - started) / 1e3 / N;
  console.log(`${label.padEnd(44)} ${us.toFixed(2).padStart(9)} µs mean (${N} runs)`);
  return us;
}

const ws = new Workspace(where);
const baseline = time('baseline: structuredClone(ws.session)', () => structuredClone(ws.session));
const workspace = time('ws.use({ workspace })', (i) => ws.use({ workspace: 1 + (i % 7) }));
const project = time('ws.use({ project })', (i) => ws.use({ project: String(100 + (i % 7)) }));
const account = time('ws.use({ account })', (i) => ws.use({ account: `acct-${i % 20}` }));
const target = time('ws.use({ target })', (i) => ws.use({ target: i % 2 ? 't1' : 't2' }));

const runs = 200;
const started = process.hrtime.bigint();
for (let i = 0; i < runs; i++) new Workspace(where);
const construct = Number(process.hrtime.bigint() - started) / 1e3 / runs;
console.log(
  `${'new Workspace() from a 20-account config'.padEnd(44)} ${construct.toFixed(2).padStart(9)} µs mean (${runs} runs)`,
);
console.log('');
for (const [label, us] of Object.entries({ workspace, project, account, target, construct })) {
  console.log(`ratio ${label.padEnd(10)} / structuredClone: ${(us / baseline).toFixed(2)}x`);
}
console.log(
  `goals: project switch < 5 µs (${project < 5 ? 'met' : 'missed'}), account switch < 50 µs (${account < 50 ? 'met' : 'missed'})`,
);
rmSync(home, { recursive: true, force: true });
