/** `diagnose()` (docs/cli.md#mp-doctor): each check against the mock and a temp HOME. */
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OAuthTokens } from '@mixpanel-data/auth-core';
import { ConfigStore, FileTokenStore } from '@mixpanel-data/config-store';
import { describe, expect, it } from 'vitest';
import { countChecks, type DoctorCheck, diagnose } from '../src/index';
import { setup } from './helpers';

const byId = (checks: readonly DoctorCheck[], id: string) => {
  const found = checks.find((one) => one.id === id);
  if (!found) throw new Error(`no check ${id} in ${checks.map((one) => one.id).join(', ')}`);
  return found;
};

/** setup() with `personal` removed, so that every account can be healthy. */
async function healthy() {
  const t = await setup();
  t.store.removeAccount('personal');
  return {
    ...t,
    run: (extra: Parameters<typeof diagnose>[0] = {}) => diagnose({ ...t.base, ...extra }),
  };
}

/** Adds the browser-login account `me` with these tokens in its tokens.json; returns that file's path. */
function withBrowserTokens(
  t: Awaited<ReturnType<typeof healthy>>,
  tokens: Omit<ConstructorParameters<typeof OAuthTokens>[0], 'scope' | 'tokenType'>,
): string {
  t.store.addAccount('me', { type: 'oauth_browser', region: 'us' });
  const store = new FileTokenStore({ env: t.env, home: t.home });
  store.writeTokens('me', new OAuthTokens({ ...tokens, scope: '', tokenType: 'Bearer' }));
  return store.tokensPath('me');
}

