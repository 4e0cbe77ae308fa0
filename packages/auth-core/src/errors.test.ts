import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  AccountExistsError,
  AccountInUseError,
  AccountNotFoundError,
  AmbiguousWorkspaceError,
  APIError,
  ArgumentError,
  AuthenticationError,
  ConfigError,
  DateRangeTooLargeError,
  EventNotFoundError,
  InvalidArgumentError,
  InvalidResponseError,
  LockTimeoutError,
  MixpanelDataError,
  NetworkError,
  NoActiveAccountError,
  NoWorkspacesError,
  OAuthAuthDeniedError,
  OAuthBrowserError,
  OAuthConfigError,
  OAuthError,
  OAuthPasteError,
  OAuthPortError,
  OAuthRefreshError,
  OAuthRefreshRevokedError,
  OAuthRegistrationError,
  OAuthStateMismatchError,
  OAuthTimeoutError,
  OAuthTokenError,
  OrganizationAmbiguousError,
  ProjectNotFoundError,
  QueryError,
  RateLimitError,
  RedirectError,
  RegionProbeError,
  RegionProbeNetworkError,
  ResponseTooLargeError,
  redact,
  ServerError,
  ValidationError,
  WorkspaceNotFoundError,
  WorkspaceScopeError,
} from './errors';
import { Secret } from './secret';

type Parent = abstract new (...args: never[]) => unknown;
const oauth = (error: MixpanelDataError, name: string, code: string) =>
  [error, name, code, [OAuthError]] as [MixpanelDataError, string, string, Parent[]];
const workspace = (error: MixpanelDataError, name: string, code: string) =>
  [error, name, code, [WorkspaceScopeError]] as [MixpanelDataError, string, string, Parent[]];

/** Every concrete class, with its literal name, its one code and its parents. */
const cases: [MixpanelDataError, string, string, Parent[]][] = [
  [new AuthenticationError('m'), 'AuthenticationError', 'AUTH_FAILED', [APIError]],
  [new RateLimitError('m'), 'RateLimitError', 'RATE_LIMITED', [APIError]],
  [new QueryError('m'), 'QueryError', 'QUERY_FAILED', [APIError]],
  [new ServerError('m'), 'ServerError', 'SERVER_ERROR', [APIError]],
  [new NetworkError('m', { reason: 'fetch failed' }), 'NetworkError', 'HTTP_ERROR', []],
  [new RedirectError('m', { statusCode: 302 }), 'RedirectError', 'HTTP_ERROR', [NetworkError]],
  [
    new InvalidResponseError('m', { statusCode: 200 }),
    'InvalidResponseError',
    'INVALID_RESPONSE',
    [],
  ],
  [ResponseTooLargeError.forLimit(1024), 'ResponseTooLargeError', 'RESPONSE_TOO_LARGE', []],
  [new ConfigError('m'), 'ConfigError', 'CONFIG_ERROR', []],
  [LockTimeoutError.forTarget('/x', 5), 'LockTimeoutError', 'LOCK_TIMEOUT', [ConfigError]],
  [new NoActiveAccountError(), 'NoActiveAccountError', 'NO_ACTIVE_ACCOUNT', [ConfigError]],
  [
    AccountNotFoundError.forAccount('a'),
    'AccountNotFoundError',
    'ACCOUNT_NOT_FOUND',
    [ConfigError],
  ],
  [AccountExistsError.forAccount('a'), 'AccountExistsError', 'ACCOUNT_EXISTS', [ConfigError]],
  [AccountInUseError.forAccount('a', ['t']), 'AccountInUseError', 'ACCOUNT_IN_USE', [ConfigError]],
  [
    new InvalidArgumentError('m', { violation: 'mutually_exclusive' }),
    'InvalidArgumentError',
    'INVALID_ARGUMENT',
    [ConfigError],
  ],
  [
    ProjectNotFoundError.forProject('1'),
    'ProjectNotFoundError',
    'PROJECT_NOT_FOUND',
    [ConfigError],
  ],
  oauth(new OAuthTokenError('m'), 'OAuthTokenError', 'OAUTH_TOKEN_ERROR'),
  oauth(new OAuthRefreshError('m'), 'OAuthRefreshError', 'OAUTH_REFRESH_ERROR'),
  oauth(new OAuthRefreshRevokedError('m'), 'OAuthRefreshRevokedError', 'OAUTH_REFRESH_REVOKED'),
  oauth(new OAuthRegistrationError('m'), 'OAuthRegistrationError', 'OAUTH_REGISTRATION_ERROR'),
  oauth(new OAuthTimeoutError('m'), 'OAuthTimeoutError', 'OAUTH_TIMEOUT'),
  oauth(new OAuthPortError('m'), 'OAuthPortError', 'OAUTH_PORT_ERROR'),
  oauth(new OAuthBrowserError('m'), 'OAuthBrowserError', 'OAUTH_BROWSER_ERROR'),
  oauth(new OAuthConfigError('m'), 'OAuthConfigError', 'OAUTH_CONFIG_ERROR'),
  oauth(new OAuthPasteError('m'), 'OAuthPasteError', 'OAUTH_PASTE_ERROR'),
  oauth(new OAuthStateMismatchError('m'), 'OAuthStateMismatchError', 'OAUTH_STATE_MISMATCH'),
  oauth(new OAuthAuthDeniedError('m'), 'OAuthAuthDeniedError', 'OAUTH_AUTH_DENIED'),
  oauth(
    new RegionProbeError('m', { attempts: [] }),
    'RegionProbeError',
    'OAUTH_REGION_PROBE_FAILED',
  ),
  [
    new RegionProbeNetworkError('m', { attempts: [] }),
    'RegionProbeNetworkError',
    'OAUTH_NETWORK_UNREACHABLE',
    [RegionProbeError, OAuthError],
  ],
  workspace(new NoWorkspacesError('m'), 'NoWorkspacesError', 'NO_WORKSPACES'),
  workspace(new AmbiguousWorkspaceError('m'), 'AmbiguousWorkspaceError', 'AMBIGUOUS_WORKSPACE'),
  workspace(new WorkspaceNotFoundError('m'), 'WorkspaceNotFoundError', 'WORKSPACE_NOT_FOUND'),
  workspace(
    new OrganizationAmbiguousError('m'),
    'OrganizationAmbiguousError',
    'ORGANIZATION_AMBIGUOUS',
  ),
  [EventNotFoundError.forEvent('e'), 'EventNotFoundError', 'EVENT_NOT_FOUND', []],
  [
    DateRangeTooLargeError.forRange('2024-01-01', '2024-06-01', 152),
    'DateRangeTooLargeError',
    'DATE_RANGE_TOO_LARGE',
    [],
  ],
  [new ArgumentError('m'), 'ArgumentError', 'INVALID_ARGS', []],
  [new ValidationError('m'), 'ValidationError', 'VALIDATION_ERROR', []],
];

