import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import {
  OAuthAuthDeniedError,
  type OAuthError,
  OAuthPortError,
  OAuthStateMismatchError,
  OAuthTimeoutError,
  OAuthTokenError,
} from '@mixpanel-data/auth-core';
import { errorPage, NOT_THIS_LOGIN_PAGE, SUCCESS_PAGE } from './pages';

/** The loopback ports tried in order (docs/oauth.md#callback-ports). */
export const CALLBACK_PORTS: readonly number[] = [19284, 19285, 19286, 19287];
/** How long to wait for the browser's redirect. */
export const CALLBACK_TIMEOUT_MS = 300_000;

/** The redirect URI for a port: always the literal `localhost` host. */
export const redirectUriFor = (port: number) => `http://localhost:${port}/callback`;

/** What a successful callback or paste yields. */
export interface AuthorizationResponse {
  readonly code: string;
  readonly state: string;
}

/** Binds and releases 127.0.0.1:port; resolves the bound port (0 → the OS's pick), or null when busy. */
async function probePort(port: number): Promise<number | null> {
  // node:net and node:http are loaded when a login needs them, not when the package is imported.
  const { createServer: createNetServer } = await import('node:net');
  return new Promise((resolve) => {
    const probe = createNetServer();
    probe.once('error', () => resolve(null));
    probe.listen({ port, host: '127.0.0.1', exclusive: true }, () => {
      const address = probe.address();
      const bound = typeof address === 'object' && address ? address.port : port;
      probe.close(() => resolve(bound));
    });
  });
}

/** The first candidate port that binds on 127.0.0.1; OAUTH_PORT_ERROR when none does. */
export async function findCallbackPort(ports: readonly number[] = CALLBACK_PORTS): Promise<number> {
  for (const port of ports) {
    const bound = await probePort(port);
    if (bound !== null) return bound;
  }
  throw new OAuthPortError(
    `All OAuth callback ports are busy (${ports.join(', ')}). Close the program using them and retry.`,
    { details: { ports: [...ports] } },
  );
}

/** Query parameters with the first value winning and empty values treated as missing. */
export function firstValues(query: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const [key, value] of new URLSearchParams(query)) {
    if (!values.has(key) && value !== '') values.set(key, value);
  }
  return values;
}

/** Interprets callback/paste parameters (docs/oauth.md#what-the-callback-server-accepts, docs/oauth.md#headless-login-pasting-the-redirect): an outcome or a thrown OAuthError. */
export function interpretAuthorizationResponse(
  values: Map<string, string>,
  expectedState: string,
  missingError: () => OAuthError,
  mismatchMessage: string,
): AuthorizationResponse {
  const error = values.get('error');
  if (error !== undefined) {
    const description = values.get('error_description');
    throw new OAuthAuthDeniedError(
      `Authorization was not granted: provider returned error: ${error}${description ? ` - ${description}` : ''}. Run the login again and approve access.`,
      { details: { error, error_description: description } },
    );
  }
  const code = values.get('code');
  const state = values.get('state');
  if (code === undefined || state === undefined) throw missingError();
  if (state !== expectedState) {
    throw new OAuthStateMismatchError(mismatchMessage, {
      details: { received_state_length: state.length },
    });
  }
  return { code, state };
}

export interface CallbackServerOptions {
  /** The `state` the callback must carry. */
  state: string;
  /** Port to listen on; without it the candidates are scanned. */
  port?: number | undefined;
  /** Candidate ports when `port` is not given. */
  ports?: readonly number[] | undefined;
  /** Give up after this long (OAUTH_TIMEOUT). Default 300 s. */
  timeoutMs?: number | undefined;
  /** Cancels the wait (OAUTH_TIMEOUT with `aborted: true`). */
  signal?: AbortSignal | undefined;
}

export interface CallbackServer {
  readonly port: number;
  readonly redirectUri: string;
  /** Settles with the first deciding request to `/callback`, or the timeout. */
  readonly result: Promise<AuthorizationResponse>;
  /** Stops listening (idempotent); `result` then rejects if it has not settled. */
  close(): void;
}

