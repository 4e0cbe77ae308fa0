import { INSPECT, isSecret, REDACTED } from './secret';
import { redactUrl } from './url';

/** Every stable error code this package family raises (docs/errors.md#class-hierarchy). */
export type ErrorCode =
  | 'UNKNOWN_ERROR'
  | 'HTTP_ERROR'
  | 'INVALID_RESPONSE'
  | 'RESPONSE_TOO_LARGE'
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

/** The codes of `ConfigError` and its subclasses. */
export type ConfigErrorCode =
  | 'CONFIG_ERROR'
  | 'LOCK_TIMEOUT'
  | 'NO_ACTIVE_ACCOUNT'
  | 'ACCOUNT_NOT_FOUND'
  | 'ACCOUNT_EXISTS'
  | 'ACCOUNT_IN_USE'
  | 'INVALID_ARGUMENT'
  | 'PROJECT_NOT_FOUND';

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

/**
 * A text that is not a JSON object (an unparsable response body, cut short
 * perhaps) safe to show: unchanged unless a secret-named key appears in it
 * as a key (quoted, or followed within three characters by `:` or `=`, as in
 * `"access_token": "…"`, `refresh_token=…` or `Authorization: Bearer …`);
 * then everything after the first one is masked, since stray characters can
 * hide where its value ends.
 */
export function redactText(text: string): string {
  const names = [...SECRET_KEYS].join('|');
  const key = new RegExp(`(?:${names})(?:["']|[^:=]{0,3}[:=])`, 'i').exec(text);
  return key ? `${text.slice(0, key.index + key[0].length)}${REDACTED}` : text;
}

/** Drops undefined entries (a null stays: "known to be absent"), then redacts. */
function cleanDetails(details: Record<string, unknown> | undefined): ErrorDetails {
  const kept: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(details ?? {})) if (item !== undefined) kept[key] = item;
  return Object.freeze(redact(kept) as Record<string, unknown>);
}

const ERROR_MARK = Symbol.for('mixpanel-data.error');

/** What every error constructor takes after the message: `new XError(message, options)`. */
export interface MixpanelDataErrorOptions {
  /** Facts about the failure (snake_case keys); stored redacted and frozen. */
  details?: Record<string, unknown> | undefined;
  /** The wrapped error (ES2022 `cause`); never serialised. */
  cause?: unknown;
}

type ErrorClass<T> = abstract new (...args: never[]) => T;

/**
 * Base of every error this package family throws. Abstract: each concrete
 * subclass fixes one `code` (see `AnyMixpanelDataError`).
 */
export abstract class MixpanelDataError extends Error {
  /** Name of the class, kept literal so bundling and minifying cannot rename it. */
  static readonly errorName: string = 'MixpanelDataError';
  override readonly name: string = 'MixpanelDataError';
  /** One literal per concrete class (the compiler makes each subclass declare it). */
  abstract readonly code: ErrorCode;
  declare readonly details: ErrorDetails;
  declare readonly [ERROR_MARK]: readonly string[];

