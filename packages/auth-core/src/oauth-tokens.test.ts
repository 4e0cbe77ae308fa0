import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { OAuthError, ValidationError } from './errors';
import {
  checkTokensRecord,
  formatTimestamp,
  OAuthTokens,
  parseClientRecord,
  parseTimestamp,
  parseTokensFile,
  TOKEN_EXPIRY_MARGIN_MS,
} from './oauth-tokens';

const now = Date.UTC(2026, 4, 1, 10, 0, 0);
const tokens = (secondsLeft: number, refresh?: string) =>
  new OAuthTokens({
    accessToken: 'at-secret',
    refreshToken: refresh,
    expiresAt: new Date(now + secondsLeft * 1000),
    scope: 'read',
    tokenType: 'Bearer',
  });

describe('timestamps', () => {
  it.each([
    ['2026-05-01T10:00:00Z', now],
    ['2026-05-01T10:00:00+00:00', now],
    ['2026-05-01T12:00:00+02:00', now],
    ['2026-05-01T05:30:00-04:30', now],
    ['2026-05-01T10:00:00.123000+00:00', now + 123],
    ['2026-05-01T10:00:00.5Z', now + 500],
    ['2026-05-01T10:00:00.123456Z', now + 123],
  ])('parses %s', (text, expected) => {
    expect(parseTimestamp(text)?.getTime()).toBe(expected);
  });

  it.each([
    '2026-05-01T10:00:00',
    '2026-05-01',
    '2026-02-30T10:00:00Z',
    '2026-05-01T25:00:00Z',
    '2026-05-01T10:00:60Z',
    '2026-05-01T10:00:00+99:00',
    '2026-05-01T10:00:00+05:60',
    'soon',
    '',
    5,
  ])('rejects %j (naive or impossible)', (text) => {
    expect(parseTimestamp(text)).toBeNull();
  });

  it('writes the reference form with six fraction digits and +00:00', () => {
    expect(formatTimestamp(new Date(now + 123))).toBe('2026-05-01T10:00:00.123000+00:00');
    expect(parseTimestamp(formatTimestamp(new Date(now + 7)))?.getTime()).toBe(now + 7);
  });
});

describe('OAuthTokens', () => {
  it.each([
    [{ accessToken: undefined }, 'OAuthTokens.accessToken must be a non-empty string or Secret.'],
    [{ accessToken: '' }, 'OAuthTokens.accessToken must be a non-empty string or Secret.'],
    [{ refreshToken: 5 }, 'OAuthTokens.refreshToken must be a string, a Secret or absent.'],
    [{ scope: undefined }, 'OAuthTokens.scope must be a string.'],
    [{ tokenType: null }, 'OAuthTokens.tokenType must be a string.'],
    [{ expiresAt: new Date(Number.NaN) }, 'OAuthTokens.expiresAt must be a valid Date.'],
  ])('rejects a missing or wrongly typed field (%j)', (patch, message) => {
    const init = {
      accessToken: 'a',
      expiresAt: new Date(now),
      scope: 'read',
      tokenType: 'Bearer',
      ...patch,
    };
    expect(() => new OAuthTokens(init as never)).toThrow(ValidationError);
    expect(() => new OAuthTokens(init as never)).toThrow(message);
  });

  it('treats the 30 s margin inclusively', () => {
    expect(TOKEN_EXPIRY_MARGIN_MS).toBe(30_000);
    expect(tokens(31).isExpired(now)).toBe(false);
    expect(tokens(30).isExpired(now)).toBe(true);
    expect(tokens(10).isExpired(now)).toBe(true);
    expect(tokens(-5).isExpired(now)).toBe(true);
    expect(tokens(31).isExpired(new Date(now))).toBe(false);
  });

  it('builds expiry from expires_in, fractions included', () => {
    const built = OAuthTokens.fromResponse({ access_token: 'a', expires_in: 3600.5 }, now);
    expect(built.expiresAt.getTime()).toBe(now + 3_600_500);
    expect(built.scope).toBe('');
    expect(built.tokenType).toBe('Bearer');
    expect(built.refreshToken).toBeUndefined();
    expect('refreshToken' in built).toBe(false);
  });

  it('writes refresh_token only when there is one, in the reference key order', () => {
    expect(Object.keys(tokens(100).toRecord())).toEqual([
      'access_token',
      'expires_at',
      'token_type',
      'scope',
    ]);
    expect(Object.keys(tokens(100, 'rt').toRecord())).toEqual([
      'access_token',
      'expires_at',
      'token_type',
      'scope',
      'refresh_token',
    ]);
  });

  it('redacts in JSON and inspect', () => {
    const t = tokens(100, 'rt-secret');
    for (const text of [JSON.stringify(t), inspect(t, { depth: 5 }), String(t.accessToken)]) {
      expect(text).not.toMatch(/at-secret|rt-secret/);
    }
  });

  it('copies with changes and compares by value', () => {
    const t = tokens(100, 'rt');
    const kept = t.with({ accessToken: 'new' });
    expect(kept.refreshToken?.reveal()).toBe('rt');
    expect(kept.accessToken.reveal()).toBe('new');
    expect(t.equals(tokens(100, 'rt'))).toBe(true);
    expect(t.equals(kept)).toBe(false);
  });
});

