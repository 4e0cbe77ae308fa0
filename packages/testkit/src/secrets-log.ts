/** The opt-in log of every secret the mock knows, for a scan of test output (docs/testkit.md#secrets-log). */
import { appendFileSync } from 'node:fs';
import type { Fixture } from './fixture';

/** What a logged secret is; a scan names the kind, never the value. */
export type SecretKind =
  | 'service_account_secret'
  | 'static_token'
  | 'access_token'
  | 'refresh_token';

/** Appends one secret to the log; a mock without a log gets a no-op. */
export type SecretRecorder = (kind: SecretKind, value: string) => void;

/**
 * A recorder appending `{"kind": …, "value": …}` lines to `path` (created
 * 0600). It records the fixture's service-account secrets and static tokens
 * at once, so an unusable path fails the start of the mock. Without a path,
 * a no-op.
 */
export function createSecretRecorder(path: string | undefined, fixture: Fixture): SecretRecorder {
  if (!path) return () => {};
  const append = (text: string) => appendFileSync(path, text, { mode: 0o600 });
  try {
    append(''); // creates the file: an unusable path fails here, before anything is served
  } catch (error) {
    throw new Error(
      `mock: cannot append to the secrets log ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  const record: SecretRecorder = (kind, value) => append(`${JSON.stringify({ kind, value })}\n`);
  for (const account of fixture.service_accounts) record('service_account_secret', account.secret);
  for (const token of fixture.static_tokens) record('static_token', token.token);
  return record;
}
