/** The on-disk token resolver against the mock's token endpoint (docs/oauth.md#token-resolvers). */
import { readFileSync, statSync, symlinkSync, unlinkSync } from 'node:fs';
import {
  ENV_OAUTH_TOKEN,
  type OAuthError,
  OAuthTokenAccount,
  OAuthTokens,
} from '@mixpanel-data/auth-core';
import { describe, expect, it } from 'vitest';
import { setup } from './helpers';

const errorOf = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.unreachable(),
    (error) => error as OAuthError,
  );
const refreshes = (t: Awaited<ReturnType<typeof setup>>) =>
  t.mock
    .requests({ path: '/oauth/token/' })
    .filter((r) => (r.body as Record<string, string>).grant_type === 'refresh_token');

describe('client records and the server they belong to (docs/oauth.md#client-records-and-which-one-wins)', () => {
  it('a client registered with the real servers is never sent to the override: refresh refuses, no request', async () => {
    const t = await setup();
    const { client } = await t.loggedIn();
    const { oauthBaseUrl: _override, ...production } = client;
    t.store.writeClient(production);
    t.store.writeClient(production, 'me');
    t.expireLocally();
    t.mock.clearRequests();
    const error = await errorOf(t.resolver().getBrowserToken('me', 'us'));
    expect(error.code).toBe('OAUTH_REFRESH_ERROR');
    expect(error.message).toContain(
      `The OAuth client of account 'me' was registered with the Mixpanel servers, not ${t.mock.origin}`,
    );
    expect(error.message).toContain('mp account login me');
    expect(t.mock.requests({ path: '/oauth/token/' })).toHaveLength(0);
  });
});

