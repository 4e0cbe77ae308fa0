import {
  AccountExistsError,
  AccountNotFoundError,
  ArgumentError,
  AuthenticationError,
  ConfigError,
  DateRangeTooLargeError,
  EventNotFoundError,
  InvalidArgumentError,
  InvalidResponseError,
  MixpanelDataError,
  NetworkError,
  OAuthError,
  ProjectNotFoundError,
  QueryError,
  RateLimitError,
  RegionProbeError,
  RegionProbeNetworkError,
  ServerError,
  ValidationError,
  WorkspaceScopeError,
} from '@mixpanel-data/client';
import { UsageError } from './args';

export const EXIT = {
  SUCCESS: 0,
  GENERAL: 1,
  AUTH: 2,
  /** Argument-parser usage errors: the same value as AUTH, kept for parity (docs/errors.md#exit-codes). */
  USAGE: 2,
  INVALID_ARGS: 3,
  NOT_FOUND: 4,
  RATE_LIMIT: 5,
  INTERRUPTED: 130,
} as const;

type Rule = [matches: (error: unknown) => boolean, exit: number, label: string];
const is = (type: { isInstance(value: unknown): boolean }) => (error: unknown) =>
  type.isInstance(error);

/**
 * The one table from thrown errors to exit codes and stderr labels (docs/errors.md#error-to-exit-code-mapping),
 * checked in order: subclasses before their parents.
 */
export const EXIT_RULES: readonly Rule[] = [
  [is(AuthenticationError), EXIT.AUTH, 'Authentication error'],
  [is(AccountNotFoundError), EXIT.NOT_FOUND, 'Account not found'],
  [is(AccountExistsError), EXIT.GENERAL, 'Account exists'],
  [is(ProjectNotFoundError), EXIT.NOT_FOUND, 'Project not found'],
  [is(RateLimitError), EXIT.RATE_LIMIT, 'Rate limited'],
  [is(EventNotFoundError), EXIT.NOT_FOUND, 'Event not found'],
  [is(DateRangeTooLargeError), EXIT.INVALID_ARGS, 'Invalid argument'],
  [is(QueryError), EXIT.INVALID_ARGS, 'Query error'],
  [is(ServerError), EXIT.GENERAL, 'Server error'],
  [is(RegionProbeNetworkError), EXIT.AUTH, 'ERROR'],
  [is(RegionProbeError), EXIT.AUTH, 'ERROR'],
  [is(OAuthError), EXIT.AUTH, 'OAuth error'],
  [is(WorkspaceScopeError), EXIT.GENERAL, 'Workspace error'],
  [is(InvalidArgumentError), EXIT.INVALID_ARGS, 'ERROR'],
  [is(ConfigError), EXIT.GENERAL, 'Configuration error'],
  [is(ArgumentError), EXIT.INVALID_ARGS, 'Invalid argument'],
  [
    (e) => ValidationError.isInstance(e) && (e as ValidationError).source === 'input',
    EXIT.INVALID_ARGS,
    'Invalid argument',
  ],
  [(e) => ValidationError.isInstance(e), EXIT.GENERAL, 'Unexpected response from Mixpanel'],
  [is(InvalidResponseError), EXIT.GENERAL, 'Unexpected response from Mixpanel'],
  [is(NetworkError), EXIT.GENERAL, 'Error'],
  [is(MixpanelDataError), EXIT.GENERAL, 'Error'],
  [(e) => e instanceof UsageError, EXIT.USAGE, 'Usage error'],
];

/** Exit code and label of a thrown value (anything unknown is a bug: 1). */
export function classify(error: unknown): { exit: number; label: string } {
  for (const [matches, exit, label] of EXIT_RULES) if (matches(error)) return { exit, label };
  return { exit: EXIT.GENERAL, label: 'unexpected error' };
}
