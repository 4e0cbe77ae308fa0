import { INSPECT, isSecret, REDACTED } from './secret';

/** Every stable error code this package family raises (docs/errors.md#class-hierarchy). */
export type ErrorCode =
  | 'UNKNOWN_ERROR'
  | 'HTTP_ERROR'
  | 'INVALID_RESPONSE'
  | 'API_ERROR'
  | 'AUTH_FAILED'
  | 'RATE_LIMITED'
  | 'QUERY_FAILED'
  | 'SERVER_ERROR'
  | 'CONFIG_ERROR'
  | 'LOCK_TIMEOUT'
  | 'NO_ACTIVE_ACCOUNT'
  | 'ACCOUNT_NOT_FOUND'
  | 'ACCOUNT_EXISTS'
  | 'ACCOUNT_IN_USE'
  | 'INVALID_ARGUMENT'
  | 'PROJECT_NOT_FOUND'
  | OAuthErrorCode
  | WorkspaceErrorCode
  | 'EVENT_NOT_FOUND'
  | 'DATE_RANGE_TOO_LARGE'
  | 'INVALID_ARGS'
  | 'VALIDATION_ERROR';

export type OAuthErrorCode =
  | 'OAUTH_TOKEN_ERROR'
  | 'OAUTH_REFRESH_ERROR'
  | 'OAUTH_REFRESH_REVOKED'
  | 'OAUTH_REGISTRATION_ERROR'
  | 'OAUTH_TIMEOUT'
  | 'OAUTH_PORT_ERROR'
  | 'OAUTH_BROWSER_ERROR'
  | 'OAUTH_CONFIG_ERROR'
  | 'OAUTH_PASTE_ERROR'
  | 'OAUTH_STATE_MISMATCH'
  | 'OAUTH_AUTH_DENIED'
  | 'OAUTH_REGION_PROBE_FAILED'
  | 'OAUTH_NETWORK_UNREACHABLE';

export type WorkspaceErrorCode =
  | 'NO_WORKSPACES'
  | 'AMBIGUOUS_WORKSPACE'
  | 'WORKSPACE_NOT_FOUND'
  | 'ORGANIZATION_AMBIGUOUS';

export type ErrorDetails = Readonly<Record<string, unknown>>;

const SECRET_KEYS = new Set([
  'access_token',
  'refresh_token',
  'token',
  'secret',
  'password',
  'client_secret',
  'code_verifier',
  'authorization',
]);

/**
 * A deep copy of `value` in which every key named like a secret (any depth,
 * any case) and every `Secret` is replaced by `**********`.
 */
export function redact(value: unknown, depth = 0): unknown {
  if (isSecret(value)) return REDACTED;
  if (value === null || typeof value !== 'object') return value;
  // Deeper than any real payload: not walked, so not kept either (it could hide a secret).
  if (depth > 20) return REDACTED;
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = SECRET_KEYS.has(key.toLowerCase()) ? REDACTED : redact(item, depth + 1);
  }
  return out;
}

/** Drops undefined entries (a null stays: "known to be absent"), then redacts. */
function cleanDetails(details: Record<string, unknown> | undefined): ErrorDetails {
  const kept: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(details ?? {})) if (item !== undefined) kept[key] = item;
  return Object.freeze(redact(kept) as Record<string, unknown>);
}

const ERROR_MARK = Symbol.for('mixpanel-data.error');

export interface ErrorOptions {
  details?: Record<string, unknown> | undefined;
  cause?: unknown;
}

type ErrorClass<T> = abstract new (...args: never[]) => T;

/** Base of every error this package family throws. */
export class MixpanelDataError extends Error {
  /** Name of the class, kept literal so bundling and minifying cannot rename it. */
  static readonly errorName: string = 'MixpanelDataError';
  override readonly name: string = 'MixpanelDataError';
  readonly code: ErrorCode;
  readonly details: ErrorDetails;
  declare readonly [ERROR_MARK]: readonly string[];

  constructor(message: string, code: ErrorCode = 'UNKNOWN_ERROR', options: ErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = cleanDetails(options.details);
    // The lineage of class names, so `isInstance` works across two copies of this package.
    const lineage: string[] = [];
    for (let c = new.target as unknown as { errorName?: string }; c?.errorName; ) {
      if (!lineage.includes(c.errorName)) lineage.push(c.errorName);
      c = Object.getPrototypeOf(c);
    }
    Object.defineProperty(this, ERROR_MARK, { value: lineage });
  }

  /**
   * True for an instance of this class or a subclass, also when it was thrown
   * by another installed copy of this package (checked by a `Symbol.for` marker).
   */
  static isInstance<T>(this: ErrorClass<T> & { errorName: string }, value: unknown): value is T {
    const lineage = (value as { [ERROR_MARK]?: unknown } | null)?.[ERROR_MARK];
    return Array.isArray(lineage) && lineage.includes(this.errorName);
  }

