import {
  type AccountType,
  type APIErrorOptions,
  AuthenticationError,
  QueryError,
  RateLimitError,
  RESPONSE_TEXT_LIMIT,
  RedirectError,
  ServerError,
} from '@mixpanel-data/auth-core';

/** The captured body of a failed response (docs/http.md#status-to-error-mapping): parsed JSON, else ≤ 500 chars of text, else null. */
export function captureBody(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return text.slice(0, RESPONSE_TEXT_LIMIT);
  }
}

/** The "body error" of docs/http.md#status-to-error-mapping: `b.error` (as a string), or the first 200 chars of a text body. */
export function bodyError(body: unknown): string | null {
  if (typeof body === 'string') return body.slice(0, 200) || null;
  if (body && typeof body === 'object' && !Array.isArray(body) && 'error' in body) {
    const error = (body as { error: unknown }).error;
    return typeof error === 'string' ? error : JSON.stringify(error);
  }
  return null;
}

export interface FailedRequest extends APIErrorOptions {
  statusCode: number;
  accountType: AccountType;
  accountName: string;
  family: 'query' | 'app' | 'export' | 'engage' | 'escape';
  location?: string | null;
  retryAfter?: number | null;
}

/** Maps a final non-2xx response to our error (docs/http.md#status-to-error-mapping). */
export function errorForStatus(
  failed: FailedRequest,
): AuthenticationError | RateLimitError | QueryError | ServerError | RedirectError {
  const {
    statusCode: status,
    accountType,
    accountName,
    family,
    location,
    retryAfter,
    ...rest
  } = failed;
  const options: APIErrorOptions = { statusCode: status, ...rest };
  const text = bodyError(failed.responseBody);
  if (status >= 300 && status < 400) {
    return new RedirectError(
      `HTTP error: unexpected redirect to ${location ?? 'an unknown location'} (redirects are not followed).`,
      {
        statusCode: status,
        location,
        requestMethod: failed.requestMethod,
        requestUrl: failed.requestUrl,
        requestParams: failed.requestParams,
      },
    );
  }
  if (status === 401) {
    const message =
      accountType === 'oauth_browser'
        ? `Mixpanel rejected the OAuth login of account '${accountName}'. Run \`mp account login ${accountName}\`.`
        : accountType === 'oauth_token'
          ? `Mixpanel rejected the static OAuth token of account '${accountName}'. Check the token (or the variable it is read from).`
          : `Mixpanel rejected the credentials of account '${accountName}'. Check the service account's username, secret and project id.`;
    return new AuthenticationError(message, options);
  }
  if (status === 429)
    return new RateLimitError('Rate limited by Mixpanel', {
      ...options,
      retryAfter: retryAfter ?? null,
    });
  if (status >= 500) return new ServerError(`Server error: ${text ?? status}`, options);
  const fallback =
    status === 400
      ? 'Unknown error'
      : status === 403
        ? 'Permission denied'
        : status === 404
          ? 'Resource not found'
          : status === 422 && family === 'app'
            ? 'Unprocessable entity'
            : 'Request failed';
  return new QueryError(text ?? fallback, options);
}
