import { checkHeaderValue, RESPONSE_TEXT_LIMIT } from '@mixpanel-data/auth-core';
import type { KyInstance } from 'ky';

/** Default timeout of one OAuth request (docs/oauth.md#oauth-http-settings). */
export const OAUTH_HTTP_TIMEOUT_MS = 10_000;

export interface HttpOptions {
  /** Per-request timeout. Default 10 s. */
  timeoutMs?: number | undefined;
  /** Replaces the global `fetch` (tests). */
  fetch?: typeof fetch | undefined;
  /** Sent as `User-Agent`. */
  userAgent?: string | undefined;
}

export const USER_AGENT = 'mixpanel-data-ts/oauth-pkce';

/**
 * The one place that talks to ky: absolute URLs only (no `prefixUrl`), no
 * retries, redirects not followed, HTTP errors returned rather than thrown,
 * so every caller classifies responses itself. A later ky upgrade touches
 * only this module. ky is loaded on first use, so programs that never go to
 * the network (most `mp` commands) do not pay for it at start-up.
 */
export async function createHttp(options: HttpOptions = {}): Promise<KyInstance> {
  const userAgent = checkHeaderValue(
    options.userAgent ?? USER_AGENT,
    'The userAgent option',
    'Pass one line of plain text.',
  );
  const { default: ky } = await import('ky');
  return ky.create({
    retry: 0,
    throwHttpErrors: false,
    redirect: 'manual',
    timeout: options.timeoutMs ?? OAUTH_HTTP_TIMEOUT_MS,
    headers: { 'User-Agent': userAgent },
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
}

/** A short, secret-free description of a transport failure (timeout, refused connection). */
export function describeNetworkError(error: unknown): string {
  const name = (error as Error | null)?.name;
  if (name === 'TimeoutError') return 'the request timed out';
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  const causeMessage =
    typeof cause?.message === 'string' && cause.message ? cause.message.split('\n')[0]! : null;
  if (typeof cause?.code === 'string')
    return `${cause.code}${causeMessage ? ` (${causeMessage})` : ''}`;
  // fetch's own "fetch failed" says nothing; its cause ("bad port", …) does.
  if (causeMessage) return causeMessage;
  return error instanceof Error ? error.message.split('\n')[0]! : String(error);
}

/** Response text, cut to `limit` characters, for error details. */
export async function bodyText(response: Response, limit = RESPONSE_TEXT_LIMIT): Promise<string> {
  try {
    return (await response.text()).slice(0, limit);
  } catch {
    return '';
  }
}
