#!/usr/bin/env node
// How the built `mp` scales with the size of config.toml (run after `pnpm build`):
// `mp account list -f json`, `mp session -f json` and `mp target add` against a
// config of n accounts and n targets, for n = 100, 1,000 and 4,000, each run as
// a subprocess with a temp HOME. Every command should be linear in the size of
// the file: the goal is a 4k/1k ratio ≤ 4.5, and 4k `account list` within 3× of
// `node -e 0` measured in the same run. Prints figures; nothing passes or fails.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SIZES = [100, 1000, 4000];
const RUNS = Number(process.argv[2] ?? 12); // rounds; `node bench/config-scale.bench.mjs 3` for a quick look
const RATIO_GOAL = 4.5;
const BASELINE_GOAL = 3;
const MP = join(dirname(fileURLToPath(import.meta.url)), '..', 'packages', 'cli', 'bin', 'mp.cjs');
const root = mkdtempSync(join(tmpdir(), 'mp-bench-scale-'));

/** A config of n accounts (all three types) and n targets, target i on account i. */
function configText(n) {
  const lines = ['[active]', 'account = "a0"', 'workspace = 777', ''];
  for (let i = 0; i < n; i++) {
    lines.push(`[accounts.a${i}]`);
    if (i % 3 === 0) {
      lines.push('type = "service_account"', 'region = "eu"', `default_project = "${1000 + i}"`);
      lines.push(`username = "bot${i}.mp-service-account"`, `secret = "not-a-secret-${i}"`);
    } else if (i % 3 === 1) {
      lines.push('type = "oauth_browser"', 'region = "us"', `default_project = "${1000 + i}"`);
    } else {
      lines.push('type = "oauth_token"', 'region = "in"', `token_env = "TOKEN_${i}"`);
    }
    lines.push('');
  }
  for (let i = 0; i < n; i++) {
    lines.push(`[targets.t${i}]`, `account = "a${i}"`, `project = "${5000 + i}"`, '');
  }
  return lines.join('\n');
}

const homes = Object.fromEntries(
  SIZES.map((n) => {
    const home = join(root, `home-${n}`);
    mkdirSync(join(home, '.mp'), { recursive: true, mode: 0o700 });
    const original = join(home, 'config.original.toml');
    writeFileSync(original, configText(n), { mode: 0o600 });
    copyFileSync(original, join(home, '.mp', 'config.toml'));
    return [n, { home, original, config: join(home, '.mp', 'config.toml') }];
  }),
);

const envOf = (home) => ({
  PATH: process.env.PATH,
  HOME: home,
  NODE_COMPILE_CACHE: join(root, 'compile-cache'),
});

/** The commands, each with its arguments and what to do before a run (not timed). */
const commands = {
  'account list -f json': { args: ['account', 'list', '-f', 'json'] },
  'session -f json': { args: ['session', '-f', 'json'] },
  'target add': {
    // --no-verify: the write is what is timed, not a /me call.
    args: ['target', 'add', 'fresh', '--account', 'a0', '--project', '42', '--no-verify'],
    before: ({ original, config }) => copyFileSync(original, config),
  },
};

const times = {};
const record = (label, ms) => {
  times[label] ??= [];
  times[label].push(ms);
};
function run(label, args, env) {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { env, maxBuffer: 256 * 1024 * 1024 });
  const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`${label} exited ${result.status}: ${result.stderr}`);
  return elapsed;
}

// Interleaved rounds: drift in the machine's load hits every command and size alike.
for (let round = -2; round < RUNS; round++) {
  const idle = run('node -e 0', ['-e', '0'], envOf(root));
  if (round >= 0) record('node -e 0', idle);
  for (const n of SIZES) {
    for (const [name, command] of Object.entries(commands)) {
      command.before?.(homes[n]);
      const elapsed = run(`mp ${name} (${n})`, [MP, ...command.args], envOf(homes[n].home));
      if (round >= 0) record(`${name}@${n}`, elapsed);
    }
  }
}

const mean = (label) => {
  const list = [...times[label]].sort((a, b) => a - b);
  const cut = Math.floor(list.length / 6);
  const kept = list.slice(cut, list.length - cut);
  return kept.reduce((sum, t) => sum + t, 0) / kept.length;
};

console.log(
  `config scale on Node ${process.version}: n accounts + n targets (trimmed mean of ${RUNS}, interleaved)`,
);
console.log(`${'node -e 0'.padEnd(30)} ${mean('node -e 0').toFixed(1).padStart(8)} ms`);
for (const name of Object.keys(commands)) {
  const cells = SIZES.map((n) => `n=${n}: ${mean(`${name}@${n}`).toFixed(1).padStart(7)} ms`);
  console.log(`${`mp ${name}`.padEnd(30)} ${cells.join('   ')}`);
}
console.log('');
for (const name of Object.keys(commands)) {
  const ratio = mean(`${name}@4000`) / mean(`${name}@1000`);
  console.log(
    `ratio ${`mp ${name}`.padEnd(26)} 4k / 1k: ${ratio.toFixed(2)}x (goal ≤ ${RATIO_GOAL}x)`,
  );
}
const vsNode = mean('account list -f json@4000') / mean('node -e 0');
console.log(
  `ratio mp account list -f json at 4k / node -e 0: ${vsNode.toFixed(2)}x (goal ≤ ${BASELINE_GOAL}x)`,
);
rmSync(root, { recursive: true, force: true });
