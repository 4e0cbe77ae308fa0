/**
 * Kill points (test-only): runs each writer of the built `mp` under
 * kill-preload.cjs, killed with SIGKILL before its k-th file-system change,
 * for every k, and checks what a crash leaves behind (docs/testkit.md#kill-points):
 *
 * 1. every file is byte-equal to its old or its new content, and parses;
 * 2. the next command succeeds promptly (no lock or temp file blocks it);
 * 3. after that next write, no temp file, lock or staging directory is left,
 *    and the writer's own invariant holds (an account removed is gone).
 *
 * Used by packages/cli/test/kill-points.test.ts (the fast writers) and
 * scripts/adversarial.mjs (every writer).
 */
import { spawn } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ConfigView,
  parseBridge,
  parseClientRecord,
  parseMeResponse,
  parseTokensFile,
} from '@mixpanel-data/auth-core';
import { parseToml } from '@mixpanel-data/config-store';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
export const PRELOAD = join(repo, 'test-utils', 'kill-preload.cjs');
export const MP = join(repo, 'packages', 'cli', 'bin', 'mp.cjs');
const MOCK_BROWSER = join(repo, 'packages', 'testkit', 'dist', 'bin', 'mock-browser.js');

/** The next command must finish within this (a lock its killed holder left is judged stale in about 2 s). */
export const PROMPT_MS = 5_000;
/** What a run may take at all before it is reported as hanging. */
const RUN_TIMEOUT_MS = 60_000;

/** A temp file, a lock, a lock breaker's guard or a login staging directory, in any path segment. */
const LEFTOVER = /(^|[/\\])(\.tmp-[^/\\]*|[^/\\]*\.tmp\.[^/\\]*|[^/\\]*\.lock(\.break)?)($|[/\\])/;

/**
 * Runs the built `mp` in `home` (also its working directory). With `killAt`,
 * under the preload that SIGKILLs it before its k-th file-system change.
 */
export function runMp(args, { home, env = {}, stdin, killAt, trace, note }) {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const preloaded = killAt !== undefined || trace !== undefined;
    const child = spawn(
      process.execPath,
      [...(preloaded ? ['--require', PRELOAD] : []), MP, ...args],
      {
        cwd: home,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: home,
          ...env,
          ...(killAt !== undefined ? { MP_KILL_AT: String(killAt) } : {}),
          ...(trace !== undefined ? { MP_KILL_TRACE: trace } : {}),
          ...(note !== undefined ? { MP_KILL_NOTE: note } : {}),
        },
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.stdin.on('error', () => {}); // killed before it read its input
    child.stdin.end(stdin ?? '');
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: performance.now() - started });
    });
  });
}

/** Every file under `dir` (relative path → bytes); directories are walked, not listed. */
export function snapshot(dir) {
  const files = new Map();
  const walk = (current) => {
    let names;
    try {
      names = readdirSync(current);
    } catch {
      return;
    }
    for (const name of names) {
      const path = join(current, name);
      const stat = lstatSync(path);
      if (stat.isDirectory()) walk(path);
      else files.set(relative(dir, path).split(sep).join('/'), readFileSync(path));
    }
  };
  walk(dir);
  return files;
}

/** Copies a tree keeping every mode (a credential file is refused with a lax one). */
function copyTree(from, to) {
  mkdirSync(to, { recursive: true });
  chmodSync(to, lstatSync(from).mode & 0o777);
  for (const name of readdirSync(from)) {
    const source = join(from, name);
    const target = join(to, name);
    const stat = lstatSync(source);
    if (stat.isDirectory()) copyTree(source, target);
    else {
      copyFileSync(source, target);
      chmodSync(target, stat.mode & 0o777);
    }
  }
}

