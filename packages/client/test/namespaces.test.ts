/** The accounts, session and targets namespaces against the mock and real files (docs/files.md#config-store-operations, docs/oauth.md#logging-in-an-existing-account, docs/errors.md#error-catalogue, docs/errors.md#account-test-results). */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { ConfigStore } from '@mixpanel-data/config-store';
import type { startMockMixpanel } from '@mixpanel-data/testkit';
import { describe, expect, it, vi } from 'vitest';
import {
  copyBridgeExpiringAt,
  expectAccessOnlyBridge,
  expectRefreshedBridge,
} from '../../../test-utils/bridge-files';
import {
  ACCESS_ONLY_MIN_LIFETIME_MS,
  ArgumentError,
  ConfigError,
  createAccounts,
  createSession,
  createTargets,
  OAuthError,
  ValidationError,
  Workspace,
} from '../src/index';
import { setup } from './helpers';

describe('accounts.test — never throws', () => {
  it('ok: user and project count', async () => {
    const t = await setup();
    const result = await t.accounts.test('team');
    expect(JSON.parse(JSON.stringify(result))).toEqual({
      account_name: 'team',
      ok: true,
      user: { id: 42, email: 'alice@example.com' },
      accessible_project_count: 2,
      error: null,
      error_code: null,
      error_details: null,
    });
  });

  it('uses the active account; reports a missing one, none active, and a broken config without throwing', async () => {
    const t = await setup();
    expect((await t.accounts.test()).accountName).toBe('team');
    expect(await t.accounts.test('ghost')).toMatchObject({
      accountName: 'ghost',
      ok: false,
      error: "Account 'ghost' not found.",
      errorCode: null,
    });
    t.store.clearActive({ account: true });
    expect(await t.accounts.test()).toMatchObject({
      accountName: '(none)',
      ok: false,
      error: 'No active account configured.',
    });
    writeFileSync(t.store.path, '[broken');
    expect((await t.accounts.test('team')).ok).toBe(false);
  });

  it('a wrong secret is AUTH_FAILED and the secret appears nowhere', async () => {
    const t = await setup();
    t.store.updateAccount('team', { secret: 'wrong-secret-zz' });
    const result = await t.accounts.test('team');
    expect(result).toMatchObject({ ok: false, errorCode: 'AUTH_FAILED' });
    expect(result.error).toMatch(/^\/me probe failed: /);
    expect(JSON.stringify(result) + inspect(result)).not.toContain('wrong-secret-zz');
  });

  it('a browser account without tokens is OAUTH_TOKEN_ERROR; a network failure has no code', async () => {
    const t = await setup();
    expect(await t.accounts.test('personal')).toMatchObject({
      ok: false,
      errorCode: 'OAUTH_TOKEN_ERROR',
    });
    const offline = createAccounts({
      ...t.base,
      env: { ...t.env, MP_BASE_URL: 'http://127.0.0.1:9' },
    });
    expect(await offline.test('team')).toMatchObject({ ok: false, errorCode: 'HTTP_ERROR' });
  });
});

