#!/usr/bin/env node
// Streaming export against the testkit's mock (run after `pnpm build`): the
// same /api/2.0/export answer of 100 MB and of 500 MB fetched by
//   - `curl` to /dev/null (the baseline; Node's fetch piped to /dev/null when curl is absent),
//   - `mp api /api/2.0/export` to /dev/null (wall time as a ratio to the baseline), and
//   - `ws.exportEvents()` counting events (MB/s of NDJSON parsed, as a ratio to
//     JSON.parse of the same lines already in memory, measured in the same run).
// Each runs in its own process, so peak memory (RSS) is that process's
// (`/usr/bin/time -v` when present, else the child's own `maxRSS`). The mock
// runs in its own process too. Rounds interleave the variants.
// Goals: mp api ≤ 1.1× curl; exportEvents ≥ 100 MB/s; peak RSS < 100 MB and
// about the same at 100 and 500 MB (constant memory).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAccounts } from '@mixpanel-data/client';
import { exportLine } from '@mixpanel-data/testkit';
import { startMockProcess } from './mock-process.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const mpBin = join(root, 'packages', 'cli', 'bin', 'mp.cjs');
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
const CURL = (() => {
  try {
    return execFileSync('which', ['curl'], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
})();

const { origin, server } = await startMockProcess();
const configure = (patch) =>
  fetch(`${origin}/__mock/config`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(patch),
  }).then((r) => {
    if (!r.ok) throw new Error(`mock config failed: ${r.status}`);
  });

const home = mkdtempSync(join(tmpdir(), 'mp-bench-export-'));
const env = { ...process.env, HOME: home, MP_BASE_URL: origin };
createAccounts({ env, home, cwd: home }).add('team', {
  type: 'service_account',
  region: 'us',
  username: 'team-sa',
  secret: 's3cret-sa',
  defaultProject: '3713224',
});
const query = 'from_date=2024-01-01&to_date=2024-01-31';
const url = `${origin}/api/2.0/export?${query}&project_id=3713224`;
const authorization = `Basic ${Buffer.from('team-sa:s3cret-sa').toString('base64')}`;

/** The child program of the fetch baseline and of exportEvents; prints JSON on its last line. */
const fetchChild = `
const { openSync, writeSync } = require('node:fs');
const fd = openSync('/dev/null', 'w');
(async () => {
  const response = await fetch(process.argv[1], { headers: { Authorization: process.argv[2] } });
  let bytes = 0;
  for await (const chunk of response.body) { bytes += chunk.byteLength; writeSync(fd, chunk); }
  console.log(JSON.stringify({ bytes, maxRSS: process.resourceUsage().maxRSS }));
})();`;
const parseChild = `
import { Workspace } from '@mixpanel-data/client';
const ws = new Workspace({ account: 'team' });
let events = 0;
const started = process.hrtime.bigint();
for await (const event of ws.exportEvents({ fromDate: '2024-01-01', toDate: '2024-01-31' })) {
  if (event.event) events += 1;
}
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
console.log(JSON.stringify({ events, seconds, maxRSS: process.resourceUsage().maxRSS }));`;

/** Runs a command (under /usr/bin/time -v when present); returns wall ms, peak RSS in kB and its stdout. */
function measure(command, args, { stdout = 'pipe', cwd = root } = {}) {
  const [file, argv] = TIME ? [TIME, ['-v', command, ...args]] : [command, args];
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(file, argv, { env, cwd, stdio: ['ignore', stdout, 'pipe'] });
    let out = '';
    let err = '';
    child.stdout?.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (err += chunk));
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (code !== 0) return reject(new Error(`${command} exited ${code}: ${err.slice(-500)}`));
      const timed = /Maximum resident set size \(kbytes\): (\d+)/.exec(err);
      const last = out.trim().split('\n').pop();
      const reported = last?.startsWith('{') ? JSON.parse(last) : {};
      resolve({ ms, rssKb: timed ? Number(timed[1]) : (reported.maxRSS ?? null), reported });
    });
  });
}