  constructor(message: string, options: MixpanelDataErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
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

export interface APIErrorOptions extends MixpanelDataErrorOptions {
  statusCode?: number;
  responseBody?: unknown;
  requestMethod?: string;
  requestUrl?: string;
  requestParams?: Record<string, unknown>;
  requestBody?: unknown;
}

/** How much of a text response body an APIError keeps. */
export const RESPONSE_TEXT_LIMIT = 500;

/**
 * An HTTP response that is an error (docs/errors.md#api-errors). Request
 * headers are never stored; URLs in the message and `requestUrl` lose their
 * user info (`redactUrl`).
 */
export abstract class APIError extends MixpanelDataError {
  static override readonly errorName: string = 'APIError';
  override readonly name: string = 'APIError';
  abstract override readonly code: 'AUTH_FAILED' | 'RATE_LIMITED' | 'QUERY_FAILED' | 'SERVER_ERROR';
  readonly statusCode: number;
  readonly responseBody: unknown;
  /** The request that failed (docs/http.md#status-to-error-mapping); also in `details` as `request_*`, redacted there. */
  readonly requestMethod: string | null;
  readonly requestUrl: string | null;
  readonly requestParams: Readonly<Record<string, unknown>> | null;
  readonly requestBody: unknown;

  constructor(message: string, options: APIErrorOptions = {}) {
    const statusCode = options.statusCode ?? 0;
    // Text bodies (HTML error pages, proxies) are kept to their first 500 characters (docs/errors.md#api-errors).
    const body =
      typeof options.responseBody === 'string'
        ? options.responseBody.slice(0, RESPONSE_TEXT_LIMIT)
        : options.responseBody;
    const requestUrl = options.requestUrl === undefined ? undefined : redactUrl(options.requestUrl);
    super(redactUrl(message), {
      cause: options.cause,
      details: {
        ...options.details,
        status_code: statusCode,
        response_body: body,
        request_method: options.requestMethod,
        request_url: requestUrl,
        request_params: options.requestParams,
        request_body: options.requestBody,
      },
    });
    this.statusCode = statusCode;
    this.responseBody = body ?? null;
    this.requestMethod = options.requestMethod ?? null;
    this.requestUrl = requestUrl ?? null;
    // The same redacted copies as in `details`: a request body may hold a secret.
    this.requestParams = (this.details.request_params as Record<string, unknown>) ?? null;
    this.requestBody = this.details.request_body ?? null;
  }
}

export class AuthenticationError extends APIError {
  static override readonly errorName = 'AuthenticationError';
  override readonly name = 'AuthenticationError';
  override readonly code = 'AUTH_FAILED';
  constructor(message: string, options: APIErrorOptions = {}) {
    super(message, { statusCode: 401, ...options });
  }
}

export interface RateLimitErrorOptions extends APIErrorOptions {
  /** Seconds the server asked to wait (`Retry-After`), when it said. */
  retryAfter?: number | null;
}

export class RateLimitError extends APIError {
  static override readonly errorName = 'RateLimitError';
  override readonly name = 'RateLimitError';
  override readonly code = 'RATE_LIMITED';
  readonly retryAfter: number | null;
  constructor(message: string, options: RateLimitErrorOptions = {}) {
    const { retryAfter = null, ...rest } = options;
    super(
      retryAfter == null
        ? message
        : `${message.replace(/\.$/, '')}. Retry after ${retryAfter} seconds.`,
      { statusCode: 429, ...rest },
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
  override readonly code = 'QUERY_FAILED';
  constructor(message: string, options: APIErrorOptions = {}) {
    super(message, { statusCode: 400, ...options });
  }
}

export class ServerError extends APIError {
  static override readonly errorName = 'ServerError';
  override readonly name = 'ServerError';
  override readonly code = 'SERVER_ERROR';
  constructor(message: string, options: APIErrorOptions = {}) {
    super(message, { statusCode: 500, ...options });
  }
}

// ---------------------------------------------------------- transport errors

export interface NetworkErrorOptions extends MixpanelDataErrorOptions {
  /** What went wrong, in a few words (`fetch failed: ECONNREFUSED`); `details.error`. */
  reason: string;
  requestMethod?: string | undefined;
  requestUrl?: string | undefined;
  requestParams?: Record<string, unknown> | undefined;
}

/**
 * No usable HTTP response: the connection failed or timed out. Code
 * `HTTP_ERROR`, as in the JSON output of earlier versions. URLs in the
 * message, `reason` and `requestUrl` lose their user info (`redactUrl`).
 */
export class NetworkError extends MixpanelDataError {
  static override readonly errorName: string = 'NetworkError';
  override readonly name: string = 'NetworkError';
  override readonly code = 'HTTP_ERROR';
  readonly reason: string;
  readonly requestMethod: string | null;
  readonly requestUrl: string | null;
  readonly requestParams: Readonly<Record<string, unknown>> | null;
  constructor(message: string, options: NetworkErrorOptions) {
    const reason = redactUrl(options.reason);
    const requestUrl = options.requestUrl === undefined ? undefined : redactUrl(options.requestUrl);
    super(redactUrl(message), {
      cause: options.cause,
      details: {
        ...options.details,
        error: reason,
        request_method: options.requestMethod,
        request_url: requestUrl,
        request_params: options.requestParams,
      },
    });
    this.reason = reason;
    this.requestMethod = options.requestMethod ?? null;
    this.requestUrl = requestUrl ?? null;
    this.requestParams = (this.details.request_params as Record<string, unknown>) ?? null;
  }
}

export interface RedirectErrorOptions extends Omit<NetworkErrorOptions, 'reason'> {
  /** The 3xx status. */
  statusCode: number;
  /** The `Location` header, when the server sent one. */
  location?: string | null | undefined;
}

/**
 * A 3xx answer: redirects are not followed (they could carry credentials to
 * another host). A `NetworkError` with code `HTTP_ERROR`; `details.error` is
 * `redirect <status>`.
 */
export class RedirectError extends NetworkError {
  static override readonly errorName = 'RedirectError';
  override readonly name = 'RedirectError';
  readonly statusCode: number;
  readonly location: string | null;
  constructor(message: string, options: RedirectErrorOptions) {
    const { statusCode, location, ...rest } = options;
    super(message, { ...rest, reason: `redirect ${statusCode}` });
    this.statusCode = statusCode;
    this.location = location == null ? null : redactUrl(location);
  }
}

export interface InvalidResponseErrorOptions extends MixpanelDataErrorOptions {
  statusCode: number;
  requestMethod?: string | undefined;
  requestUrl?: string | undefined;
}

/** A 2xx response whose body is not the JSON it should be. URLs lose their user info (`redactUrl`). */
export class InvalidResponseError extends MixpanelDataError {
  static override readonly errorName = 'InvalidResponseError';
  override readonly name = 'InvalidResponseError';
  override readonly code = 'INVALID_RESPONSE';
  readonly statusCode: number;
  readonly requestMethod: string | null;
  readonly requestUrl: string | null;
  constructor(message: string, options: InvalidResponseErrorOptions) {
    const requestUrl = options.requestUrl === undefined ? undefined : redactUrl(options.requestUrl);
    super(redactUrl(message), {
      cause: options.cause,
      details: {
        ...options.details,
        request_method: options.requestMethod,
        request_url: requestUrl,
        status_code: options.statusCode,
      },
    });
    this.statusCode = options.statusCode;
    this.requestMethod = options.requestMethod ?? null;
    this.requestUrl = requestUrl ?? null;
  }
}

export interface ResponseTooLargeErrorOptions extends MixpanelDataErrorOptions {
  /** The cap on decoded body bytes that the body went over. */
  maxBytes: number;
  /** The response's status (the cap applies to error answers too). */
  statusCode?: number | undefined;
  requestMethod?: string | undefined;
  requestUrl?: string | undefined;
}

/**
 * A response body that would be read whole went over its size cap (counted
 * after decoding, so a compression bomb stops early); reading stopped there
 * (docs/http.md#response-size-and-deadline).
 */
export class ResponseTooLargeError extends MixpanelDataError {
  static override readonly errorName = 'ResponseTooLargeError';
  override readonly name = 'ResponseTooLargeError';
  override readonly code = 'RESPONSE_TOO_LARGE';
  readonly maxBytes: number;
  readonly statusCode: number | null;
  readonly requestMethod: string | null;
  readonly requestUrl: string | null;
  constructor(message: string, options: ResponseTooLargeErrorOptions) {
    const requestUrl = options.requestUrl === undefined ? undefined : redactUrl(options.requestUrl);
    super(redactUrl(message), {
      cause: options.cause,
      details: {
        ...options.details,
        max_bytes: options.maxBytes,
        status_code: options.statusCode,
        request_method: options.requestMethod,
        request_url: requestUrl,
      },
    });
    this.maxBytes = options.maxBytes;
    this.statusCode = options.statusCode ?? null;
    this.requestMethod = options.requestMethod ?? null;
    this.requestUrl = requestUrl ?? null;
  }

  /** What went wrong, in a few words: "the response body is over the 1 MiB limit". */
  get reason(): string {
    return `the response body is over the ${describeBytes(this.maxBytes)} limit`;
  }

  /** The standard error: the request, the limit, and `fix` (default "Narrow the request."). */
  static forLimit(
    maxBytes: number,
    request: Omit<ResponseTooLargeErrorOptions, 'maxBytes'> & { fix?: string | undefined } = {},
  ): ResponseTooLargeError {
    const { fix = 'Narrow the request.', ...options } = request;
    const what =
      options.requestMethod && options.requestUrl
        ? `The response to ${options.requestMethod} ${options.requestUrl.split('?')[0]}`
        : 'The response';
    return new ResponseTooLargeError(
      `${what} is over the ${describeBytes(maxBytes)} limit for a response read whole; reading stopped there. ${fix}`,
      { ...options, maxBytes },
    );
  }
}

/** `1 MiB`, `64 KiB` or `1000 bytes`. */
function describeBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

// ------------------------------------------------------------- config errors

/**
 * A problem with local configuration, arguments or resolution: code
 * `CONFIG_ERROR`; its subclasses carry their own codes.
 */
export class ConfigError extends MixpanelDataError {
  static override readonly errorName: string = 'ConfigError';
  override readonly name: string = 'ConfigError';
  override readonly code: ConfigErrorCode = 'CONFIG_ERROR';
}

export interface LockTimeoutErrorOptions extends MixpanelDataErrorOptions {
  /** The lock file (`<target>.lock`). */
  path: string;
  timeoutMs: number;
}

/** Another process held a file's cross-process lock for longer than the wait allowed. */
export class LockTimeoutError extends ConfigError {
  static override readonly errorName = 'LockTimeoutError';
  override readonly name = 'LockTimeoutError';
  override readonly code = 'LOCK_TIMEOUT';
  readonly path: string;
  readonly timeoutMs: number;
  constructor(message: string, options: LockTimeoutErrorOptions) {
    super(message, {
      cause: options.cause,
      details: { ...options.details, path: options.path, timeout_ms: options.timeoutMs },
    });
    this.path = options.path;
    this.timeoutMs = options.timeoutMs;
  }

  /** The error for the lock of `target` (the file `<target>.lock`), with the standard message. */
  static forTarget(target: string, timeoutMs: number): LockTimeoutError {
    const path = `${target}.lock`;
    return new LockTimeoutError(
      `Timed out waiting for lock ${path} after ${timeoutMs} ms; another mp process is writing. Retry, or delete the .lock file if no mp process is running.`,
      { path, timeoutMs },
    );
  }
}

/** A call needed the active account (`[active].account`) and none is set. */
export class NoActiveAccountError extends ConfigError {
  static override readonly errorName = 'NoActiveAccountError';
  override readonly name = 'NoActiveAccountError';
  override readonly code = 'NO_ACTIVE_ACCOUNT';
  constructor(message = 'No active account configured.', options: MixpanelDataErrorOptions = {}) {
    super(message, options);
  }
}

const quoted = (names: readonly string[]) => names.map((n) => `'${n}'`).join(', ');

export interface AccountNotFoundErrorOptions extends MixpanelDataErrorOptions {
  accountName: string;
  availableAccounts?: readonly string[];
}

export class AccountNotFoundError extends ConfigError {
  static override readonly errorName = 'AccountNotFoundError';
  override readonly name = 'AccountNotFoundError';
  override readonly code = 'ACCOUNT_NOT_FOUND';
  readonly accountName: string;
  readonly availableAccounts: readonly string[];
  constructor(message: string, options: AccountNotFoundErrorOptions) {
    const { accountName, availableAccounts = [] } = options;
    super(message, {
      cause: options.cause,
      details: {
        ...options.details,
        account_name: accountName,
        available_accounts: [...availableAccounts],
      },
    });
    this.accountName = accountName;
    this.availableAccounts = Object.freeze([...availableAccounts]);
  }

  /** "Account 'X' not found." followed by the available names, or how to add one. */
  static forAccount(
    accountName: string,
    availableAccounts: readonly string[] = [],
  ): AccountNotFoundError {
    return new AccountNotFoundError(
      `Account '${accountName}' not found. ${
        availableAccounts.length
          ? `Available accounts: ${quoted(availableAccounts)}.`
          : 'No accounts are configured; run `mp account add NAME ...` or `mp login`.'
      }`,
      { accountName, availableAccounts },
    );
  }
}

export interface AccountExistsErrorOptions extends MixpanelDataErrorOptions {
  accountName: string;
}

export class AccountExistsError extends ConfigError {
  static override readonly errorName = 'AccountExistsError';
  override readonly name = 'AccountExistsError';
  override readonly code = 'ACCOUNT_EXISTS';
  readonly accountName: string;
  constructor(message: string, options: AccountExistsErrorOptions) {
    super(message, {
      cause: options.cause,
      details: { ...options.details, account_name: options.accountName },
    });
    this.accountName = options.accountName;
  }

  /** "Account 'X' already exists." with the fix. */
  static forAccount(accountName: string): AccountExistsError {
    return new AccountExistsError(
      `Account '${accountName}' already exists. Pick another name, or remove it first with \`mp account remove ${accountName}\`.`,
      { accountName },
    );
  }
}

export interface AccountInUseErrorOptions extends MixpanelDataErrorOptions {
  accountName: string;
  /** The targets that name the account. */
  referencedBy: readonly string[];
}

export class AccountInUseError extends ConfigError {
  static override readonly errorName = 'AccountInUseError';
  override readonly name = 'AccountInUseError';
  override readonly code = 'ACCOUNT_IN_USE';
  readonly accountName: string;
  readonly referencedBy: readonly string[];
  constructor(message: string, options: AccountInUseErrorOptions) {
    const { accountName, referencedBy } = options;
    super(message, {
      cause: options.cause,
      details: { ...options.details, account_name: accountName, referenced_by: [...referencedBy] },
    });
    this.accountName = accountName;
    this.referencedBy = Object.freeze([...referencedBy]);
  }

  /** Names the referencing targets; `forceHint` names the override on the caller's surface (`force=True`, `--force`). */
  static forAccount(
    accountName: string,
    referencedBy: readonly string[],
    forceHint = '`force: true`',
  ): AccountInUseError {
    return new AccountInUseError(
      `Account '${accountName}' is referenced by target(s): ${quoted(referencedBy)}. Pass ${forceHint} to remove anyway.`,
      { accountName, referencedBy },
    );
  }
}

export type ArgumentViolation = 'mutually_exclusive' | 'no_browser_misuse' | 'secret_stdin_misuse';

export interface InvalidArgumentErrorOptions extends MixpanelDataErrorOptions {
  violation: ArgumentViolation;
  detectedAuthType?: string | null | undefined;
}

export class InvalidArgumentError extends ConfigError {
  static override readonly errorName = 'InvalidArgumentError';
  override readonly name = 'InvalidArgumentError';
  override readonly code = 'INVALID_ARGUMENT';
  readonly violation: ArgumentViolation;
  readonly detectedAuthType: string | null;
  constructor(message: string, options: InvalidArgumentErrorOptions) {
    const { violation, detectedAuthType } = options;
    if (!['mutually_exclusive', 'no_browser_misuse', 'secret_stdin_misuse'].includes(violation)) {
      throw new ArgumentError(`Unknown InvalidArgumentError violation '${violation}'.`, {
        argumentNames: ['violation'],
      });
    }
    super(message, {
      cause: options.cause,
      details: { ...options.details, violation, detected_auth_type: detectedAuthType },
    });
    this.violation = violation;
    this.detectedAuthType = detectedAuthType ?? null;
  }
}

export interface ProjectNotFoundErrorOptions extends MixpanelDataErrorOptions {
  projectId: string;
  availableProjects?: readonly string[];
}

export class ProjectNotFoundError extends ConfigError {
  static override readonly errorName = 'ProjectNotFoundError';
  override readonly name = 'ProjectNotFoundError';
  override readonly code = 'PROJECT_NOT_FOUND';
  readonly projectId: string;
  readonly availableProjects: readonly string[];
  constructor(message: string, options: ProjectNotFoundErrorOptions) {
    const { projectId, availableProjects = [] } = options;
    super(message, {
      cause: options.cause,
      details: {
        ...options.details,
        project_id: projectId,
        available_projects: [...availableProjects],
      },
    });
    this.projectId = projectId;
    this.availableProjects = Object.freeze([...availableProjects]);
  }

  /** "Project 'X' not found." followed by the accessible ids, or how to check the account. */
  static forProject(
    projectId: string,
    availableProjects: readonly string[] = [],
  ): ProjectNotFoundError {
    return new ProjectNotFoundError(
      `Project '${projectId}' not found. ${
        availableProjects.length
          ? `Accessible projects: ${availableProjects.join(', ')}.`
          : 'No accessible projects were discovered; check the account with `mp account test`.'
      }`,
      { projectId, availableProjects },
    );
  }
}

// -------------------------------------------------------------- OAuth errors

/** Any OAuth failure: tokens, refresh, registration, callback (docs/errors.md#oauth-errors). */
export abstract class OAuthError extends MixpanelDataError {
  // Abstract: one subclass per `OAUTH_*` code.
  static override readonly errorName: string = 'OAuthError';
  override readonly name: string = 'OAuthError';
  abstract override readonly code: OAuthErrorCode;
}

/**
 * Tokens missing, unreadable, unsafe or malformed; expired with no refresh
 * token; a failed code exchange; a callback without code or state; the /me
 * probe after login failed; a static token variable unset or unusable.
 */
export class OAuthTokenError extends OAuthError {
  static override readonly errorName = 'OAuthTokenError';
  override readonly name = 'OAuthTokenError';
  override readonly code = 'OAUTH_TOKEN_ERROR';
}

/** A refresh failed for a transient or local reason (network, 5xx, bad body, no client record, lock wait). */
export class OAuthRefreshError extends OAuthError {
  static override readonly errorName = 'OAuthRefreshError';
  override readonly name = 'OAuthRefreshError';
  override readonly code = 'OAUTH_REFRESH_ERROR';
}

/** The provider refused the refresh token (`invalid_grant`/`invalid_client`): log in again. */
export class OAuthRefreshRevokedError extends OAuthError {
  static override readonly errorName = 'OAuthRefreshRevokedError';
  override readonly name = 'OAuthRefreshRevokedError';
  override readonly code = 'OAUTH_REFRESH_REVOKED';
}

/** Dynamic client registration failed. */
export class OAuthRegistrationError extends OAuthError {
  static override readonly errorName = 'OAuthRegistrationError';
  override readonly name = 'OAuthRegistrationError';
  override readonly code = 'OAUTH_REGISTRATION_ERROR';
}

/** No callback arrived in time, or the wait was aborted (`details.aborted`). */
export class OAuthTimeoutError extends OAuthError {
  static override readonly errorName = 'OAuthTimeoutError';
  override readonly name = 'OAuthTimeoutError';
  override readonly code = 'OAUTH_TIMEOUT';
}

/** Every callback port was busy, or the chosen one was taken before binding. */
export class OAuthPortError extends OAuthError {
  static override readonly errorName = 'OAuthPortError';
  override readonly name = 'OAuthPortError';
  override readonly code = 'OAUTH_PORT_ERROR';
}

/** The browser could not be opened. */
export class OAuthBrowserError extends OAuthError {
  static override readonly errorName = 'OAuthBrowserError';
  override readonly name = 'OAuthBrowserError';
  override readonly code = 'OAUTH_BROWSER_ERROR';
}

/** The OAuth flow was given an unknown region. */
export class OAuthConfigError extends OAuthError {
  static override readonly errorName = 'OAuthConfigError';
  override readonly name = 'OAuthConfigError';
  override readonly code = 'OAUTH_CONFIG_ERROR';
}

/** The pasted redirect was empty or had no code or state. */
export class OAuthPasteError extends OAuthError {
  static override readonly errorName = 'OAuthPasteError';
  override readonly name = 'OAuthPasteError';
  override readonly code = 'OAUTH_PASTE_ERROR';
}

/** The callback's or paste's `state` is not this login's. */
export class OAuthStateMismatchError extends OAuthError {
  static override readonly errorName = 'OAuthStateMismatchError';
  override readonly name = 'OAuthStateMismatchError';
  override readonly code = 'OAUTH_STATE_MISMATCH';
}

/** The provider redirected with `error=` (access denied, invalid request, …). */
export class OAuthAuthDeniedError extends OAuthError {
  static override readonly errorName = 'OAuthAuthDeniedError';
  override readonly name = 'OAuthAuthDeniedError';
  override readonly code = 'OAUTH_AUTH_DENIED';
}

/** One region probe attempt: region, HTTP status (0 = network failure), body or reason. */
export type ProbeAttempt = readonly [region: string, status: number, body: string];

export interface RegionProbeErrorOptions extends MixpanelDataErrorOptions {
  attempts: readonly ProbeAttempt[];
}

/** No region accepted the credentials; `attempts` says what each answered. */
export class RegionProbeError extends OAuthError {
  static override readonly errorName: string = 'RegionProbeError';
  override readonly name: string = 'RegionProbeError';
  override readonly code: 'OAUTH_REGION_PROBE_FAILED' | 'OAUTH_NETWORK_UNREACHABLE' =
    'OAUTH_REGION_PROBE_FAILED';
  readonly #attempts: ProbeAttempt[];
  constructor(message: string, options: RegionProbeErrorOptions) {
    const copy = options.attempts.map(([r, s, b]) => [r, s, String(b).slice(0, 4096)] as const);
    super(message, { cause: options.cause, details: { ...options.details, attempts: copy } });
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

/** Every region probe failed at the network level. */
export class RegionProbeNetworkError extends RegionProbeError {
  static override readonly errorName = 'RegionProbeNetworkError';
  override readonly name = 'RegionProbeNetworkError';
  override readonly code = 'OAUTH_NETWORK_UNREACHABLE';
}

// -------------------------------------------------------------------- others

/** A workspace-scoped call could not settle on one workspace. Abstract: one subclass per code. */
export abstract class WorkspaceScopeError extends MixpanelDataError {
  static override readonly errorName: string = 'WorkspaceScopeError';
  override readonly name: string = 'WorkspaceScopeError';
  abstract override readonly code: WorkspaceErrorCode;
}

/** The project has no workspace the account can access. */
export class NoWorkspacesError extends WorkspaceScopeError {
  static override readonly errorName = 'NoWorkspacesError';
  override readonly name = 'NoWorkspacesError';
  override readonly code = 'NO_WORKSPACES';
}

/** Several workspaces fit and none was chosen. */
export class AmbiguousWorkspaceError extends WorkspaceScopeError {
  static override readonly errorName = 'AmbiguousWorkspaceError';
  override readonly name = 'AmbiguousWorkspaceError';
  override readonly code = 'AMBIGUOUS_WORKSPACE';
}

/** The requested workspace is not in the project. */
export class WorkspaceNotFoundError extends WorkspaceScopeError {
  static override readonly errorName = 'WorkspaceNotFoundError';
  override readonly name = 'WorkspaceNotFoundError';
  override readonly code = 'WORKSPACE_NOT_FOUND';
}

/** Several organizations fit and none was chosen. */
export class OrganizationAmbiguousError extends WorkspaceScopeError {
  static override readonly errorName = 'OrganizationAmbiguousError';
  override readonly name = 'OrganizationAmbiguousError';
  override readonly code = 'ORGANIZATION_AMBIGUOUS';
}

export interface EventNotFoundErrorOptions extends MixpanelDataErrorOptions {
  eventName: string;
  similarEvents?: readonly string[];
}

export class EventNotFoundError extends MixpanelDataError {
  static override readonly errorName = 'EventNotFoundError';
  override readonly name = 'EventNotFoundError';
  override readonly code = 'EVENT_NOT_FOUND';
  readonly eventName: string;
  readonly similarEvents: readonly string[];
  constructor(message: string, options: EventNotFoundErrorOptions) {
    const { eventName, similarEvents = [] } = options;
    super(message, {
      cause: options.cause,
      details: { ...options.details, event_name: eventName, similar_events: [...similarEvents] },
    });
    this.eventName = eventName;
    this.similarEvents = Object.freeze([...similarEvents]);
  }

  /** "Event 'X' not found." suggesting up to five similar names, or how to list events. */
  static forEvent(eventName: string, similarEvents: readonly string[] = []): EventNotFoundError {
    const similar = similarEvents.slice(0, 5);
    return new EventNotFoundError(
      `Event '${eventName}' not found.${similar.length ? ` Did you mean: ${quoted(similar)}?` : ' List events with `mp inspect events`.'}`,
      { eventName, similarEvents },
    );
  }
}

export interface DateRangeTooLargeErrorOptions extends MixpanelDataErrorOptions {
  fromDate: string;
  toDate: string;
  daysRequested: number;
  /** Defaults to 100. */
  maxDays?: number;
}

export class DateRangeTooLargeError extends MixpanelDataError {
  static override readonly errorName = 'DateRangeTooLargeError';
  override readonly name = 'DateRangeTooLargeError';
  override readonly code = 'DATE_RANGE_TOO_LARGE';
  readonly fromDate: string;
  readonly toDate: string;
  readonly daysRequested: number;
  readonly maxDays: number;
  constructor(message: string, options: DateRangeTooLargeErrorOptions) {
    const { fromDate, toDate, daysRequested, maxDays = 100 } = options;
    super(message, {
      cause: options.cause,
      details: {
        ...options.details,
        from_date: fromDate,
        to_date: toDate,
        days_requested: daysRequested,
        max_days: maxDays,
      },
    });
    this.fromDate = fromDate;
    this.toDate = toDate;
    this.daysRequested = daysRequested;
    this.maxDays = maxDays;
  }

  /** "Date range A..B spans N days; the maximum is M." with the fix. */
  static forRange(
    fromDate: string,
    toDate: string,
    daysRequested: number,
    maxDays = 100,
  ): DateRangeTooLargeError {
    return new DateRangeTooLargeError(
      `Date range ${fromDate}..${toDate} spans ${daysRequested} days; the maximum is ${maxDays}. Split it into smaller ranges.`,
      { fromDate, toDate, daysRequested, maxDays },
    );
  }
}

export interface ArgumentErrorOptions extends MixpanelDataErrorOptions {
  /** The arguments at fault (`details.arguments`). */
  argumentNames?: readonly string[];
}

/** Mutually exclusive call arguments (CLI exit 3). */
export class ArgumentError extends MixpanelDataError {
  static override readonly errorName = 'ArgumentError';
  override readonly name = 'ArgumentError';
  override readonly code = 'INVALID_ARGS';
  constructor(message: string, options: ArgumentErrorOptions = {}) {
    super(message, {
      cause: options.cause,
      // `details` are deep-copied on the way in: the caller's array is not kept.
      details: { ...options.details, arguments: options.argumentNames ?? [] },
    });
  }
}

export interface ValidationErrorOptions extends MixpanelDataErrorOptions {
  /** Who supplied the value: the caller (`input`, the default) or Mixpanel (`response`). */
  source?: 'input' | 'response';
}

/** A value failed its schema: `source` says whether the caller or Mixpanel supplied it. */
export class ValidationError extends MixpanelDataError {
  static override readonly errorName = 'ValidationError';
  override readonly name = 'ValidationError';
  override readonly code = 'VALIDATION_ERROR';
  declare readonly source: 'input' | 'response';
  constructor(message: string, options: ValidationErrorOptions = {}) {
    const source = options.source ?? 'input';
    super(message, { cause: options.cause, details: { source, ...options.details } });
    this.source = source;
  }
}

/**
 * Every concrete error class, so `switch (error.code)` narrows to the class.
 * `ConfigError` and `RegionProbeError` appear with their own code only (their
 * subclasses are listed separately).
 */
export type AnyMixpanelDataError =
  | AuthenticationError
  | RateLimitError
  | QueryError
  | ServerError
  | NetworkError
  | RedirectError
  | InvalidResponseError
  | ResponseTooLargeError
  | (ConfigError & { readonly code: 'CONFIG_ERROR' })
  | LockTimeoutError
  | NoActiveAccountError
  | AccountNotFoundError
  | AccountExistsError
  | AccountInUseError
  | InvalidArgumentError
  | ProjectNotFoundError
  | OAuthTokenError
  | OAuthRefreshError
  | OAuthRefreshRevokedError
  | OAuthRegistrationError
  | OAuthTimeoutError
  | OAuthPortError
  | OAuthBrowserError
  | OAuthConfigError
  | OAuthPasteError
  | OAuthStateMismatchError
  | OAuthAuthDeniedError
  | (RegionProbeError & { readonly code: 'OAUTH_REGION_PROBE_FAILED' })
  | RegionProbeNetworkError
  | NoWorkspacesError
  | AmbiguousWorkspaceError
  | WorkspaceNotFoundError
  | OrganizationAmbiguousError
  | EventNotFoundError
  | DateRangeTooLargeError
  | ArgumentError
  | ValidationError;