describe('tokens.json', () => {
  const file = (record: Record<string, unknown>) => JSON.stringify(record);
  const good = {
    access_token: 'a',
    expires_at: '2026-05-01T10:00:00Z',
    token_type: 'Bearer',
    scope: '',
  };

  it('reads the reference format, ignoring unknown keys', () => {
    const t = parseTokensFile(
      file({ ...good, project_id: '1', refresh_token: 'r' }),
      'me',
      '/x/tokens.json',
    );
    expect(t.refreshToken?.reveal()).toBe('r');
    expect(t.scope).toBe('');
  });

  it.each([
    ['not JSON', '{', 'not valid JSON'],
    ['missing scope', file({ ...good, scope: undefined }), 'Field required (`scope`)'],
    ['naive expires_at', file({ ...good, expires_at: '2026-05-01T10:00:00' }), 'time zone'],
    ['wrong type', file({ ...good, access_token: 5 }), 'valid string'],
    [
      'an access token with a CR',
      file({ ...good, access_token: 'at-NOT-SHOWN\rX: 1' }),
      'Input should hold only characters allowed in an HTTP header (`access_token`)',
    ],
  ])('rejects %s with OAUTH_TOKEN_ERROR naming the fix', (_label, text, problem) => {
    try {
      parseTokensFile(text, 'me', '/x/tokens.json');
      expect.unreachable();
    } catch (error) {
      expect(OAuthError.isInstance(error)).toBe(true);
      const e = error as OAuthError;
      expect(e.code).toBe('OAUTH_TOKEN_ERROR');
      expect(e.message).toContain('mp account login me');
      expect(e.message).toContain("account 'me' in /x/tokens.json");
      expect(e.message).toContain(problem);
      expect(e.message + JSON.stringify(e.details)).not.toContain('NOT-SHOWN');
      expect(e.details).toMatchObject({ account_name: 'me', path: '/x/tokens.json' });
    }
  });

  it('never echoes a token value in a parse problem', () => {
    const outcome = checkTokensRecord({
      ...good,
      access_token: 'leak-ABC',
      expires_at: 'leak-ABC',
    });
    expect(JSON.stringify(outcome)).not.toContain('leak-ABC');
  });
});

describe('client record', () => {
  const record = {
    client_id: 'c1',
    region: 'us',
    redirect_uri: 'http://localhost:19284/callback',
    scope: 'projects',
    created_at: '2026-04-21T12:00:00.123456Z',
  };
  it('reads all five keys and keeps oauth_base_url', () => {
    expect(parseClientRecord({ ...record, extra: 1 })?.clientId).toBe('c1');
    expect(
      parseClientRecord({ ...record, oauth_base_url: 'http://127.0.0.1:1/oauth/' })?.oauthBaseUrl,
    ).toBe('http://127.0.0.1:1/oauth/');
  });
  it.each(['client_id', 'region', 'redirect_uri', 'scope', 'created_at'])(
    'treats a record without %s as absent',
    (key) => {
      expect(parseClientRecord({ ...record, [key]: undefined })).toBeNull();
    },
  );
  it('treats an unparsable created_at or region as absent', () => {
    expect(parseClientRecord({ ...record, created_at: 'yesterday' })).toBeNull();
    expect(parseClientRecord({ ...record, region: 'jp' })).toBeNull();
    expect(parseClientRecord([])).toBeNull();
  });
});
