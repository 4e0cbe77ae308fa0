/** `startMockMixpanel`: the HTTP server, its routing, fault handling and shutdown (docs/testkit.md#starting-the-mock, docs/testkit.md#common-behaviour). */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { ADMIN_PREFIX, handleAdmin } from './admin';
import { handleMe, handleWorkspaces } from './app-routes';
import type { MockClock } from './clock';
import type { MockConfig } from './config';
import { handleExport } from './export-route';
import {
  cutAfterRule,
  type DripOptions,
  dripRule,
  dropConnectionRule,
  type FailWithOptions,
  type FaultResponse,
  type FaultRule,
  type FaultTimesOptions,
  failWithRule,
  type HugeBodyOptions,
  hangRule,
  hugeBodyRule,
  type RateLimitOptions,
  rateLimitRule,
  slowRule,
} from './faults';
import { defaultFixture, type Fixture, validateFixture } from './fixture';
import {
  appError,
  type Outcome,
  type ParsedRequest,
  parseRequest,
  type Reply,
  readBody,
  type StreamOptions,
  sendReply,
} from './http-io';
import { handleAuthorize, handleDecision, handleRegister, handleToken } from './oauth-routes';
import { handleEventNames, handleSegmentation } from './query-routes';
import type { RequestFilter, RequestRecord } from './request-log';
import { createSecretRecorder } from './secrets-log';
import { MockState, type Region } from './state';
import type { MockTokens } from './tokens';

export interface MockOptions {
  /** Default: `defaultFixture()` (docs/testkit.md#default-fixture). Validated at start-up. */
  fixture?: Fixture;
  /** Default 0: the OS picks a free port. */
  port?: number;
  /** A label for logs and `/__mock/state`. Default `"us"`. */
  region?: Region;
  /** Overrides of the default `MockConfig` (docs/testkit.md#configuration); `reset()` returns to these. */
  config?: Partial<MockConfig>;
  /**
   * A file to which the mock appends every secret it knows, one JSON line each
   * (docs/testkit.md#secrets-log): its fixture's at start-up, each token as it is
   * issued. Default: `MP_MOCK_SECRETS_LOG` from the environment; unset or empty,
   * nothing is written.
   */
  secretsLog?: string | undefined;
}

/** A running mock. */
export interface MockMixpanel {
  /** `http://127.0.0.1:<port>`. */
  readonly origin: string;
  /** `{ MP_BASE_URL: origin }`, to merge into a child process's environment. */
  env(): { MP_BASE_URL: string };
  /** Copies of the logged requests, oldest first, optionally filtered. */
  requests(filter?: RequestFilter): RequestRecord[];
  countRequests(filter?: RequestFilter): number;
  clearRequests(): void;
  /** Adds a fault rule (docs/testkit.md#fault-injection) and returns its id; throws on an invalid rule. */
  inject(rule: FaultRule): number;
  /** 429 with `Retry-After` (default `"0"`), once by default. */
  rateLimit(path: string, options?: RateLimitOptions): number;
  /** Answer `status` with `json` or `text`, once by default; `method` narrows the match. */
  failWith(path: string, status: number, options?: FailWithOptions): number;
  /** Delay by `milliseconds`, then answer normally; forever by default. */
  slow(path: string, milliseconds: number, options?: FaultTimesOptions): number;
  /** Never answer (until the client gives up or the mock closes), once by default. */
  hang(path: string, options?: FaultTimesOptions): number;
  /** Destroy the connection without an answer, once by default. */
  dropConnection(path: string, options?: FaultTimesOptions): number;
  /** The normal answer's status and headers at once, then its body a chunk at a time (default one byte a second), once by default. */
  drip(path: string, options?: DripOptions): number;
  /** A generated JSON body of `bytes` bytes, streamed, optionally compressed (a gzip bomb), once by default. */
  hugeBody(path: string, bytes: number, options?: HugeBodyOptions): number;
  /** The normal answer, then the connection reset after `bytes` body bytes (a failure mid-stream), once by default. */
  resetAfter(path: string, bytes: number, options?: FaultTimesOptions): number;
  /** The normal answer, then nothing more after `bytes` body bytes (a stalled stream), once by default. */
  stallAfter(path: string, bytes: number, options?: FaultTimesOptions): number;
  clearFaults(): void;
  /** Applies a partial config and returns the whole new one; throws on an unknown key or bad value. */
  configure(patch: Partial<MockConfig>): MockConfig;
  readonly tokens: MockTokens;
  readonly clock: MockClock;
  /** Back to the initial fixture and config, empty log, no faults, clients, codes or tokens. */
  reset(): void;
  /** Stops listening and destroys every connection, hanging ones included. */
  close(): Promise<void>;
}

