/** `mp doctor` (docs/cli.md#mp-doctor): every fault named with its fix, in text and JSON, against the mock. */
import { spawn } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MOCK_BROWSER, type Result, setup } from './helpers';

type Setup = Awaited<ReturnType<typeof setup>>;
interface Check {
  id: string;
  status: 'ok' | 'warn' | 'fail' | 'skipped';
  summary: string;
  fix: string | null;
  details: Record<string, unknown>;
}

const browser = { BROWSER: MOCK_BROWSER };

/** The text line of check `id`. */
const lineOf = (result: Result, id: string) => {
  const line = result.stdout.split('\n').find((text) => text.split(/\s+/)[2] === id);
  if (!line) throw new Error(`no line for ${id} in:\n${result.stdout}`);
  return line;
};

/** Runs `mp doctor` in text and in JSON; both must agree on the check `id`. */
async function doctor(t: Setup, id: string, args: string[] = [], env: Record<string, string> = {}) {
  const text = await t.mp(['doctor', ...args], { env });
  const json = await t.mp(['doctor', '-f', 'json', ...args], { env });
  expect(json.code).toBe(text.code);
  const checks = JSON.parse(json.stdout) as Check[];
  const found = checks.find((one) => one.id === id);
  if (!found) throw new Error(`no check ${id}: ${json.stdout}`);
  const line = lineOf(text, id);
  expect(line).toContain(found.status);
  if (found.fix) expect(line).toContain(`fix: ${found.fix}`);
  return { text, checks, check: found, line };
}

/** A pid that belonged to a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid!;
}

/** `me`, logged in through the mock; returns its tokens.json path. */
async function loggedIn(t: Setup) {
  expect((await t.mp(['account', 'add', 'me', '--type', 'oauth_browser'])).code).toBe(0);
  expect((await t.mp(['account', 'login', 'me'], { env: browser })).code).toBe(0);
  return join(t.home, '.mp', 'accounts', 'me', 'tokens.json');
}

/** Rewrites tokens.json as expired an hour ago, with or without its refresh token. */
function expire(tokens: string, keepRefresh: boolean) {
  const data = JSON.parse(readFileSync(tokens, 'utf8')) as Record<string, string>;
  data.expires_at = new Date(Date.now() - 3_600_000).toISOString().replace('Z', '+00:00');
  if (!keepRefresh) delete data.refresh_token;
  writeFileSync(tokens, JSON.stringify(data), { mode: 0o600 });
  return data;
}

/** Every path under `folder` with its bytes and mtime. */
function snapshot(folder: string): Map<string, string> {
  const result = new Map<string, string>();
  for (const name of readdirSync(folder, { recursive: true }) as string[]) {
    const path = join(folder, name);
    const stat = statSync(path);
    result.set(path, `${stat.mtimeMs}:${stat.isFile() ? readFileSync(path, 'base64') : 'dir'}`);
  }
  return result;
}

