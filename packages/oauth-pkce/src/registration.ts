import {
  type BaseUrlOverride,
  buildUrl,
  type OAuthClientInfo,
  OAuthRegistrationError,
  type Region,
  type TokenStore,
} from '@mixpanel-data/auth-core';
import type { KyInstance } from 'ky';
import { describeNetworkError } from './http';
import { describeBody, safeBody } from './token-endpoint';

/** The fixed scope string sent at registration (docs/oauth.md#client-registration). */
export const OAUTH_SCOPE =
  'projects analysis events insights segmentation retention data:read funnels flows data_definitions dashboard_reports bookmarks';

/**
 * The server a client record must have been registered with to be used now
 * (docs/oauth.md#client-records-and-which-one-wins): `undefined` for the
 * Mixpanel servers, else the override's OAuth URL. A record is used only
 * against its own server, so a production client_id never reaches a test
 * server, and the reverse.
 */
export function clientServer(region: Region, override: BaseUrlOverride | null): string | undefined {
  return override ? buildUrl('oauth', region, '', override) : undefined;
}

/**
 * Why `client` cannot be used against `server` ("registered with A, not B"),
 * or null when it was registered with that server.
 */
export function clientRegisteredElsewhere(
  client: Pick<OAuthClientInfo, 'oauthBaseUrl'>,
  server: string | undefined,
): string | null {
  if (client.oauthBaseUrl === server) return null;
  return `registered with ${client.oauthBaseUrl ?? 'the Mixpanel servers'}, not ${server ?? 'the Mixpanel servers'}`;
}

export interface RegisterOptions {
  http: KyInstance;
  region: Region;
  /** `{oauthBase}mcp/register/` */
  registerUrl: string;
  redirectUri: string;
  /** Recorded in the client record when a base-URL override is active. */
  oauthBaseUrl?: string | undefined;
  now?: number | undefined;
}

/** Dynamic client registration (RFC 7591, docs/oauth.md#client-registration). Every failure is OAUTH_REGISTRATION_ERROR. */
export async function registerClient(options: RegisterOptions): Promise<OAuthClientInfo> {
  const { region, registerUrl: url } = options;
  const fail = (message: string, details: Record<string, unknown>) =>
    new OAuthRegistrationError(message, { details: { region, ...details } });
  let response: Response;
  try {
    response = await options.http.post(url, {
      json: {
        redirect_uris: [options.redirectUri],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'none',
        scope: OAUTH_SCOPE,
      },
    });
  } catch (error) {
    throw fail(
      `OAuth client registration failed: ${describeNetworkError(error)}. Check the network and retry.`,
      { url },
    );
  }
  const text = await response.text().catch(() => '');
  if (response.status === 429) {
    throw fail(
      'OAuth client registration was rate limited by Mixpanel; wait a minute and try again.',
      {
        status_code: 429,
        retry_after: response.headers.get('retry-after'),
      },
    );
  }
  if (response.status < 200 || response.status > 299) {
    throw fail(
      `OAuth client registration failed with status ${response.status}: ${describeBody(text)}`,
      {
        status_code: response.status,
        response_body: safeBody(text),
      },
    );
  }
  const body = safeBody(text) as { client_id?: unknown } | string;
  const clientId = typeof body === 'object' && !Array.isArray(body) ? body.client_id : undefined;
  if (clientId == null || clientId === '') {
    throw fail('Invalid registration response from Mixpanel (no client_id). Retry later.', {
      response_body: describeBody(text),
    });
  }
  return Object.freeze({
    clientId: String(clientId),
    region,
    redirectUri: options.redirectUri,
    scope: OAUTH_SCOPE,
    createdAt: new Date(options.now ?? Date.now()),
    ...(options.oauthBaseUrl ? { oauthBaseUrl: options.oauthBaseUrl } : {}),
  });
}

/**
 * The cached client record when it can be reused for this login — same
 * redirect URI and same override base (docs/oauth.md#client-records-and-which-one-wins) — else a new
 * registration, written as the region's record.
 */
export async function ensureClient(
  store: TokenStore,
  options: RegisterOptions,
): Promise<{ client: OAuthClientInfo; registered: boolean }> {
  const cached = store.readClient(options.region);
  if (
    cached &&
    cached.redirectUri === options.redirectUri &&
    cached.oauthBaseUrl === options.oauthBaseUrl
  ) {
    return { client: cached, registered: false };
  }
  const client = await registerClient(options);
  store.writeClient(client);
  return { client, registered: true };
}