/** Internal observers; the `mp-mock-mixpanel --verbose` bin uses them. */
export interface MockHooks {
  /** Called once per logged request when it is answered (status `null` for hang/reset). */
  onRequest?: (record: RequestRecord) => void;
}

type RouteHandler = (state: MockState, request: ParsedRequest) => Outcome;

const ROUTES: Record<string, Partial<Record<string, RouteHandler>>> = {
  '/oauth/mcp/register/': { POST: handleRegister },
  '/oauth/authorize/': { GET: handleAuthorize },
  '/oauth/authorize/decision': { POST: handleDecision },
  '/oauth/token/': { POST: handleToken },
  '/api/app/me': { GET: handleMe },
  '/api/query/events/names': { GET: handleEventNames },
  '/api/query/segmentation': { GET: handleSegmentation },
  '/api/2.0/export': { GET: handleExport },
};

const WORKSPACES_PATH = /^\/api\/app\/projects\/([^/]+)\/workspaces\/public$/;

/** Exact path matching (trailing slashes included); 404 for unknown paths, 405 for other methods. */
function route(state: MockState, request: ParsedRequest): Outcome {
  const workspaces = WORKSPACES_PATH.exec(request.path);
  const methods: Partial<Record<string, RouteHandler>> | undefined = workspaces
    ? { GET: (current, parsed) => handleWorkspaces(current, parsed, workspaces[1]!) }
    : Object.hasOwn(ROUTES, request.path)
      ? ROUTES[request.path]
      : undefined;
  if (!methods) return appError(404, `mock: no route for ${request.method} ${request.path}`);
  const handler = methods[request.method];
  if (!handler) {
    const reply = appError(405, `mock: ${request.method} is not allowed on ${request.path}`);
    return { ...reply, headers: { ...reply.headers, Allow: Object.keys(methods).join(', ') } };
  }
  return handler(state, request);
}

function faultReply(response: FaultResponse): Reply {
  const headers: Record<string, string> = {};
  let body = '';
  if (response.json !== undefined || response.body_bytes !== undefined) {
    headers['content-type'] = 'application/json';
    body = response.json === undefined ? '' : JSON.stringify(response.json);
  } else if (response.text !== undefined) {
    headers['content-type'] = 'text/plain; charset=utf-8';
    body = response.text;
  }
  for (const [name, value] of Object.entries(response.headers ?? {})) {
    headers[name.toLowerCase()] = value;
  }
  const reply: Reply = { status: response.status, headers, body };
  if (response.body_bytes !== undefined || response.content_encoding !== undefined) {
    reply.stream = {
      generatedBytes: response.body_bytes,
      encoding: response.content_encoding,
    };
  }
  return reply;
}

/** `reply` sent a chunk at a time at the rule's pace. */
function dripped(reply: Reply, drip: NonNullable<StreamOptions['drip']>): Reply {
  return { ...reply, stream: { ...reply.stream, drip } };
}

function checkOptions(options: MockOptions): { port: number; region: Region } {
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new RangeError(`port must be an integer from 0 to 65535, got ${port}`);
  }
  const region = options.region ?? 'us';
  if (region !== 'us' && region !== 'eu' && region !== 'in') {
    throw new RangeError(`region must be us, eu or in, got ${JSON.stringify(region)}`);
  }
  return { port, region };
}

