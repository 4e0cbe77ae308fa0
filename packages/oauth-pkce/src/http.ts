import {
  checkHeaderValue,
  NetworkError,
  ResponseTooLargeError,
  readResponseText,
} from '@mixpanel-data/auth-core';
import type { KyInstance } from 'ky';

/** Default deadline of one OAuth request, headers and body together (docs/oauth.md#oauth-http-settings). */
export const OAUTH_HTTP_TIMEOUT_MS = 10_000;

/** Default cap on an OAuth response body, counted after decoding (docs/oauth.md#oauth-http-settings). */
export const OAUTH_MAX_RESPONSE_BYTES = 1024 * 1024;

export interface HttpOptions {
  /** Deadline of one request, from sending to the body's last byte. Default 10 s. */
  timeoutMs?: number | undefined;
  /** The most decoded bytes a response body may have. Default 1 MiB. */
  maxResponseBytes?: number | undefined;
  /** Replaces the global `fetch` (tests). */
  fetch?: typeof fetch | undefined;
  /** Sent as `User-Agent`. */
  userAgent?: string | undefined;
}

export const USER_AGENT = 'mixpanel-data-ts/oauth-pkce';

/**
 * The one place that talks to ky: absolute URLs only (no `prefixUrl`), no
 * retries, redirects not followed, HTTP errors returned rather than thrown,
 * so every caller classifies responses itself. Every response's body is read
 * whole before ky returns it, under one deadline for the headers and the
 * body and within a size cap (docs/oauth.md#oauth-http-settings): a
 * dripping, huge or compressed-bomb answer rejects the request with a
 * `NetworkError` ("the request timed out after N ms") or a
 * `ResponseTooLargeError`, never holds the caller (or a lock it holds). A
 * later ky upgrade touches only this module. ky is loaded on first use, so
 * programs that never go to the network (most `mp` commands) do not pay for
 * it at start-up.
 */
export async function createHttp(options: HttpOptions = {}): Promise<KyInstance> {
  const userAgent = checkHeaderValue(
    options.userAgent ?? USER_AGENT,
    'The userAgent option',
    'Pass one line of plain text.',
  );
  const { default: ky } = await import('ky');
  const timeoutMs = options.timeoutMs ?? OAUTH_HTTP_TIMEOUT_MS;
  const maxBytes = options.maxResponseBytes ?? OAUTH_MAX_RESPONSE_BYTES;
  const bounded = async (request: Request, init?: RequestInit): Promise<Response> => {
    const deadline = AbortSignal.timeout(timeoutMs);
    const signal = AbortSignal.any([request.signal, deadline]);
    const where = { requestMethod: request.method, requestUrl: request.url };
    try {
      const response = await (options.fetch ?? fetch)(request, { ...init, signal });
      const text = await readResponseText(response, {
        maxBytes,
        signal,
        ...where,
        statusCode: response.status,
        fix: 'Check that the server answering is Mixpanel (MP_BASE_URL, a proxy).',
      });
      // The text is what the caller reads; it is no longer encoded.
      const headers = new Headers(response.headers);
      headers.delete('content-encoding');
      headers.delete('content-length');
      return new Response(response.body === null ? null : text, {
        status: response.status,
        statusText: response.statusText,
        headers,
      });
    } catch (error) {
      if (!deadline.aborted || request.signal.aborted) throw error;
      const reason = `the request timed out after ${timeoutMs} ms`;
      throw new NetworkError(`HTTP error: ${reason} (${request.method} ${request.url}).`, {
        reason,
        ...where,
        cause: error,
      });
    }
  };
  return ky.create({
    retry: 0,
    throwHttpErrors: false,
    redirect: 'manual',
    // The deadline is the one above: ky's own ends when the headers arrive.
    timeout: false,
    headers: { 'User-Agent': userAgent },
    fetch: bounded as typeof fetch,
  });
}

/** A short, secret-free description of a transport failure (timeout, refused connection). */
export function describeNetworkError(error: unknown): string {
  if (NetworkError.isInstance(error) || ResponseTooLargeError.isInstance(error))
    return error.reason;
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