  toJSON(): { code: string; message: string; details: Record<string, unknown> } {
    return { code: this.code, message: this.message, details: { ...this.details } };
  }

  override toString(): string {
    return this.message;
  }

  [INSPECT](): string {
    const details = Object.keys(this.details).length ? ` ${JSON.stringify(this.details)}` : '';
    return `${this.name} [${this.code}]: ${this.message}${details}`;
  }
}

// ---------------------------------------------------------------- API errors

export interface APIErrorOptions {
  statusCode?: number;
  responseBody?: unknown;
  requestMethod?: string;
  requestUrl?: string;
  requestParams?: Record<string, unknown>;
  requestBody?: unknown;
  cause?: unknown;
}

/** How much of a text response body an APIError keeps. */
export const RESPONSE_TEXT_LIMIT = 500;

/** An HTTP response that is an error (docs/errors.md#api-errors). Request headers are never stored. */
export class APIError extends MixpanelDataError {
  static override readonly errorName: string = 'APIError';
  override readonly name: string = 'APIError';
  readonly statusCode: number;
  readonly responseBody: unknown;
  /** The request that failed (docs/http.md#status-to-error-mapping); also in `details` as `request_*`, redacted there. */
  readonly requestMethod: string | null;
  readonly requestUrl: string | null;
  readonly requestParams: Readonly<Record<string, unknown>> | null;
  readonly requestBody: unknown;

  constructor(message: string, options: APIErrorOptions = {}, code: ErrorCode = 'API_ERROR') {
    const statusCode = options.statusCode ?? 0;
    // Text bodies (HTML error pages, proxies) are kept to their first 500 characters (docs/errors.md#api-errors).
    const body =
      typeof options.responseBody === 'string'
        ? options.responseBody.slice(0, RESPONSE_TEXT_LIMIT)
        : options.responseBody;
    super(message, code, {
      cause: options.cause,
      details: {
        status_code: statusCode,
        response_body: body,
        request_method: options.requestMethod,
        request_url: options.requestUrl,
        request_params: options.requestParams,
        request_body: options.requestBody,
      },
    });
    this.statusCode = statusCode;
    this.responseBody = body ?? null;
    this.requestMethod = options.requestMethod ?? null;
    this.requestUrl = options.requestUrl ?? null;
    // The same redacted copies as in `details`: a request body may hold a secret.
    this.requestParams = (this.details.request_params as Record<string, unknown>) ?? null;
    this.requestBody = this.details.request_body ?? null;
  }
}

export class AuthenticationError extends APIError {
  static override readonly errorName = 'AuthenticationError';
  override readonly name = 'AuthenticationError';
  constructor(message: string, options: APIErrorOptions = {}) {
    super(message, { statusCode: 401, ...options }, 'AUTH_FAILED');
  }
}

export class RateLimitError extends APIError {
  static override readonly errorName = 'RateLimitError';
  override readonly name = 'RateLimitError';
  readonly retryAfter: number | null;
  constructor(message: string, options: APIErrorOptions & { retryAfter?: number | null } = {}) {
    const { retryAfter = null, ...rest } = options;
    super(
      retryAfter == null
        ? message
        : `${message.replace(/\.$/, '')}. Retry after ${retryAfter} seconds.`,
      { statusCode: 429, ...rest },
      'RATE_LIMITED',
    );
    this.retryAfter = retryAfter;
    if (retryAfter != null) {
      Object.defineProperty(this, 'details', {
        value: Object.freeze({ ...this.details, retry_after: retryAfter }),
      });
    }
  }
}

export class QueryError extends APIError {
  static override readonly errorName = 'QueryError';
  override readonly name = 'QueryError';
  constructor(message: string, options: APIErrorOptions = {}) {
    super(message, { statusCode: 400, ...options }, 'QUERY_FAILED');
  }
}

export class ServerError extends APIError {
  static override readonly errorName = 'ServerError';
  override readonly name = 'ServerError';
  constructor(message: string, options: APIErrorOptions = {}) {
    super(message, { statusCode: 500, ...options }, 'SERVER_ERROR');
  }
}

// ------------------------------------------------------------- config errors

/** A problem with local configuration, arguments or resolution. */
export class ConfigError extends MixpanelDataError {
  static override readonly errorName: string = 'ConfigError';
  override readonly name: string = 'ConfigError';
  constructor(
    message: string,
    details?: Record<string, unknown>,
    options: { cause?: unknown; code?: ErrorCode } = {},
  ) {
    super(message, options.code ?? 'CONFIG_ERROR', { details, cause: options.cause });
  }
}

