import {
  ArgumentError,
  type BaseUrlOverride,
  basicAuthHeader,
  buildUrl,
  ConfigError,
  checkHeaderValue,
  type Env,
  InvalidResponseError,
  isHeaderName,
  isHeaderValue,
  NetworkError,
  OAuthTokenError,
  Project,
  RESPONSE_TEXT_LIMIT,
  ResponseTooLargeError,
  readResponseText,
  regionBaseUrl,
  rewriteUrl,
  type Session,
  streamResponseBody,
  type TokenResolver,
  WorkspaceRef,
} from '@mixpanel-data/auth-core';
import { describeNetworkError } from '@mixpanel-data/oauth-pkce';
import { captureBody, errorForStatus } from './error-mapping';
import {
  nodeStreamFetch,
  type ResponseHeaders,
  type StreamAnswer,
  type StreamFetch,
  type StreamInit,
} from './node-stream-fetch';
import { observeRequest, type RequestObserver, withRequestObserver } from './request-observer';
import { QUERY_ORIGIN, userAgent } from './version';

export type Family = 'query' | 'app' | 'export' | 'engage';
export type Params = Record<string, string | number | boolean | undefined>;

export interface TransportOptions {
  /** Deadline of each request, from sending it to the last byte of the body. Default `MP_HTTP_TIMEOUT` seconds, else 120 000 ms. */
  timeoutMs?: number | undefined;
  /** The most decoded bytes of a response body (it is read whole). Default 64 MiB. */
  maxResponseBytes?: number | undefined;
  /** Retries for 429 (any method) and 502/503/504 (GET). Default 3. */
  maxRetries?: number | undefined;
  /** A `Retry-After` above this fails at once instead of sleeping. Default 60. */
  maxRetryAfterSeconds?: number | undefined;
  fetch?: typeof fetch | undefined;
  /** `lib` (default) or `cli`, for the User-Agent. */
  entry?: 'lib' | 'cli' | undefined;
  /** Receives retry notices ("rate limited, retrying in …"). The library never prints. */
  onWarning?: ((message: string) => void) | undefined;
  /** Replaces the sleep between retries (tests). */
  sleep?: ((ms: number, signal?: AbortSignal) => Promise<void>) | undefined;
  /**
   * Told of every request as it is sent, and again when its response headers
   * arrive or it fails (docs/http.md#observing-requests): for a progress
   * indicator. The library never prints.
   */
  onRequest?: RequestObserver | undefined;
}

export interface CallOptions {
  params?: Params | undefined;
  json?: unknown;
  form?: Record<string, string> | undefined;
  /** A raw body, sent as it is (give its `Content-Type` in `headers`); not with `json` or `form`. */
  body?: string | Uint8Array | undefined;
  headers?: Record<string, string> | undefined;
  signal?: AbortSignal | undefined;
  timeoutMs?: number | undefined;
  /** Receives the raw text of a successful response (to read key order JSON.parse loses). */
  onText?: ((text: string) => void) | undefined;
}

const RETRYABLE_GET = new Set([502, 503, 504]);

/**
 * A successful answer whose body has not been read (docs/http.md#streamed-responses):
 * its status and headers, and `chunks()`, the body as it arrives. The deadline
 * covered the headers; the body has no size cap, only an idle timeout, and a
 * body that ends early (reset, truncated) fails with `NetworkError`
 * (`HTTP_ERROR`) after the bytes already yielded, never a short result.
 */
export interface StreamedResponse {
  readonly status: number;
  readonly statusText: string;
  /** `get(name)`, `has(name)`, and `[name, value]` pairs when iterated (names in lower case, sorted); a fetch `Headers` fits. */
  readonly headers: ResponseHeaders;
  readonly requestMethod: string;
  /** The URL sent (its query included). */
  readonly requestUrl: string;
  /**
   * The body's chunks; pull-based (nothing is read ahead of the consumer),
   * and leaving early (`break`, an error) cancels the body. Call it once.
   */
  chunks(): AsyncGenerator<Uint8Array>;
  /** Drops the body unread (releases the connection). */
  cancel(): Promise<void>;
}

/** What a streamed request takes besides the `CallOptions`. */
export interface StreamOptions extends CallOptions {
  /** Fail when no body bytes arrive for this long. Default: the request timeout (`timeoutMs`). */
  idleTimeoutMs?: number | undefined;
}

