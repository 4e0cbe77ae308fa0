import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  AccountExistsError,
  AccountInUseError,
  AccountNotFoundError,
  APIError,
  ArgumentError,
  AuthenticationError,
  ConfigError,
  DateRangeTooLargeError,
  EventNotFoundError,
  InvalidArgumentError,
  MixpanelDataError,
  OAuthError,
  ProjectNotFoundError,
  QueryError,
  RateLimitError,
  RegionProbeError,
  RegionProbeNetworkError,
  redact,
  ServerError,
  ValidationError,
  WorkspaceScopeError,
} from './errors';
import { Secret } from './secret';

const cases: [MixpanelDataError, string, string, (abstract new (...args: never[]) => unknown)[]][] =
  [
    [new MixpanelDataError('m'), 'MixpanelDataError', 'UNKNOWN_ERROR', []],
    [new APIError('m', { statusCode: 418 }), 'APIError', 'API_ERROR', [MixpanelDataError]],
    [new AuthenticationError('m'), 'AuthenticationError', 'AUTH_FAILED', [APIError]],
    [new RateLimitError('m'), 'RateLimitError', 'RATE_LIMITED', [APIError]],
    [new QueryError('m'), 'QueryError', 'QUERY_FAILED', [APIError]],
    [new ServerError('m'), 'ServerError', 'SERVER_ERROR', [APIError]],
    [new ConfigError('m'), 'ConfigError', 'CONFIG_ERROR', [MixpanelDataError]],
    [new AccountNotFoundError('a'), 'AccountNotFoundError', 'ACCOUNT_NOT_FOUND', [ConfigError]],
    [new AccountExistsError('a'), 'AccountExistsError', 'ACCOUNT_EXISTS', [ConfigError]],
    [new AccountInUseError('a', ['t']), 'AccountInUseError', 'ACCOUNT_IN_USE', [ConfigError]],
    [
      new InvalidArgumentError('m', 'mutually_exclusive'),
      'InvalidArgumentError',
      'INVALID_ARGUMENT',
      [ConfigError],
    ],
    [new ProjectNotFoundError('1'), 'ProjectNotFoundError', 'PROJECT_NOT_FOUND', [ConfigError]],
    [new OAuthError('m'), 'OAuthError', 'OAUTH_TOKEN_ERROR', [MixpanelDataError]],
    [new RegionProbeError('m', []), 'RegionProbeError', 'OAUTH_REGION_PROBE_FAILED', [OAuthError]],
    [
      new RegionProbeNetworkError('m', []),
      'RegionProbeNetworkError',
      'OAUTH_NETWORK_UNREACHABLE',
      [RegionProbeError, OAuthError],
    ],
    [new WorkspaceScopeError('m'), 'WorkspaceScopeError', 'NO_WORKSPACES', [MixpanelDataError]],
    [new EventNotFoundError('e'), 'EventNotFoundError', 'EVENT_NOT_FOUND', [MixpanelDataError]],
    [
      new DateRangeTooLargeError('2024-01-01', '2024-06-01', 152),
      'DateRangeTooLargeError',
      'DATE_RANGE_TOO_LARGE',
      [MixpanelDataError],
    ],
    [new ArgumentError('m'), 'ArgumentError', 'INVALID_ARGS', [MixpanelDataError]],
    [new ValidationError('m'), 'ValidationError', 'VALIDATION_ERROR', [MixpanelDataError]],
  ];