function send(response: ServerResponse, status: number, html: string): void {
  response.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': Buffer.byteLength(html),
    'Cache-Control': 'no-store',
    Connection: 'close',
  });
  response.end(html);
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host, exclusive: true }, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/**
 * Starts the loopback server that receives the browser's redirect (docs/oauth.md#callback-server):
 * 127.0.0.1 (and ::1 when possible), only a `GET /callback` that carries the
 * login's `state` decides; other paths get 404, a missing or wrong `state`
 * gets 400, and the wait goes on. The first deciding request is answered
 * with a success or error page and ends the wait. Resolves once listening.
 */
export async function startCallbackServer(options: CallbackServerOptions): Promise<CallbackServer> {
  const { createServer } = await import('node:http');
  const port = options.port ?? (await findCallbackPort(options.ports));
  let settle!: {
    resolve: (value: AuthorizationResponse) => void;
    reject: (error: unknown) => void;
  };
  const result = new Promise<AuthorizationResponse>((resolve, reject) => {
    settle = { resolve, reject };
  });
  result.catch(() => {}); // callers may close before awaiting
  let done = false;
  const servers: Server[] = [];
  const shutDown = () => {
    for (const server of servers) {
      server.close();
      server.closeAllConnections();
    }
  };
  /** Settles once; the servers close after `answered` (the deciding response) has been sent. */
  const finish = (outcome: () => AuthorizationResponse, answered?: ServerResponse) => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
    try {
      settle.resolve(outcome());
    } catch (error) {
      settle.reject(error);
    }
    if (answered && !answered.writableFinished)
      answered.once('finish', shutDown).once('close', shutDown);
    else shutDown();
  };
  const handle = (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (done) return send(response, 410, errorPage('This login has already finished.'));
    if (url.pathname !== '/callback') return send(response, 404, '');
    if (request.method !== 'GET') return send(response, 405, '');
    const values = firstValues(url.search);
    // Only this login's state may decide it: any other request (a forged `error=`, a stale tab,
    // another login's redirect) gets a fixed page that echoes nothing, and the wait goes on.
    if (values.get('state') !== options.state) return send(response, 400, NOT_THIS_LOGIN_PAGE);
    let outcome: AuthorizationResponse;
    try {
      outcome = interpretAuthorizationResponse(
        values,
        options.state,
        () =>
          new OAuthTokenError(
            'The OAuth callback is missing the code or state. Run the login again.',
          ),
        'OAuth state mismatch: possible CSRF. The callback does not belong to this login; run the login again.',
      );
    } catch (error) {
      const text = OAuthAuthDeniedError.isInstance(error)
        ? `provider returned error: ${values.get('error')}${values.has('error_description') ? ` - ${values.get('error_description')}` : ''}`
        : 'missing code';
      send(response, 400, errorPage(text));
      return finish(() => {
        throw error;
      }, response);
    }
    send(response, 200, SUCCESS_PAGE);
    finish(() => outcome, response);
  };
  const primary = createServer(handle);
  try {
    await listen(primary, port, '127.0.0.1');
  } catch {
    throw new OAuthPortError(
      `OAuth callback port ${port} is no longer available. Retry the login.`,
      { details: { port } },
    );
  }
  servers.push(primary);
  const boundPort = (primary.address() as { port: number }).port;
  const secondary = createServer(handle);
  secondary.on('error', () => {});
  await listen(secondary, boundPort, '::1').then(
    () => servers.push(secondary),
    () => {},
  );
  const timeoutMs = options.timeoutMs ?? CALLBACK_TIMEOUT_MS;
  const timer = setTimeout(
    () =>
      finish(() => {
        throw new OAuthTimeoutError(
          `Timed out after ${Math.round(timeoutMs / 1000)} seconds waiting for the OAuth callback. Complete the authorization in the browser, then run the login again.`,
          { details: { timeout_seconds: timeoutMs / 1000 } },
        );
      }),
    timeoutMs,
  );
  timer.unref?.();
  const onAbort = () =>
    finish(() => {
      throw new OAuthTimeoutError('The OAuth login was cancelled.', { details: { aborted: true } });
    });
  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener('abort', onAbort, { once: true });
  return {
    port: boundPort,
    redirectUri: redirectUriFor(boundPort),
    result,
    close: () =>
      finish(() => {
        throw new OAuthTimeoutError(
          'The OAuth callback server was closed before a callback arrived.',
          { details: { aborted: true } },
        );
      }),
  };
}