describe('getBrowserToken', () => {
  it('returns an unexpired token without any request', async () => {
    const t = await setup();
    const { tokens } = await t.loggedIn();
    t.mock.clearRequests();
    expect(await t.resolver().getBrowserToken('me', 'us')).toBe(tokens.accessToken.reveal());
    expect(t.mock.requests()).toHaveLength(0);
  });

  it('refreshes an expired token once and rewrites tokens.json (0600) with the rotated refresh token', async () => {
    const t = await setup();
    const { tokens } = await t.loggedIn();
    t.expireLocally();
    const fresh = await t.resolver().getBrowserToken('me', 'us');
    expect(fresh).not.toBe(tokens.accessToken.reveal());
    expect(refreshes(t)).toHaveLength(1);
    expect(refreshes(t)[0]!.body).toEqual({
      grant_type: 'refresh_token',
      refresh_token: tokens.refreshToken!.reveal(),
      client_id: expect.any(String),
    });
    const stored = t.store.readTokens('me')!;
    expect(stored.accessToken.reveal()).toBe(fresh);
    expect(stored.refreshToken?.reveal()).not.toBe(tokens.refreshToken!.reveal());
    expect(stored.isExpired()).toBe(false);
    expect(statSync(t.store.tokensPath('me')).mode & 0o777).toBe(0o600);
    expect(await t.resolver().getBrowserToken('me', 'us')).toBe(fresh);
    expect(refreshes(t)).toHaveLength(1);
  });

  it('keeps the old refresh token when the server returns none', async () => {
    const t = await setup({ config: { omit_refresh_token_on_refresh: true } });
    const { tokens } = await t.loggedIn();
    t.expireLocally();
    await t.resolver().getBrowserToken('me', 'us');
    expect(t.store.readTokens('me')!.refreshToken!.reveal()).toBe(tokens.refreshToken!.reveal());
  });

  it.each([400, 401])(
    'a revoked refresh token (invalid_grant %i) is OAUTH_REFRESH_REVOKED and tokens.json stays byte-identical',
    async (status) => {
      const t = await setup({ config: { invalid_grant_status: status } });
      const { tokens } = await t.loggedIn();
      t.mock.tokens.revoke({ refreshToken: tokens.refreshToken!.reveal() });
      t.expireLocally();
      const before = readFileSync(t.store.tokensPath('me'));
      const error = await errorOf(t.resolver().getBrowserToken('me', 'us'));
      expect(error.code).toBe('OAUTH_REFRESH_REVOKED');
      expect(error.message).toContain('mp account login me');
      expect(error.details).toMatchObject({ status_code: status, account_name: 'me' });
      expect(readFileSync(t.store.tokensPath('me')).equals(before)).toBe(true);
      expect(error.message + JSON.stringify(error)).not.toContain(tokens.refreshToken!.reveal());
    },
  );

  it('a 5xx from the token endpoint is OAUTH_REFRESH_ERROR and leaves the file alone', async () => {
    const t = await setup();
    await t.loggedIn();
    t.expireLocally();
    const before = readFileSync(t.store.tokensPath('me'));
    t.mock.failWith('/oauth/token/', 503, { times: 1, text: 'maintenance' });
    const error = await errorOf(t.resolver().getBrowserToken('me', 'us'));
    expect(error.code).toBe('OAUTH_REFRESH_ERROR');
    expect(error.message).toContain('status 503');
    expect(readFileSync(t.store.tokensPath('me')).equals(before)).toBe(true);
  });

  it('an expired token without a refresh token is OAUTH_TOKEN_ERROR, also for the local availability check', async () => {
    const t = await setup();
    const { tokens } = await t.loggedIn();
    t.store.writeTokens(
      'me',
      new OAuthTokens({
        accessToken: tokens.accessToken,
        expiresAt: new Date(Date.now() - 1000),
        scope: '',
        tokenType: 'Bearer',
      }),
    );
    const error = await errorOf(t.resolver().getBrowserToken('me', 'us'));
    expect(error.code).toBe('OAUTH_TOKEN_ERROR');
    expect(error.message).toContain('no refresh token');
    expect(() => t.resolver().assertBrowserTokenAvailable('me', 'us')).toThrow(/no refresh token/);
  });

  it('an expired access-only token of a bridged account names the bridge file, the expiry and the export, without any request', async () => {
    const t = await setup();
    const { tokens } = await t.loggedIn();
    const expiresAt = new Date(Date.now() - 60_000);
    t.store.writeTokens(
      'me',
      new OAuthTokens({
        accessToken: tokens.accessToken,
        expiresAt,
        scope: '',
        tokenType: 'Bearer',
      }),
    );
    t.mock.clearRequests();
    const bridged = () => t.resolver({ bridge: { accountName: 'me', path: '/vm/auth.json' } });
    const error = await errorOf(bridged().getBrowserToken('me', 'us'));
    expect(error.code).toBe('OAUTH_TOKEN_ERROR');
    expect(error.message).toBe(
      `The access token in the bridge file /vm/auth.json expired at ${expiresAt.toISOString()}; it carries no refresh token. Export a new bridge on the machine that has the login: \`mp account export-bridge --access-only\`.`,
    );
    expect(error.details).toMatchObject({
      account_name: 'me',
      path: '/vm/auth.json',
      expires_at: expiresAt.toISOString(),
    });
    expect(() => bridged().assertBrowserTokenAvailable('me', 'us')).toThrow(
      'mp account export-bridge --access-only',
    );
    expect(t.mock.requests()).toHaveLength(0);
  });

  it('an expired token with a refresh token passes the local check without any request', async () => {
    const t = await setup();
    await t.loggedIn();
    t.expireLocally();
    t.mock.clearRequests();
    expect(() => t.resolver().assertBrowserTokenAvailable('me', 'us')).not.toThrow();
    expect(t.mock.requests()).toHaveLength(0);
  });

  it('no tokens, or a symlinked tokens.json, is OAUTH_TOKEN_ERROR naming the login command', async () => {
    const t = await setup();
    const missing = await errorOf(t.resolver().getBrowserToken('ghost', 'us'));
    expect(missing.code).toBe('OAUTH_TOKEN_ERROR');
    expect(missing.message).toContain('mp account login ghost');
    await t.loggedIn();
    const path = t.store.tokensPath('me');
    unlinkSync(path);
    symlinkSync(`${t.home}/nowhere`, path);
    expect((await errorOf(t.resolver().getBrowserToken('me', 'us'))).code).toBe(
      'OAUTH_TOKEN_ERROR',
    );
  });

  it('a missing client record is OAUTH_REFRESH_ERROR', async () => {
    const t = await setup();
    await t.loggedIn();
    t.store.deleteClient('us', 'me');
    t.expireLocally();
    const error = await errorOf(t.resolver().getBrowserToken('me', 'us'));
    expect(error.code).toBe('OAUTH_REFRESH_ERROR');
    expect(error.message).toContain("client info for region 'us' is missing");
  });

  it('concurrent callers in one process share one refresh', async () => {
    const t = await setup();
    await t.loggedIn();
    t.expireLocally();
    const resolvers = [t.resolver(), t.resolver()];
    const tokens = await Promise.all(
      Array.from({ length: 5 }, (_, i) => resolvers[i % 2]!.getBrowserToken('me', 'us')),
    );
    expect(new Set(tokens).size).toBe(1);
    expect(refreshes(t)).toHaveLength(1);
  });

  it('forceRefresh replaces a token the server rejected, once', async () => {
    const t = await setup();
    const { tokens } = await t.loggedIn();
    t.mock.tokens.expire('all');
    const rejected = tokens.accessToken.reveal();
    const [a, b] = await Promise.all([
      t.resolver().forceRefresh('me', 'us', rejected),
      t.resolver().forceRefresh('me', 'us', rejected),
    ]);
    expect(a).toBe(b);
    expect(a).not.toBe(rejected);
    expect(refreshes(t)).toHaveLength(1);
    expect(await t.resolver().forceRefresh('me', 'us', rejected)).toBe(a);
    expect(refreshes(t)).toHaveLength(1);
  });
});

