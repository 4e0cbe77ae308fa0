import { describe, expect, it } from 'vitest';
import { describeBody, judgeTokenResponse } from './token-endpoint';

const now = Date.UTC(2026, 0, 1);
const ok = (body: unknown, status = 200) =>
  judgeTokenResponse(status, 'application/json', JSON.stringify(body), now);

describe('judgeTokenResponse (docs/oauth.md#code-exchange)', () => {
  const good = {
    access_token: 'at',
    token_type: 'Bearer',
    expires_in: 3600,
    refresh_token: 'rt',
    scope: 'read',
  };

  it('accepts a complete answer and computes expiry from now', () => {
    const outcome = ok(good);
    expect(outcome.ok && outcome.tokens.expiresAt.getTime()).toBe(now + 3_600_000);
    expect(outcome.ok && outcome.tokens.refreshToken?.reveal()).toBe('rt');
  });

  it('defaults scope to "" and treats a null refresh token as none', () => {
    const outcome = ok({ ...good, scope: undefined, refresh_token: null });
    expect(outcome.ok && [outcome.tokens.scope, outcome.tokens.refreshToken]).toEqual([
      '',
      undefined,
    ]);
  });

  it('accepts "3600" and non-positive lifetimes (already expired); rejects floats', () => {
    expect(ok({ ...good, expires_in: '3600' }).ok).toBe(true);
    const zero = ok({ ...good, expires_in: 0 });
    expect(zero.ok && zero.tokens.isExpired(now)).toBe(true);
    expect(ok({ ...good, expires_in: -5 }).ok).toBe(true);
    expect(ok({ ...good, expires_in: 3600.5 })).toMatchObject({
      ok: false,
      reason: 'fields',
      field: 'expires_in',
    });
    expect(ok({ ...good, expires_in: 'soon' })).toMatchObject({
      ok: false,
      reason: 'fields',
      field: 'expires_in',
    });
  });

  it('rejects a lifetime that gives no representable expiry (fuzz found -2455691740362611)', () => {
    for (const expires_in of [-2455691740362611, 9_000_000_000_000_000, '99999999999999999999']) {
      expect(ok({ ...good, expires_in })).toMatchObject({
        ok: false,
        reason: 'fields',
        field: 'expires_in',
      });
    }
  });

  it('coerces a numeric access token to a string', () => {
    const outcome = ok({ ...good, access_token: 12345 });
    expect(outcome.ok && outcome.tokens.accessToken.reveal()).toBe('12345');
  });

  it.each(['access_token', 'token_type', 'expires_in'])(
    'reports a missing %s with the present keys only',
    (field) => {
      const outcome = ok({ ...good, [field]: undefined });
      expect(outcome).toMatchObject({ ok: false, reason: 'fields', field });
      expect(JSON.stringify(outcome)).not.toMatch(/"at"|"rt"/);
    },
  );

  it('treats an access token that no header can carry as an invalid field, without its value', () => {
    const outcome = ok({ ...good, access_token: 'at-NOT-SHOWN\r\nX-Injected: 1' });
    expect(outcome).toMatchObject({ ok: false, reason: 'fields', field: 'access_token' });
    expect(JSON.stringify(outcome)).not.toContain('NOT-SHOWN');
  });

  it('needs exactly 200 and a JSON object', () => {
    expect(ok(good, 201)).toMatchObject({ ok: false, reason: 'status', status: 201 });
    expect(judgeTokenResponse(200, 'text/html', '<html>', now)).toEqual({
      ok: false,
      reason: 'non_json',
      contentType: 'text/html',
    });
    expect(ok([good])).toMatchObject({ ok: false, reason: 'non_json' });
    expect(ok({ error: 'invalid_grant' }, 400)).toMatchObject({
      ok: false,
      reason: 'status',
      error: 'invalid_grant',
    });
  });

  it('masks tokens when a body is described in a message', () => {
    expect(describeBody(JSON.stringify(good))).not.toMatch(/"at"|"rt"/);
    expect(describeBody('plain text')).toBe('plain text');
  });
});