describe('accounts.login (docs/oauth.md#logging-in-an-existing-account)', () => {
  it('writes tokens.json (0600), backfills the smallest project id, writes me.json, returns the user', async () => {
    const t = await setup();
    const result = await t.login();
    expect(result.user).toEqual({ id: 42, email: 'alice@example.com' });
    expect(result.tokensPath).toBe(join(t.home, '.mp', 'accounts', 'personal', 'tokens.json'));
    expect(result.clientPath).toBe(join(t.home, '.mp', 'oauth', 'client_us.json'));
    expect(result.expiresAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    expect(statSync(result.tokensPath).mode & 0o777).toBe(0o600);
    expect(t.store.getAccount('personal').defaultProject).toBe('3018488');
    expect(existsSync(join(t.home, '.mp', 'accounts', 'personal', 'me.json'))).toBe(true);
    expect(existsSync(join(t.home, '.mp', 'accounts', 'personal', 'client.json'))).toBe(true);
    expect(JSON.stringify(result)).not.toMatch(/mock-at-|mock-rt-/);
  });

  it("OAuth requests (register, exchange, refresh) carry the API client's User-Agent (docs/oauth.md#oauth-http-settings)", async () => {
    const t = await setup();
    await t.login();
    t.mock.tokens.expire('all');
    await t.workspace({ account: 'personal', project: '3713224' }).events();
    const agents = (path: string) => t.mock.requests({ path }).map((r) => r.headers['user-agent']);
    const [apiAgent] = agents('/api/query/events/names');
    expect(apiAgent).toMatch(/^mixpanel-data-ts\/\S+ \(entry=lib; node\/\d+\.\d+\)$/);
    const oauth = [...agents('/oauth/mcp/register/'), ...agents('/oauth/token/')];
    expect(oauth.length).toBeGreaterThanOrEqual(3);
    expect(new Set(oauth)).toEqual(new Set([apiAgent]));
  });

  it('refuses a non-browser account and a missing one', async () => {
    const t = await setup();
    await expect(t.accounts.login('team')).rejects.toThrow(
      /only valid for oauth_browser accounts; 'team' is type 'service_account'/,
    );
    await expect(t.accounts.login('ghost')).rejects.toThrow("Account 'ghost' not found.");
  });

  it('an EU project with US auth is the E-2 ConfigError and writes no tokens', async () => {
    const fixture = (await import('@mixpanel-data/testkit')).defaultFixture();
    fixture.projects.find((p) => p.id === '3018488')!.domain = 'eu.mixpanel.com';
    const t = await setup({ fixture } as Parameters<typeof startMockMixpanel>[0]);
    const error = await t.login().then(
      () => expect.unreachable(),
      (e) => e as ConfigError,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain('mp login --region eu');
    expect(existsSync(join(t.home, '.mp', 'accounts', 'personal', 'tokens.json'))).toBe(false);
  });

  it('a failed /me probe persists nothing', async () => {
    const t = await setup();
    t.mock.failWith('/api/app/me', 500, { times: 1 });
    const error = await t.login().then(
      () => expect.unreachable(),
      (e) => e as OAuthError,
    );
    expect(error.code).toBe('OAUTH_TOKEN_ERROR');
    expect(error.message).toContain('Login succeeded but `/me` probe failed: ');
    expect(existsSync(join(t.home, '.mp', 'accounts', 'personal', 'tokens.json'))).toBe(false);
  });
});

describe('logout, token', () => {
  it('logout removes only tokens.json; test then reports OAUTH_TOKEN_ERROR', async () => {
    const t = await setup();
    await t.login();
    expect(t.accounts.logout('personal')).toBe(true);
    expect(existsSync(join(t.home, '.mp', 'accounts', 'personal', 'tokens.json'))).toBe(false);
    expect(existsSync(join(t.home, '.mp', 'oauth', 'client_us.json'))).toBe(true);
    expect(existsSync(join(t.home, '.mp', 'accounts', 'personal', 'me.json'))).toBe(true);
    expect(t.accounts.logout('personal')).toBe(false);
    expect(t.accounts.logout('team')).toBe(false);
    expect(() => t.accounts.logout('ghost')).toThrow(ConfigError);
    expect(await t.accounts.test('personal')).toMatchObject({ errorCode: 'OAUTH_TOKEN_ERROR' });
  });

  it('token: null for a service account, the bearer otherwise', async () => {
    const t = await setup();
    expect(await t.accounts.token('team')).toBeNull();
    await t.login();
    expect(await t.accounts.token('personal')).toMatch(/^mock-at-/);
    t.store.addAccount('ci', { type: 'oauth_token', region: 'us', tokenEnv: 'CI_TOKEN' });
    await expect(t.accounts.token('ci')).rejects.toThrow(OAuthError);
  });
});

describe('bridge export and removal (docs/files.md#bridge-export, docs/files.md#bridge-removal)', () => {
  it('exports a browser account with its tokens, the settings header and pins; identical bytes twice', async () => {
    const t = await setup();
    await t.login();
    t.store.setCustomHeader({ name: 'X-Mixpanel-Cluster', value: 'canary-3' });
    const to = join(t.home, '.claude', 'mixpanel', 'auth.json');
    expect(
      t.accounts.exportBridge({ to, account: 'personal', project: '3713224', workspace: 3448414 }),
    ).toBe(to);
    const first = readFileSync(to);
    t.accounts.exportBridge({ to, account: 'personal', project: '3713224', workspace: 3448414 });
    expect(readFileSync(to).equals(first)).toBe(true);
    const document = JSON.parse(first.toString());
    expect(document).toMatchObject({
      version: 2,
      project: '3713224',
      workspace: 3448414,
      headers: { 'X-Mixpanel-Cluster': 'canary-3' },
    });
    expect(document.tokens.access_token).toMatch(/^mock-at-/);
    expect(statSync(to).mode & 0o777).toBe(0o600);
    expect(t.accounts.removeBridge({ at: to })).toBe(true);
    expect(t.accounts.removeBridge({ at: to })).toBe(false);
  });

  it('a tokens.json without scope or token_type exports them as "" and "Bearer" (docs/files.md#bridge-export)', async () => {
    const t = await setup();
    await t.login();
    const path = join(t.home, '.mp', 'accounts', 'personal', 'tokens.json');
    const { scope: _scope, token_type: _type, ...rest } = JSON.parse(readFileSync(path, 'utf8'));
    writeFileSync(path, JSON.stringify(rest), { mode: 0o600 });
    const to = join(t.home, 'auth.json');
    t.accounts.exportBridge({ to, account: 'personal' });
    const { tokens } = JSON.parse(readFileSync(to, 'utf8'));
    expect([tokens.scope, tokens.token_type]).toEqual(['', 'Bearer']);
    expect(tokens.access_token).toBe(rest.access_token);
  });

  it('refuses bad pins, an unknown account, and a browser account without tokens', async () => {
    const t = await setup();
    const to = join(t.home, 'b.json');
    expect(() => t.accounts.exportBridge({ to, project: 'abc' })).toThrow(ValidationError);
    expect(() => t.accounts.exportBridge({ to, workspace: 0 })).toThrow('Invalid --workspace 0');
    expect(() => t.accounts.exportBridge({ to, account: 'ghost' })).toThrow(
      "Account 'ghost' not found.",
    );
    expect(() => t.accounts.exportBridge({ to, account: 'personal' })).toThrow(
      /mp account login personal/,
    );
    expect(existsSync(to)).toBe(false);
  });
});

describe('access-only bridge export (docs/files.md#access-only-bridge)', () => {
  const refreshes = (t: Awaited<ReturnType<typeof setup>>) =>
    t.mock
      .requests({ path: '/oauth/token/' })
      .filter((r) => (r.body as Record<string, string>).grant_type === 'refresh_token');
  const tokensOf = (t: Awaited<ReturnType<typeof setup>>) =>
    JSON.parse(readFileSync(join(t.home, '.mp', 'accounts', 'personal', 'tokens.json'), 'utf8'));

  it('writes the access token without the refresh token and, while it has long to live, refreshes nothing', async () => {
    const t = await setup();
    await t.login();
    const local = tokensOf(t);
    t.mock.clearRequests();
    const to = join(t.home, 'auth.json');
    const written = t.accounts.exportBridge({ to, account: 'personal', accessOnly: true });
    expect(written).toBeInstanceOf(Promise);
    expect(await written).toBe(to);
    expectAccessOnlyBridge(to, local);
    expect(t.mock.requests()).toHaveLength(0);
    expect(tokensOf(t)).toEqual(local);
  });

  it('refreshes a token with less than ACCESS_ONLY_MIN_LIFETIME_MS left first, once, and exports the new one', async () => {
    const t = await setup();
    expect(ACCESS_ONLY_MIN_LIFETIME_MS).toBe(600_000);
    t.mock.configure({ access_token_ttl_seconds: 300 });
    await t.login();
    const old = tokensOf(t);
    t.mock.configure({ access_token_ttl_seconds: 3600 });
    const to = join(t.home, 'auth.json');
    await t.accounts.exportBridge({ to, account: 'personal', accessOnly: true });
    expect(refreshes(t)).toHaveLength(1);
    const local = tokensOf(t);
    expect(local.refresh_token).toMatch(/^mock-rt-/);
    expectRefreshedBridge(to, local, old);
  });

  it('refuses a service account and a static-token account with ArgumentError, writing nothing', async () => {
    const t = await setup();
    t.store.addAccount('ci', { type: 'oauth_token', region: 'us', token: 'static-token-abc' });
    const to = join(t.home, 'auth.json');
    writeFileSync(to, 'an earlier file', { mode: 0o600 });
    for (const [account, reason] of [
      ['team', "'team' is a service account: it has a secret, not a token that expires"],
      ['ci', "'ci' is an oauth_token account: its static token has no refresh token"],
    ] as const) {
      const error = await t.accounts.exportBridge({ to, account, accessOnly: true }).then(
        () => expect.unreachable(),
        (caught: unknown) => caught as ArgumentError,
      );
      expect(error).toBeInstanceOf(ArgumentError);
      expect(error.code).toBe('INVALID_ARGS');
      expect(error.message).toContain(reason);
      expect(error.message).toContain('Export it without --access-only.');
      expect(error.message).not.toContain('\n');
      expect(error.details).toMatchObject({ arguments: ['accessOnly'], account_name: account });
    }
    expect(readFileSync(to, 'utf8')).toBe('an earlier file');
  });

  it('on the receiving machine the token works until it expires, then OAUTH_TOKEN_ERROR names the fix and nothing is refreshed', async () => {
    const host = await setup();
    await host.login();
    const bridgePath = join(host.home, 'auth.json');
    await host.accounts.exportBridge({ to: bridgePath, account: 'personal', accessOnly: true });
    const remote = await setup();
    const env = { ...remote.env, MP_BASE_URL: host.mock.origin, MP_AUTH_FILE: bridgePath };
    expect(await new Workspace({ ...remote.base, env }).events({ limit: 2 })).toHaveLength(2);
    // An hour later: the token in the file has expired (and the mock agrees).
    const later = join(host.home, 'later.json');
    copyBridgeExpiringAt(bridgePath, later, '2020-01-01T00:00:00Z');
    host.mock.clock.advance(3600);
    host.mock.clearRequests();
    const elsewhere = await setup();
    const stale = new Workspace({
      ...elsewhere.base,
      env: { ...elsewhere.env, MP_BASE_URL: host.mock.origin, MP_AUTH_FILE: later },
    });
    const error = await stale.events({ limit: 2 }).then(
      () => expect.unreachable(),
      (caught: unknown) => caught as OAuthError,
    );
    expect(error).toBeInstanceOf(OAuthError);
    expect(error.code).toBe('OAUTH_TOKEN_ERROR');
    expect(error.message).toBe(
      `The access token in the bridge file ${later} expired at 2020-01-01T00:00:00.000Z; it carries no refresh token. Export a new bridge on the machine that has the login: \`mp account export-bridge --access-only\`.`,
    );
    expect(host.mock.requests()).toHaveLength(0);
  });
});

describe('session and targets namespaces', () => {
  it('show, use, and the target operations go through the store', async () => {
    const t = await setup();
    const session = createSession(t.base);
    const targets = createTargets(t.base);
    expect(session.show()).toEqual({ account: 'team' });
    targets.add('ecom', { account: 'team', project: '3018488', workspace: 3448420 });
    expect(targets.list().map((target) => target.name)).toEqual(['ecom']);
    expect(targets.show('ecom').workspace).toBe(3448420);
    targets.use('ecom');
    expect(session.show()).toEqual({ account: 'team', workspace: 3448420 });
    session.use({ account: 'personal' });
    expect(session.show()).toEqual({ account: 'personal' });
    targets.remove('ecom');
    expect(() => targets.show('ecom')).toThrow("Target 'ecom' not found.");
  });

  it('describe() refuses an [active] workspace pin of 0 or less instead of showing it', async () => {
    const t = await setup();
    const path = join(t.home, '.mp', 'config.toml');
    for (const pin of [0, -5]) {
      writeFileSync(path, `[active]\naccount = "team"\nworkspace = ${pin}\n`, { mode: 0o600 });
      const session = createSession(t.base);
      expect(() => session.describe()).toThrow(ConfigError);
      expect(() => session.describe()).toThrow(
        `Invalid [active] block in ${path}: workspace ${pin} must be > 0. Fix or remove it there, or run \`mp workspace use ID\`.`,
      );
    }
  });

  it('session.describe() reads and parses config.toml once', async () => {
    const t = await setup();
    const reads = vi.spyOn(ConfigStore.prototype, 'read');
    try {
      const view = createSession(t.base).describe();
      expect(view.account).toEqual({ name: 'team', type: 'service_account', region: 'us' });
      expect(reads).toHaveBeenCalledTimes(1);
    } finally {
      reads.mockRestore();
    }
  });

  it('accounts list/add/update/remove/use/show are synchronous and return summaries', async () => {
    const t = await setup();
    expect(t.accounts.list().map((a) => a.name)).toEqual(['personal', 'team']);
    const added = t.accounts.add('ci', { type: 'oauth_token', region: 'us', tokenEnv: 'CI' });
    expect(added).toMatchObject({ name: 'ci', isActive: false });
    expect(t.accounts.update('ci', { region: 'eu' }).region).toBe('eu');
    t.accounts.use('ci');
    expect(t.accounts.show().name).toBe('ci');
    expect(t.accounts.remove('ci')).toEqual([]);
  });
});