describe('diagnose', () => {
  it('a healthy service account: every check ok, in group order, and the counts add up', async () => {
    const t = await healthy();
    const checks = await t.run();
    expect(checks.filter((one) => one.status !== 'ok')).toEqual([]);
    const ids = checks.map((one) => one.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'config.file',
        'config.permissions',
        'config.targets',
        'config.active',
        'account.team.credentials',
        'account.team.me',
        'account.team.project',
        'overrides.environment',
        'overrides.bridge',
        'overrides.paths',
        'session.account',
        'session.project',
        'session.workspace',
        'files.permissions',
        'files.links',
        'files.temp',
        'files.locks',
        `network.reach.${new URL(t.mock.origin).host}`,
        'network.clock',
      ]),
    );
    const groups = ids.map((id) => id.split('.')[0]);
    expect(groups).toEqual(
      [...groups].sort(
        (a, b) =>
          ['config', 'account', 'overrides', 'session', 'files', 'network'].indexOf(a!) -
          ['config', 'account', 'overrides', 'session', 'files', 'network'].indexOf(b!),
      ),
    );
    expect(byId(checks, 'session.account').details).toEqual({
      source: 'active',
      value: 'team',
      shadowed: [],
    });
    expect(countChecks(checks)).toEqual({ ok: checks.length, warn: 0, fail: 0, skipped: 0 });
    for (const one of checks) expect(one.fix).toBeNull();
    // Messages name the account, never its username or secret (docs/errors.md#secrets-and-redaction).
    expect(JSON.stringify(checks)).not.toMatch(/team-sa|s3cret-sa/);
  });

  it('nothing configured: config.file says so, and the session fails naming mp login', async () => {
    const t = await healthy();
    t.store.removeAccount('team');
    const checks = await t.run({ offline: true });
    expect(byId(checks, 'config.file')).toMatchObject({ status: 'ok', details: { exists: true } });
    expect(byId(checks, 'session')).toMatchObject({ status: 'fail', fix: 'mp login' });
    expect(byId(checks, 'config.active')).toMatchObject({ status: 'warn', fix: 'mp login' });
    const empty = await diagnose({
      ...t.base,
      env: { ...t.env, MP_CONFIG_PATH: join(t.home, 'none.toml') },
      offline: true,
    });
    expect(byId(empty, 'config.file')).toMatchObject({ status: 'ok', details: { exists: false } });
  });

  it('a group-readable config.toml fails config.file with chmod 600; the rest is skipped, not failed twice', async () => {
    const t = await healthy();
    const config = join(t.home, '.mp', 'config.toml');
    chmodSync(config, 0o644);
    const checks = await t.run({ offline: true });
    expect(byId(checks, 'config.file')).toMatchObject({
      status: 'fail',
      fix: `chmod 600 ${config}`,
      details: expect.objectContaining({ code: 'CONFIG_ERROR', refusal: 'mode' }),
    });
    expect(byId(checks, 'config.permissions')).toMatchObject({
      status: 'fail',
      fix: `chmod 600 ${config}`,
    });
    expect(byId(checks, 'session').status).toBe('skipped');
    expect(byId(checks, 'config.targets').status).toBe('skipped');
  });

  it('an unreadable bridge file fails overrides.bridge naming MP_AUTH_FILE; the session is skipped', async () => {
    const t = await healthy();
    const bridge = join(t.home, 'auth.json');
    writeFileSync(bridge, 'not json', { mode: 0o600 });
    const checks = await t.run({ offline: true, env: { ...t.env, MP_AUTH_FILE: bridge } });
    expect(byId(checks, 'overrides.bridge')).toMatchObject({
      status: 'fail',
      fix: 'unset MP_AUTH_FILE',
    });
    expect(byId(checks, 'session').status).toBe('skipped');
  });

  it('an unusable MP_BASE_URL fails overrides.paths instead of throwing; nothing is sent', async () => {
    const t = await healthy();
    const checks = await t.run({ env: { ...t.env, MP_BASE_URL: 'http://10.0.0.1' } });
    expect(byId(checks, 'overrides.paths')).toMatchObject({
      status: 'fail',
      fix: 'fix or unset MP_BASE_URL',
    });
    expect(byId(checks, 'account.team.me').status).toBe('skipped');
    expect(byId(checks, 'network.reach').status).toBe('skipped');
    expect(t.mock.countRequests()).toBe(0);
  });

  it('a server that never answers fails /me and the reach check at the deadline', async () => {
    const t = await healthy();
    t.mock.hang('/api/app/me', { times: null });
    t.mock.hang('/', { times: null });
    const checks = await t.run({ networkTimeoutMs: 300 });
    expect(byId(checks, 'account.team.me')).toMatchObject({
      status: 'fail',
      details: expect.objectContaining({ code: 'HTTP_ERROR' }),
    });
    expect(byId(checks, `network.reach.${new URL(t.mock.origin).host}`).summary).toContain(
      'no answer within 300 ms',
    );
    expect(byId(checks, 'network.clock').status).toBe('skipped');
  });

  it('a refresh waits for another process’s token lock no longer than the network deadline', async () => {
    const t = await healthy();
    const lock = `${withBrowserTokens(t, {
      accessToken: 'old-access',
      refreshToken: 'old-refresh',
      expiresAt: new Date(Date.now() - 60_000),
    })}.lock`;
    const holding = JSON.stringify({ pid: process.pid, time: Date.now(), nonce: 'held' });
    writeFileSync(lock, holding, { mode: 0o600 });
    const me = byId(await t.run({ networkTimeoutMs: 300 }), 'account.me.me');
    expect(me).toMatchObject({
      status: 'fail',
      details: expect.objectContaining({ code: 'OAUTH_REFRESH_ERROR' }),
    });
    expect(readFileSync(lock, 'utf8')).toBe(holding);
  });

  it('sends every request, the reach probes included, through the fetch it is given', async () => {
    const t = await healthy();
    const seen: string[] = [];
    const checks = await t.run({
      fetch: (input, init) => {
        seen.push(String(input instanceof Request ? input.url : input));
        return fetch(input, init);
      },
    });
    expect(countChecks(checks).fail).toBe(0);
    expect(seen).toContain(`${t.mock.origin}/`);
    expect(seen.length).toBe(t.mock.countRequests());
  });

  it('offline: no request, and the network checks are skipped', async () => {
    const t = await healthy();
    const checks = await t.run({ offline: true });
    expect(t.mock.countRequests()).toBe(0);
    for (const id of ['account.team.me', 'account.team.project', 'network.reach', 'network.clock'])
      expect(byId(checks, id).status).toBe('skipped');
    expect(byId(checks, 'config.file').status).toBe('ok');
  });

  it('a wrong service-account secret fails /me with the update command', async () => {
    const t = await healthy();
    t.store.updateAccount('team', { secret: 'wrong-secret' });
    const me = byId(await t.run(), 'account.team.me');
    expect(me).toMatchObject({ status: 'fail', fix: 'mp account update team --secret-stdin' });
    expect(JSON.stringify(me)).not.toMatch(/wrong-secret|s3cret-sa/);
  });

  it('a dangling target and an [active] account that does not exist fail with their fixes', async () => {
    const t = await healthy();
    const config = join(t.home, '.mp', 'config.toml');
    const text = readFileSync(config, 'utf8')
      .replace('account = "team"', 'account = "gone"')
      .concat('\n[targets.old]\naccount = "nobody"\nproject = "1"\n');
    writeFileSync(config, text, { mode: 0o600 });
    const checks = await t.run({ offline: true });
    expect(byId(checks, 'config.targets')).toMatchObject({
      status: 'fail',
      fix: 'mp target remove old',
    });
    expect(byId(checks, 'config.active')).toMatchObject({
      status: 'fail',
      fix: 'mp account use team',
    });
  });

  it('a browser token that expired without a refresh token fails, naming the login', async () => {
    const t = await healthy();
    withBrowserTokens(t, {
      accessToken: 'expired-token',
      expiresAt: new Date(Date.now() - 60_000),
    });
    const checks = await t.run({ offline: true });
    expect(byId(checks, 'account.me.credentials').status).toBe('ok');
    expect(byId(checks, 'account.me.token')).toMatchObject({
      status: 'fail',
      fix: 'mp account login me',
      details: expect.objectContaining({ expired: true, refresh_token: false }),
    });
  });

  it('lists each account’s checks together, accounts in name order', async () => {
    const t = await healthy();
    t.store.addAccount('alpha', {
      type: 'service_account',
      region: 'us',
      username: 'team-sa',
      secret: 's3cret-sa',
      defaultProject: '3713224',
    });
    const ids = (await t.run()).map((one) => one.id).filter((id) => id.startsWith('account.'));
    expect(ids).toEqual([
      'account.alpha.credentials',
      'account.alpha.me',
      'account.alpha.project',
      'account.team.credentials',
      'account.team.me',
      'account.team.project',
    ]);
  });

  it('a group-readable tokens.json: the credentials and the file checks name chmod 600', async () => {
    const t = await healthy();
    const path = withBrowserTokens(t, {
      accessToken: 'token',
      expiresAt: new Date(Date.now() + 3_600_000),
    });
    chmodSync(path, 0o640);
    const checks = await t.run({ offline: true });
    expect(byId(checks, 'account.me.credentials')).toMatchObject({
      status: 'fail',
      fix: `chmod 600 ${path}`,
    });
    expect(byId(checks, 'files.permissions')).toMatchObject({
      status: 'fail',
      fix: `chmod 600 ${path}`,
    });
  });

  it('reports the resolver’s sources as given: an environment account over [active]', async () => {
    const t = await healthy();
    const checks = await t.run({
      offline: true,
      env: {
        ...t.env,
        MP_USERNAME: 'team-sa',
        MP_SECRET: 's3cret-sa',
        MP_PROJECT_ID: '3713224',
        MP_REGION: 'us',
      },
    });
    expect(byId(checks, 'session.account').details).toMatchObject({
      source: 'env',
      shadowed: [{ source: 'active', value: 'team' }],
    });
    expect(byId(checks, 'overrides.environment')).toMatchObject({
      status: 'warn',
      fix: 'unset MP_USERNAME MP_SECRET',
    });
    expect(JSON.stringify(checks)).not.toContain('s3cret-sa');
  });

  it('a server clock off by more than a minute is a warning', async () => {
    const t = await healthy();
    t.mock.configure({ date_skew_seconds: -600 });
    const clock = byId(await t.run(), 'network.clock');
    expect(clock.status).toBe('warn');
    expect(clock.details.skew_seconds).toBeLessThan(-590);
  });

  it('an origin nobody listens on fails its reach check within the deadline', async () => {
    const t = await healthy();
    const origin = t.mock.origin;
    await t.mock.close();
    const checks = await t.run({ networkTimeoutMs: 1_000 });
    expect(byId(checks, `network.reach.${new URL(origin).host}`)).toMatchObject({
      status: 'fail',
    });
    expect(byId(checks, 'account.team.me').status).toBe('fail');
  });

  it('changes no file under ~/.mp', async () => {
    const t = await healthy();
    const config = join(t.home, '.mp', 'config.toml');
    const before = readFileSync(config, 'utf8');
    await t.run();
    expect(readFileSync(config, 'utf8')).toBe(before);
    expect(new ConfigStore({ env: t.env, home: t.home }).listAccounts().map((a) => a.name)).toEqual(
      ['team'],
    );
  });
});
