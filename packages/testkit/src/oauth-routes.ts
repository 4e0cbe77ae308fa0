/** The OAuth endpoints (docs/testkit.md#oauth-routes): registration, authorize (+ consent decision) and token. */
import { createHash, randomBytes } from 'node:crypto';
import {
  htmlReply,
  jsonReply,
  NO_STORE,
  type Outcome,
  oauthError,
  type ParsedRequest,
  type Reply,
  redirectReply,
} from './http-io';
import { consentPage, errorPage } from './pages';
import type { MockState, PendingConsent } from './state';

/** The scope string a successful token response carries (docs/testkit.md#token-endpoint). */
export const FULL_SCOPE =
  'projects analysis events insights segmentation retention data:read funnels flows data_definitions dashboard_reports bookmarks';

const CHALLENGE_PATTERN = /^[A-Za-z0-9_-]{43}$/;
const VERIFIER_PATTERN = /^[A-Za-z0-9._~-]{43,128}$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An `http` URL on `localhost` or `127.0.0.1` (any path); with `requirePort`, one that names its port. */
function isLoopbackHttpUrl(value: unknown, requirePort = false): boolean {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return (
      url.protocol === 'http:' &&
      (url.hostname === 'localhost' || url.hostname === '127.0.0.1') &&
      (!requirePort || url.port !== '')
    );
  } catch {
    return false;
  }
}

