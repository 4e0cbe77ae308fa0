import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  authorizeRedirect,
  bearer,
  CALLBACK,
  get,
  login,
  pkcePair,
  postForm,
  postJson,
  prepareAuthorize,
  refreshForm,
  registrationBody,
} from '../test/helpers';
import { defaultFixture } from './fixture';
import { FULL_SCOPE } from './oauth-routes';
import { type MockMixpanel, startMockMixpanel } from './server';

let mock: MockMixpanel;

beforeEach(async () => {
  mock = await startMockMixpanel();
});

afterEach(async () => {
  await mock.close();
});

const registerUrl = () => `${mock.origin}/oauth/mcp/register/`;
const tokenUrl = () => `${mock.origin}/oauth/token/`;
const meStatus = async (token: string) =>
  (await get(`${mock.origin}/api/app/me`, { Authorization: bearer(token) })).status;

describe('POST /oauth/mcp/register/', () => {
  it('creates mock-client-<n> for every call and answers 201 with the RFC 7591 body', async () => {
    const first = await postJson(registerUrl(), registrationBody());
    expect(first.status).toBe(201);
    expect(first.headers.get('content-type')).toBe('application/json');
    expect(first.body).toEqual({
      client_id: 'mock-client-1',
      client_id_issued_at: expect.any(Number),
      redirect_uris: [CALLBACK],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
      scope: '',
    });
    const issuedAt = (first.body as { client_id_issued_at: number }).client_id_issued_at;
    expect(Math.abs(issuedAt - Date.now() / 1000)).toBeLessThan(5);
    const second = await postJson(registerUrl(), registrationBody());
    expect((second.body as { client_id: string }).client_id).toBe('mock-client-2');
    expect(mock.countRequests({ path: '/oauth/mcp/register/' })).toBe(2);
  });

  it('answers 200 when registration_status is 200', async () => {
    mock.configure({ registration_status: 200 });
    const response = await postJson(registerUrl(), registrationBody());
    expect(response.status).toBe(200);
    expect((response.body as { client_id: string }).client_id).toBe('mock-client-1');
  });

  it('accepts 127.0.0.1 redirect URIs with any port and path', async () => {
    const response = await postJson(
      registerUrl(),
      registrationBody({ redirect_uris: ['http://127.0.0.1:1/a/b', 'http://localhost/x'] }),
    );
    expect(response.status).toBe(201);
  });

  it('rejects a body that is not application/json with invalid_client_metadata', async () => {
    const response = await fetch(registerUrl(), {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain' },
      body: JSON.stringify(registrationBody()),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_client_metadata' });
  });

  it('rejects malformed JSON with invalid_client_metadata', async () => {
    const response = await postJson(registerUrl(), '{"redirect_uris": [');
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: 'invalid_client_metadata' });
  });

  it.each([
    ['missing', undefined],
    ['empty', []],
    ['not strings', [42]],
    ['https', ['https://localhost:19284/callback']],
    ['another host', ['http://example.com:19284/callback']],
    ['::1', ['http://[::1]:19284/callback']],
    ['not a URL', ['localhost:19284']],
    ['one bad among good', [CALLBACK, 'http://evil.example/cb']],
  ])('rejects redirect_uris that are %s with invalid_redirect_uri', async (_name, uris) => {
    const response = await postJson(registerUrl(), registrationBody({ redirect_uris: uris }));
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({
      error: 'invalid_redirect_uri',
      error_description: expect.any(String),
    });
    expect(mock.countRequests()).toBe(1);
  });

  it.each([
    [
      'token_endpoint_auth_method client_secret_basic',
      { token_endpoint_auth_method: 'client_secret_basic' },
    ],
    ['a missing token_endpoint_auth_method', { token_endpoint_auth_method: undefined }],
    ['grant_types without authorization_code', { grant_types: ['refresh_token'] }],
    ['a missing grant_types', { grant_types: undefined }],
    ['response_types ["token"]', { response_types: ['token'] }],
    ['response_types ["code", "token"]', { response_types: ['code', 'token'] }],
    ['a non-string scope', { scope: 7 }],
  ])('rejects %s with invalid_client_metadata', async (_name, overrides) => {
    const response = await postJson(registerUrl(), registrationBody(overrides));
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: 'invalid_client_metadata' });
  });

  it('records the requested scope without enforcing it', async () => {
    await postJson(registerUrl(), registrationBody({ scope: 'anything goes' }));
    const state = (await get(`${mock.origin}/__mock/state`)).body as {
      clients: Array<{ scope: string }>;
    };
    expect(state.clients[0]!.scope).toBe('anything goes');
  });
});

