import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type MockMixpanel, startMockMixpanel } from '@mixpanel-data/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, createAccounts, Workspace } from '../src/index';
import { playBrowser, quiet, setup } from './helpers';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/**
 * A program that passes `home` and an environment without HOME, as a
 * server that serves several users from one process would: every file must
 * be found under that `home`, never the process's own.
 */
async function homeWithoutHomeInEnv(): Promise<{ mock: MockMixpanel; home: string }> {
  const mock = await startMockMixpanel();
  const home = realpathSync(mkdtempSync(join(tmpdir(), 'mp-state-')));
  cleanups.push(
    () => rmSync(home, { recursive: true, force: true }),
    () => mock.close(),
  );
  return { mock, home };
}

describe('one local state per namespace and Workspace', () => {
  it('`home` reaches the token reader: login, token() and a Workspace all use <home>/.mp', async () => {
    const { mock, home } = await homeWithoutHomeInEnv();
    const env = { MP_BASE_URL: mock.origin };
    const accounts = createAccounts({ env, home });
    accounts.add('personal', { type: 'oauth_browser', region: 'us' });
    await accounts.login('personal', {
      browserOpener: playBrowser,
      callbackPorts: [0],
      stderr: quiet,
    });
    const tokensPath = join(home, '.mp', 'accounts', 'personal', 'tokens.json');
    expect(existsSync(tokensPath)).toBe(true);
    const stored = JSON.parse(readFileSync(tokensPath, 'utf8')) as { access_token: string };
    expect(await accounts.token('personal')).toBe(stored.access_token);
    const ws = new Workspace({ env, home, cwd: home, account: 'personal' });
    expect(await ws.events({ limit: 2 })).toHaveLength(2);
    expect(mock.requests({ path: '/api/query/events/names' }).at(-1)!.headers.authorization).toBe(
      `Bearer ${stored.access_token}`,
    );
  });

  it('a Workspace reads tokens.json once per token lifetime, not once per request', async () => {
    const t = await setup();
    await t.login();
    const ws = t.workspace({ account: 'personal' });
    const names = await ws.events({ limit: 5 });
    // Break the file: requests made with the token in memory do not notice.
    const tokensPath = join(t.home, '.mp', 'accounts', 'personal', 'tokens.json');
    const before = readFileSync(tokensPath);
    writeFileSync(tokensPath, '{broken', { mode: 0o600 });
    await expect(ws.request('GET', '/api/app/me')).resolves.toMatchObject({
      results: { user_email: 'alice@example.com' },
    });
    await expect(ws.events({ limit: 4 })).resolves.toEqual(names);
    writeFileSync(tokensPath, before, { mode: 0o600 });
  });

  it('a linked ~/.mp with MP_CONFIG_PATH elsewhere and a bridge: refused before anything is created through the link', async () => {
    const host = await setup();
    await host.login();
    const bridgePath = join(host.home, 'auth.json');
    host.accounts.exportBridge({ to: bridgePath, account: 'personal' });

    const home = realpathSync(mkdtempSync(join(tmpdir(), 'mp-linked-')));
    cleanups.push(() => rmSync(home, { recursive: true, force: true }));
    const real = join(home, 'real-mp');
    mkdirSync(real, { mode: 0o755 });
    symlinkSync(real, join(home, '.mp'));
    mkdirSync(join(home, 'cfg'), { mode: 0o700 });
    const env = {
      MP_BASE_URL: host.mock.origin,
      MP_AUTH_FILE: bridgePath,
      MP_CONFIG_PATH: join(home, 'cfg', 'config.toml'),
    };
    let thrown: unknown;
    try {
      new Workspace({ env, home, cwd: home });
    } catch (error) {
      thrown = error;
    }
    expect(ConfigError.isInstance(thrown)).toBe(true);
    expect((thrown as Error).message).toContain('symlinked directory');
    expect(readdirSync(real)).toEqual([]);
    expect(statSync(real).mode & 0o777).toBe(0o755);
  });
});
