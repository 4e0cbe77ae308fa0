import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bearer, get, login, postForm, refreshForm } from '../test/helpers';
import { type MockMixpanel, startMockMixpanel } from './server';

let mock: MockMixpanel;

beforeEach(async () => {
  mock = await startMockMixpanel();
});

afterEach(async () => {
  await mock.close();
});

const meStatus = async (token: string) =>
  (await get(`${mock.origin}/api/app/me`, { Authorization: bearer(token) })).status;

describe('mock.clock', () => {
  it('starts at offset 0; advance moves only the mock clock used for token expiry', async () => {
    expect(mock.clock.offsetSeconds).toBe(0);
    const session = await login(mock);
    mock.clock.advance(3599);
    expect(await meStatus(session.accessToken)).toBe(200);
    mock.clock.advance(1);
    expect(mock.clock.offsetSeconds).toBe(3600);
    expect(await meStatus(session.accessToken)).toBe(401);
    // the refresh token does not expire
    const refreshed = await postForm(
      `${mock.origin}/oauth/token/`,
      refreshForm(session.clientId, session.refreshToken),
    );
    expect(refreshed.status).toBe(200);
  });

  it('offsetSeconds can be set directly, and a negative offset un-expires', async () => {
    const session = await login(mock);
    mock.clock.offsetSeconds = 7200;
    expect(await meStatus(session.accessToken)).toBe(401);
    mock.clock.offsetSeconds = 0;
    expect(await meStatus(session.accessToken)).toBe(200);
    expect(() => mock.clock.advance(Number.NaN)).toThrow(/finite number/);
  });
});

describe('mock.tokens', () => {
  it('list() reports issued tokens with user, client, expiry and flags', async () => {
    const session = await login(mock);
    const [access, refresh] = mock.tokens.list();
    expect(access).toEqual({
      type: 'access',
      token: session.accessToken,
      userId: 42,
      clientId: session.clientId,
      family: 1,
      issuedAt: expect.any(String),
      expiresAt: expect.any(String),
      expired: false,
      revoked: false,
      rotated: false,
    });
    expect(Date.parse(access!.expiresAt!) - Date.parse(access!.issuedAt)).toBe(3_600_000);
    expect(refresh).toMatchObject({
      type: 'refresh',
      token: session.refreshToken,
      expiresAt: null,
      rotated: false,
    });
  });

  it('expire(token) makes one access token fail with 401 from now on; expire("all") every one', async () => {
    const first = await login(mock);
    const second = await login(mock);
    expect(mock.tokens.expire(first.accessToken)).toBe(1);
    expect(await meStatus(first.accessToken)).toBe(401);
    expect(await meStatus(second.accessToken)).toBe(200);
    expect(mock.tokens.expire('all')).toBe(2); // the second login's token and the fixture's static token
    expect(await meStatus(second.accessToken)).toBe(401);
    expect(mock.tokens.list().filter((token) => token.expired)).toHaveLength(2);
    expect(mock.tokens.expire('unknown')).toBe(0);
  });

  it('expire works on fixture static tokens too, by value and with "all", until reset', async () => {
    expect(await meStatus('static-token-abc')).toBe(200);
    expect(mock.tokens.expire('static-token-abc')).toBe(1);
    expect(await meStatus('static-token-abc')).toBe(401);
    mock.reset();
    expect(await meStatus('static-token-abc')).toBe(200);
    const session = await login(mock);
    expect(mock.tokens.expire('all')).toBeGreaterThanOrEqual(2);
    expect(await meStatus('static-token-abc')).toBe(401);
    expect(await meStatus(session.accessToken)).toBe(401);
  });

  it('revoke works by access token, refresh token, user id and all, static tokens included', async () => {
    const session = await login(mock);
    expect(mock.tokens.revoke({ accessToken: session.accessToken })).toBe(1);
    expect(await meStatus(session.accessToken)).toBe(401);
    expect(mock.tokens.revoke({ refreshToken: session.refreshToken })).toBe(1);
    const refresh = await postForm(
      `${mock.origin}/oauth/token/`,
      refreshForm(session.clientId, session.refreshToken),
    );
    expect(refresh.body).toMatchObject({ error: 'invalid_grant' });

    expect(mock.tokens.revoke({ accessToken: 'static-token-abc' })).toBe(1);
    expect(await meStatus('static-token-abc')).toBe(401);

    mock.reset();
    const other = await login(mock);
    expect(mock.tokens.revoke({ userId: 42 })).toBe(3);
    expect(await meStatus(other.accessToken)).toBe(401);
    expect(await meStatus('static-token-abc')).toBe(401);

    mock.reset();
    await login(mock);
    expect(mock.tokens.revoke({ all: true })).toBe(3);
    expect(mock.tokens.list().every((token) => token.revoked)).toBe(true);
    expect(mock.tokens.revoke({ userId: 999 })).toBe(0);
  });
});