describe('GET /oauth/authorize/', () => {
  it('auto-approves: 302 to the redirect URI with a 32-character code and the state', async () => {
    const setup = await prepareAuthorize(mock, { scope: 'ignored scope' });
    const location = await authorizeRedirect(setup.url);
    expect(`${location.origin}${location.pathname}`).toBe(CALLBACK);
    expect([...location.searchParams.keys()]).toEqual(['code', 'state']);
    expect(location.searchParams.get('code')).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(location.searchParams.get('state')).toBe(setup.state);
  });

  it('omits state from the redirect when the request had none', async () => {
    const setup = await prepareAuthorize(mock, { state: undefined });
    const location = await authorizeRedirect(setup.url);
    expect(location.searchParams.has('state')).toBe(false);
    expect(location.searchParams.get('code')).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });

  it('answers 400 HTML without a redirect for an unknown client', async () => {
    const setup = await prepareAuthorize(mock, { client_id: 'mock-client-99' });
    const response = await get(setup.url);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('location')).toBeNull();
    expect(response.text).toContain('unknown client');
  });

  it('answers 400 HTML for a redirect_uri that was not registered', async () => {
    const setup = await prepareAuthorize(mock, { redirect_uri: 'http://localhost:19285/callback' });
    const response = await get(setup.url);
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    expect(response.text).toContain('redirect_uri not registered');
  });

  it('allows any loopback redirect_uri when strict_redirect_uri is false, but nothing else', async () => {
    mock.configure({ strict_redirect_uri: false });
    const loose = await prepareAuthorize(mock, { redirect_uri: 'http://127.0.0.1:40000/other' });
    const location = await authorizeRedirect(loose.url);
    expect(location.host).toBe('127.0.0.1:40000');
    const evil = await prepareAuthorize(mock, { redirect_uri: 'http://evil.example:80/cb' });
    expect((await get(evil.url)).status).toBe(400);
    // "http://localhost:<port>/…": a loopback URI without a port is not one of them.
    const portless = await prepareAuthorize(mock, { redirect_uri: 'http://localhost/other' });
    expect((await get(portless.url)).status).toBe(400);
  });

  it('redirects unsupported_response_type with the original state', async () => {
    const setup = await prepareAuthorize(mock, { response_type: 'token' });
    const location = await authorizeRedirect(setup.url);
    expect(location.searchParams.get('error')).toBe('unsupported_response_type');
    expect(location.searchParams.get('error_description')).toBeTruthy();
    expect(location.searchParams.get('state')).toBe(setup.state);
    expect(location.searchParams.has('code')).toBe(false);
  });

  it.each([
    ['code_challenge_method plain', { code_challenge_method: 'plain' }],
    ['no code_challenge_method', { code_challenge_method: undefined }],
    ['no code_challenge', { code_challenge: undefined }],
    ['a 42-character challenge', { code_challenge: 'a'.repeat(42) }],
    ['a challenge with padding', { code_challenge: `${'a'.repeat(42)}=` }],
  ])('redirects invalid_request "PKCE with S256 is required" for %s', async (_name, overrides) => {
    const setup = await prepareAuthorize(mock, overrides);
    const location = await authorizeRedirect(setup.url);
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('error_description')).toBe('PKCE with S256 is required');
    expect(location.searchParams.get('state')).toBe(setup.state);
  });

  it('approval deny redirects access_denied', async () => {
    mock.configure({ approval: 'deny' });
    const setup = await prepareAuthorize(mock);
    const response = await fetch(setup.url, { redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe(
      `${CALLBACK}?error=access_denied&error_description=The+user+denied+access&state=${setup.state}`,
    );
  });

  it('approval wrong_state issues a code with state tampered-<state>', async () => {
    mock.configure({ approval: 'wrong_state' });
    const setup = await prepareAuthorize(mock);
    const location = await authorizeRedirect(setup.url);
    expect(location.searchParams.get('state')).toBe(`tampered-${setup.state}`);
    expect(location.searchParams.get('code')).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });

  it('approval missing_code redirects with the state only', async () => {
    mock.configure({ approval: 'missing_code' });
    const setup = await prepareAuthorize(mock);
    const location = await authorizeRedirect(setup.url);
    expect([...location.searchParams.entries()]).toEqual([['state', setup.state]]);
  });

  it('approval error_html redirects server_error with a script tag as description', async () => {
    mock.configure({ approval: 'error_html' });
    const setup = await prepareAuthorize(mock);
    const location = await authorizeRedirect(setup.url);
    expect(location.searchParams.get('error')).toBe('server_error');
    expect(location.searchParams.get('error_description')).toBe('<script>alert(1)</script>');
    expect(location.searchParams.get('state')).toBe(setup.state);
  });

  it('approval hang never answers; the request is logged with status null', async () => {
    mock.configure({ approval: 'hang' });
    const setup = await prepareAuthorize(mock);
    const outcome = await fetch(setup.url, {
      redirect: 'manual',
      signal: AbortSignal.timeout(300),
    }).then(
      () => 'answered',
      (error: Error) => error.name,
    );
    expect(outcome).toBe('TimeoutError');
    const [record] = mock.requests({ path: '/oauth/authorize/' });
    expect(record?.status).toBeNull();
  });

  it('issues codes for approve_as_user_id', async () => {
    const fixture = defaultFixture();
    fixture.users.push({ id: 7, email: 'bob@example.com', name: 'Bob', project_ids: ['3018488'] });
    await mock.close();
    mock = await startMockMixpanel({ fixture, config: { approve_as_user_id: 7 } });
    const { accessToken } = await login(mock);
    const me = await get(`${mock.origin}/api/app/me`, { Authorization: bearer(accessToken) });
    expect(me.body).toMatchObject({ results: { user_id: 7, user_email: 'bob@example.com' } });
    expect(mock.tokens.list().every((token) => token.userId === 7)).toBe(true);
  });
});