describe('error catalogue', () => {
  it.each(cases)(
    '%s has its literal name, its one code and its parents',
    (error, name, code, parents) => {
      expect(error.name).toBe(name);
      expect(error.code).toBe(code);
      expect(error).toBeInstanceOf(Error);
      expect(error).toBeInstanceOf(MixpanelDataError);
      for (const parent of parents) {
        expect(error).toBeInstanceOf(parent);
        expect((parent as unknown as typeof MixpanelDataError).isInstance(error)).toBe(true);
      }
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
    const inUse = AccountInUseError.forAccount('a', ['t']);
    expect(ConfigError.isInstance(inUse)).toBe(true);
    expect(AccountInUseError.isInstance(inUse)).toBe(true);
    expect(OAuthError.isInstance(inUse)).toBe(false);
    expect(AccountNotFoundError.isInstance(inUse)).toBe(false);
    expect(ConfigError.isInstance({ name: 'ConfigError', code: 'CONFIG_ERROR' })).toBe(false);
    expect(ConfigError.isInstance(new Error('x'))).toBe(false);
    expect(ConfigError.isInstance(null)).toBe(false);
  });

  it('fills details with snake_case keys and drops empty ones', () => {
    expect(AccountNotFoundError.forAccount('team', ['a', 'b']).details).toEqual({
      account_name: 'team',
      available_accounts: ['a', 'b'],
    });
    expect(new QueryError('m', { statusCode: 404, requestUrl: 'https://x/y' }).details).toEqual({
      status_code: 404,
      request_url: 'https://x/y',
    });
    expect(new ConfigError('m').details).toEqual({});
    expect(
      new ValidationError('m', { source: 'response', details: { path: 'projects.1.name' } })
        .details,
    ).toEqual({
      source: 'response',
      path: 'projects.1.name',
    });
  });

  it('names the fix in its messages', () => {
    expect(AccountNotFoundError.forAccount('x', ['a', 'b']).message).toBe(
      "Account 'x' not found. Available accounts: 'a', 'b'.",
    );
    expect(AccountNotFoundError.forAccount('x').message).toContain('No accounts are configured');
    expect(AccountInUseError.forAccount('ops', ['b', 'a'], '`--force`').message).toBe(
      "Account 'ops' is referenced by target(s): 'b', 'a'. Pass `--force` to remove anyway.",
    );
    expect(ProjectNotFoundError.forProject('9', ['1', '2']).message).toBe(
      "Project '9' not found. Accessible projects: 1, 2.",
    );
    expect(EventNotFoundError.forEvent('Sign up', ['Signup', 'Sign-up']).message).toBe(
      "Event 'Sign up' not found. Did you mean: 'Signup', 'Sign-up'?",
    );
  });

  it('builds the standard messages in static factories, byte for byte', () => {
    expect(AccountExistsError.forAccount('team').message).toBe(
      "Account 'team' already exists. Pick another name, or remove it first with `mp account remove team`.",
    );
    expect(AccountInUseError.forAccount('ops', ['t']).message).toBe(
      "Account 'ops' is referenced by target(s): 't'. Pass `force: true` to remove anyway.",
    );
    expect(ProjectNotFoundError.forProject('9').message).toBe(
      "Project '9' not found. No accessible projects were discovered; check the account with `mp account test`.",
    );
    expect(EventNotFoundError.forEvent('x').message).toBe(
      "Event 'x' not found. List events with `mp inspect events`.",
    );
    expect(DateRangeTooLargeError.forRange('2024-01-01', '2024-06-01', 152).message).toBe(
      'Date range 2024-01-01..2024-06-01 spans 152 days; the maximum is 100. Split it into smaller ranges.',
    );
    const lock = LockTimeoutError.forTarget('/home/me/.mp/config.toml', 250);
    expect(lock.message).toBe(
      'Timed out waiting for lock /home/me/.mp/config.toml.lock after 250 ms; another mp process is writing. Retry, or delete the .lock file if no mp process is running.',
    );
    expect([lock.path, lock.timeoutMs]).toEqual(['/home/me/.mp/config.toml.lock', 250]);
    expect(lock.details).toEqual({ path: '/home/me/.mp/config.toml.lock', timeout_ms: 250 });
  });

  it('takes (message, options) everywhere: typed fields become properties and details keys', () => {
    const cause = new Error('inner');
    const missing = new AccountNotFoundError('custom text', {
      accountName: 'x',
      availableAccounts: ['a'],
      cause,
    });
    expect([missing.message, missing.accountName, missing.availableAccounts]).toEqual([
      'custom text',
      'x',
      ['a'],
    ]);
    expect(missing.cause).toBe(cause);
    const range = new DateRangeTooLargeError('too long', {
      fromDate: '2024-01-01',
      toDate: '2024-12-31',
      daysRequested: 366,
    });
    expect([range.fromDate, range.toDate, range.daysRequested, range.maxDays]).toEqual([
      '2024-01-01',
      '2024-12-31',
      366,
      100,
    ]);
    expect(new ArgumentError('m', { argumentNames: ['a', 'b'] }).details).toEqual({
      arguments: ['a', 'b'],
    });
    expect(new ArgumentError('m').details).toEqual({ arguments: [] });
    expect(
      new AccountExistsError('m', { accountName: 'a', details: { extra: 1 } }).details,
    ).toEqual({ extra: 1, account_name: 'a' });
  });

  it('keeps the transport details keys of HTTP_ERROR and INVALID_RESPONSE', () => {
    const network = new NetworkError('HTTP error: fetch failed (GET https://x/y).', {
      reason: 'fetch failed',
      requestMethod: 'GET',
      requestUrl: 'https://x/y?a=1',
      requestParams: { a: '1', token: 'hide-me' },
    });
    expect(network.details).toEqual({
      error: 'fetch failed',
      request_method: 'GET',
      request_url: 'https://x/y?a=1',
      request_params: { a: '1', token: '**********' },
    });
    expect(network.requestParams).toEqual({ a: '1', token: '**********' });
    const redirect = new RedirectError('m', {
      statusCode: 302,
      location: 'https://elsewhere',
      requestMethod: 'GET',
    });
    expect(redirect.details).toEqual({ error: 'redirect 302', request_method: 'GET' });
    expect([redirect.statusCode, redirect.location, redirect.reason]).toEqual([
      302,
      'https://elsewhere',
      'redirect 302',
    ]);
    expect(
      new InvalidResponseError('m', { statusCode: 200, requestMethod: 'GET', requestUrl: 'u' })
        .details,
    ).toEqual({ request_method: 'GET', request_url: 'u', status_code: 200 });
  });

  it('gives every concrete class its own name and one code', () => {
    expect(new Set(cases.map(([, name]) => name)).size).toBe(cases.length);
    // Only the redirect shares a code, with its parent: both are HTTP_ERROR in JSON output.
    const codes = cases.map(([, , code]) => code);
    expect(codes.length - new Set(codes).size).toBe(1);
  });

  it('adds the retry delay to a rate-limit message and details', () => {
    const error = new RateLimitError('Rate limited.', { retryAfter: 7 });
    expect(error.message).toBe('Rate limited. Retry after 7 seconds.');
    expect(error.details.retry_after).toBe(7);
    expect(error.retryAfter).toBe(7);
    expect(new RateLimitError('Rate limited').retryAfter).toBeNull();
  });

  it('refuses an unknown InvalidArgumentError violation', () => {
    expect(() => new InvalidArgumentError('m', { violation: 'nope' as never })).toThrow(
      ArgumentError,
    );
    expect(
      new InvalidArgumentError('m', {
        violation: 'no_browser_misuse',
        detectedAuthType: 'oauth_browser',
      }).details,
    ).toEqual({
      violation: 'no_browser_misuse',
      detected_auth_type: 'oauth_browser',
    });
  });

  it('keeps region-probe attempts as copies, capped at 4096 chars', () => {
    const error = new RegionProbeError('no region', {
      attempts: [
        ['us', 401, 'x'.repeat(5000)],
        ['eu', 0, 'TypeError: fetch failed'],
      ],
    });
    expect(error.attempts[0]![2]).toHaveLength(4096);
    (error.attempts[0] as unknown as number[])[1] = 999;
    expect(error.attempts[0]![1]).toBe(401);
    expect(error.toJSON().attempts).toHaveLength(2);
    expect(error.details.attempts).toHaveLength(2);
  });

  it('inspects as class, code, message and details only', () => {
    const error = new OAuthRefreshError('boom', {
      details: { account_name: 'me' },
      cause: new Error('inner secret-ish'),
    });
    expect(inspect(error)).toBe(
      'OAuthRefreshError [OAUTH_REFRESH_ERROR]: boom {"account_name":"me"}',
    );
    expect(error.cause).toBeInstanceOf(Error);
    expect(JSON.stringify(error)).not.toContain('inner');
  });
});