const devNull = () => import('node:fs').then((fs) => fs.openSync('/dev/null', 'w'));
const variants = {
  baseline: async () =>
    CURL
      ? measure(CURL, ['-s', '-f', '-H', `Authorization: ${authorization}`, '-o', '/dev/null', url])
      : measure(process.execPath, ['-e', fetchChild, url, authorization]),
  'mp api': async () => {
    const fd = await devNull();
    return measure(process.execPath, [mpBin, '-q', 'api', `/api/2.0/export?${query}`], {
      stdout: fd,
    });
  },
  'ws.exportEvents()': () =>
    measure(process.execPath, ['--input-type=module', '-e', parseChild], {
      cwd: join(root, 'packages', 'cli'),
    }),
};

/** JSON.parse of the same lines, in memory: MB/s (the parse baseline). */
function jsonParseRate(bytes) {
  const names = ['Sign Up', 'Login', 'Purchase', 'Page View'];
  const lines = [];
  let size = 0;
  for (let index = 0; size < bytes; index++) {
    const line = exportLine(index, names);
    lines.push(line.slice(0, -1));
    size += line.length;
  }
  const started = process.hrtime.bigint();
  let events = 0;
  for (const line of lines) if (JSON.parse(line).event) events += 1;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (events !== lines.length) throw new Error('the parse baseline lost events');
  return size / 1e6 / seconds;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const ROUNDS = 3;
// `node bench/export.bench.mjs 10 50` runs other sizes in MB (a quick check of the bench itself).
const SIZES =
  process.argv.length > 2
    ? process.argv.slice(2).map((mb) => Number(mb) * 1e6)
    : [100_000_000, 500_000_000];
const labels = Object.keys(variants);
console.log(
  `baseline: ${CURL ? 'curl' : "Node's fetch"} to /dev/null; peak RSS from ${TIME ? '/usr/bin/time -v' : 'process.resourceUsage()'}; ${ROUNDS} rounds, medians`,
);
const summary = {};
for (const bytes of SIZES) {
  await configure({ export_bytes: bytes });
  const results = Object.fromEntries(labels.map((label) => [label, []]));
  for (let r = 0; r < ROUNDS; r++) {
    const order = labels.map((_, k) => labels[(k + r) % labels.length]);
    for (const label of order) results[label].push(await variants[label]());
  }
  const parseBaseline = jsonParseRate(Math.min(bytes, 100_000_000));
  const ms = (label) => median(results[label].map((result) => result.ms));
  const rss = (label) => median(results[label].map((result) => result.rssKb)) / 1024;
  const parseSeconds = median(
    results['ws.exportEvents()'].map((result) => result.reported.seconds),
  );
  const parseRate = bytes / 1e6 / parseSeconds;
  summary[bytes] = {
    ratio: ms('mp api') / ms('baseline'),
    parseRate,
    rss: [rss('mp api'), rss('ws.exportEvents()')],
  };
  console.log(`\n${bytes / 1e6} MB export:`);
  console.log(
    `  baseline           ${ms('baseline').toFixed(0).padStart(6)} ms   peak ${rss('baseline').toFixed(1)} MB`,
  );
  console.log(
    `  mp api > /dev/null ${ms('mp api').toFixed(0).padStart(6)} ms   peak ${rss('mp api').toFixed(1)} MB   ${summary[bytes].ratio.toFixed(2)}x baseline`,
  );
  console.log(
    `  ws.exportEvents()  ${parseRate.toFixed(0).padStart(6)} MB/s peak ${rss('ws.exportEvents()').toFixed(1)} MB   ${(parseRate / parseBaseline).toFixed(2)}x JSON.parse in memory (${parseBaseline.toFixed(0)} MB/s)`,
  );
}
// The first and the last size (one size given: both are it, and "the same" is trivially met).
const small = summary[SIZES[0]];
const large = summary[SIZES.at(-1)];
const peak = Math.max(...small.rss, ...large.rss);
console.log(
  `\ngoals: mp api ≤ 1.1x curl (${Math.max(small.ratio, large.ratio) <= 1.1 ? 'met' : 'missed'}), exportEvents ≥ 100 MB/s (${Math.min(small.parseRate, large.parseRate) >= 100 ? 'met' : 'missed'}), peak < 100 MB (${peak < 100 ? 'met' : 'missed'}), same at ${SIZES[0] / 1e6} and ${SIZES.at(-1) / 1e6} MB (${large.rss.every((value, index) => value < small.rss[index] * 1.25) ? 'met' : 'missed'})`,
);
server.kill();
rmSync(home, { recursive: true, force: true });
