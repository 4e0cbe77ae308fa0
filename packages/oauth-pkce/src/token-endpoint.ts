import {
  isHeaderValue,
  type OAuthError,
  OAuthRefreshError,
  OAuthRefreshRevokedError,
  OAuthTokenError,
  OAuthTokens,
  RESPONSE_TEXT_LIMIT,
  redact,
  redactText,
} from '@mixpanel-data/auth-core';
import type { KyInstance } from 'ky';
import { describeNetworkError } from './http';

/** What the token endpoint answered, before it is judged (docs/oauth.md#code-exchange, docs/oauth.md#token-refresh). */
export type TokenResponseOutcome =
  | { readonly ok: true; readonly tokens: OAuthTokens }
  | {
      readonly ok: false;
      readonly reason: 'status';
      readonly status: number;
      readonly body: string;
      readonly error: string | null;
    }
  | { readonly ok: false; readonly reason: 'non_json'; readonly contentType: string }
  | {
      readonly ok: false;
      readonly reason: 'fields';
      readonly field: string;
      readonly presentKeys: string[];
    };

const EXPIRES_IN = /^[+-]?\d+$/;

/**
 * Judges a token-endpoint response: exactly 200 and a JSON object with
 * `access_token`, an integer `expires_in` (or a string of digits),
 * `token_type`; `scope` defaults to "", `refresh_token` is optional.
 * Pure: the caller did the I/O.
 */
export function judgeTokenResponse(
  status: number,
  contentType: string,
  text: string,
  now = Date.now(),
): TokenResponseOutcome {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (status !== 200) {
    const error =
      typeof (body as { error?: unknown } | undefined)?.error === 'string'
        ? (body as { error: string }).error
        : null;
    return { ok: false, reason: 'status', status, body: text.slice(0, RESPONSE_TEXT_LIMIT), error };
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, reason: 'non_json', contentType: contentType || 'no content type' };
  }
  const record = body as Record<string, unknown>;
  const presentKeys = Object.keys(record).sort();
  const missing = (field: string) => ({ ok: false, reason: 'fields', field, presentKeys }) as const;
  const { access_token, expires_in, token_type, scope, refresh_token } = record;
  // The access token goes out as a header: one that cannot be sent is as good as missing.
  if (access_token == null || access_token === '' || !isHeaderValue(String(access_token)))
    return missing('access_token');
  if (token_type == null) return missing('token_type');
  const seconds =
    typeof expires_in === 'number' && Number.isInteger(expires_in)
      ? expires_in
      : typeof expires_in === 'string' && EXPIRES_IN.test(expires_in.trim())
        ? Number(expires_in.trim())
        : null;
  // A lifetime whose expiry no Date can hold (±8.64e15 ms) is as good as missing.
  if (seconds === null || Number.isNaN(new Date(now + seconds * 1000).getTime()))
    return missing('expires_in');
  return {
    ok: true,
    tokens: OAuthTokens.fromResponse(
      {
        access_token: String(access_token),
        expires_in: seconds,
        token_type: String(token_type),
        scope: scope == null ? '' : String(scope),
        refresh_token: refresh_token == null ? null : String(refresh_token),
      },
      now,
    ),
  };
}

interface TokenRequest {
  http: KyInstance;
  /** `{oauthBase}token/` */
  url: string;
  form: Record<string, string>;
}

async function postForm(request: TokenRequest, failure: (why: string) => OAuthError) {
  let response: Response;
  try {
    response = await request.http.post(request.url, { body: new URLSearchParams(request.form) });
  } catch (error) {
    throw failure(describeNetworkError(error));
  }
  const text = await response.text().catch(() => '');
  return judgeTokenResponse(response.status, response.headers.get('content-type') ?? '', text);
}