/** Another process held a file's cross-process lock for longer than the wait allowed. */
export class LockTimeoutError extends ConfigError {
  static override readonly errorName = 'LockTimeoutError';
  override readonly name = 'LockTimeoutError';
  readonly path: string;
  readonly timeoutMs: number;
  constructor(target: string, timeoutMs: number) {
    super(
      `Timed out waiting for lock ${target}.lock after ${timeoutMs} ms; another mp process is writing. Retry, or delete the .lock file if no mp process is running.`,
      { path: `${target}.lock`, timeout_ms: timeoutMs },
      { code: 'LOCK_TIMEOUT' },
    );
    this.path = `${target}.lock`;
    this.timeoutMs = timeoutMs;
  }
}

/** A call needed the active account (`[active].account`) and none is set. */
export class NoActiveAccountError extends ConfigError {
  static override readonly errorName = 'NoActiveAccountError';
  override readonly name = 'NoActiveAccountError';
  constructor(message = 'No active account configured.') {
    super(message, undefined, { code: 'NO_ACTIVE_ACCOUNT' });
  }
}

const quoted = (names: readonly string[]) => names.map((n) => `'${n}'`).join(', ');

export class AccountNotFoundError extends ConfigError {
  static override readonly errorName = 'AccountNotFoundError';
  override readonly name = 'AccountNotFoundError';
  readonly accountName: string;
  readonly availableAccounts: readonly string[];
  constructor(accountName: string, availableAccounts: readonly string[] = []) {
    super(
      `Account '${accountName}' not found. ${
        availableAccounts.length
          ? `Available accounts: ${quoted(availableAccounts)}.`
          : 'No accounts are configured; run `mp account add NAME ...` or `mp login`.'
      }`,
      { account_name: accountName, available_accounts: [...availableAccounts] },
      { code: 'ACCOUNT_NOT_FOUND' },
    );
    this.accountName = accountName;
    this.availableAccounts = Object.freeze([...availableAccounts]);
  }
}

export class AccountExistsError extends ConfigError {
  static override readonly errorName = 'AccountExistsError';
  override readonly name = 'AccountExistsError';
  readonly accountName: string;
  constructor(accountName: string) {
    super(
      `Account '${accountName}' already exists. Pick another name, or remove it first with \`mp account remove ${accountName}\`.`,
      { account_name: accountName },
      { code: 'ACCOUNT_EXISTS' },
    );
    this.accountName = accountName;
  }
}

export class AccountInUseError extends ConfigError {
  static override readonly errorName = 'AccountInUseError';
  override readonly name = 'AccountInUseError';
  readonly accountName: string;
  readonly referencedBy: readonly string[];
  /** `forceHint` names the override on the caller's surface (`force=True`, `--force`). */
  constructor(accountName: string, referencedBy: readonly string[], forceHint = '`force: true`') {
    super(
      `Account '${accountName}' is referenced by target(s): ${quoted(referencedBy)}. Pass ${forceHint} to remove anyway.`,
      { account_name: accountName, referenced_by: [...referencedBy] },
      { code: 'ACCOUNT_IN_USE' },
    );
    this.accountName = accountName;
    this.referencedBy = Object.freeze([...referencedBy]);
  }
}

export type ArgumentViolation = 'mutually_exclusive' | 'no_browser_misuse' | 'secret_stdin_misuse';

export class InvalidArgumentError extends ConfigError {
  static override readonly errorName = 'InvalidArgumentError';
  override readonly name = 'InvalidArgumentError';
  readonly violation: ArgumentViolation;
  readonly detectedAuthType: string | null;
  constructor(message: string, violation: ArgumentViolation, detectedAuthType?: string | null) {
    if (!['mutually_exclusive', 'no_browser_misuse', 'secret_stdin_misuse'].includes(violation)) {
      throw new ArgumentError(`Unknown InvalidArgumentError violation '${violation}'.`, [
        'violation',
      ]);
    }
    super(
      message,
      { violation, detected_auth_type: detectedAuthType },
      { code: 'INVALID_ARGUMENT' },
    );
    this.violation = violation;
    this.detectedAuthType = detectedAuthType ?? null;
  }
}

export class ProjectNotFoundError extends ConfigError {
  static override readonly errorName = 'ProjectNotFoundError';
  override readonly name = 'ProjectNotFoundError';
  readonly projectId: string;
  readonly availableProjects: readonly string[];
  constructor(projectId: string, availableProjects: readonly string[] = []) {
    super(
      `Project '${projectId}' not found. ${
        availableProjects.length
          ? `Accessible projects: ${availableProjects.join(', ')}.`
          : 'No accessible projects were discovered; check the account with `mp account test`.'
      }`,
      { project_id: projectId, available_projects: [...availableProjects] },
      { code: 'PROJECT_NOT_FOUND' },
    );
    this.projectId = projectId;
    this.availableProjects = Object.freeze([...availableProjects]);
  }
}

