/** Browser logins against the testkit's mock Mixpanel: real HTTP, the real loopback server, real files. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { inspect } from 'node:util';
import type { OAuthError } from '@mixpanel-data/auth-core';
import { redirectFor, simulateBrowser } from '@mixpanel-data/testkit';
import { describe, expect, it } from 'vitest';
import { OAuthFlow } from '../src/index';
import { setup } from './helpers';

const errorOf = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.unreachable(),
    (error) => error as OAuthError,
  );

/** A port that is free now (so two logins can share one redirect URI). */
const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });

describe('full login', () => {
  it('no-browser mode: prints the URL on stderr once listening, the browser callback completes it', async () => {
    const t = await setup();
    const stdin = t.stdin();
    const login = t.flow({ openBrowser: false, stdin }).login();
    const [, url] = await t.stderr.waitFor(/Open this URL in your browser[^\n]*\n\n {2}(\S+)\n/);
    const browser = await simulateBrowser(url!);
    expect(browser.callbackStatus).toBe(200);
    const outcome = await login;
    expect(outcome.registered).toBe(true);
    expect(outcome.tokens.accessToken.reveal()).toMatch(/^mock-at-/);
    expect(outcome.tokens.refreshToken?.reveal()).toMatch(/^mock-rt-/);
    expect(outcome.tokens.expiresAt.getTime()).toBeGreaterThan(Date.now() + 3_500_000);

    t.store.writeTokens('me', outcome.tokens);
    const path = t.store.tokensPath('me');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const file = JSON.parse(readFileSync(path, 'utf8'));
    expect(Object.keys(file)).toEqual([
      'access_token',
      'expires_at',
      'token_type',
      'scope',
      'refresh_token',
    ]);
    expect(file.expires_at).toMatch(/\+00:00$/);
    const client = t.store.readClient('us');
    expect(client).toMatchObject({
      clientId: outcome.client.clientId,
      redirectUri: outcome.redirectUri,
      oauthBaseUrl: `${t.mock.origin}/oauth/`,
    });

    const [register] = t.mock.requests({ path: '/oauth/mcp/register/' });
    expect(register?.body).toEqual({
      redirect_uris: [outcome.redirectUri],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
      scope:
        'projects analysis events insights segmentation retention data:read funnels flows data_definitions dashboard_reports bookmarks',
    });
    const [exchange] = t.mock.requests({ path: '/oauth/token/' });
    expect(Object.keys(exchange?.body as object).sort()).toEqual([
      'client_id',
      'code',
      'code_verifier',
      'grant_type',
      'redirect_uri',
    ]);
    const [authorize] = t.mock.requests({ path: '/oauth/authorize/' });
    expect(Object.keys(authorize!.query)).toEqual([
      'response_type',
      'client_id',
      'redirect_uri',
      'state',
      'code_challenge',
      'code_challenge_method',
    ]);
  });

  it('a second login on the same port reuses the client record: one registration in the log', async () => {
    const t = await setup();
    const port = await freePort();
    const first = await t.browserLogin({ callbackPorts: [port] });
    const second = await t.browserLogin({ callbackPorts: [port] });
    expect(second.registered).toBe(false);
    expect(second.client.clientId).toBe(first.client.clientId);
    expect(t.mock.countRequests({ path: '/oauth/mcp/register/' })).toBe(1);
  });

  it('a login on another port registers again and overwrites the record', async () => {
    const t = await setup();
    const first = await t.browserLogin({ callbackPorts: [await freePort()] });
    const second = await t.browserLogin({ callbackPorts: [await freePort()] });
    expect(second.registered).toBe(true);
    expect(t.store.readClient('us')?.clientId).toBe(second.client.clientId);
    expect(second.client.clientId).not.toBe(first.client.clientId);
  });

  it('the paste path completes the login while the loopback server gets nothing', async () => {
    const t = await setup();
    const stdin = t.stdin();
    const login = t.flow({ openBrowser: false, stdin }).login();
    const [, url] = await t.stderr.waitFor(/\n {2}(http\S+)\n/);
    stdin.write('code=x&state=not-this-login\n');
    await t.stderr.waitFor(/error: .*does not belong to this login/);
    stdin.write(`  ${await redirectFor(url!)}  \n`);
    const outcome = await login;
    expect(outcome.tokens.accessToken.reveal()).toMatch(/^mock-at-/);
    expect(t.stderr.text.match(/^error: /gm)).toHaveLength(1);
  });

  it('an opener that returns false falls back to the printed URL and the paste reader', async () => {
    const t = await setup();
    const stdin = t.stdin();
    const login = t.flow({ browserOpener: () => false, stdin }).login();
    const [, url] = await t.stderr.waitFor(/Open this URL in your browser[^\n]*\n\n {2}(\S+)\n/);
    stdin.write(`${await redirectFor(url!)}\n`);
    await expect(login).resolves.toMatchObject({ registered: true });
  });

  it('an opener that throws is OAUTH_BROWSER_ERROR', async () => {
    const t = await setup();
    const error = await errorOf(
      t
        .flow({
          browserOpener: () => {
            throw new Error('no display');
          },
        })
        .login(),
    );
    expect(error.code).toBe('OAUTH_BROWSER_ERROR');
  });
});

