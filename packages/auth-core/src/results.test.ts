import { describe, expect, it } from 'vitest';
import { ConfigError, OAuthRefreshRevokedError, ValidationError } from './errors';
import {
  createAccountSummary,
  createAccountTestResult,
  createOAuthLoginResult,
  failedTestResult,
} from './results';

describe('AccountSummary', () => {
  it('defaults to untested and prints snake_case keys in the spec order', () => {
    const summary = createAccountSummary({
      name: 'team',
      type: 'service_account',
      region: 'us',
      isActive: true,
      projectId: '3',
      referencedByTargets: ['b', 'a'],
    });
    expect(Object.keys(JSON.parse(JSON.stringify(summary)))).toEqual([
      'name',
      'type',
      'region',
      'status',
      'is_active',
      'referenced_by_targets',
      'user_email',
      'project_id',
      'project_name',
    ]);
    expect(summary.status).toBe('untested');
    expect(summary.referencedByTargets).toEqual(['a', 'b']);
    expect(Object.isFrozen(summary)).toBe(true);
  });
});

describe('AccountTestResult', () => {
  it('enforces ok ⇔ error === null', () => {
    expect(() => createAccountTestResult({ accountName: 'a', ok: false })).toThrow(ValidationError);
    expect(() => createAccountTestResult({ accountName: 'a', ok: true, error: 'x' })).toThrow(
      ValidationError,
    );
    expect(() => createAccountTestResult({ accountName: 'a', ok: true, errorCode: 'X' })).toThrow(
      ValidationError,
    );
    const ok = createAccountTestResult({
      accountName: 'a',
      ok: true,
      user: { id: 42, email: 'a@b' },
      accessibleProjectCount: 2,
    });
    expect(JSON.parse(JSON.stringify(ok))).toEqual({
      account_name: 'a',
      ok: true,
      user: { id: 42, email: 'a@b' },
      accessible_project_count: 2,
      error: null,
      error_code: null,
      error_details: null,
    });
  });

  it('copies code and details only from our own errors', () => {
    const ours = failedTestResult(
      'personal',
      '/me probe failed: ',
      new OAuthRefreshRevokedError('Refresh token revoked.', {
        details: { status_code: 400, account_name: 'personal' },
      }),
    );
    expect(ours).toMatchObject({
      ok: false,
      error: '/me probe failed: Refresh token revoked.',
      errorCode: 'OAUTH_REFRESH_REVOKED',
      errorDetails: { status_code: 400, account_name: 'personal' },
    });
    expect(failedTestResult('a', 'x: ', new ConfigError('m')).errorDetails).toBeNull();
    const foreign = failedTestResult('a', '/me probe failed: ', new TypeError('fetch failed'));
    expect([foreign.error, foreign.errorCode, foreign.errorDetails]).toEqual([
      '/me probe failed: fetch failed',
      null,
      null,
    ]);
  });
});

describe('OAuthLoginResult', () => {
  it('prints snake_case', () => {
    const result = createOAuthLoginResult({
      accountName: 'me',
      user: null,
      expiresAt: '2026-04-22T12:00:00.123000Z',
      tokensPath: '/h/.mp/accounts/me/tokens.json',
      clientPath: '/h/.mp/oauth/client_us.json',
    });
    expect(JSON.parse(JSON.stringify(result))).toEqual({
      account_name: 'me',
      user: null,
      expires_at: '2026-04-22T12:00:00.123000Z',
      tokens_path: '/h/.mp/accounts/me/tokens.json',
      client_path: '/h/.mp/oauth/client_us.json',
    });
  });
});
