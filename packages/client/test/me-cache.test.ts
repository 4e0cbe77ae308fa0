/**
 * The on-disk /me cache against hostile files and concurrent writers
 * (docs/http.md#me-cache): a symlinked or too-open me.json is ignored with a
 * warning that names no path, and writers in several processes always leave
 * a parseable file behind.
 */
import { spawn } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  lstatSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { setup } from './helpers';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const mePath = (home: string) => join(home, '.mp', 'accounts', 'team', 'me.json');

describe('me.json that is not safe to read', () => {
  it('a symlinked me.json is ignored with a warning, refetched, and the link target left alone', async () => {
    const t = await setup();
    const file = mePath(t.home);
    await t.workspace().me();
    const elsewhere = join(t.home, 'elsewhere.json');
    copyFileSync(file, elsewhere);
    const before = readFileSync(elsewhere, 'utf8');
    rmSync(file);
    symlinkSync(elsewhere, file);

    const warnings: string[] = [];
    const me = await t.workspace({ onWarning: (m) => warnings.push(m) }).me();
    expect(me.user_email).toBe('alice@example.com');
    expect(t.mock.countRequests({ path: '/api/app/me' })).toBe(2);
    expect(warnings).toEqual([
      "Ignoring the /me cache me.json of account 'team': refused (symlink).",
    ]);
    expect(warnings.join('\n')).not.toContain(t.home);
    // The fresh copy replaced the link itself; the file it pointed to is untouched.
    expect(lstatSync(file).isSymbolicLink()).toBe(false);
    expect(readFileSync(elsewhere, 'utf8')).toBe(before);
  });

  it('a dangling symlink is a miss with the same warning', async () => {
    const t = await setup();
    const file = mePath(t.home);
    await t.workspace().me();
    rmSync(file);
    symlinkSync(join(t.home, 'missing.json'), file);
    const warnings: string[] = [];
    await t.workspace({ onWarning: (m) => warnings.push(m) }).me();
    expect(warnings).toEqual([
      "Ignoring the /me cache me.json of account 'team': refused (symlink).",
    ]);
    expect(t.mock.countRequests({ path: '/api/app/me' })).toBe(2);
  });

  it('a me.json readable by group or others is ignored, refetched and rewritten 0600', async () => {
    const t = await setup();
    const file = mePath(t.home);
    await t.workspace().me();
    chmodSync(file, 0o644);
    const warnings: string[] = [];
    await t.workspace({ onWarning: (m) => warnings.push(m) }).me();
    expect(warnings).toEqual([
      "Ignoring the /me cache me.json of account 'team': its permissions are too open.",
    ]);
    expect(t.mock.countRequests({ path: '/api/app/me' })).toBe(2);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });
});

describe('concurrent writers', () => {
  it('writers in six processes always leave a parseable me.json and no temp file', async () => {
    const t = await setup();
    // Each process refreshes /me five times through the built package.
    const script = [
      "const { Workspace } = require('@mixpanel-data/client');",
      'const env = JSON.parse(process.argv[1]);',
      '(async () => {',
      '  for (let i = 0; i < 5; i++) await new Workspace({ env, home: env.HOME }).me({ forceRefresh: true });',
      '})().catch((error) => { console.error(error.message); process.exit(1); });',
    ].join('\n');
    const children = Array.from({ length: 6 }, () => {
      const child = spawn(process.execPath, ['-e', script, JSON.stringify(t.env)], {
        cwd: root,
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk) => (stderr += chunk));
      return new Promise<{ code: number | null; stderr: string }>((resolve) =>
        child.on('close', (code) => resolve({ code, stderr })),
      );
    });
    // Read the file as often as possible while they write.
    let reads = 0;
    let running = true;
    const all = Promise.all(children).finally(() => {
      running = false;
    });
    while (running) {
      try {
        const text = readFileSync(mePath(t.home), 'utf8');
        expect(JSON.parse(text).user_email).toBe('alice@example.com');
        reads++;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    expect(await all).toEqual(Array(6).fill({ code: 0, stderr: '' }));
    expect(reads).toBeGreaterThan(0);
    expect(t.mock.countRequests({ path: '/api/app/me' })).toBe(30);
    expect(JSON.parse(readFileSync(mePath(t.home), 'utf8')).user_email).toBe('alice@example.com');
    expect(readdirSync(dirname(mePath(t.home)))).toEqual(['me.json']);
  });
});
