/** A scripted browser for OAuth tests (docs/testkit.md#browser-helpers): authorize, read `Location`, hit the callback. */
import { request as httpRequest } from 'node:http';

export interface SimulatedBrowserResult {
  /** Status of `GET authorizeUrl` (302 normally; 200 for the consent form; 400 for unrecoverable errors). */
  authorizeStatus: number;
  /** The `Location` header of the authorize response, `null` when there was none. */
  location: string | null;
  /** The authorize response's body (the consent page or an error page; empty for a redirect). */
  authorizeBody: string;
  /** Set when the location was followed. */
  callbackStatus?: number;
  callbackContentType?: string;
  callbackBody?: string;
}

export interface SimulateBrowserOptions {
  /** `GET` the `Location` (the client's loopback callback). Default `true`. */
  follow?: boolean;
}

interface PlainResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One `GET` without following redirects; a `localhost` host is dialled as 127.0.0.1. */
function get(target: URL): Promise<PlainResponse> {
  if (target.protocol !== 'http:') {
    return Promise.reject(
      new Error(`the simulated browser only speaks http, not ${target.protocol}`),
    );
  }
  const hostname =
    target.hostname === 'localhost' ? '127.0.0.1' : target.hostname.replace(/^\[|\]$/g, '');
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      {
        host: hostname,
        port: target.port === '' ? 80 : Number(target.port),
        path: `${target.pathname}${target.search}`,
        method: 'GET',
        agent: false,
        headers: {
          Host: target.host,
          Accept: 'text/html,application/xhtml+xml',
          'User-Agent': 'mixpanel-data-testkit/simulated-browser',
          Connection: 'close',
        },
      },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('error', reject);
        incoming.on('end', () =>
          resolve({
            status: incoming.statusCode ?? 0,
            headers: incoming.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    outgoing.on('error', reject);
    outgoing.end();
  });
}

function header(response: PlainResponse, name: string): string | undefined {
  const value = response.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The outcome of a browse, with a failed callback reported instead of thrown (for the bin). */
export interface BrowseOutcome {
  result: SimulatedBrowserResult;
  callbackError?: Error;
}

/** `simulateBrowser`, except that a failing callback request is returned rather than thrown. */
export async function browse(authorizeUrl: string, follow: boolean): Promise<BrowseOutcome> {
  const authorizeTarget = new URL(authorizeUrl);
  const authorize = await get(authorizeTarget);
  const location = header(authorize, 'location') ?? null;
  const result: SimulatedBrowserResult = {
    authorizeStatus: authorize.status,
    location,
    authorizeBody: authorize.body,
  };
  if (!follow || location === null) return { result };
  try {
    const callback = await get(new URL(location, authorizeTarget));
    result.callbackStatus = callback.status;
    const contentType = header(callback, 'content-type');
    if (contentType !== undefined) result.callbackContentType = contentType;
    result.callbackBody = callback.body;
    return { result };
  } catch (error) {
    return { result, callbackError: error as Error };
  }
}

/**
 * Does what a browser would with an authorize URL: `GET` it without following
 * redirects, read `Location`, and (when `follow`, the default) `GET` that
 * location once. Rejects when either request fails at the network level.
 */
export async function simulateBrowser(
  authorizeUrl: string,
  options: SimulateBrowserOptions = {},
): Promise<SimulatedBrowserResult> {
  const { result, callbackError } = await browse(authorizeUrl, options.follow ?? true);
  if (callbackError) throw callbackError;
  return result;
}

/** The `Location` the authorize URL redirects to (for paste-path tests); throws when there is none. */
export async function redirectFor(authorizeUrl: string): Promise<string> {
  const { result } = await browse(authorizeUrl, false);
  if (result.location === null) {
    throw new Error(
      `the authorize request answered ${result.authorizeStatus} without a Location header`,
    );
  }
  return result.location;
}
