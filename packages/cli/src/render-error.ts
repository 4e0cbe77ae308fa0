import {
  AccountNotFoundError,
  APIError,
  MixpanelDataError,
  ProjectNotFoundError,
  QueryError,
  RateLimitError,
  RegionProbeError,
  RegionProbeNetworkError,
  ServerError,
} from '@mixpanel-data/client';
import { classify } from './exit-codes';
import { err, escapeControls, type Io, red } from './io';

/** The most characters of a server's text shown in one line (docs/errors.md#how-errors-are-printed). */
const SERVER_TEXT_LIMIT = 200;

/**
 * `text` as one line: control characters (line breaks too) escaped, cut to
 * `limit` characters, the last of them `…` when something was cut.
 */
function clip(text: string, limit: number): string {
  const shown = escapeControls(text);
  return shown.length > limit ? `${shown.slice(0, limit - 1)}…` : shown;
}

/**
 * The lines of one of our messages: the first is the error, the rest its
 * hints. A value the error records in its details (a name, a path) may hold
 * a line break of its own; it is escaped first, so it stays inside its line.
 */
/** The `error` text of a JSON answer, or the whole text of a non-JSON one. */
function responseText(body: unknown): string | null {
  if (typeof body === 'string') return body;
  return typeof body === 'object' && body !== null && 'error' in body
    ? String((body as { error: unknown }).error)
    : null;
}

function messageLines(message: string, details: object | undefined): string[] {
  for (const value of Object.values(details ?? {}).flat()) {
    if (typeof value !== 'string' || value === '') continue;
    const shown = escapeControls(value);
    if (shown !== value) message = message.replaceAll(value, shown);
  }
  return message.split('\n');
}

/**
 * Prints a thrown error the way docs/errors.md#how-errors-are-printed
 * renders it: one labelled line, then indented context (endpoint, API error,
 * parameters, a hint). Text from outside (a server's answer, a name) is
 * shown escaped, so it can neither move the cursor nor add lines. Never a
 * stack trace (unless `debug`), never a secret (our errors hold none).
 * Returns the exit code.
 */
export function reportError(io: Io, error: unknown, debug = false): number {
  const { exit, label } = classify(error);
  const message = error instanceof Error ? error.message : String(error);
  if (!MixpanelDataError.isInstance(error) && label === 'unexpected error') {
    err(io, red(`unexpected error: ${message.split('\n')[0]}`));
    if (debug && error instanceof Error && error.stack) err(io, ...error.stack.split('\n'));
    return exit;
  }
  if (RegionProbeError.isInstance(error)) {
    const probe = error as RegionProbeError;
    const network = RegionProbeNetworkError.isInstance(error);
    err(
      io,
      red(
        network
          ? 'ERROR: Could not reach any Mixpanel region — every probe failed at the network layer (DNS, TLS, or connect refused).'
          : 'ERROR: Credential not valid in any region.',
      ),
    );
    err(io, '');
    err(io, 'Probe results:');
    for (const [region, status, body] of probe.attempts) {
      err(
        io,
        `  ${region}: ${status === 0 ? `0 (network error: ${body})` : `${status} ${clip(String(body).split('\n')[0] ?? '', SERVER_TEXT_LIMIT)}`.trimEnd()}`,
      );
    }
    err(io, '');
    if (network) err(io, 'Check your network connection or proxy settings, then retry.');
    else
      err(
        io,
        'If you know the region, pass --region {us|eu|in} explicitly to skip the probe.',
        'If your service account is new, verify the username and secret are correct.',
      );
    return exit;
  }
  if (ProjectNotFoundError.isInstance(error) || AccountNotFoundError.isInstance(error)) {
    const project = ProjectNotFoundError.isInstance(error) ? (error as ProjectNotFoundError) : null;
    const account = project ? null : (error as AccountNotFoundError);
    err(io, red(`${label}: ${project ? project.projectId : account!.accountName}`));
    const available = project ? project.availableProjects : account!.availableAccounts;
    if (available.length)
      err(io, `${project ? 'Accessible projects' : 'Available accounts'}: ${available.join(', ')}`);
    return exit;
  }
  const head = ServerError.isInstance(error)
    ? `Server error (${(error as ServerError).statusCode})`
    : label;
  // A message that carries a server's text (as a QueryError's or ServerError's does,
  // its first 200 characters) is one line, cut; our own messages keep their hint lines.
  const typed = error as MixpanelDataError;
  const apiError = APIError.isInstance(error)
    ? responseText((typed.details as Record<string, unknown>).response_body)
    : null;
  const serverText = apiError !== null && message.includes(apiError.slice(0, 200));
  const lines = serverText
    ? [clip(message, SERVER_TEXT_LIMIT)]
    : messageLines(message, typed.details);
  err(io, red(`${head}: ${lines[0]}`), ...lines.slice(1));
  if (label === 'OAuth error' || label === 'Workspace error') err(io, `  Code: ${typed.code}`);
  if (APIError.isInstance(error)) {
    const details = typed.details as Record<string, unknown>;
    const url = typeof details.request_url === 'string' ? details.request_url : null;
    if (url)
      err(io, `  Endpoint: ${new URL(url).pathname.split('/').filter(Boolean).at(-1) ?? '/'}`);
    // A QueryError's or ServerError's message is the server's text, or a rewrite of it.
    const rewritten = QueryError.isInstance(error) || ServerError.isInstance(error);
    if (apiError && !serverText && !rewritten)
      err(io, `  API response: ${clip(apiError, SERVER_TEXT_LIMIT)}`);
    const params = Object.entries((details.request_params ?? {}) as Record<string, unknown>).filter(
      ([key]) => key !== 'project_id',
    );
    if (params.length)
      err(
        io,
        `  Parameters: ${params.map(([key, value]) => `${key}=${clip(String(value), 100)}`).join(', ')}`,
      );
    const status = (error as APIError).statusCode;
    if (status === 403)
      err(
        io,
        '  Hint: check that the account has permission for this project (service accounts need the right role).',
      );
    else if (status >= 500)
      err(io, '  Hint: probably transient on Mixpanel’s side; retry in a moment.');
    if (RateLimitError.isInstance(error)) {
      const wait = (error as RateLimitError).retryAfter;
      err(
        io,
        wait !== null
          ? `  Hint: wait ${wait} seconds, or reduce the date range.`
          : '  Hint: wait a minute, or reduce the date range.',
      );
    }
  }
  if (debug && error instanceof Error && error.stack) err(io, ...error.stack.split('\n').slice(1));
  return exit;
}