describe('approval form and POST /oauth/authorize/decision', () => {
  beforeEach(() => {
    mock.configure({ approval: 'form' });
  });

  async function consent(): Promise<{
    requestId: string;
    html: string;
    setup: Awaited<ReturnType<typeof prepareAuthorize>>;
  }> {
    const setup = await prepareAuthorize(mock);
    const page = await get(setup.url);
    expect(page.status).toBe(200);
    const requestId = /name="request_id" value="([^"]+)"/.exec(page.text)?.[1];
    expect(requestId).toBeDefined();
    return { requestId: requestId!, html: page.text, setup };
  }

  it('serves an HTML consent page with the app name, the email and Approve/Deny buttons', async () => {
    const { html } = await consent();
    expect(html).toContain('mixpanel-data');
    expect(html).toContain('alice@example.com');
    expect(html).toMatch(/<form method="post" action="\/oauth\/authorize\/decision">/);
    expect(html).toMatch(/<button[^>]*name="decision" value="approve"[^>]*>Approve<\/button>/);
    expect(html).toMatch(/<button[^>]*name="decision" value="deny"[^>]*>Deny<\/button>/);
  });

  it('approve redirects with a code that the token endpoint accepts', async () => {
    const { requestId, setup } = await consent();
    const decision = await postForm(`${mock.origin}/oauth/authorize/decision`, {
      request_id: requestId,
      decision: 'approve',
    });
    expect(decision.status).toBe(302);
    const location = new URL(decision.headers.get('location')!);
    expect(location.searchParams.get('state')).toBe(setup.state);
    const token = await postForm(tokenUrl(), {
      grant_type: 'authorization_code',
      code: location.searchParams.get('code')!,
      redirect_uri: setup.redirectUri,
      client_id: setup.clientId,
      code_verifier: setup.verifier,
    });
    expect(token.status).toBe(200);
  });

  it('deny redirects access_denied', async () => {
    const { requestId, setup } = await consent();
    const decision = await postForm(`${mock.origin}/oauth/authorize/decision`, {
      request_id: requestId,
      decision: 'deny',
    });
    expect(decision.headers.get('location')).toBe(
      `${CALLBACK}?error=access_denied&error_description=The+user+denied+access&state=${setup.state}`,
    );
  });

  it('refuses a second decision, an unknown request and an unknown decision', async () => {
    const { requestId } = await consent();
    const url = `${mock.origin}/oauth/authorize/decision`;
    expect((await postForm(url, { request_id: requestId, decision: 'maybe' })).status).toBe(400);
    expect((await postForm(url, { request_id: requestId, decision: 'approve' })).status).toBe(302);
    const again = await postForm(url, { request_id: requestId, decision: 'approve' });
    expect(again.status).toBe(400);
    expect(again.text).toContain('unknown or already answered');
    expect((await postForm(url, { request_id: 'nope', decision: 'approve' })).status).toBe(400);
    const json = await postJson(url, { request_id: requestId });
    expect(json.status).toBe(400);
  });
});

