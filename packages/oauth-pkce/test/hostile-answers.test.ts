/**
 * OAuth endpoints that drip, or answer a huge or compressed-bomb body: one
 * deadline covers headers and body, a size cap stops the body, and a refresh
 * never holds tokens.json.lock past its deadline (docs/oauth.md#oauth-http-settings).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TOKEN_LOCK_DEFAULTS } from '@mixpanel-data/config-store';
import { describe, expect, it } from 'vitest';
import { createHttp, OAUTH_HTTP_TIMEOUT_MS, OAUTH_MAX_RESPONSE_BYTES } from '../src/index';
import { setup } from './helpers';

const worker = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'refresh-worker.mjs');
const REFRESH = { path: '/oauth/token/', form: { grant_type: 'refresh_token' } };

/** Another process that needs the token (the default deadline), as a second `mp` command would. */
function otherProcess(
  home: string,
  origin: string,
): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [worker, home, origin]);
    let stdout = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.on('exit', (code) => resolve({ code, stdout }));
  });
}

const errorOf = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.unreachable(),
    (error) => error as { code: string; message: string; name: string },
  );

describe('a refresh against a hostile token endpoint', () => {
  it('the lock outlives no refresh: its stale time is above the refresh deadline', () => {
    expect(TOKEN_LOCK_DEFAULTS.staleMs).toBeGreaterThan(2 * OAUTH_HTTP_TIMEOUT_MS);
  });

  it('a dripping answer fails at the deadline with the clear error and releases tokens.json.lock', async () => {
    const t = await setup();
    await t.loggedIn();
    t.expireLocally();
    const before = readFileSync(t.store.tokensPath('me'));
    // A 1000-byte answer, one byte a second: minutes, where the deadline is 400 ms. (A drip of
    // the normal answer would consume the refresh token on the server, and the next refresh fail.)
    t.mock.inject({
      match: REFRESH,
      action: 'drip',
      drip: { chunk_bytes: 1, interval_ms: 1000 },
      response: { status: 200, body_bytes: 1000 },
    });
    const error = await errorOf(t.resolver({ httpTimeoutMs: 400 }).getBrowserToken('me', 'us'));
    expect(error).toMatchObject({
      code: 'OAUTH_REFRESH_ERROR',
      message:
        "Token refresh request failed for account 'me': the request timed out after 400 ms. Retry, or run `mp account login me`.",
    });
    expect(existsSync(`${t.store.tokensPath('me')}.lock`)).toBe(false);
    expect(readFileSync(t.store.tokensPath('me'))).toEqual(before);
    // Another process takes the lock at once and refreshes.
    const next = await otherProcess(t.home, t.mock.origin);
    expect(next.code).toBe(0);
    expect(next.stdout).toBe(t.store.readTokens('me')!.accessToken.reveal());
    expect(t.store.readTokens('me')!.isExpired()).toBe(false);
  });

  it.each([
    ['a huge body', { status: 200, body_bytes: 50 * 1024 * 1024 }],
    ['a gzip bomb', { status: 200, body_bytes: 1024 ** 3, content_encoding: 'gzip' as const }],
  ])(
    '%s is stopped at the 1 MiB cap: OAUTH_REFRESH_ERROR, lock released',
    async (_name, response) => {
      const t = await setup();
      await t.loggedIn();
      t.expireLocally();
      t.mock.inject({ match: REFRESH, response });
      const error = await errorOf(t.resolver().getBrowserToken('me', 'us'));
      expect(error).toMatchObject({
        code: 'OAUTH_REFRESH_ERROR',
        message:
          "Token refresh request failed for account 'me': the response body is over the 1 MiB limit. Retry, or run `mp account login me`.",
      });
      expect(existsSync(`${t.store.tokensPath('me')}.lock`)).toBe(false);
      expect(await t.resolver().getBrowserToken('me', 'us')).toBe(
        t.store.readTokens('me')!.accessToken.reveal(),
      );
    },
  );
});

describe('a login against a hostile server', () => {
  it('a dripping registration answer is OAUTH_REGISTRATION_ERROR at the deadline', async () => {
    const t = await setup();
    t.mock.drip('/oauth/mcp/register/');
    const error = await errorOf(t.browserLogin({ httpTimeoutMs: 300 }));
    expect(error).toMatchObject({
      code: 'OAUTH_REGISTRATION_ERROR',
      message:
        'OAuth client registration failed: the request timed out after 300 ms. Check the network and retry.',
    });
  });

  it('a huge code-exchange answer is OAUTH_TOKEN_ERROR naming the cap', async () => {
    const t = await setup();
    t.mock.hugeBody('/oauth/token/', 2 * OAUTH_MAX_RESPONSE_BYTES);
    const error = await errorOf(t.browserLogin());
    expect(error).toMatchObject({
      code: 'OAUTH_TOKEN_ERROR',
      message:
        'Token exchange request failed: the response body is over the 1 MiB limit. Check the network and run the login again.',
    });
  });
});

describe('createHttp', () => {
  it('hands its callers the whole body, decoded, with no stale Content-Encoding', async () => {
    const t = await setup();
    t.mock.inject({
      match: { path: '/oauth/mcp/register/' },
      response: { status: 201, json: { client_id: 'c1' }, content_encoding: 'br' },
    });
    const http = await createHttp();
    const response = await http.post(`${t.mock.origin}/oauth/mcp/register/`, { json: {} });
    expect(response.status).toBe(201);
    expect(response.headers.get('content-encoding')).toBeNull();
    expect(await response.json()).toEqual({ client_id: 'c1' });
  });

  it("a cap of its own and a caller abort that stays the caller's", async () => {
    const t = await setup();
    t.mock.inject({ match: { path: '/x' }, response: { status: 200, text: 'x'.repeat(2000) } });
    const small = await createHttp({ maxResponseBytes: 1000 });
    await expect(small.get(`${t.mock.origin}/x`)).rejects.toMatchObject({
      name: 'ResponseTooLargeError',
      maxBytes: 1000,
      statusCode: 200,
    });
    t.mock.drip('/y');
    const controller = new AbortController();
    const pending = (await createHttp()).get(`${t.mock.origin}/y`, { signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });
});