describe('mp doctor', () => {
  it('a healthy setup: exit 0, every check ok, a summary line, and no file changed', async () => {
    const t = await setup();
    await t.withTeam();
    await loggedIn(t);
    expect((await t.mp(['account', 'use', 'team'])).code).toBe(0);
    const before = snapshot(join(t.home, '.mp'));
    const text = await t.mp(['doctor']);
    expect(text.code).toBe(0);
    const lines = text.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('config');
    expect(lines.at(-1)).toMatch(/^\d+ ok, 0 warnings, 0 failed, 0 skipped$/);
    for (const id of ['account.team.me', 'account.me.token', 'account.me.me', 'network.clock'])
      expect(lineOf(text, id)).toMatch(/^ {2}ok /);
    const json = await t.mp(['doctor', '-f', 'json']);
    expect(json.code).toBe(0);
    const checks = JSON.parse(json.stdout) as Check[];
    expect(checks.length).toBeGreaterThan(15);
    for (const one of checks) {
      expect(Object.keys(one)).toEqual(['id', 'status', 'summary', 'fix', 'details']);
      expect(one).toMatchObject({ status: 'ok', fix: null });
    }
    expect(snapshot(join(t.home, '.mp'))).toEqual(before);
  });

  it('--offline makes no request and skips the network checks', async () => {
    const t = await setup();
    await t.withTeam();
    t.mock.clearRequests();
    const { text, check } = await doctor(t, 'network.reach', ['--offline']);
    expect(text.code).toBe(0);
    expect(check.status).toBe('skipped');
    expect(lineOf(text, 'account.team.me')).toMatch(/^ {2}skipped /);
    expect(t.mock.countRequests()).toBe(0);
  });

  it('an expired token without a refresh token fails, naming the login', async () => {
    const t = await setup();
    expire(await loggedIn(t), false);
    const { text, check } = await doctor(t, 'account.me.token', ['--offline']);
    expect(text.code).toBe(1);
    expect(check).toMatchObject({ status: 'fail', fix: 'mp account login me' });
    expect(text.stdout.trimEnd().split('\n').at(-1)).toMatch(/, [1-9]\d* failed, /);
  });

  it('a revoked refresh token fails /me, naming the login, and leaves tokens.json as it was', async () => {
    const t = await setup();
    const tokens = await loggedIn(t);
    const data = expire(tokens, true);
    const before = readFileSync(tokens, 'utf8');
    expect(t.mock.tokens.revoke({ refreshToken: data.refresh_token! })).toBe(1);
    const { text, check } = await doctor(t, 'account.me.me');
    expect(text.code).toBe(1);
    expect(check).toMatchObject({ status: 'fail', fix: 'mp account login me' });
    expect(check.details.code).toBe('OAUTH_REFRESH_REVOKED');
    expect(readFileSync(tokens, 'utf8')).toBe(before);
  });

  it('a wrong service-account secret fails /me, naming the secret update', async () => {
    const t = await setup();
    await t.withTeam('team', 'not-the-secret');
    const { text, check } = await doctor(t, 'account.team.me');
    expect(text.code).toBe(1);
    expect(check).toMatchObject({
      status: 'fail',
      fix: 'mp account update team --secret-stdin',
    });
    expect(text.stdout).not.toContain('not-the-secret');
  });

  it('a group-readable tokens.json fails, naming chmod 600', async () => {
    const t = await setup();
    const tokens = await loggedIn(t);
    chmodSync(tokens, 0o640);
    const { text, check } = await doctor(t, 'files.permissions', ['--offline']);
    expect(text.code).toBe(1);
    expect(check).toMatchObject({ status: 'fail', fix: `chmod 600 ${tokens}` });
    expect(lineOf(text, 'account.me.credentials')).toContain(`fix: chmod 600 ${tokens}`);
    expect(statSync(tokens).mode & 0o777).toBe(0o640);
  });

  it('a target naming a removed account fails, naming mp target remove', async () => {
    const t = await setup();
    await t.withTeam();
    writeFileSync(
      t.config,
      `${readFileSync(t.config, 'utf8')}\n[targets.old]\naccount = "gone"\nproject = "3713224"\n`,
      { mode: 0o600 },
    );
    const { text, check } = await doctor(t, 'config.targets', ['--offline']);
    expect(text.code).toBe(1);
    expect(check).toMatchObject({ status: 'fail', fix: 'mp target remove old' });
  });

  it('a bridge file overriding [active] is a warning naming mp account remove-bridge', async () => {
    const t = await setup();
    await t.withTeam('other');
    await t.withTeam();
    expect((await t.mp(['account', 'use', 'team'])).code).toBe(0);
    const bridge = join(t.home, '.claude', 'mixpanel', 'auth.json');
    mkdirSync(join(t.home, '.claude', 'mixpanel'), { recursive: true });
    expect(
      (await t.mp(['account', 'export-bridge', '--to', bridge, '--account', 'other'])).code,
    ).toBe(0);
    const { text, check, checks } = await doctor(t, 'overrides.bridge', ['--offline']);
    expect(text.code).toBe(0);
    expect(check).toMatchObject({ status: 'warn', fix: 'mp account remove-bridge' });
    expect(check.summary).toContain('team (active)');
    expect(checks.find((one) => one.id === 'session.account')?.details).toMatchObject({
      source: 'bridge',
      value: 'other',
    });
  });

  it('a server clock ten minutes off is a warning; exit stays 0', async () => {
    const t = await setup();
    await t.withTeam();
    t.mock.configure({ date_skew_seconds: 600 });
    const { text, check } = await doctor(t, 'network.clock');
    expect(text.code).toBe(0);
    expect(check.status).toBe('warn');
    expect(check.fix).toMatch(/clock/);
  });

  it('an unreachable host (closed port) fails its reach check', async () => {
    const t = await setup();
    await t.withTeam();
    const closed = await new Promise<string>((resolve) => {
      const server = createServer();
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(`http://127.0.0.1:${port}`));
      });
    });
    const id = `network.reach.${new URL(closed).host}`;
    const { text, check } = await doctor(t, id, [], { MP_BASE_URL: closed });
    expect(text.code).toBe(1);
    expect(check.status).toBe('fail');
    expect(check.fix).toContain('MP_BASE_URL');
    expect(lineOf(text, 'account.team.me')).toMatch(/^ {2}fail /);
  });

  it('a stale lock and a killed writer’s temp file are named with rm, and left in place', async () => {
    const t = await setup();
    await t.withTeam();
    const pid = await deadPid();
    const lock = `${t.config}.lock`;
    writeFileSync(lock, JSON.stringify({ pid, time: Date.now() - 600_000, nonce: 'n' }));
    const old = new Date(Date.now() - 600_000);
    utimesSync(lock, old, old);
    const temp = `${t.config}.tmp.${pid}.abcdefgh`;
    writeFileSync(temp, 'partial', { mode: 0o600 });
    const locks = await doctor(t, 'files.locks', ['--offline']);
    expect(locks.text.code).toBe(0);
    expect(locks.check).toMatchObject({ status: 'warn', fix: `rm ${lock}` });
    expect(locks.check.details.locks).toEqual([
      { path: lock, age_seconds: expect.any(Number), pid, holder_runs: false },
    ]);
    const temps = locks.checks.find((one) => one.id === 'files.temp')!;
    expect(temps).toMatchObject({ status: 'warn', fix: `rm -r ${temp}` });
    expect(existsSync(lock) && existsSync(temp)).toBe(true);
  });
});