describe('POST /oauth/token/ grant_type=authorization_code', () => {
  async function codeFor(setup: Awaited<ReturnType<typeof prepareAuthorize>>): Promise<string> {
    return (await authorizeRedirect(setup.url)).searchParams.get('code')!;
  }

  function exchange(
    setup: Awaited<ReturnType<typeof prepareAuthorize>>,
    code: string,
    overrides = {},
  ) {
    return postForm(tokenUrl(), {
      grant_type: 'authorization_code',
      code,
      redirect_uri: setup.redirectUri,
      client_id: setup.clientId,
      code_verifier: setup.verifier,
      ...overrides,
    });
  }

  it('issues tokens with no-store headers and the documented body', async () => {
    const setup = await prepareAuthorize(mock);
    const response = await fetch(tokenUrl(), {
      method: 'POST',
      // public client: an Authorization header is ignored
      headers: { Authorization: 'Basic bm9wZTpub3Bl' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: await codeFor(setup),
        redirect_uri: setup.redirectUri,
        client_id: setup.clientId,
        code_verifier: setup.verifier,
      }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('pragma')).toBe('no-cache');
    expect(response.headers.get('content-type')).toBe('application/json');
    const body = (await response.json()) as { access_token: string };
    expect(body).toEqual({
      access_token: expect.stringMatching(/^mock-at-1-[A-Za-z0-9_-]+$/),
      token_type: 'Bearer',
      expires_in: 3600,
      scope: FULL_SCOPE,
      refresh_token: expect.stringMatching(/^mock-rt-1-[A-Za-z0-9_-]+$/),
    });
    expect(await meStatus(body.access_token)).toBe(200);
  });

  it('verifies PKCE for real: the S256 challenge of the verifier must match', async () => {
    const setup = await prepareAuthorize(mock);
    const code = await codeFor(setup);
    const wrong = await exchange(setup, code, { code_verifier: pkcePair().verifier });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toEqual({
      error: 'invalid_grant',
      error_description: 'PKCE verification failed',
    });
    // the code survives a failed verification; the right verifier still works
    expect((await exchange(setup, code)).status).toBe(200);
  });

  it('rejects a verifier outside [A-Za-z0-9._~-]{43,128} even when its hash matches', async () => {
    for (const verifier of ['a'.repeat(42), `${'a'.repeat(50)}+`, 'a'.repeat(129)]) {
      const challenge = createHash('sha256').update(verifier, 'ascii').digest('base64url');
      const setup = await prepareAuthorize(mock, { code_challenge: challenge });
      const response = await exchange(setup, await codeFor(setup), { code_verifier: verifier });
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ error_description: 'PKCE verification failed' });
    }
  });

  it('accepts a 43-character verifier with the unreserved punctuation', async () => {
    const verifier = `${'A'.repeat(39)}._~-`;
    const challenge = createHash('sha256').update(verifier, 'ascii').digest('base64url');
    const setup = await prepareAuthorize(mock, { code_challenge: challenge });
    expect((await exchange(setup, await codeFor(setup), { code_verifier: verifier })).status).toBe(
      200,
    );
  });

  it.each(['code', 'redirect_uri', 'client_id', 'code_verifier'])(
    'answers 400 invalid_request when %s is missing',
    async (field) => {
      const setup = await prepareAuthorize(mock);
      const response = await exchange(setup, await codeFor(setup), { [field]: '' });
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ error: 'invalid_request' });
    },
  );

  it('answers 401 invalid_client for an unregistered client_id', async () => {
    const setup = await prepareAuthorize(mock);
    const response = await exchange(setup, await codeFor(setup), { client_id: 'mock-client-42' });
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ error: 'invalid_client' });
  });

  it('answers invalid_grant for an unknown code', async () => {
    const setup = await prepareAuthorize(mock);
    const response = await exchange(setup, 'x'.repeat(32));
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: 'invalid_grant' });
  });

  it('answers invalid_grant for a code past code_ttl_seconds on the mock clock', async () => {
    mock.configure({ code_ttl_seconds: 60 });
    const setup = await prepareAuthorize(mock);
    const code = await codeFor(setup);
    mock.clock.advance(61);
    const response = await exchange(setup, code);
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: 'invalid_grant' });
  });

  it('answers invalid_grant when the code belongs to another client', async () => {
    const setup = await prepareAuthorize(mock);
    const other = await prepareAuthorize(mock);
    const response = await exchange(setup, await codeFor(setup), { client_id: other.clientId });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: 'invalid_grant' });
  });

  it('answers invalid_grant when redirect_uri differs from the authorize request', async () => {
    const setup = await prepareAuthorize(mock);
    const response = await exchange(setup, await codeFor(setup), {
      redirect_uri: 'http://localhost:19284/callback/',
    });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: 'invalid_grant' });
  });

  it('a second use of a code fails and revokes the tokens issued from it', async () => {
    const setup = await prepareAuthorize(mock);
    const code = await codeFor(setup);
    const first = await exchange(setup, code);
    const { access_token: accessToken, refresh_token: refreshToken } = first.body as Record<
      string,
      string
    >;
    expect(await meStatus(accessToken!)).toBe(200);
    const second = await exchange(setup, code);
    expect(second.status).toBe(400);
    expect(second.body).toMatchObject({ error: 'invalid_grant' });
    expect(await meStatus(accessToken!)).toBe(401);
    const refresh = await postForm(tokenUrl(), refreshForm(setup.clientId, refreshToken!));
    expect(refresh.body).toMatchObject({ error: 'invalid_grant' });
  });

  it('uses access_token_ttl_seconds for expires_in and the mock clock for expiry', async () => {
    mock.configure({ access_token_ttl_seconds: 20 });
    const setup = await prepareAuthorize(mock);
    const response = await exchange(setup, await codeFor(setup));
    const body = response.body as { access_token: string; expires_in: number };
    expect(body.expires_in).toBe(20);
    expect(await meStatus(body.access_token)).toBe(200);
    mock.clock.advance(21);
    expect(await meStatus(body.access_token)).toBe(401);
  });
});