/** base64url(sha256(ascii(verifier))) — the S256 challenge of RFC 7636. */
export function s256Challenge(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

// ── POST /oauth/mcp/register/ ──────────────────────────────────────────────

export function handleRegister(state: MockState, request: ParsedRequest): Outcome {
  const invalidMetadata = (text: string) => oauthError(400, 'invalid_client_metadata', text);
  if (request.mediaType !== 'application/json') {
    return invalidMetadata('Content-Type must be application/json');
  }
  let metadata: unknown;
  try {
    metadata = JSON.parse(request.rawBody);
  } catch {
    return invalidMetadata('the body is not valid JSON');
  }
  if (!isRecord(metadata)) return invalidMetadata('the body must be a JSON object');
  const redirectUris = metadata.redirect_uris;
  if (
    !Array.isArray(redirectUris) ||
    redirectUris.length === 0 ||
    !redirectUris.every((uri) => isLoopbackHttpUrl(uri))
  ) {
    return oauthError(
      400,
      'invalid_redirect_uri',
      'redirect_uris must be a non-empty array of http URLs on localhost or 127.0.0.1',
    );
  }
  if (metadata.token_endpoint_auth_method !== 'none') {
    return invalidMetadata('token_endpoint_auth_method must be "none" (public clients only)');
  }
  const grantTypes = metadata.grant_types;
  if (!Array.isArray(grantTypes) || !grantTypes.includes('authorization_code')) {
    return invalidMetadata('grant_types must contain "authorization_code"');
  }
  const responseTypes = metadata.response_types;
  if (!Array.isArray(responseTypes) || responseTypes.length !== 1 || responseTypes[0] !== 'code') {
    return invalidMetadata('response_types must be ["code"]');
  }
  if (metadata.scope !== undefined && typeof metadata.scope !== 'string') {
    return invalidMetadata('scope must be a string');
  }
  const client = {
    client_id: `mock-client-${state.clients.size + 1}`,
    client_id_issued_at: Math.floor(state.clock.nowMs() / 1000),
    redirect_uris: redirectUris as string[],
    grant_types: grantTypes.filter((grant): grant is string => typeof grant === 'string'),
    response_types: ['code'],
    token_endpoint_auth_method: 'none' as const,
    requested_scope: typeof metadata.scope === 'string' ? metadata.scope : '',
  };
  state.clients.set(client.client_id, client);
  return jsonReply(state.config.registration_status, {
    client_id: client.client_id,
    client_id_issued_at: client.client_id_issued_at,
    redirect_uris: client.redirect_uris,
    grant_types: client.grant_types,
    response_types: client.response_types,
    token_endpoint_auth_method: client.token_endpoint_auth_method,
    // Mixpanel creates the app with an empty scope list (docs/oauth.md#client-registration).
    scope: '',
  });
}

// ── GET /oauth/authorize/ and POST /oauth/authorize/decision ──────────────

/** `redirectUri` with `params` and then `state` (left out when absent) appended. */
function redirectTo(
  redirectUri: string,
  params: Record<string, string>,
  oauthState: string | undefined,
): Reply {
  const url = new URL(redirectUri);
  for (const [key, value] of Object.entries(params)) url.searchParams.append(key, value);
  if (oauthState !== undefined) url.searchParams.append('state', oauthState);
  return redirectReply(url.toString());
}

function issueCode(state: MockState, consent: PendingConsent): string {
  const code = randomBytes(24).toString('base64url'); // 32 characters
  state.codes.set(code, {
    code,
    clientId: consent.clientId,
    redirectUri: consent.redirectUri,
    codeChallenge: consent.codeChallenge,
    userId: consent.userId,
    expiresAtMs: state.clock.nowMs() + state.config.code_ttl_seconds * 1000,
    used: false,
    family: state.tokens.newFamily(),
  });
  return code;
}

function approve(state: MockState, consent: PendingConsent): Reply {
  return redirectTo(consent.redirectUri, { code: issueCode(state, consent) }, consent.state);
}

function deny(consent: PendingConsent): Reply {
  return redirectTo(
    consent.redirectUri,
    { error: 'access_denied', error_description: 'The user denied access' },
    consent.state,
  );
}

export function handleAuthorize(state: MockState, request: ParsedRequest): Outcome {
  const { query } = request;
  const client = query.client_id === undefined ? undefined : state.clients.get(query.client_id);
  if (!client) return htmlReply(400, errorPage('unknown client'));
  const redirectUri = query.redirect_uri;
  const registered =
    redirectUri !== undefined &&
    (client.redirect_uris.includes(redirectUri) ||
      (!state.config.strict_redirect_uri && isLoopbackHttpUrl(redirectUri, true)));
  if (!registered) return htmlReply(400, errorPage('redirect_uri not registered'));

  const oauthState = query.state;
  if (query.response_type !== 'code') {
    return redirectTo(
      redirectUri,
      { error: 'unsupported_response_type', error_description: 'response_type must be code' },
      oauthState,
    );
  }
  if (
    query.code_challenge_method !== 'S256' ||
    !CHALLENGE_PATTERN.test(query.code_challenge ?? '')
  ) {
    return redirectTo(
      redirectUri,
      { error: 'invalid_request', error_description: 'PKCE with S256 is required' },
      oauthState,
    );
  }

  const consent: PendingConsent = {
    clientId: client.client_id,
    redirectUri,
    state: oauthState,
    codeChallenge: query.code_challenge!,
    userId: state.config.approve_as_user_id,
  };
  switch (state.config.approval) {
    case 'auto':
      return approve(state, consent);
    case 'deny':
      return deny(consent);
    case 'form': {
      const requestId = randomBytes(16).toString('base64url');
      state.consents.set(requestId, consent);
      const email = state.user(consent.userId)?.email ?? '';
      return htmlReply(200, consentPage({ requestId, email }));
    }
    case 'wrong_state':
      return redirectTo(
        redirectUri,
        { code: issueCode(state, consent) },
        `tampered-${oauthState ?? ''}`,
      );
    case 'missing_code':
      return redirectTo(redirectUri, {}, oauthState);
    case 'error_html':
      return redirectTo(
        redirectUri,
        { error: 'server_error', error_description: '<script>alert(1)</script>' },
        oauthState,
      );
    case 'hang':
      return 'hang';
  }
}

export function handleDecision(state: MockState, request: ParsedRequest): Outcome {
  if (request.form === null) return htmlReply(400, errorPage('expected a form submission'));
  const { request_id: requestId, decision } = request.form;
  const consent = requestId === undefined ? undefined : state.consents.get(requestId);
  if (requestId === undefined || !consent) {
    return htmlReply(400, errorPage('unknown or already answered authorization request'));
  }
  if (decision !== 'approve' && decision !== 'deny') {
    return htmlReply(400, errorPage('decision must be approve or deny'));
  }
  state.consents.delete(requestId);
  return decision === 'approve' ? approve(state, consent) : deny(consent);
}

// ── POST /oauth/token/ ─────────────────────────────────────────────────────

function tokenSuccess(
  state: MockState,
  accessToken: string,
  refreshToken: string | undefined,
): Reply {
  const knobs = state.config.token_response;
  const ttl = state.config.access_token_ttl_seconds;
  const expiresIn =
    knobs.expires_in_format === 'string'
      ? String(ttl)
      : knobs.expires_in_format === 'float'
        ? ttl + 0.5
        : ttl;
  const body: Record<string, unknown> = {
    access_token: accessToken,
    token_type: 'Bearer',
    expires_in: expiresIn,
    scope: FULL_SCOPE,
  };
  if (refreshToken !== undefined) body.refresh_token = refreshToken;
  for (const field of knobs.omit_fields ?? []) delete body[field];
  const status = knobs.status ?? 200;
  if (knobs.non_json === true) {
    const reply = htmlReply(
      status,
      '<!doctype html><html><body><p>Tokens issued.</p></body></html>',
    );
    return { ...reply, headers: { ...reply.headers, ...NO_STORE } };
  }
  return jsonReply(status, body, { ...NO_STORE });
}

function missingField(form: Record<string, string>, fields: readonly string[]): string | undefined {
  return fields.find((field) => form[field] === undefined || form[field] === '');
}

function exchangeCode(state: MockState, form: Record<string, string>): Reply {
  const missing = missingField(form, ['code', 'redirect_uri', 'client_id', 'code_verifier']);
  if (missing !== undefined) return oauthError(400, 'invalid_request', `${missing} is required`);
  const {
    code,
    redirect_uri: redirectUri,
    client_id: clientId,
    code_verifier: verifier,
  } = form as Record<'code' | 'redirect_uri' | 'client_id' | 'code_verifier', string>;
  if (!state.clients.has(clientId)) return oauthError(401, 'invalid_client', 'unknown client_id');
  const record = state.codes.get(code);
  const invalidGrant = (text: string) => oauthError(400, 'invalid_grant', text);
  if (!record) return invalidGrant('unknown authorization code');
  if (record.used) {
    // RFC 6749 §4.1.2: a reused code revokes every token issued from it.
    state.tokens.revokeFamily(record.family);
    return invalidGrant('authorization code already used; tokens issued from it are revoked');
  }
  if (record.expiresAtMs <= state.clock.nowMs()) return invalidGrant('authorization code expired');
  if (record.clientId !== clientId)
    return invalidGrant('authorization code belongs to another client');
  if (record.redirectUri !== redirectUri) {
    return invalidGrant('redirect_uri does not match the authorization request');
  }
  if (!VERIFIER_PATTERN.test(verifier) || s256Challenge(verifier) !== record.codeChallenge) {
    return invalidGrant('PKCE verification failed');
  }
  record.used = true;
  const accessToken = state.tokens.issueAccess(
    record.userId,
    clientId,
    record.family,
    state.config.access_token_ttl_seconds,
  );
  const refreshToken = state.tokens.issueRefresh(record.userId, clientId, record.family);
  return tokenSuccess(state, accessToken, refreshToken);
}

function refresh(state: MockState, form: Record<string, string>): Reply {
  const missing = missingField(form, ['refresh_token', 'client_id']);
  if (missing !== undefined) return oauthError(400, 'invalid_request', `${missing} is required`);
  const { refresh_token: presented, client_id: clientId } = form as Record<
    'refresh_token' | 'client_id',
    string
  >;
  if (!state.clients.has(clientId)) return oauthError(401, 'invalid_client', 'unknown client_id');
  const invalidGrant = (text: string) =>
    oauthError(state.config.invalid_grant_status, 'invalid_grant', text);
  const entry = state.tokens.refreshEntry(presented);
  if (!entry) return invalidGrant('unknown refresh token');
  if (entry.revoked) return invalidGrant('refresh token has been revoked');
  if (entry.clientId !== clientId) return invalidGrant('refresh token belongs to another client');
  if (entry.rotated) {
    if (state.config.revoke_family_on_reuse) state.tokens.revokeFamily(entry.family);
    return invalidGrant('refresh token was already used; every token of this login is revoked');
  }
  const accessToken = state.tokens.issueAccess(
    entry.userId,
    clientId,
    entry.family,
    state.config.access_token_ttl_seconds,
  );
  let refreshToken: string | undefined;
  if (state.config.omit_refresh_token_on_refresh) {
    refreshToken = undefined; // the presented one stays valid
  } else if (state.config.rotate_refresh_tokens) {
    refreshToken = state.tokens.issueRefresh(entry.userId, clientId, entry.family);
    state.tokens.markRotated(presented);
  } else {
    refreshToken = presented;
  }
  return tokenSuccess(state, accessToken, refreshToken);
}

export function handleToken(state: MockState, request: ParsedRequest): Outcome {
  if (request.form === null) {
    return oauthError(
      400,
      'invalid_request',
      'Content-Type must be application/x-www-form-urlencoded',
    );
  }
  switch (request.form.grant_type) {
    case undefined:
    case '':
      return oauthError(400, 'invalid_request', 'grant_type is required');
    case 'authorization_code':
      return exchangeCode(state, request.form);
    case 'refresh_token':
      return refresh(state, request.form);
    default:
      return oauthError(
        400,
        'unsupported_grant_type',
        'grant_type must be authorization_code or refresh_token',
      );
  }
}