describe('error catalogue', () => {
  it.each(cases)(
    '%s has its literal name, default code and parents',
    (error, name, code, parents) => {
      expect(error.name).toBe(name);
      expect(error.code).toBe(code);
      expect(error).toBeInstanceOf(Error);
      expect(error).toBeInstanceOf(MixpanelDataError);
      for (const parent of parents) expect(error).toBeInstanceOf(parent);
      expect(MixpanelDataError.isInstance(error)).toBe(true);
      expect(String(error)).toBe(error.message);
      expect(error.toJSON()).toMatchObject({
        code,
        message: error.message,
        details: { ...error.details },
      });
      expect(Object.isFrozen(error.details)).toBe(true);
    },
  );

  it('isInstance follows the hierarchy and rejects look-alikes', () => {
    const inUse = new AccountInUseError('a', ['t']);
    expect(ConfigError.isInstance(inUse)).toBe(true);
    expect(AccountInUseError.isInstance(inUse)).toBe(true);
    expect(OAuthError.isInstance(inUse)).toBe(false);
    expect(AccountNotFoundError.isInstance(inUse)).toBe(false);
    expect(ConfigError.isInstance({ name: 'ConfigError', code: 'CONFIG_ERROR' })).toBe(false);
    expect(ConfigError.isInstance(new Error('x'))).toBe(false);
    expect(ConfigError.isInstance(null)).toBe(false);
  });

  it('fills details with snake_case keys and drops empty ones', () => {
    expect(new AccountNotFoundError('team', ['a', 'b']).details).toEqual({
      account_name: 'team',
      available_accounts: ['a', 'b'],
    });
    expect(new APIError('m', { statusCode: 404, requestUrl: 'https://x/y' }).details).toEqual({
      status_code: 404,
      request_url: 'https://x/y',
    });
    expect(new ConfigError('m').details).toEqual({});
    expect(new ValidationError('m', 'response', { path: 'projects.1.name' }).details).toEqual({
      source: 'response',
      path: 'projects.1.name',
    });
  });

  it('names the fix in its messages', () => {
    expect(new AccountNotFoundError('x', ['a', 'b']).message).toBe(
      "Account 'x' not found. Available accounts: 'a', 'b'.",
    );
    expect(new AccountNotFoundError('x').message).toContain('No accounts are configured');
    expect(new AccountInUseError('ops', ['b', 'a'], '`--force`').message).toBe(
      "Account 'ops' is referenced by target(s): 'b', 'a'. Pass `--force` to remove anyway.",
    );
    expect(new ProjectNotFoundError('9', ['1', '2']).message).toBe(
      "Project '9' not found. Accessible projects: 1, 2.",
    );
    expect(new EventNotFoundError('Sign up', ['Signup', 'Sign-up']).message).toBe(
      "Event 'Sign up' not found. Did you mean: 'Signup', 'Sign-up'?",
    );
  });

  it('adds the retry delay to a rate-limit message and details', () => {
    const error = new RateLimitError('Rate limited.', { retryAfter: 7 });
    expect(error.message).toBe('Rate limited. Retry after 7 seconds.');
    expect(error.details.retry_after).toBe(7);
    expect(error.retryAfter).toBe(7);
    expect(new RateLimitError('Rate limited').retryAfter).toBeNull();
  });

  it('refuses an unknown InvalidArgumentError violation', () => {
    expect(() => new InvalidArgumentError('m', 'nope' as never)).toThrow(ArgumentError);
    expect(new InvalidArgumentError('m', 'no_browser_misuse', 'oauth_browser').details).toEqual({
      violation: 'no_browser_misuse',
      detected_auth_type: 'oauth_browser',
    });
  });

  it('keeps region-probe attempts as copies, capped at 4096 chars', () => {
    const error = new RegionProbeError('no region', [
      ['us', 401, 'x'.repeat(5000)],
      ['eu', 0, 'TypeError: fetch failed'],
    ]);
    expect(error.attempts[0]![2]).toHaveLength(4096);
    (error.attempts[0] as unknown as number[])[1] = 999;
    expect(error.attempts[0]![1]).toBe(401);
    expect(error.toJSON().attempts).toHaveLength(2);
    expect(error.details.attempts).toHaveLength(2);
  });

  it('inspects as class, code, message and details only', () => {
    const error = new OAuthError(
      'boom',
      'OAUTH_REFRESH_ERROR',
      { account_name: 'me' },
      {
        cause: new Error('inner secret-ish'),
      },
    );
    expect(inspect(error)).toBe('OAuthError [OAUTH_REFRESH_ERROR]: boom {"account_name":"me"}');
    expect(error.cause).toBeInstanceOf(Error);
    expect(JSON.stringify(error)).not.toContain('inner');
  });
});

describe('details', () => {
  it('keep a null value and drop an undefined one', () => {
    const error = new ConfigError('m', { kept: null, dropped: undefined, n: 0 });
    expect(error.details).toEqual({ kept: null, n: 0 });
    expect(Object.keys(error.details)).toEqual(['kept', 'n']);
  });
});

describe('API error bodies (docs/errors.md#api-errors)', () => {
  it('keeps a text body to its first 500 characters, and a JSON body whole', () => {
    const text = new QueryError('m', { responseBody: `${'x'.repeat(600)}END` });
    expect(text.responseBody).toBe('x'.repeat(500));
    expect(text.details.response_body).toBe('x'.repeat(500));
    const json = { error: 'y'.repeat(600) };
    expect(new ServerError('m', { responseBody: json }).responseBody).toEqual(json);
  });
});

describe('redact', () => {
  it('masks secret-named keys at any depth, in any case, and Secret values', () => {
    const out = redact({
      Access_Token: 'a',
      nested: [
        { refresh_token: 'r', ok: 1, deeper: { Authorization: 'Basic x', code_verifier: 'v' } },
      ],
      password: 'p',
      client_secret: 'c',
      token: 't',
      secret: 's',
      wrapped: new Secret('w'),
      status_code: 400,
    });
    expect(JSON.stringify(out)).not.toMatch(/"(a|r|Basic x|v|p|c|t|s|w)"/);
    expect(out).toMatchObject({ status_code: 400, nested: [{ ok: 1 }] });
  });

  it('masks whatever lies deeper than it walks, instead of keeping it', () => {
    let nested: Record<string, unknown> = { token: 'LEAKED' };
    for (let i = 0; i < 30; i++) nested = { n: nested };
    const error = new ConfigError('m', { nested });
    expect(JSON.stringify(error)).not.toContain('LEAKED');
    expect(JSON.stringify(redact({ a: { b: 1 } }))).toBe('{"a":{"b":1}}');
  });

  it('is applied to every error detail', () => {
    const error = new OAuthError('m', 'OAUTH_TOKEN_ERROR', {
      response_body: { access_token: 'leak-me', error: 'x' },
    });
    expect(JSON.stringify(error.details)).not.toContain('leak-me');
    expect((error.details.response_body as Record<string, unknown>).error).toBe('x');
  });
});