describe('POST /oauth/token/ grant_type=refresh_token', () => {
  it('rotates by default: a new refresh token, and the presented one stops working', async () => {
    const session = await login(mock);
    const response = await postForm(
      tokenUrl(),
      refreshForm(session.clientId, session.refreshToken),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = response.body as Record<string, string>;
    expect(body.access_token).toMatch(/^mock-at-2-/);
    expect(body.refresh_token).toMatch(/^mock-rt-2-/);
    expect(await meStatus(body.access_token!)).toBe(200);
    const listed = mock.tokens.list().find((token) => token.token === session.refreshToken);
    expect(listed).toMatchObject({ type: 'refresh', rotated: true, revoked: false });
  });

  it('reuse of a rotated refresh token answers invalid_grant and revokes the whole family', async () => {
    const session = await login(mock);
    const rotated = (
      await postForm(tokenUrl(), refreshForm(session.clientId, session.refreshToken))
    ).body as Record<string, string>;
    const reuse = await postForm(tokenUrl(), refreshForm(session.clientId, session.refreshToken));
    expect(reuse.status).toBe(400);
    expect(reuse.body).toMatchObject({ error: 'invalid_grant' });
    expect(await meStatus(session.accessToken)).toBe(401);
    expect(await meStatus(rotated.access_token!)).toBe(401);
    const next = await postForm(tokenUrl(), refreshForm(session.clientId, rotated.refresh_token!));
    expect(next.body).toMatchObject({ error: 'invalid_grant' });
    expect(mock.tokens.list().every((token) => token.revoked)).toBe(true);
  });

  it('reuse without revoke_family_on_reuse fails but leaves the family alive', async () => {
    mock.configure({ revoke_family_on_reuse: false });
    const session = await login(mock);
    const rotated = (
      await postForm(tokenUrl(), refreshForm(session.clientId, session.refreshToken))
    ).body as Record<string, string>;
    const reuse = await postForm(tokenUrl(), refreshForm(session.clientId, session.refreshToken));
    expect(reuse.body).toMatchObject({ error: 'invalid_grant' });
    expect(await meStatus(rotated.access_token!)).toBe(200);
  });

  it('does not rotate when rotate_refresh_tokens is false', async () => {
    mock.configure({ rotate_refresh_tokens: false });
    const session = await login(mock);
    for (let round = 0; round < 2; round += 1) {
      const response = await postForm(
        tokenUrl(),
        refreshForm(session.clientId, session.refreshToken),
      );
      expect(response.status).toBe(200);
      expect((response.body as Record<string, string>).refresh_token).toBe(session.refreshToken);
    }
  });

  it('omits refresh_token with omit_refresh_token_on_refresh and keeps the presented one valid', async () => {
    mock.configure({ omit_refresh_token_on_refresh: true });
    const session = await login(mock);
    const first = await postForm(tokenUrl(), refreshForm(session.clientId, session.refreshToken));
    expect(first.status).toBe(200);
    expect(first.body).not.toHaveProperty('refresh_token');
    const second = await postForm(tokenUrl(), refreshForm(session.clientId, session.refreshToken));
    expect(second.status).toBe(200);
  });

  it('answers invalid_grant with invalid_grant_status (400 by default, 401 when set)', async () => {
    const session = await login(mock);
    const unknown = await postForm(tokenUrl(), refreshForm(session.clientId, 'mock-rt-9-nope'));
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ error: 'invalid_grant' });
    mock.configure({ invalid_grant_status: 401 });
    const again = await postForm(tokenUrl(), refreshForm(session.clientId, 'mock-rt-9-nope'));
    expect(again.status).toBe(401);
    expect(again.body).toMatchObject({ error: 'invalid_grant' });
  });

  it('answers invalid_grant for a revoked refresh token and for another client', async () => {
    const session = await login(mock);
    const other = await prepareAuthorize(mock);
    const wrongClient = await postForm(
      tokenUrl(),
      refreshForm(other.clientId, session.refreshToken),
    );
    expect(wrongClient.body).toMatchObject({ error: 'invalid_grant' });
    expect(mock.tokens.revoke({ refreshToken: session.refreshToken })).toBe(1);
    const revoked = await postForm(tokenUrl(), refreshForm(session.clientId, session.refreshToken));
    expect(revoked.status).toBe(400);
    expect(revoked.body).toMatchObject({ error: 'invalid_grant' });
  });

  it('answers 401 invalid_client for an unknown client and invalid_request for a missing field', async () => {
    const session = await login(mock);
    const unknownClient = await postForm(
      tokenUrl(),
      refreshForm('mock-client-77', session.refreshToken),
    );
    expect(unknownClient.status).toBe(401);
    expect(unknownClient.body).toMatchObject({ error: 'invalid_client' });
    const missing = await postForm(tokenUrl(), {
      grant_type: 'refresh_token',
      client_id: session.clientId,
    });
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ error: 'invalid_request' });
    const noClient = await postForm(tokenUrl(), {
      grant_type: 'refresh_token',
      refresh_token: session.refreshToken,
    });
    expect(noClient.body).toMatchObject({ error: 'invalid_request' });
  });
});