/** Why `bytes` is not a valid file of its kind, or null. Kinds are told by the file name. */
function invalidity(path, bytes) {
  const text = bytes.toString('utf8');
  const name = path.split('/').pop();
  try {
    if (name === 'config.toml') {
      const view = new ConfigView(parseToml(text, path), path);
      view.listAccounts();
      view.listTargets();
      view.getActive();
    } else if (name === 'tokens.json') parseTokensFile(text, 'x', path);
    else if (name === 'client.json' || /^client_[a-z]+\.json$/.test(name)) {
      if (!parseClientRecord(JSON.parse(text))) return 'not a client record';
    } else if (name === 'me.json') {
      const { cached_at, cached_region: _r, cached_base_url: _b, ...payload } = JSON.parse(text);
      if (typeof cached_at !== 'number') return 'no cached_at';
      parseMeResponse(payload);
    } else if (path.startsWith('exports/')) parseBridge(JSON.parse(text), path);
    return null;
  } catch (error) {
    return `${error?.code ?? error?.name ?? 'error'}`;
  }
}

/**
 * Which leftovers the next commands should have cleared, from their traced
 * calls: the temp files and lock of a file they wrote (a write sweeps the
 * temps of killed writers, a lock is broken by the next holder), and the
 * login staging directories beside one they created.
 */
function leftoversDue(points, home) {
  const rel = (path) => relative(home, path).split(sep).join('/');
  const written = new Set();
  const staged = new Set();
  for (const point of points) {
    const [op, path] = [point.slice(0, point.indexOf(' ')), point.slice(point.indexOf(' ') + 1)];
    if (op === 'open') written.add(rel(path).replace(/(\.tmp\.[^/]*|\.lock(\.break)?)$/, ''));
    else if (op === 'mkdtempSync' || op === 'mkdtemp') staged.add(dirname(rel(path)));
  }
  return (path) => {
    const staging = /^(.*)\/\.tmp-[^/]*(\/|$)/.exec(path);
    if (staging) return staged.has(staging[1]);
    return written.has(path.replace(/(\.tmp\.[^/]*|\.lock(\.break)?)$/, ''));
  };
}

/** Files whose new content differs from run to run (random tokens, timestamps): any valid one is "new". */
const VARYING = /(^|\/)(tokens\.json|me\.json|client(_[a-z]+)?\.json)$/;

const SERVICE_ACCOUNT = ['--type', 'service_account', '--username', 'team-sa', '--region', 'us'];

/** Commands that set up a writer's starting state (run without the preload; each must succeed). */
const setups = {
  team: [
    {
      args: [
        'account',
        'add',
        'team',
        ...SERVICE_ACCOUNT,
        '--project',
        '3713224',
        '--secret-stdin',
      ],
      stdin: 's3cret-sa\n',
    },
  ],
  me: [{ args: ['account', 'add', 'me', '--type', 'oauth_browser', '--region', 'us'] }],
  meLoggedIn: [
    { args: ['account', 'add', 'me', '--type', 'oauth_browser', '--region', 'us'] },
    { args: ['account', 'login', 'me'] },
  ],
};

const configured = (home, account) => {
  try {
    const text = readFileSync(join(home, '.mp', 'config.toml'), 'utf8');
    return new ConfigView(parseToml(text, 'config.toml'), 'config.toml')
      .accountNames()
      .includes(account);
  } catch {
    return false;
  }
};

/**
 * The writers: the command killed, its starting state, the next command run
 * after the kill (it must succeed promptly and rewrite the same files), and
 * any invariant of its own. `fast` ones also run in `pnpm test`.
 */