// -------------------------------------------------------------- OAuth errors

/** Any OAuth failure: tokens, refresh, registration, callback (docs/errors.md#oauth-errors). */
export class OAuthError extends MixpanelDataError {
  static override readonly errorName: string = 'OAuthError';
  override readonly name: string = 'OAuthError';
  declare readonly code: OAuthErrorCode;
  constructor(
    message: string,
    code: OAuthErrorCode = 'OAUTH_TOKEN_ERROR',
    details?: Record<string, unknown>,
    options: { cause?: unknown } = {},
  ) {
    super(message, code, { details, cause: options.cause });
  }
}

/** One region probe attempt: region, HTTP status (0 = network failure), body or reason. */
export type ProbeAttempt = readonly [region: string, status: number, body: string];

export class RegionProbeError extends OAuthError {
  static override readonly errorName: string = 'RegionProbeError';
  override readonly name: string = 'RegionProbeError';
  readonly #attempts: ProbeAttempt[];
  constructor(
    message: string,
    attempts: readonly ProbeAttempt[],
    code: OAuthErrorCode = 'OAUTH_REGION_PROBE_FAILED',
  ) {
    const copy = attempts.map(([r, s, b]) => [r, s, String(b).slice(0, 4096)] as const);
    super(message, code, { attempts: copy });
    this.#attempts = copy;
  }
  /** A copy of the attempts, in probe order. */
  get attempts(): ProbeAttempt[] {
    return this.#attempts.map((a) => [...a] as const);
  }
  override toJSON() {
    return { ...super.toJSON(), attempts: this.attempts };
  }
}

export class RegionProbeNetworkError extends RegionProbeError {
  static override readonly errorName = 'RegionProbeNetworkError';
  override readonly name = 'RegionProbeNetworkError';
  constructor(message: string, attempts: readonly ProbeAttempt[]) {
    super(message, attempts, 'OAUTH_NETWORK_UNREACHABLE');
  }
}

// -------------------------------------------------------------------- others

export class WorkspaceScopeError extends MixpanelDataError {
  static override readonly errorName = 'WorkspaceScopeError';
  override readonly name = 'WorkspaceScopeError';
  declare readonly code: WorkspaceErrorCode;
  constructor(
    message: string,
    code: WorkspaceErrorCode = 'NO_WORKSPACES',
    details?: Record<string, unknown>,
  ) {
    super(message, code, { details });
  }
}

export class EventNotFoundError extends MixpanelDataError {
  static override readonly errorName = 'EventNotFoundError';
  override readonly name = 'EventNotFoundError';
  readonly eventName: string;
  readonly similarEvents: readonly string[];
  constructor(eventName: string, similarEvents: readonly string[] = []) {
    const similar = similarEvents.slice(0, 5);
    super(
      `Event '${eventName}' not found.${similar.length ? ` Did you mean: ${quoted(similar)}?` : ' List events with `mp inspect events`.'}`,
      'EVENT_NOT_FOUND',
      { details: { event_name: eventName, similar_events: [...similarEvents] } },
    );
    this.eventName = eventName;
    this.similarEvents = Object.freeze([...similarEvents]);
  }
}

export class DateRangeTooLargeError extends MixpanelDataError {
  static override readonly errorName = 'DateRangeTooLargeError';
  override readonly name = 'DateRangeTooLargeError';
  constructor(fromDate: string, toDate: string, daysRequested: number, maxDays = 100) {
    super(
      `Date range ${fromDate}..${toDate} spans ${daysRequested} days; the maximum is ${maxDays}. Split it into smaller ranges.`,
      'DATE_RANGE_TOO_LARGE',
      {
        details: {
          from_date: fromDate,
          to_date: toDate,
          days_requested: daysRequested,
          max_days: maxDays,
        },
      },
    );
  }
}

/** Mutually exclusive call arguments (CLI exit 3). */
export class ArgumentError extends MixpanelDataError {
  static override readonly errorName = 'ArgumentError';
  override readonly name = 'ArgumentError';
  constructor(message: string, argumentNames: readonly string[] = []) {
    super(message, 'INVALID_ARGS', { details: { arguments: [...argumentNames] } });
  }
}

/** A value failed its schema: `source` says whether the caller or Mixpanel supplied it. */
export class ValidationError extends MixpanelDataError {
  static override readonly errorName = 'ValidationError';
  override readonly name = 'ValidationError';
  readonly source: 'input' | 'response';
  constructor(
    message: string,
    source: 'input' | 'response' = 'input',
    details?: Record<string, unknown>,
  ) {
    super(message, 'VALIDATION_ERROR', { details: { source, ...details } });
    this.source = source;
  }
}