describe('POST /oauth/token/ request checks', () => {
  it('requires a form body', async () => {
    const response = await postJson(tokenUrl(), { grant_type: 'refresh_token' });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: 'invalid_request' });
  });

  it('answers unsupported_grant_type for another grant and invalid_request for none', async () => {
    const password = await postForm(tokenUrl(), { grant_type: 'password' });
    expect(password.status).toBe(400);
    expect(password.body).toMatchObject({ error: 'unsupported_grant_type' });
    const none = await postForm(tokenUrl(), { client_id: 'x' });
    expect(none.body).toMatchObject({ error: 'invalid_request' });
  });

  it('matches the path exactly: /oauth/token without the slash is a 404', async () => {
    const response = await postForm(`${mock.origin}/oauth/token`, { grant_type: 'refresh_token' });
    expect(response.status).toBe(404);
    expect(response.body).toEqual({
      status: 'error',
      error: 'mock: no route for POST /oauth/token',
    });
  });
});

describe('token_response knobs', () => {
  async function refreshed(): Promise<Awaited<ReturnType<typeof postForm>>> {
    const session = await login(mock);
    return postForm(tokenUrl(), refreshForm(session.clientId, session.refreshToken));
  }

  it('expires_in_format string and float', async () => {
    mock.configure({ token_response: { expires_in_format: 'string' } });
    expect((await refreshed()).body).toMatchObject({ expires_in: '3600' });
    mock.configure({ token_response: { expires_in_format: 'float' } });
    const float = await refreshed();
    expect((float.body as { expires_in: unknown }).expires_in).toBe(3600.5);
    expect(float.text).toContain('"expires_in":3600.5');
  });

  it('omit_fields removes members from both grants', async () => {
    mock.configure({ token_response: { omit_fields: ['token_type', 'access_token'] } });
    const setup = await prepareAuthorize(mock);
    const code = (await authorizeRedirect(setup.url)).searchParams.get('code')!;
    const exchange = await postForm(tokenUrl(), {
      grant_type: 'authorization_code',
      code,
      redirect_uri: setup.redirectUri,
      client_id: setup.clientId,
      code_verifier: setup.verifier,
    });
    expect(Object.keys(exchange.body as object).sort()).toEqual([
      'expires_in',
      'refresh_token',
      'scope',
    ]);
  });

  it('non_json answers 200 with an HTML body', async () => {
    mock.configure({ token_response: { non_json: true } });
    const setup = await prepareAuthorize(mock);
    const code = (await authorizeRedirect(setup.url)).searchParams.get('code')!;
    const response = await postForm(tokenUrl(), {
      grant_type: 'authorization_code',
      code,
      redirect_uri: setup.redirectUri,
      client_id: setup.clientId,
      code_verifier: setup.verifier,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(() => JSON.parse(response.text)).toThrow();
  });

  it('status forces the status of a successful response', async () => {
    const session = await login(mock);
    mock.configure({ token_response: { status: 201 } });
    const created = await postForm(tokenUrl(), refreshForm(session.clientId, session.refreshToken));
    expect(created.status).toBe(201);
    expect(created.body).toHaveProperty('access_token');
    mock.configure({ token_response: { status: 500 } });
    const refreshToken = (created.body as Record<string, string>).refresh_token!;
    expect((await postForm(tokenUrl(), refreshForm(session.clientId, refreshToken))).status).toBe(
      500,
    );
  });
});