/** The authorization-code exchange (docs/oauth.md#code-exchange). Every failure is OAUTH_TOKEN_ERROR. */
export async function exchangeCode(options: {
  http: KyInstance;
  tokenUrl: string;
  code: string;
  redirectUri: string;
  clientId: string;
  verifier: string;
  /** Runs when the endpoint answers `invalid_client` (the caller forgets the cached client). */
  onInvalidClient?: () => void;
  /** The account being logged in, named in the fix of an `invalid_client` failure. */
  accountName?: string | undefined;
}): Promise<OAuthTokens> {
  const fail = (message: string, details?: Record<string, unknown>) =>
    new OAuthTokenError(message, { details });
  const outcome = await postForm(
    {
      http: options.http,
      url: options.tokenUrl,
      form: {
        grant_type: 'authorization_code',
        code: options.code,
        redirect_uri: options.redirectUri,
        client_id: options.clientId,
        code_verifier: options.verifier,
      },
    },
    (why) =>
      fail(`Token exchange request failed: ${why}. Check the network and run the login again.`, {
        url: options.tokenUrl,
      }),
  );
  if (outcome.ok) return outcome.tokens;
  switch (outcome.reason) {
    case 'status':
      if (
        (outcome.status === 400 || outcome.status === 401) &&
        outcome.error === 'invalid_client'
      ) {
        // docs/oauth.md#invalid-client: the cached client is forgotten; the next login registers a new one.
        options.onInvalidClient?.();
        throw fail(
          `Token exchange failed with status ${outcome.status}: the OAuth client is no longer valid and was forgotten. Run \`mp account login ${options.accountName ?? 'NAME'}\` again.`,
          { status_code: outcome.status, response_body: safeBody(outcome.body) },
        );
      }
      throw fail(
        `Token exchange failed with status ${outcome.status}: ${describeBody(outcome.body)}`,
        {
          status_code: outcome.status,
          response_body: safeBody(outcome.body),
        },
      );
    case 'non_json':
      throw fail(
        `Token exchange returned a non-JSON response (${outcome.contentType}). Run the login again.`,
      );
    case 'fields':
      throw fail(
        `Token exchange response is missing required fields: ${outcome.field}. Run the login again.`,
        {
          present_keys: outcome.presentKeys,
        },
      );
  }
}

/**
 * One refresh-token grant (docs/oauth.md#token-refresh). `invalid_grant`/`invalid_client`
 * (400 or 401) → OAUTH_REFRESH_REVOKED naming `mp account login NAME`;
 * anything else → OAUTH_REFRESH_ERROR. `onInvalidClient` runs first for
 * `invalid_client` (the caller forgets the cached client).
 */
export async function refreshAccessToken(options: {
  http: KyInstance;
  tokenUrl: string;
  refreshToken: string;
  clientId: string;
  accountName: string;
  onInvalidClient?: () => void;
}): Promise<OAuthTokens> {
  const { accountName } = options;
  const fail = (
    message: string,
    details: Record<string, unknown> = {},
    ErrorClass: typeof OAuthRefreshError | typeof OAuthRefreshRevokedError = OAuthRefreshError,
  ) => new ErrorClass(message, { details: { ...details, account_name: accountName } });
  const outcome = await postForm(
    {
      http: options.http,
      url: options.tokenUrl,
      form: {
        grant_type: 'refresh_token',
        refresh_token: options.refreshToken,
        client_id: options.clientId,
      },
    },
    (why) =>
      fail(
        `Token refresh request failed for account '${accountName}': ${why}. Retry, or run \`mp account login ${accountName}\`.`,
        { url: options.tokenUrl },
      ),
  );
  if (outcome.ok) return outcome.tokens;
  switch (outcome.reason) {
    case 'status': {
      const details = { status_code: outcome.status, response_body: safeBody(outcome.body) };
      if (
        (outcome.status === 400 || outcome.status === 401) &&
        (outcome.error === 'invalid_grant' || outcome.error === 'invalid_client')
      ) {
        if (outcome.error === 'invalid_client') options.onInvalidClient?.();
        throw fail(
          `Refresh token has been revoked or expired for account '${accountName}'. Re-run \`mp account login ${accountName}\`.`,
          details,
          OAuthRefreshRevokedError,
        );
      }
      throw fail(
        `Token refresh failed with status ${outcome.status}: ${describeBody(outcome.body)}`,
        details,
      );
    }
    case 'non_json':
      throw fail(
        `Token refresh returned a non-JSON response (${outcome.contentType}) for account '${accountName}'. Retry later.`,
      );
    case 'fields':
      throw fail(
        `Token refresh response is missing required fields: ${outcome.field}. Retry later.`,
        {
          present_keys: outcome.presentKeys,
        },
      );
  }
}

/**
 * A JSON error body as an object (so the redactor sees its keys), else the
 * text with the value after each secret-named key masked (a body cut short
 * or not JSON may still carry a token).
 */
export function safeBody(text: string): unknown {
  try {
    const parsed = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null) return parsed;
  } catch {
    // not JSON: the text, masked
  }
  return redactText(text);
}

/** A response body for a message: JSON with secret-named keys masked, or the masked text, at most 300 characters. */
export function describeBody(text: string): string {
  const body = safeBody(text);
  return (typeof body === 'string' ? body : JSON.stringify(redact(body))).slice(0, 300);
}
