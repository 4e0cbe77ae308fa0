import { spawn } from 'node:child_process';
import {
  chmodSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { OAuthTokens } from '@mixpanel-data/auth-core';
import { describe, expect, it } from 'vitest';
import { tempHome } from '../test/helpers';
import { inspectFiles } from './inspect';
import { locations } from './paths';

/** A pid that belonged to a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid!;
}

/** A home with one service account and a browser account's tokens, as mp writes them. */
function healthyHome() {
  const t = tempHome();
  t.store.addAccount('team', {
    type: 'service_account',
    username: 'u',
    secret: 's',
    region: 'us',
    defaultProject: '1',
  });
  t.store.addAccount('me', { type: 'oauth_browser', region: 'us' });
  t.tokens.writeTokens(
    'me',
    new OAuthTokens({
      accessToken: 'at',
      refreshToken: 'rt',
      expiresAt: new Date(Date.now() + 3_600_000),
      scope: '',
      tokenType: 'Bearer',
    }),
  );
  return { ...t, where: locations({ env: t.env, home: t.home }) };
}

/** Every path under `folder` with its bytes and mtime. */
function snapshot(folder: string): Map<string, string> {
  const result = new Map<string, string>();
  for (const name of readdirSync(folder, { recursive: true }) as string[]) {
    const path = join(folder, name);
    const stat = statSync(path);
    result.set(
      path,
      `${stat.mode}:${stat.mtimeMs}:${stat.isFile() ? readFileSync(path, 'base64') : ''}`,
    );
  }
  return result;
}

describe('inspectFiles', () => {
  it('finds nothing in the files mp wrote, and changes none of them', () => {
    const t = healthyHome();
    const before = snapshot(t.where.root);
    expect(inspectFiles(t.where).issues).toEqual([]);
    expect(snapshot(t.where.root)).toEqual(before);
  });

  it('reports group-readable files and folders with the mode each should have', () => {
    const t = healthyHome();
    const tokens = t.where.tokensPath('me');
    chmodSync(tokens, 0o640);
    chmodSync(t.where.accountDir('me'), 0o750);
    chmodSync(t.where.configPath, 0o644);
    expect(inspectFiles(t.where).issues).toEqual(
      expect.arrayContaining([
        { kind: 'mode', path: tokens, directory: false, mode: 0o640, expected: 0o600 },
        {
          kind: 'mode',
          path: t.where.accountDir('me'),
          directory: true,
          mode: 0o750,
          expected: 0o700,
        },
        { kind: 'mode', path: t.where.configPath, directory: false, mode: 0o644, expected: 0o600 },
      ]),
    );
    expect(statSync(tokens).mode & 0o777).toBe(0o640);
  });

  it('reports links without following them', () => {
    const t = healthyHome();
    const link = join(t.where.root, 'accounts', 'team', 'me.json');
    mkdirSync(join(t.where.root, 'accounts', 'team'), { recursive: true, mode: 0o700 });
    symlinkSync('/nonexistent/target', link);
    expect(inspectFiles(t.where).issues).toContainEqual({ kind: 'link', path: link });
  });

  it('reports a killed writer’s temp file and login staging folder, not a running writer’s', async () => {
    const t = healthyHome();
    const dead = await deadPid();
    const leftover = join(t.where.accountDir('me'), `tokens.json.tmp.${dead}.abcdefgh`);
    writeFileSync(leftover, 'x', { mode: 0o600 });
    const running = join(t.where.accountDir('me'), `tokens.json.tmp.${process.pid}.abcdefgh`);
    writeFileSync(running, 'x', { mode: 0o600 });
    const staging = join(t.where.root, 'accounts', `.tmp-${dead}-abcdef`);
    mkdirSync(staging, { mode: 0o700 });
    const issues = inspectFiles(t.where).issues;
    expect(issues).toContainEqual(expect.objectContaining({ kind: 'temp', path: leftover }));
    expect(issues).toContainEqual(
      expect.objectContaining({ kind: 'temp', path: staging, directory: true }),
    );
    expect(issues.map((issue) => issue.path)).not.toContain(running);
  });

  it('reports a lock older than a minute with its holder, and leaves a fresh one alone', async () => {
    const t = healthyHome();
    const dead = await deadPid();
    const stale = `${t.where.tokensPath('me')}.lock`;
    writeFileSync(stale, JSON.stringify({ pid: dead, time: Date.now() - 120_000, nonce: 'n' }));
    const old = new Date(Date.now() - 120_000);
    utimesSync(stale, old, old);
    const live = `${t.where.configPath}.lock`;
    writeFileSync(
      live,
      JSON.stringify({ pid: process.pid, time: Date.now() - 90_000, nonce: 'm' }),
    );
    utimesSync(live, old, old);
    const fresh = `${t.where.mePath('me')}.lock`;
    writeFileSync(fresh, JSON.stringify({ pid: dead, time: Date.now(), nonce: 'o' }));
    const issues = inspectFiles(t.where).issues;
    expect(issues).toContainEqual(
      expect.objectContaining({
        kind: 'lock',
        path: stale,
        holder: expect.objectContaining({ pid: dead, holderRuns: false }),
      }),
    );
    expect(issues).toContainEqual(
      expect.objectContaining({
        kind: 'lock',
        path: live,
        holder: expect.objectContaining({ pid: process.pid, holderRuns: true }),
      }),
    );
    expect(issues.map((issue) => issue.path)).not.toContain(fresh);
    expect(readFileSync(stale, 'utf8')).toContain(`"pid":${dead}`);
  });

  it('looks at a config.toml moved with MP_CONFIG_PATH and its own temp files only', () => {
    const t = healthyHome();
    const elsewhere = join(t.home, 'elsewhere');
    mkdirSync(elsewhere, { mode: 0o755 });
    const moved = join(elsewhere, 'mp.toml');
    writeFileSync(moved, '', { mode: 0o644 });
    writeFileSync(join(elsewhere, 'unrelated.txt'), '', { mode: 0o644 });
    const where = locations({ env: { ...t.env, MP_CONFIG_PATH: moved }, home: t.home });
    expect(inspectFiles(where).issues).toEqual([
      { kind: 'mode', path: moved, directory: false, mode: 0o644, expected: 0o600 },
    ]);
  });
});