describe('getStaticToken', () => {
  it('returns the inline token, else reads the variable at every call', async () => {
    const env: Record<string, string> = { CI_TOKEN: 'one' };
    const t = await setup();
    const resolver = t.resolver({ env });
    expect(
      resolver.getStaticToken(new OAuthTokenAccount({ name: 'a', region: 'us', token: 'inline' })),
    ).toBe('inline');
    const fromEnv = new OAuthTokenAccount({ name: 'ci', region: 'us', tokenEnv: 'CI_TOKEN' });
    expect(resolver.getStaticToken(fromEnv)).toBe('one');
    env.CI_TOKEN = 'two';
    expect(resolver.getStaticToken(fromEnv)).toBe('two');
    env.CI_TOKEN = '';
    expect(() => resolver.getStaticToken(fromEnv)).toThrow(/references env var `CI_TOKEN`/);
  });

  it('refuses a token with characters not allowed in a header, naming where it came from, never the token', async () => {
    const t = await setup();
    const env: Record<string, string> = { ...t.env, CI_TOKEN: 'NOT-SHOWN\nX: 1' };
    const resolver = t.resolver({ env, bridge: { accountName: 'bridged', path: '/b/auth.json' } });
    const bad = 'NOT-SHOWN\r\nX-Injected: 1';
    const messageOf = (account: OAuthTokenAccount) => {
      try {
        resolver.getStaticToken(account);
      } catch (error) {
        const e = error as OAuthError;
        expect(e.code).toBe('OAUTH_TOKEN_ERROR');
        expect(e.message + JSON.stringify(e.details)).not.toContain('NOT-SHOWN');
        return e.message;
      }
      return expect.unreachable();
    };
    expect(messageOf(new OAuthTokenAccount({ name: 'a', region: 'us', token: bad }))).toBe(
      "The inline `token` of account 'a' contains a line break or another character not allowed in an HTTP header. Set a clean token.",
    );
    expect(
      messageOf(new OAuthTokenAccount({ name: 'ci', region: 'us', tokenEnv: 'CI_TOKEN' })),
    ).toMatch(/^The variable CI_TOKEN \(the token of account 'ci'\) contains a line break/);
    expect(
      messageOf(new OAuthTokenAccount({ name: ENV_OAUTH_TOKEN, region: 'us', token: bad })),
    ).toMatch(/^MP_OAUTH_TOKEN contains a line break/);
    expect(messageOf(new OAuthTokenAccount({ name: 'bridged', region: 'us', token: bad }))).toMatch(
      /^The `account.token` of the bridge file \/b\/auth.json contains a line break/,
    );
  });
});
