import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { OAuthTokenAccount, ServiceAccount, staticToken } from './account';
import { parseBridge } from './bridge';
import { ConfigView } from './config';
import {
  ConfigError,
  type MixpanelDataError,
  OAuthTokenError,
  QueryError,
  redactText,
  ValidationError,
} from './errors';
import { Project, Session } from './model';
import { OAuthTokens, parseTokensFile } from './oauth-tokens';
import { resolveSession } from './resolver';
import { failedTestResult } from './results';

const SECRETS = [
  'SA-SECRET-111',
  'INLINE-TOKEN-222',
  'ACCESS-333',
  'REFRESH-444',
  'ENV-SECRET-555',
  'ENV-TOKEN-666',
];

/** Every way a value reaches a person: String, template, JSON, inspect, message, cause. */
function renderings(value: unknown): string[] {
  const out = [
    String(value),
    `${value}`,
    JSON.stringify(value) ?? '',
    inspect(value, { depth: 12, showHidden: false }),
  ];
  if (value instanceof Error) {
    out.push(
      value.message,
      String(value.stack),
      inspect(value.cause, { depth: 12 }),
      JSON.stringify(value.cause) ?? '',
    );
  }
  return out;
}

const expectClean = (value: unknown) => {
  for (const text of renderings(value))
    for (const secret of SECRETS) expect(text).not.toContain(secret);
};

describe('no secret survives any rendering', () => {
  const sa = new ServiceAccount({
    name: 'sa',
    region: 'us',
    username: 'u',
    secret: 'SA-SECRET-111',
  });
  const inline = new OAuthTokenAccount({ name: 'ci', region: 'us', token: 'INLINE-TOKEN-222' });
  const tokens = new OAuthTokens({
    accessToken: 'ACCESS-333',
    refreshToken: 'REFRESH-444',
    expiresAt: new Date('2030-01-01T00:00:00Z'),
    scope: 'read',
    tokenType: 'Bearer',
  });
  const bridge = parseBridge({
    account: { type: 'oauth_browser', name: 'me', region: 'us' },
    tokens: {
      access_token: 'ACCESS-333',
      refresh_token: 'REFRESH-444',
      expires_at: '2030-01-01T00:00:00Z',
      scope: '',
      token_type: 'Bearer',
    },
  });

  it.each([
    ['service account', sa],
    ['static-token account', inline],
    ['tokens', tokens],
    ['bridge', bridge],
    ['session (service)', new Session({ account: sa, project: new Project({ id: '1' }) })],
    ['session (token)', new Session({ account: inline, project: new Project({ id: '1' }) })],
  ])('%s', (_label, value) => {
    expectClean(value);
  });

  it('sessions resolved from env credentials', () => {
    expectClean(
      resolveSession({
        env: { MP_USERNAME: 'u', MP_SECRET: 'ENV-SECRET-555', MP_PROJECT_ID: '1', MP_REGION: 'us' },
      }),
    );
    expectClean(
      resolveSession({
        env: { MP_OAUTH_TOKEN: 'ENV-TOKEN-666', MP_PROJECT_ID: '1', MP_REGION: 'us' },
      }),
    );
  });

  it('errors carrying secrets in details or cause', () => {
    const errors: MixpanelDataError[] = [
      new OAuthTokenError('token exchange failed', {
        details: { response_body: { access_token: 'ACCESS-333', refresh_token: 'REFRESH-444' } },
      }),
      new QueryError('bad', {
        statusCode: 400,
        requestBody: { secret: 'SA-SECRET-111' },
        requestParams: { token: 'INLINE-TOKEN-222' },
      }),
      new ConfigError('wrapped', {
        details: { nested: [{ Authorization: `Basic ${'SA-SECRET-111'}` }] },
        cause: sa,
      }),
      new ValidationError('v', { details: { password: 'ENV-SECRET-555' } }),
    ];
    for (const error of errors) expectClean(error);
  });

  it('errors raised by parsing, token lookup and test results', () => {
    const raised: unknown[] = [];
    const attempt = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        raised.push(error);
      }
    };
    attempt(() =>
      parseTokensFile(
        JSON.stringify({ access_token: 'ACCESS-333', expires_at: 'REFRESH-444' }),
        'me',
        '/t',
      ),
    );
    attempt(() =>
      parseBridge({
        account: { type: 'service_account', name: 'x', region: 'us', username: 'u', secret: 5 },
        extra: 'SA-SECRET-111',
      }),
    );
    attempt(() =>
      new ConfigView({
        accounts: {
          a: { type: 'service_account', region: 'xx', username: 'u', secret: 'SA-SECRET-111' },
        },
      }).listAccounts(),
    );
    attempt(() =>
      staticToken(new OAuthTokenAccount({ name: 'c', region: 'us', tokenEnv: 'V' }), {}),
    );
    attempt(
      () =>
        new ServiceAccount({
          name: 'bad name',
          region: 'us',
          username: 'u',
          secret: 'SA-SECRET-111',
        }),
    );
    expect(raised).toHaveLength(5);
    for (const error of raised) {
      expectClean(error);
      expectClean(failedTestResult('a', '/me probe failed: ', error));
    }
  });
});

describe('redactText', () => {
  it('masks everything after the first secret-named key of JSON cut short, a form, a header', () => {
    expect(redactText('{"error": "x", "access_token": "ACCESS-333", "token_type": "Bearer"')).toBe(
      '{"error": "x", "access_token"**********',
    );
    expect(redactText('{"Refresh_Token":"REFRESH-444')).toBe('{"Refresh_Token"**********');
    expect(redactText('grant_type=refresh_token&refresh_token=REFRESH-444&client_id=c')).toBe(
      'grant_type=refresh_token&refresh_token=**********',
    );
    expect(redactText('"{\\"secret\\":\\"SA-SECRET-111\\"}"')).toBe('"{\\"secret\\":**********');
    expect(redactText('Authorization: Bearer ACCESS-333')).toBe('Authorization:**********');
    // stray characters between the key and its value do not hide it
    expect(redactText('{access_token}:"ACCESS-333"')).toBe('{access_token}:**********');
    expect(redactText('{"access_token""ACCESS-333"')).toBe('{"access_token"**********');
  });

  it('leaves a text that names no secret as a key alone', () => {
    for (const text of ['<h1>502 Bad Gateway</h1>', 'invalid token; token_type=bearer', ''])
      expect(redactText(text)).toBe(text);
  });
});