export const WRITERS = [
  {
    name: 'config.toml (mp project use)',
    fast: true,
    setup: setups.team,
    command: { args: ['project', 'use', '3018488'] },
    // 3448413 is a workspace of the other project: written unchecked, as a plain config write.
    next: () => [{ args: ['workspace', 'use', '3448413', '--no-verify'] }],
  },
  {
    name: 'config.toml (mp account add)',
    setup: setups.team,
    command: {
      args: ['account', 'add', 'ops', ...SERVICE_ACCOUNT, '--project', '3018488', '--secret-stdin'],
      stdin: 's3cret-sa\n',
    },
    next: () => [{ args: ['workspace', 'use', '3448413'] }],
  },
  {
    name: 'bridge file (mp account export-bridge)',
    fast: true,
    setup: setups.team,
    command: {
      args: ['account', 'export-bridge', '--account', 'team', '--to', 'exports/auth.json'],
    },
    next: () => [
      { args: ['account', 'export-bridge', '--account', 'team', '--to', 'exports/auth.json'] },
    ],
  },
  {
    name: 'me.json (mp project list --refresh)',
    setup: setups.team,
    command: { args: ['project', 'list', '--refresh'] },
    next: () => [{ args: ['project', 'list', '--refresh'] }],
  },
  {
    name: 'tokens.json (token refresh in mp account test)',
    // every access token is within the 30 s margin, so each command refreshes; a refresh
    // token stays valid when a killed run used it (no rotation)
    mock: { access_token_ttl_seconds: 20, rotate_refresh_tokens: false },
    setup: setups.meLoggedIn,
    command: { args: ['account', 'test', 'me'] },
    next: () => [{ args: ['account', 'test', 'me'] }],
  },
  {
    name: 'client records, tokens.json, me.json (mp account login)',
    setup: setups.me,
    command: { args: ['account', 'login', 'me'] },
    // the login writes config.toml only when the default project changes: a project use does
    next: () => [{ args: ['account', 'login', 'me'] }, { args: ['project', 'use', '3713224'] }],
  },
  {
    name: 'login staging (mp login, new browser account)',
    setup: setups.team,
    command: { args: ['login', '--name', 'fresh', '--region', 'us', '--project', '3018488'] },
    next: () => [{ args: ['login', '--name', 'fresh', '--region', 'us', '--project', '3018488'] }],
  },
  {
    name: 'account remove (mp account remove)',
    setup: [...setups.team, ...setups.meLoggedIn],
    command: { args: ['account', 'remove', 'me', '--yes'] },
    next: (home) => [
      configured(home, 'me')
        ? { args: ['account', 'remove', 'me', '--yes'] }
        : { args: ['workspace', 'use', '3448413'] },
    ],
    check: (home) =>
      existsSync(join(home, '.mp', 'accounts', 'me'))
        ? 'the removed account keeps its state directory (accounts/me)'
        : null,
  },
  {
    name: 'logout (mp account logout)',
    setup: setups.meLoggedIn,
    command: { args: ['account', 'logout', 'me', '--yes'] },
    next: () => [{ args: ['account', 'logout', 'me', '--yes'] }],
    check: (home) =>
      existsSync(join(home, '.mp', 'accounts', 'me', 'tokens.json'))
        ? 'tokens.json survives a completed logout'
        : null,
  },
];

/** The line of an mp error (not its notes), for a report: mp never prints a secret in one. */
const errorLine = (text) => {
  const lines = text.split('\n').filter((line) => line.trim());
  return (
    lines.find((line) => /^([A-Za-z ]+ error|ERROR|Usage error|Error):? /.test(line)) ??
    lines.at(-1) ??
    ''
  );
};

/**
 * Sweeps one writer: k = 1, 2, … until a run is not killed (k = N + 1),
 * checking the state after every kill. Returns the number of kill points, the
 * failures (`{k, op, problem}`; never file contents) and the slowest next command.
 */