describe('edge cases of docs/oauth.md#edge-cases', () => {
  it('access denied fails fast with OAUTH_AUTH_DENIED', async () => {
    const t = await setup({ config: { approval: 'deny' } });
    const started = Date.now();
    const error = await errorOf(t.browserLogin());
    expect(error.code).toBe('OAUTH_AUTH_DENIED');
    expect(error.details.error).toBe('access_denied');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('a callback that arrives before the browser launcher reports still completes the login', async () => {
    const t = await setup();
    let release: (launched: boolean) => void = () => {};
    const outcome = await t
      .flow({
        browserOpener: async (url) => {
          await simulateBrowser(url);
          return new Promise<boolean>((resolve) => {
            release = resolve;
          });
        },
      })
      .login();
    release(true);
    expect(outcome.tokens.accessToken.reveal()).toMatch(/^mock-at-/);
  });

  it('a tampered state is refused with 400 without showing the expected state, and the login keeps waiting', async () => {
    const t = await setup({ config: { approval: 'wrong_state' } });
    let browsed: Promise<{ status: number | undefined; body: string }> = Promise.resolve({
      status: undefined,
      body: '',
    });
    const error = await errorOf(
      t
        .flow({
          callbackTimeoutMs: 1_000,
          browserOpener: (url) => {
            browsed = simulateBrowser(url).then((result) => ({
              status: result.callbackStatus,
              body: result.callbackBody ?? '',
            }));
            return browsed.then(() => true);
          },
        })
        .login(),
    );
    const { status, body: page } = await browsed;
    expect(status).toBe(400);
    expect(error.code).toBe('OAUTH_TIMEOUT');
    const state = t.mock.requests({ path: '/oauth/authorize/' })[0]!.query.state!;
    expect(state).toHaveLength(43);
    expect(page).not.toContain(state);
  });

  it('a missing code is OAUTH_TOKEN_ERROR', async () => {
    const t = await setup({ config: { approval: 'missing_code' } });
    expect((await errorOf(t.browserLogin())).code).toBe('OAUTH_TOKEN_ERROR');
  });

  it('escapes a script in the provider error page', async () => {
    const t = await setup({ config: { approval: 'error_html' } });
    let browsed: Promise<string> = Promise.resolve('');
    await errorOf(
      t
        .flow({
          browserOpener: (url) => {
            browsed = simulateBrowser(url).then((result) => result.callbackBody ?? '');
            return browsed.then(() => true);
          },
        })
        .login(),
    );
    const page = await browsed;
    expect(page).toContain('&lt;script&gt;');
    expect(page).not.toContain('<script>');
  });

  it('times out with OAUTH_TIMEOUT when the browser never comes back', async () => {
    const t = await setup({ config: { approval: 'hang' } });
    const started = Date.now();
    const error = await errorOf(
      t
        .flow({
          callbackTimeoutMs: 500,
          browserOpener: (url) => {
            simulateBrowser(url).catch(() => {});
            return true;
          },
        })
        .login(),
    );
    expect(error.code).toBe('OAUTH_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('all four callback ports busy is OAUTH_PORT_ERROR before any request', async () => {
    const t = await setup();
    const blockers = await Promise.all(
      [0, 0, 0, 0].map(
        () =>
          new Promise<ReturnType<typeof createServer>>((resolve) => {
            const s = createServer().listen(0, '127.0.0.1', () => resolve(s));
          }),
      ),
    );
    const ports = blockers.map((b) => (b.address() as { port: number }).port);
    try {
      const error = await errorOf(t.flow({ callbackPorts: ports }).login());
      expect(error.code).toBe('OAUTH_PORT_ERROR');
      expect(error.details.ports).toEqual(ports);
      expect(t.mock.requests()).toHaveLength(0);
    } finally {
      for (const blocker of blockers) blocker.close();
    }
  });

  it.each([
    [{ expires_in_format: 'float' }, 'missing required fields: expires_in'],
    [{ omit_fields: ['access_token'] }, 'missing required fields: access_token'],
    [{ non_json: true }, 'non-JSON'],
    [{ status: 201 }, 'status 201'],
  ] as const)('a bad token response %j is OAUTH_TOKEN_ERROR', async (tokenResponse, message) => {
    const t = await setup({ config: { token_response: tokenResponse as never } });
    const error = await errorOf(t.browserLogin());
    expect(error.code).toBe('OAUTH_TOKEN_ERROR');
    expect(error.message).toContain(message);
    expect(error.message + inspect(error)).not.toMatch(/mock-at-|mock-rt-/);
  });

  it('a string expires_in is accepted and a missing scope becomes ""', async () => {
    const t = await setup({
      config: { token_response: { expires_in_format: 'string', omit_fields: ['scope'] } },
    });
    const outcome = await t.browserLogin();
    expect(outcome.tokens.scope).toBe('');
    expect(outcome.tokens.expiresAt.getTime()).toBeGreaterThan(Date.now() + 3_000_000);
  });

  it('a 500 from the token endpoint is OAUTH_TOKEN_ERROR naming the status', async () => {
    const t = await setup();
    t.mock.failWith('/oauth/token/', 500, { times: 1, text: 'boom' });
    const error = await errorOf(t.browserLogin());
    expect(error.code).toBe('OAUTH_TOKEN_ERROR');
    expect(error.message).toContain('status 500');
  });

  it('a refused connection during the exchange is OAUTH_TOKEN_ERROR', async () => {
    const t = await setup();
    t.mock.dropConnection('/oauth/token/', { times: 1 });
    expect((await errorOf(t.browserLogin())).code).toBe('OAUTH_TOKEN_ERROR');
  });

  it('registration: 429 carries Retry-After; 200 is accepted; a body without client_id fails', async () => {
    const t = await setup();
    t.mock.rateLimit('/oauth/mcp/register/', { times: 1, retryAfter: '30' });
    const limited = await errorOf(t.browserLogin());
    expect(limited.code).toBe('OAUTH_REGISTRATION_ERROR');
    expect(limited.details).toMatchObject({ status_code: 429, retry_after: '30', region: 'us' });
    // Without the header the key is still there, as null (docs/oauth.md#registration-responses).
    t.mock.failWith('/oauth/mcp/register/', 429, { times: 1, json: { error: 'slow down' } });
    const bare = await errorOf(t.browserLogin({ callbackPorts: [await freePort()] }));
    expect(bare.details).toEqual({ region: 'us', status_code: 429, retry_after: null });
    t.mock.configure({ registration_status: 200 });
    await expect(t.browserLogin()).resolves.toMatchObject({ registered: true });
    t.mock.failWith('/oauth/mcp/register/', 201, { times: 1, json: { nope: true } });
    expect(
      (await errorOf(t.browserLogin({ callbackPorts: [await freePort()] }))).message,
    ).toContain('no client_id');
  });

  it('an unknown region is OAUTH_CONFIG_ERROR naming it', async () => {
    const t = await setup();
    expect(() => new OAuthFlow({ region: 'US' as never, tokenStore: t.store })).toThrow(
      expect.objectContaining({ code: 'OAUTH_CONFIG_ERROR' }),
    );
    expect(() => new OAuthFlow({ region: '' as never, tokenStore: t.store })).toThrow(
      /Unknown region ''/,
    );
  });

  it('an invalid_client answer forgets the cached client so the next login registers again', async () => {
    const t = await setup();
    await t.browserLogin();
    expect(t.store.readClient('us')).not.toBeNull();
    t.mock.failWith('/oauth/token/', 401, { times: 1, json: { error: 'invalid_client' } });
    await errorOf(t.browserLogin());
    expect(t.store.readClient('us')).toBeNull();
  });

  it("with an account name, invalid_client also forgets the account's mirror and names the fix", async () => {
    const t = await setup();
    const first = await t.browserLogin({ accountName: 'me' });
    t.store.writeClient(first.client, 'me');
    expect(t.store.readClient('us', 'me')).not.toBeNull();
    t.mock.failWith('/oauth/token/', 401, { times: 1, json: { error: 'invalid_client' } });
    const error = await errorOf(t.browserLogin({ accountName: 'me' }));
    expect(error).toMatchObject({ code: 'OAUTH_TOKEN_ERROR' });
    expect(error.message).toBe(
      'Token exchange failed with status 401: the OAuth client is no longer valid and was forgotten. Run `mp account login me` again.',
    );
    expect(t.store.readClient('us', 'me')).toBeNull();
    expect(existsSync(join(t.home, '.mp', 'accounts', 'me', 'client.json'))).toBe(false);
  });

  it('no secret reaches stderr or an error', async () => {
    const t = await setup();
    const outcome = await t.browserLogin();
    const secrets = [outcome.tokens.accessToken.reveal(), outcome.tokens.refreshToken!.reveal()];
    const exchange = t.mock.requests({ path: '/oauth/token/' })[0]!.body as Record<string, string>;
    secrets.push(exchange.code!, exchange.code_verifier!);
    const printed = [t.stderr.text, inspect(outcome, { depth: 9 }), JSON.stringify(outcome)].join(
      '\n',
    );
    for (const secret of secrets) expect(printed).not.toContain(secret);
  });
});
