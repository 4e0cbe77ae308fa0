#!/usr/bin/env node
// Cost of a request made through @mixpanel-data/client against plain `fetch`
// of the same URL with the same headers, measured in the same run against the
// testkit's mock (run after `pnpm build`). The mock runs in its own process,
// so its work is not counted against either side. Rounds interleave the
// variants so that drift in the machine's load hits all of them alike.
// Goals: ws.request() ≤ 1.10× fetch with 50 requests in flight; snapshot mode
// (new Workspace({ session }) per task, then one request) ≤ 1.15×; an
// oauth_browser account costs what a service account costs once its token is
// in memory.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAccounts, Project, ServiceAccount, Session, Workspace } from '@mixpanel-data/client';
import { startMockProcess } from './mock-process.mjs';

const { origin, server } = await startMockProcess();

const home = mkdtempSync(join(tmpdir(), 'mp-bench-request-'));
const env = { MP_BASE_URL: origin };
const where = { env, home, cwd: home };
const accounts = createAccounts(where);
accounts.add('team', {
  type: 'service_account',
  region: 'us',
  username: 'team-sa',
  secret: 's3cret-sa',
  defaultProject: '3713224',
});
accounts.add('personal', { type: 'oauth_browser', region: 'us', defaultProject: '3713224' });
const { simulateBrowser } = await import('@mixpanel-data/testkit');
await accounts.login('personal', {
  browserOpener: async (url) => {
    await simulateBrowser(url);
    return true;
  },
  callbackPorts: [0],
  stderr: { write: () => true },
});

const PATH = '/api/query/events/names';
const url = `${origin}${PATH}?type=general&limit=10&from_date=2024-01-01&to_date=2024-01-31&project_id=3713224&query_origin=mixpanel-data-ts`;
const service = new Workspace({ ...where, account: 'team' });
const browser = new Workspace({ ...where, account: 'personal' });
const headers = {
  'User-Agent': 'mixpanel-data-ts/bench',
  Authorization: await service.client.currentAuthHeader(),
};
const session = new Session({
  account: new ServiceAccount({
    name: 'team',
    region: 'us',
    username: 'team-sa',
    secret: 's3cret-sa',
  }),
  project: new Project({ id: '3713224' }),
});
const call = (ws) => ws.request('GET', url);

const IN_FLIGHT = 50;
const PER_ROUND = 500;
const ROUNDS = 12;
const variants = {
  'fetch (baseline)': async () => (await fetch(url, { headers })).json(),
  'ws.request() service account': () => call(service),
  'ws.request() oauth_browser, token in memory': () => call(browser),
  'snapshot: new Workspace({ session }) + request': () =>
    call(new Workspace({ ...where, session })),
};

/** Runs `task` PER_ROUND times with IN_FLIGHT at once; returns ms. */
async function round(task) {
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next++ < PER_ROUND) await task();
    }),
  );
  return Number(process.hrtime.bigint() - started) / 1e6;
}

const labels = Object.keys(variants);
const times = Object.fromEntries(labels.map((label) => [label, []]));
const ratios = Object.fromEntries(labels.map((label) => [label, []]));
for (let r = -2; r < ROUNDS; r++) {
  // The order rotates every round, so no variant always runs first or last.
  const order = labels.map((_, k) => labels[(k + r + labels.length) % labels.length]);
  const round_ = {};
  for (const label of order) round_[label] = await round(variants[label]);
  if (r < 0) continue;
  for (const label of labels) {
    times[label].push(round_[label]);
    ratios[label].push(round_[label] / round_['fetch (baseline)']);
  }
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
console.log(
  `${PER_ROUND} requests per round, ${IN_FLIGHT} in flight, ${ROUNDS} rounds; ratio = median of per-round ratios:`,
);
for (const label of labels) {
  console.log(
    `${label.padEnd(48)} ${(median(times[label]) / PER_ROUND).toFixed(3).padStart(7)} ms/request  ${median(ratios[label]).toFixed(2)}x`,
  );
}
const ratio = (label) => median(ratios[label]);
console.log(
  `goals: ws.request() ≤ 1.10x (${ratio('ws.request() service account') <= 1.1 ? 'met' : 'missed'}), snapshot ≤ 1.15x (${ratio('snapshot: new Workspace({ session }) + request') <= 1.15 ? 'met' : 'missed'})`,
);
server.kill();
rmSync(home, { recursive: true, force: true });
