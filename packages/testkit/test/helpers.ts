/** Test helpers: real HTTP against a mock on 127.0.0.1. */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MockMixpanel } from '../src/server';

export const SERVICE_ACCOUNT_AUTH = basic('team-sa', 's3cret-sa');
export const CALLBACK = 'http://localhost:19284/callback';

export function basic(username: string, secret: string): string {
  return `Basic ${Buffer.from(`${username}:${secret}`).toString('base64')}`;
}

export function bearer(token: string): string {
  return `Bearer ${token}`;
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(64).toString('base64url');
  return {
    verifier,
    challenge: createHash('sha256').update(verifier, 'ascii').digest('base64url'),
  };
}

export interface JsonResponse {
  status: number;
  headers: Headers;
  text: string;
  body: unknown;
}

async function toJsonResponse(response: Response): Promise<JsonResponse> {
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, headers: response.headers, text, body };
}

export async function get(
  url: string,
  headers: Record<string, string> = {},
): Promise<JsonResponse> {
  return toJsonResponse(await fetch(url, { headers, redirect: 'manual' }));
}

export async function postJson(url: string, value: unknown, headers: Record<string, string> = {}) {
  return toJsonResponse(
    await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
      body: typeof value === 'string' ? value : JSON.stringify(value),
    }),
  );
}

export async function postForm(url: string, fields: Record<string, string>) {
  return toJsonResponse(
    await fetch(url, { method: 'POST', body: new URLSearchParams(fields), redirect: 'manual' }),
  );
}

export function registrationBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    redirect_uris: [CALLBACK],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
    scope: 'projects analysis',
    ...overrides,
  };
}

export async function registerClient(mock: MockMixpanel, redirectUri = CALLBACK): Promise<string> {
  const response = await postJson(
    `${mock.origin}/oauth/mcp/register/`,
    registrationBody({ redirect_uris: [redirectUri] }),
  );
  if (response.status !== 201) throw new Error(`registration failed: ${response.text}`);
  return (response.body as { client_id: string }).client_id;
}

export function authorizeUrl(
  mock: MockMixpanel,
  params: Record<string, string | undefined>,
): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined) query.set(key, value);
  return `${mock.origin}/oauth/authorize/?${query}`;
}

export interface AuthorizeSetup {
  clientId: string;
  redirectUri: string;
  verifier: string;
  challenge: string;
  state: string;
  url: string;
}

/** Registers a client and builds a valid authorize URL (overrides replace query parameters). */
export async function prepareAuthorize(
  mock: MockMixpanel,
  overrides: Record<string, string | undefined> = {},
  redirectUri = CALLBACK,
): Promise<AuthorizeSetup> {
  const clientId = await registerClient(mock, redirectUri);
  const { verifier, challenge } = pkcePair();
  const state = randomBytes(32).toString('base64url');
  const url = authorizeUrl(mock, {
    response_type: 'code',
    client_id: clientId,
    redirect_uri: redirectUri,
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...overrides,
  });
  return { clientId, redirectUri, verifier, challenge, state, url };
}

/** The parsed `Location` of an authorize response. */
export async function authorizeRedirect(url: string): Promise<URL> {
  const response = await fetch(url, { redirect: 'manual' });
  await response.text();
  const location = response.headers.get('location');
  if (response.status !== 302 || location === null) {
    throw new Error(`expected a redirect, got ${response.status}`);
  }
  return new URL(location);
}

export interface LoginResult extends AuthorizeSetup {
  code: string;
  accessToken: string;
  refreshToken: string;
}

/** Register → authorize (auto approval) → code exchange. */
export async function login(mock: MockMixpanel): Promise<LoginResult> {
  const setup = await prepareAuthorize(mock);
  const code = (await authorizeRedirect(setup.url)).searchParams.get('code')!;
  const response = await postForm(`${mock.origin}/oauth/token/`, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: setup.redirectUri,
    client_id: setup.clientId,
    code_verifier: setup.verifier,
  });
  if (response.status !== 200) throw new Error(`code exchange failed: ${response.text}`);
  const body = response.body as { access_token: string; refresh_token: string };
  return { ...setup, code, accessToken: body.access_token, refreshToken: body.refresh_token };
}

export function refreshForm(clientId: string, refreshToken: string): Record<string, string> {
  return { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: clientId };
}

export interface CallbackRequest {
  method: string | undefined;
  url: string | undefined;
  host: string | undefined;
}

/** A loopback "callback" server that records the requests it receives. */
export async function startCallbackServer(): Promise<{
  server: Server;
  port: number;
  requests: CallbackRequest[];
  close: () => Promise<void>;
}> {
  const requests: CallbackRequest[] = [];
  const server = createServer((request, response) => {
    requests.push({ method: request.method, url: request.url, host: request.headers.host });
    response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', Connection: 'close' });
    response.end('<h1>Authorization succeeded</h1>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    server,
    port: (server.address() as AddressInfo).port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Today in local time, shifted by `days`, as YYYY-MM-DD. */
export function localDate(days = 0): string {
  const now = new Date();
  const date = new Date(now.getFullYear(), now.getMonth(), now.getDate() + days);
  const month = String(date.getMonth() + 1).padStart(2, '0');
  const day = String(date.getDate()).padStart(2, '0');
  return `${date.getFullYear()}-${month}-${day}`;
}