export async function sweep(writer, { mock, onPoint } = {}) {
  const env = { MP_BASE_URL: mock.origin, BROWSER: MOCK_BROWSER };
  const work = realpathSync(mkdtempSync(join(tmpdir(), 'mp-kill-')));
  try {
    mock.reset();
    if (writer.mock) mock.configure(writer.mock);
    const template = join(work, 'template');
    mkdirSync(template, { mode: 0o700 });
    for (const step of writer.setup) {
      const result = await runMp(step.args, { home: template, env, stdin: step.stdin });
      if (result.code !== 0)
        throw new Error(
          `${writer.name}: setup \`mp ${step.args.join(' ')}\` failed: ${errorLine(result.stderr)}`,
        );
    }
    const before = snapshot(template);

    // The reference: the unkilled run, traced.
    const reference = join(work, 'reference');
    copyTree(template, reference);
    const trace = join(work, 'trace');
    const unkilled = await runMp(writer.command.args, {
      home: reference,
      env,
      stdin: writer.command.stdin,
      trace,
    });
    if (unkilled.code !== 0)
      throw new Error(`${writer.name}: the unkilled run failed: ${errorLine(unkilled.stderr)}`);
    const after = snapshot(reference);
    const traced = JSON.parse(readFileSync(trace, 'utf8'));
    const tracedPoints = traced.points.length;
    /** Contents the unkilled run put in place before the last one, by path: a file it writes in steps. */
    const steps = new Map();
    for (const { path, content } of traced.renamed) {
      const rel = relative(reference, path).split(sep).join('/');
      steps.set(rel, [...(steps.get(rel) ?? []), Buffer.from(content, 'base64')]);
    }

    const failures = [];
    let slowestNextMs = 0;
    let k = 1;
    let retries = 0;
    for (; ; k++) {
      const home = join(work, `k${k}`);
      copyTree(template, home);
      const note = join(work, 'note');
      rmSync(note, { force: true });
      const run = await runMp(writer.command.args, {
        home,
        env,
        stdin: writer.command.stdin,
        killAt: k,
        note,
      });
      if (run.signal !== 'SIGKILL' && run.code !== 0 && retries++ < 2) {
        // a run that failed on its own before its k-th change: a busy callback port on a
        // shared machine; try the same k again
        rmSync(home, { recursive: true, force: true });
        k--;
        continue;
      }
      retries = 0;
      if (run.signal !== 'SIGKILL') {
        if (run.code !== 0)
          failures.push({
            k,
            op: 'none',
            problem: `the run exited ${run.code}: ${errorLine(run.stderr)}`,
          });
        rmSync(home, { recursive: true, force: true });
        break;
      }
      const op = existsSync(note) ? readFileSync(note, 'utf8').split(home).join('~') : '?';
      const fail = (problem) => failures.push({ k, op, problem });

      // 1. every file is its old or its new content, and valid
      const now = snapshot(home);
      for (const path of new Set([...before.keys(), ...after.keys(), ...now.keys()])) {
        if (LEFTOVER.test(path)) continue;
        const old = before.get(path);
        const fresh = after.get(path);
        const current = now.get(path);
        if (current === undefined) {
          if (old !== undefined && fresh !== undefined) fail(`${path} is gone`);
          continue;
        }
        if (old?.equals(current) || fresh?.equals(current)) {
          if (invalidity(path, current))
            fail(`${path} does not parse (${invalidity(path, current)})`);
          continue;
        }
        const writes = steps.get(path) ?? [];
        const step = writes.findIndex((content) => content.equals(current));
        if (step >= 0)
          fail(
            `${path} holds step ${step + 1} of the ${writes.length} writes the command makes to it, neither its old nor its new content`,
          );
        else if (fresh === undefined) fail(`${path} is neither its old nor its new content`);
        else if (!VARYING.test(path)) fail(`${path} is neither its old nor its new content`);
        else if (invalidity(path, current))
          fail(`${path} is not valid (${invalidity(path, current)})`);
      }

      // 2. the next commands succeed promptly (traced: what they wrote decides what must be gone)
      const wrote = [];
      for (const next of writer.next(home)) {
        rmSync(trace, { force: true });
        const second = await runMp(next.args, { home, env, stdin: next.stdin, trace });
        if (existsSync(trace)) wrote.push(...JSON.parse(readFileSync(trace, 'utf8')).points);
        slowestNextMs = Math.max(slowestNextMs, second.ms);
        if (second.code !== 0)
          fail(
            `the next command \`mp ${next.args.join(' ')}\` exited ${second.code}: ${errorLine(second.stderr)}`,
          );
        else if (second.ms > PROMPT_MS)
          fail(`the next command \`mp ${next.args.join(' ')}\` took ${Math.round(second.ms)} ms`);
      }

      // 3. nothing left behind by the kill once the next commands wrote the same file again
      const due = leftoversDue(wrote, home);
      const left = [...snapshot(home).keys()].filter((path) => LEFTOVER.test(path) && due(path));
      if (left.length) fail(`left after the next write: ${left.join(', ')}`);
      const own = writer.check?.(home);
      if (own) fail(own);
      onPoint?.({ k, op });
      rmSync(home, { recursive: true, force: true });
    }
    return { writer: writer.name, points: k - 1, tracedPoints, failures, slowestNextMs };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