/** Default deadline of an API request, headers and body (docs/http.md#timeouts-and-cancellation). */
const DEFAULT_TIMEOUT_MS = 120_000;

/**
 * Default cap on an API response body, counted after decoding
 * (docs/http.md#response-size-and-deadline): above the largest real answers
 * (a `/me` with member lists runs to tens of MB), far below what would
 * exhaust memory.
 */
export const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

/** `MP_HTTP_TIMEOUT` (seconds, a positive number) in ms; unset or empty → null; anything else → ConfigError. */
export function httpTimeoutFromEnv(env: Env): number | null {
  const value = env.MP_HTTP_TIMEOUT?.trim();
  if (!value) return null;
  const seconds = /^\d+(\.\d+)?$/.test(value) ? Number(value) : Number.NaN;
  if (!(seconds > 0) || seconds * 1000 > 2_147_483_647) {
    throw new ConfigError(
      `MP_HTTP_TIMEOUT='${value}' is not a number of seconds; set it to a positive number such as 30, or unset it for the default of 120.`,
      { details: { env_var: 'MP_HTTP_TIMEOUT', value } },
    );
  }
  return Math.ceil(seconds * 1000);
}

const abortableSleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/** The `Basic` header of each service account object, computed once (accounts are immutable). */
const basicHeaders = new WeakMap<object, string>();
function basicHeaderOf(account: Parameters<typeof basicAuthHeader>[0]): string {
  let header = basicHeaders.get(account);
  if (header === undefined) {
    header = basicAuthHeader(account);
    basicHeaders.set(account, header);
  }
  return header;
}

/**
 * The connection handle of a client: the `fetch` it sends with (the
 * platform's, or the one given) and whether it has been used since it was
 * opened. Requests go straight to `fetch` (redirects not followed): a
 * wrapper such as ky costs about a tenth of a millisecond per request, a
 * third of a request to a nearby server. The platform's fetch pools
 * connections in Node's shared dispatcher, whose idle sockets never keep a
 * process alive, so `close()` has nothing else to release. Streamed
 * requests go to `streamFetch` when one is given (`node:http`, when the
 * caller gave no `fetch`; docs/http.md#streamed-responses), whose agent's idle
 * sockets never keep a process alive either.
 */