/** `startMockMixpanel` with internal hooks. */
export async function startMockServer(
  options: MockOptions = {},
  hooks: MockHooks = {},
): Promise<MockMixpanel> {
  const { port, region } = checkOptions(options);
  const fixture = validateFixture(options.fixture ?? defaultFixture());
  const recordSecret = createSecretRecorder(
    options.secretsLog ?? process.env.MP_MOCK_SECRETS_LOG,
    fixture,
  );
  const state = new MockState(fixture, options.config ?? {}, region, recordSecret);
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let closing: Promise<void> | undefined;

  const wait = (milliseconds: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, milliseconds);
      timers.add(timer);
    });

  const handle = async (incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> => {
    // Numbered on arrival (docs/testkit.md#request-log: the log is in arrival order), not once the body is in.
    const id = (incoming.url ?? '').startsWith(ADMIN_PREFIX) ? undefined : state.log.reserve();
    const rawBody = await readBody(incoming);
    if (closing) return;
    const request = parseRequest(incoming, rawBody);
    if (request.path.startsWith(ADMIN_PREFIX)) {
      await sendReply(outgoing, handleAdmin(state, request));
      return;
    }
    const record = state.log.add(request, id);
    // docs/testkit.md#configuration: a server clock that is off shows in the Date header of every answer.
    const skew = state.config.date_skew_seconds;
    if (skew !== 0) outgoing.setHeader('Date', new Date(Date.now() + skew * 1000).toUTCString());
    const finish = async (outcome: Outcome | 'reset') => {
      let sending: Promise<void> | undefined;
      if (outcome === 'reset') incoming.socket.destroy();
      else if (outcome !== 'hang') {
        record.status = outcome.status;
        // Synchronous up to the headers (the whole of a plain reply); a streamed body goes on.
        sending = sendReply(outgoing, outcome);
      }
      hooks.onRequest?.(structuredClone(record));
      await sending;
    };
    const routed = (): Outcome => {
      try {
        return route(state, request);
      } catch (error) {
        return appError(500, `mock: internal error: ${(error as Error).message}`);
      }
    };

    const rule = state.faults.select(request);
    if (rule) {
      record.faultId = rule.id;
      if (rule.delay_ms > 0) await wait(rule.delay_ms);
      if (rule.action === 'respond') return finish(faultReply(rule.response!));
      if ((rule.action === 'hang' || rule.action === 'reset') && rule.after_bytes !== null) {
        const outcome = routed();
        if (outcome === 'hang') return finish(outcome);
        const cut = { after_bytes: rule.after_bytes, action: rule.action };
        return finish({ ...outcome, stream: { ...outcome.stream, cut } });
      }
      if (rule.action === 'hang') return finish('hang');
      if (rule.action === 'reset') return finish('reset');
      if (rule.action === 'drip') {
        const outcome = rule.response ? faultReply(rule.response) : routed();
        return finish(outcome === 'hang' ? outcome : dripped(outcome, rule.drip!));
      }
    }
    await finish(routed());
  };

  const server = createServer((incoming, outgoing) => {
    handle(incoming, outgoing).catch(() => {
      // The client went away while the body was read; nothing to answer.
      incoming.socket.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('mock: no TCP address');
  const origin = `http://127.0.0.1:${address.port}`;

  const addRule = (rule: FaultRule) => state.faults.add(rule);

  return {
    origin,
    env: () => ({ MP_BASE_URL: origin }),
    requests: (filter) => state.log.find(filter),
    countRequests: (filter) => state.log.count(filter),
    clearRequests: () => state.log.clear(),
    inject: addRule,
    rateLimit: (path, rateOptions) => addRule(rateLimitRule(path, rateOptions)),
    failWith: (path, status, failOptions) => addRule(failWithRule(path, status, failOptions)),
    slow: (path, milliseconds, slowOptions) => addRule(slowRule(path, milliseconds, slowOptions)),
    hang: (path, hangOptions) => addRule(hangRule(path, hangOptions)),
    dropConnection: (path, dropOptions) => addRule(dropConnectionRule(path, dropOptions)),
    drip: (path, dripOptions) => addRule(dripRule(path, dripOptions)),
    hugeBody: (path, bytes, bodyOptions) => addRule(hugeBodyRule(path, bytes, bodyOptions)),
    resetAfter: (path, bytes, cutOptions) =>
      addRule(cutAfterRule(path, bytes, 'reset', cutOptions)),
    stallAfter: (path, bytes, cutOptions) => addRule(cutAfterRule(path, bytes, 'hang', cutOptions)),
    clearFaults: () => state.faults.clear(),
    configure: (patch) => state.configure(patch),
    tokens: {
      expire: (accessToken) => state.tokens.expire(accessToken),
      revoke: (selector) => state.tokens.revoke(selector),
      list: () => state.tokens.list(),
    },
    clock: {
      advance: (seconds) => state.clock.advance(seconds),
      get offsetSeconds() {
        return state.clock.offsetSeconds;
      },
      set offsetSeconds(seconds: number) {
        state.clock.offsetSeconds = seconds;
      },
    },
    reset: () => state.reset(),
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close(() => resolve());
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}

/**
 * Starts a mock Mixpanel on 127.0.0.1 (docs/testkit.md#starting-the-mock). Resolves once the
 * socket is listening; throws on an invalid fixture, config, port or region.
 */
export function startMockMixpanel(options: MockOptions = {}): Promise<MockMixpanel> {
  return startMockServer(options);
}