describe('details', () => {
  it('keep a null value and drop an undefined one', () => {
    const error = new ConfigError('m', { details: { kept: null, dropped: undefined, n: 0 } });
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
    const error = new ConfigError('m', { details: { nested } });
    expect(JSON.stringify(error)).not.toContain('LEAKED');
    expect(JSON.stringify(redact({ a: { b: 1 } }))).toBe('{"a":{"b":1}}');
  });

  it('is applied to every error detail', () => {
    const error = new OAuthTokenError('m', {
      details: { response_body: { access_token: 'leak-me', error: 'x' } },
    });
    expect(JSON.stringify(error.details)).not.toContain('leak-me');
    expect((error.details.response_body as Record<string, unknown>).error).toBe('x');
  });
});

describe('URLs in the errors of a request (docs/errors.md#secrets-and-redaction)', () => {
  const url = 'https://user:PASSW0RD@api.example/path?x=1';
  it.each([
    [
      'NetworkError',
      new NetworkError(`HTTP error: bad (GET ${url}).`, {
        reason: `Request cannot be constructed from a URL that includes credentials: ${url}`,
        requestMethod: 'GET',
        requestUrl: url,
      }),
    ],
    [
      'RedirectError',
      new RedirectError(`HTTP error: unexpected redirect to ${url}.`, {
        statusCode: 302,
        location: url,
        requestUrl: url,
      }),
    ],
    [
      'InvalidResponseError',
      new InvalidResponseError(`Non-JSON response from GET ${url}`, {
        statusCode: 200,
        requestUrl: url,
      }),
    ],
    ['QueryError', new QueryError(`bad ${url}`, { statusCode: 400, requestUrl: url })],
    [
      'ResponseTooLargeError',
      new ResponseTooLargeError(`The response to GET ${url} is over the limit.`, {
        maxBytes: 1024,
        requestUrl: url,
      }),
    ],
  ])('%s keeps no user info in its message, properties or details', (_name, error) => {
    // The spread copies every own property: reason, location, requestUrl.
    const seen = [
      error.message,
      JSON.stringify(error),
      inspect(error),
      JSON.stringify({ ...error }),
    ];
    for (const text of seen) expect(text).not.toContain('PASSW0RD');
    expect((error as { requestUrl: string }).requestUrl).toBe('https://***@api.example/path?x=1');
  });
});