export class Transport {
  #open = false;
  readonly #fetch: typeof fetch | undefined;
  readonly #streamFetch: StreamFetch | undefined;
  constructor(fetchImplementation?: typeof fetch, streamFetch?: StreamFetch) {
    this.#fetch = fetchImplementation;
    this.#streamFetch = streamFetch;
  }
  /** Marks the handle closed; the next request opens it again. Idempotent; requests under way finish. */
  close(): void {
    this.#open = false;
  }
  /** Whether a request has been sent since the handle was created or last closed. */
  get open(): boolean {
    return this.#open;
  }
  /** Sends one request with this handle's fetch; redirects are returned, never followed. */
  send(url: string, init: RequestInit): Promise<Response> {
    this.#open = true;
    return (this.#fetch ?? fetch)(url, { ...init, redirect: 'manual' });
  }
  /** Sends one request whose answer may be streamed: with `streamFetch` when there is one, else as `send`. */
  sendStream(url: string, init: StreamInit): Promise<StreamAnswer> {
    if (!this.#streamFetch) return this.send(url, init);
    this.#open = true;
    return this.#streamFetch(url, init);
  }
}

/** `nodeStreamFetch` reporting each request to `observer` (when there is one), as an observed `fetch` does. */
function observedStreamFetch(observer: RequestObserver | undefined): StreamFetch {
  if (!observer) return nodeStreamFetch;
  return (url, init) =>
    observeRequest(observer, { method: init.method, url: url.split(/[?#]/)[0]! }, () =>
      nodeStreamFetch(url, init),
    );
}

/** `min(1 s × 2^attempt, 60 s)` plus up to 10 % jitter (docs/http.md#rate-limits-and-retry-after), in ms. */
export function backoffMs(attempt: number): number {
  const base = Math.min(1000 * 2 ** attempt, 60_000);
  return base + Math.random() * base * 0.1;
}

/** A `Retry-After` that is a non-negative integer number of seconds, else null. */
export function parseRetryAfter(value: string | null): number | null {
  return value !== null && /^\s*\d+\s*$/.test(value) ? Number(value) : null;
}

/**
 * `MP_CUSTOM_HEADER_NAME: MP_CUSTOM_HEADER_VALUE` when both are set (docs/http.md#header-layers),
 * checked as it is read: a bad name or value is a ConfigError naming the variable, never the value.
 */
function environmentHeader(env: Env): [string, string] | null {
  const name = env.MP_CUSTOM_HEADER_NAME;
  const value = env.MP_CUSTOM_HEADER_VALUE;
  if (!name || !value) return null;
  if (!isHeaderName(name)) {
    throw new ConfigError(
      "MP_CUSTOM_HEADER_NAME is not a valid HTTP header name; use letters, digits and '-'.",
      { details: { env_var: 'MP_CUSTOM_HEADER_NAME' } },
    );
  }
  checkHeaderValue(
    value,
    'MP_CUSTOM_HEADER_VALUE',
    'Set it to one line of plain text, or unset it.',
    {
      env_var: 'MP_CUSTOM_HEADER_VALUE',
    },
  );
  return [name, value];
}

/** Sets `name: value` in `headers`, replacing any case-variant of `name`. */
function setHeader(headers: Record<string, string>, name: string, value: string): void {
  for (const key of Object.keys(headers))
    if (key.toLowerCase() === name.toLowerCase()) delete headers[key];
  headers[name] = value;
}

/**
 * The HTTP transport of a Workspace (docs/http.md#client-construction–docs/http.md#status-to-error-mapping): one ky instance for its
 * whole life (so `use()` never rebuilds it), auth and custom headers composed
 * per request, project parameters per family, 429 and GET-5xx retries with
 * Retry-After, one reactive refresh on 401 for browser accounts, and every
 * failure mapped to our error classes. ky's HTTPError is never kept.
 */
export class MixpanelApiClient {
  /** The HTTP transport (a ky instance, created on the first request); the same object across every session swap. */
  readonly transport: Transport;
  #session: Session;
  #basic: string | null = null;
  readonly #resolver: TokenResolver;
  readonly #override: BaseUrlOverride | null;
  readonly #env: () => Env;
  readonly #options: TransportOptions;
  readonly #userAgent: string;
  readonly #timeoutMs: number;

  constructor(
    options: TransportOptions & {
      session: Session;
      tokenResolver: TokenResolver;
      override: BaseUrlOverride | null;
      env?: (() => Env) | undefined;
      /** Share another client's transport instead of creating one. */
      transport?: Transport | undefined;
    },
  ) {
    // Streamed answers go through node:http unless the caller gave its own fetch.
    const streamFetch = options.fetch ? undefined : observedStreamFetch(options.onRequest);
    // The observer wraps the fetch once; clients made by withProject share it.
    options = withRequestObserver(options);
    this.#options = options;
    this.#userAgent = userAgent(options.entry ?? 'lib');
    this.#resolver = options.tokenResolver;
    this.#override = options.override;
    this.#env = options.env ?? (() => process.env);
    this.#timeoutMs = options.timeoutMs ?? httpTimeoutFromEnv(this.#env()) ?? DEFAULT_TIMEOUT_MS;
    this.transport = options.transport ?? new Transport(options.fetch, streamFetch);
    this.#session = options.session;
    this.setSession(options.session);
  }

  /**
   * A new client for another project (and optionally one of its workspaces)
   * that shares this one's transport, timeouts, retries, token resolver and
   * headers (docs/http.md#transport-reuse). This client is unchanged.
   */
  withProject(projectId: string, workspaceId?: number): MixpanelApiClient {
    const project = new Project({ id: projectId });
    const workspace =
      workspaceId === undefined ? null : new WorkspaceRef({ id: workspaceId, projectId });
    return new MixpanelApiClient({
      ...this.#options,
      session: this.#session.replace({ project, workspace }),
      tokenResolver: this.#resolver,
      override: this.#override,
      env: this.#env,
      transport: this.transport,
    });
  }

  /**
   * Releases the connection handle (see `Transport.close`). Idempotent; a
   * later request lazily creates a new one. Shared by every client made with
   * `withProject`.
   */
  close(): void {
    this.transport.close();
  }

  get session(): Session {
    return this.#session;
  }

  /** Swaps the session (the caller has checked its credentials); the transport stays. */
  setSession(session: Session): void {
    if (session.account !== this.#session?.account || this.#basic === null) {
      this.#basic =
        session.account.type === 'service_account' ? basicHeaderOf(session.account) : null;
    }
    this.#session = session;
  }

  /** The `Authorization` value the next request would send (OAuth tokens resolved now). Never log it. */
  async currentAuthHeader(): Promise<string> {
    return this.#basic ?? this.#session.authHeader(this.#resolver);
  }

  /** Base URL of a family for the session's account region (or the override). */
  baseUrl(family: Family): string {
    return buildUrl(family, this.#session.region, '', this.#override).replace(/\/$/, '');
  }

  /** A query-family call: adds `project_id` and `query_origin`. */
  query(method: string, path: string, options: CallOptions = {}): Promise<unknown> {
    return this.#send(
      'query',
      method,
      buildUrl('query', this.#session.region, path, this.#override),
      {
        ...options,
        params: {
          ...options.params,
          project_id: this.#session.projectId,
          query_origin: QUERY_ORIGIN,
        },
      },
    );
  }

  /** An App-API call: no project parameters; `{results}` unwrapped unless `raw`; 204 → `{status: "ok"}`. */
  async app(
    method: string,
    path: string,
    options: CallOptions & { raw?: boolean } = {},
  ): Promise<unknown> {
    if (options.json !== undefined && options.form !== undefined) {
      throw new ArgumentError('Pass either a JSON body or a form body, not both.', {
        argumentNames: ['json', 'form'],
      });
    }
    const body = await this.#send(
      'app',
      method,
      buildUrl('app', this.#session.region, path, this.#override),
      options,
    );
    if (
      !options.raw &&
      body &&
      typeof body === 'object' &&
      !Array.isArray(body) &&
      'results' in body
    ) {
      return (body as { results: unknown }).results;
    }
    return body;
  }

  /**
   * The escape hatch (docs/http.md#escape-hatch-request): any Mixpanel URL (a path starting with
   * `/` is taken relative to the region's main origin); adds `query_origin`,
   * not `project_id`; the caller's headers go last, so it can replace
   * `Authorization` deliberately.
   */
  request(method: string, url: string, options: CallOptions = {}): Promise<unknown> {
    const absolute = url.startsWith('/')
      ? (this.#override?.[this.#session.region] ??
          new URL(regionBaseUrl('app', this.#session.region)).origin) + url
      : rewriteUrl(url, this.#session.region, this.#override);
    return this.#send('escape', method, absolute, {
      ...options,
      params: { ...options.params, query_origin: QUERY_ORIGIN },
    });
  }

  async #authorization(): Promise<string> {
    return this.#basic ?? this.#session.authHeader(this.#resolver);
  }

  /**
   * The headers of one request (docs/http.md#header-layers). Every value is
   * checked first (docs/http.md#header-values): one that `fetch` would refuse
   * is our error naming where it came from, never the value, because the
   * runtime's own error quotes the value whole (a token, say).
   */
  #headers(
    authorization: string,
    callerHeaders: Record<string, string> = {},
    callerLast = false,
  ): Record<string, string> {
    const headers: Record<string, string> = {
      'User-Agent': this.#userAgent,
    };
    const environment = environmentHeader(this.#env());
    if (environment) setHeader(headers, ...environment);
    for (const [name, value] of Object.entries(this.#session.headers)) {
      checkHeaderValue(
        value,
        `Header '${name}' of the session ([settings].custom_header or the bridge file's headers)`,
        'Set it to one line of plain text.',
        { header: name },
      );
      setHeader(headers, name, value);
    }
    for (const [name, value] of Object.entries(callerHeaders)) {
      if (!isHeaderValue(value)) {
        throw new ArgumentError(
          `Header '${name}' of this call contains a line break or another character not allowed in an HTTP header. Pass one line of plain text.`,
          { argumentNames: ['headers'] },
        );
      }
    }
    if (!isHeaderValue(authorization)) {
      const { name } = this.#session.account;
      throw new OAuthTokenError(
        `The token of account '${name}' contains a line break or another character not allowed in an HTTP header. Check the token resolver, or run \`mp account login ${name}\`.`,
        { details: { account_name: name } },
      );
    }
    if (callerLast) {
      setHeader(headers, 'Authorization', authorization);
      for (const [name, value] of Object.entries(callerHeaders)) setHeader(headers, name, value);
    } else {
      for (const [name, value] of Object.entries(callerHeaders)) setHeader(headers, name, value);
      setHeader(headers, 'Authorization', authorization);
    }
    return headers;
  }

  /**
   * A request whose successful answer is returned unread (docs/http.md#streamed-responses):
   * `url` is absolute (the caller has checked it); retries, the refresh after a
   * 401 and error mapping apply before the first byte, and the deadline covers
   * the headers only.
   */
  stream(
    family: Family | 'escape',
    method: string,
    url: string,
    options: StreamOptions = {},
  ): Promise<StreamedResponse> {
    return this.#send(family, method, url, options, true) as Promise<StreamedResponse>;
  }

  async #send(
    family: Family | 'escape',
    method: string,
    url: string,
    options: StreamOptions,
    streamed = false,
  ): Promise<unknown> {
    const session = this.#session;
    const { account } = session;
    const maxRetries = this.#options.maxRetries ?? 3;
    const cap = this.#options.maxRetryAfterSeconds ?? 60;
    const timeoutMs = options.timeoutMs ?? this.#timeoutMs;
    const maxBytes = this.#options.maxResponseBytes ?? MAX_RESPONSE_BYTES;
    const sleep = this.#options.sleep ?? abortableSleep;
    const params = Object.fromEntries(
      Object.entries(options.params ?? {})
        .filter(([, value]) => value !== undefined)
        .map(([key, value]) => [key, String(value)]),
    );
    const upper = method.toUpperCase();
    const info = {
      requestMethod: upper,
      requestUrl: url,
      ...(Object.keys(params).length ? { requestParams: params } : {}),
      ...(options.json !== undefined ? { requestBody: options.json } : {}),
    };
    const failedRequest = (response: StreamAnswer, text: string) => ({
      ...info,
      statusCode: response.status,
      responseBody: captureBody(text),
      accountType: account.type,
      accountName: account.name,
      family: family === 'escape' ? ('escape' as const) : family,
      location: response.headers.get('location'),
    });
    // The URL's own query is kept; the call's params are merged into it (and win).
    const queryAt = url.indexOf('?');
    const query = new URLSearchParams(queryAt < 0 ? '' : url.slice(queryAt + 1));
    for (const [key, value] of Object.entries(params)) query.set(key, value);
    const search = query.toString();
    const href = `${queryAt < 0 ? url : url.slice(0, queryAt)}${search ? `?${search}` : ''}`;
    const callerHeaders =
      options.json !== undefined
        ? { 'Content-Type': 'application/json', ...options.headers }
        : options.headers;
    if ([options.json, options.form, options.body].filter((x) => x !== undefined).length > 1) {
      throw new ArgumentError('Pass one body: json, form or body.', {
        argumentNames: ['json', 'form', 'body'],
      });
    }
    const body =
      options.json !== undefined
        ? JSON.stringify(options.json)
        : options.form !== undefined
          ? new URLSearchParams(options.form)
          : options.body;
    // Anything but an answer: a caller's abort (unchanged, whatever its reason), a body over
    // the cap, the deadline, or a network failure (docs/http.md#network-errors-and-timeouts).
    const failure = (error: unknown): unknown => {
      if (options.signal?.aborted || ResponseTooLargeError.isInstance(error)) return error;
      const timedOut = (error as Error)?.name === 'TimeoutError';
      const reason = timedOut
        ? `the request timed out after ${timeoutMs} ms`
        : describeNetworkError(error);
      const fix = timedOut
        ? ' The deadline covers the headers and the whole body: retry, or allow more time with MP_HTTP_TIMEOUT=SECONDS (the timeoutMs option in code).'
        : '';
      return new NetworkError(`HTTP error: ${reason} (${upper} ${url.split('?')[0]}).${fix}`, {
        reason,
        requestMethod: upper,
        requestUrl: url,
        requestParams: params,
      });
    };
    let authorization = await this.#authorization();
    let refreshed = false;
    for (let attempt = 0; ; ) {
      // Built (and checked) outside the try: a refused header is not a network error.
      const headers = this.#headers(authorization, callerHeaders, family === 'escape');
      // One deadline per attempt, for its headers and its body (docs/http.md#response-size-and-deadline);
      // a streamed answer's body has an idle timeout instead, so its deadline can be called off.
      const deadlineTimer = streamed ? new AbortController() : null;
      const timer = deadlineTimer
        ? setTimeout(
            () => deadlineTimer.abort(new DOMException('deadline', 'TimeoutError')),
            timeoutMs,
          )
        : undefined;
      const deadline = deadlineTimer ? deadlineTimer.signal : AbortSignal.timeout(timeoutMs);
      const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
      let response: StreamAnswer;
      try {
        const init = { method: upper, headers, ...(body !== undefined ? { body } : {}), signal };
        response = await (streamed
          ? this.transport.sendStream(href, init)
          : this.transport.send(href, init));
      } catch (error) {
        clearTimeout(timer);
        throw failure(error);
      }
      if (streamed && response.status >= 200 && response.status < 300) {
        clearTimeout(timer);
        return streamedResponse(response, {
          requestMethod: upper,
          requestUrl: href,
          idleMs: options.idleTimeoutMs ?? timeoutMs,
          signal: options.signal,
          requestParams: params,
        });
      }
      const readText = () =>
        readResponseText(response, {
          maxBytes,
          signal,
          requestMethod: upper,
          requestUrl: url,
          statusCode: response.status,
          fix: 'Narrow the request (for example a shorter date range); programs can raise the maxResponseBytes option.',
        })
          .catch((error: unknown) => {
            throw failure(error);
          })
          .finally(() => clearTimeout(timer));
      const { status } = response;
      if (status === 401 && account.type === 'oauth_browser' && !refreshed) {
        refreshed = true;
        clearTimeout(timer);
        await response.body?.cancel();
        const rejected = authorization.replace(/^Bearer /, '');
        authorization = `Bearer ${await this.#resolver.forceRefresh(account.name, account.region, rejected)}`;
        continue;
      }
      const retryable = status === 429 || (upper === 'GET' && RETRYABLE_GET.has(status));
      if (retryable) {
        const text = await readText();
        const retryAfter = parseRetryAfter(response.headers.get('retry-after'));
        const tooLong = retryAfter !== null && retryAfter > cap;
        if (attempt >= maxRetries || tooLong) {
          throw errorForStatus({
            ...failedRequest(response, text),
            ...(retryAfter !== null ? { retryAfter } : {}),
          });
        }
        const waitMs = retryAfter !== null ? retryAfter * 1000 : backoffMs(attempt);
        attempt += 1;
        this.#options.onWarning?.(
          `${status === 429 ? 'rate limited' : `server answered ${status}`}, retrying in ${(waitMs / 1000).toFixed(1)}s (attempt ${attempt}/${maxRetries})`,
        );
        await sleep(waitMs, options.signal);
        continue;
      }
      const text = await readText();
      if (status >= 200 && status < 300) {
        options.onText?.(text);
        // 204 has no body by definition; any other 2xx must carry JSON (docs/http.md#status-to-error-mapping).
        if (status === 204) return family === 'app' ? { status: 'ok' } : null;
        try {
          return JSON.parse(text);
        } catch {
          throw new InvalidResponseError(
            `Non-JSON response from ${upper} ${url.split('?')[0]} (status ${status}): ${text.slice(0, RESPONSE_TEXT_LIMIT)}`,
            { requestMethod: upper, requestUrl: url, statusCode: status },
          );
        }
      }
      throw errorForStatus(failedRequest(response, text));
    }
  }
}

/** Wraps an unread 2xx answer; see `StreamedResponse`. */
function streamedResponse(
  response: StreamAnswer,
  info: {
    requestMethod: string;
    requestUrl: string;
    idleMs: number;
    signal: AbortSignal | undefined;
    requestParams: Record<string, string>;
  },
): StreamedResponse {
  const { requestMethod, requestUrl } = info;
  const shown = requestUrl.split('?')[0];
  async function* chunks(): AsyncGenerator<Uint8Array> {
    let bytes = 0;
    const body = streamResponseBody(response, {
      idleMs: info.idleMs,
      signal: info.signal,
      requestMethod,
      requestUrl,
    });
    try {
      for await (const chunk of body) {
        bytes += chunk.byteLength;
        yield chunk;
      }
    } catch (error) {
      // The caller's abort stays as it is; our own errors (the idle timeout) too.
      if (info.signal?.aborted || NetworkError.isInstance(error)) throw error;
      const reason = `the response ended early after ${bytes} bytes: ${describeNetworkError(error)}`;
      throw new NetworkError(
        `HTTP error: ${reason} (${requestMethod} ${shown}). Retry; the bytes received so far are incomplete.`,
        {
          reason,
          requestMethod,
          requestUrl,
          requestParams: info.requestParams,
          details: { bytes },
        },
      );
    }
  }
  const streamed: StreamedResponse = {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
    requestMethod,
    requestUrl,
    chunks,
    cancel: async () => {
      await response.body?.cancel().catch(() => {});
    },
  };
  return streamed;
}
