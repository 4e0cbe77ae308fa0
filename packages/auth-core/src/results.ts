import { MixpanelDataError, ValidationError } from './errors';
import type { AccountType, Region } from './scalars';
import { toSnakeJSON } from './snake';

/** Freezes `value` after giving it a non-enumerable snake_case `toJSON` (keys in field order). */
function record<T extends object>(value: T): T {
  Object.defineProperty(value, 'toJSON', { value: () => toSnakeJSON(value) });
  return Object.freeze(value);
}

export type AccountStatus = 'ok' | 'needs_login' | 'needs_token' | 'untested';

/** What list/show/add/update return about an account. Never holds a secret. */
export interface AccountSummary {
  readonly name: string;
  readonly type: AccountType;
  readonly region: Region;
  readonly status: AccountStatus;
  readonly isActive: boolean;
  readonly referencedByTargets: readonly string[];
  readonly userEmail: string | null;
  readonly projectId: string | null;
  readonly projectName: string | null;
}

export function createAccountSummary(
  init: Omit<AccountSummary, 'status' | 'userEmail' | 'projectName' | 'referencedByTargets'> &
    Partial<Pick<AccountSummary, 'status' | 'userEmail' | 'projectName' | 'referencedByTargets'>>,
): AccountSummary {
  const summary: AccountSummary = {
    name: init.name,
    type: init.type,
    region: init.region,
    status: init.status ?? 'untested',
    isActive: init.isActive,
    referencedByTargets: Object.freeze([...(init.referencedByTargets ?? [])].sort()),
    userEmail: init.userEmail ?? null,
    projectId: init.projectId ?? null,
    projectName: init.projectName ?? null,
  };
  return record(summary);
}

/** `{id, email}` from /me, only when both are present. */
export interface MeUserInfo {
  readonly id: number;
  readonly email: string;
}

/** The outcome of probing `/me` for an account. `ok` ⇔ `error === null`. */
export interface AccountTestResult {
  readonly accountName: string;
  readonly ok: boolean;
  readonly user: MeUserInfo | null;
  readonly accessibleProjectCount: number | null;
  readonly error: string | null;
  readonly errorCode: string | null;
  readonly errorDetails: Readonly<Record<string, unknown>> | null;
}

type TestResultInit = Pick<AccountTestResult, 'accountName' | 'ok'> &
  Partial<Omit<AccountTestResult, 'accountName' | 'ok'>>;

/** Builds a result, enforcing the ok/error invariant (violations are programming errors). */
export function createAccountTestResult(init: TestResultInit): AccountTestResult {
  const result: AccountTestResult = {
    accountName: init.accountName,
    ok: init.ok,
    user: init.user ?? null,
    accessibleProjectCount: init.accessibleProjectCount ?? null,
    error: init.error ?? null,
    errorCode: init.errorCode ?? null,
    errorDetails: init.errorDetails ?? null,
  };
  if (
    result.ok !== (result.error === null) ||
    (result.ok && (result.errorCode || result.errorDetails))
  ) {
    throw new ValidationError(
      'AccountTestResult: `ok` must be true exactly when `error` is null, and a passing result carries no error code or details.',
      { details: { path: 'ok' } },
    );
  }
  return record(result);
}

/**
 * A failed test result from any thrown value: the code and (non-empty) details
 * are copied only from our own errors (docs/errors.md#account-test-results).
 */
export function failedTestResult(
  accountName: string,
  prefix: string,
  error: unknown,
): AccountTestResult {
  const ours = MixpanelDataError.isInstance(error) ? (error as MixpanelDataError) : null;
  const message = error instanceof Error ? error.message : String(error);
  return createAccountTestResult({
    accountName,
    ok: false,
    error: `${prefix}${message}`,
    errorCode: ours?.code ?? null,
    errorDetails: ours && Object.keys(ours.details).length ? { ...ours.details } : null,
  });
}

/** What `accounts.login(name)` returns. */
export interface OAuthLoginResult {
  readonly accountName: string;
  readonly user: MeUserInfo | null;
  /** ISO-8601 UTC, or null. */
  readonly expiresAt: string | null;
  readonly tokensPath: string;
  /** The shared per-region client record (what the reference reports). */
  readonly clientPath: string;
}

export function createOAuthLoginResult(init: OAuthLoginResult): OAuthLoginResult {
  const result = { ...init };
  return record(result);
}
