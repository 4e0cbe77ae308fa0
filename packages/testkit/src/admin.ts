/** The admin HTTP API under `/__mock/` (docs/testkit.md#admin-api): JSON in and out, never logged or faulted. */
import { jsonReply, type ParsedRequest, type Reply } from './http-io';
import type { MockState } from './state';
import type { RevokeSelector } from './tokens';

export const ADMIN_PREFIX = '/__mock/';

function adminError(status: number, text: string): Reply {
  return jsonReply(status, { error: text });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The JSON object body of an admin POST (an empty body counts as `{}`). */
function jsonObject(
  request: ParsedRequest,
): { ok: true; value: Record<string, unknown> } | { ok: false; reply: Reply } {
  if (request.rawBody.trim() === '') return { ok: true, value: {} };
  try {
    const value: unknown = JSON.parse(request.rawBody);
    if (isRecord(value)) return { ok: true, value };
  } catch {
    // reported below
  }
  return { ok: false, reply: adminError(400, 'the body must be a JSON object') };
}

/** `/__mock/state`: what a subprocess test may want to look at. */
export function mockSnapshot(state: MockState) {
  return {
    region: state.region,
    clients: [...state.clients.values()].map((client) => ({
      client_id: client.client_id,
      client_id_issued_at: client.client_id_issued_at,
      redirect_uris: [...client.redirect_uris],
      grant_types: [...client.grant_types],
      response_types: [...client.response_types],
      token_endpoint_auth_method: client.token_endpoint_auth_method,
      scope: client.requested_scope,
    })),
    codes_outstanding: state.codesOutstanding(),
    tokens: state.tokens.list(),
    config: structuredClone(state.config),
    faults: state.faults.list(),
  };
}

type Handler = (state: MockState, request: ParsedRequest, body: Record<string, unknown>) => Reply;

function revokeSelector(body: Record<string, unknown>): RevokeSelector | string {
  const selector: RevokeSelector = {};
  if (body.access_token !== undefined) {
    if (typeof body.access_token !== 'string') return 'access_token must be a string';
    selector.accessToken = body.access_token;
  }
  if (body.refresh_token !== undefined) {
    if (typeof body.refresh_token !== 'string') return 'refresh_token must be a string';
    selector.refreshToken = body.refresh_token;
  }
  if (body.user_id !== undefined) {
    if (typeof body.user_id !== 'number') return 'user_id must be a number';
    selector.userId = body.user_id;
  }
  if (body.all !== undefined) {
    if (typeof body.all !== 'boolean') return 'all must be a boolean';
    selector.all = body.all;
  }
  if (Object.keys(selector).length === 0) {
    return 'give access_token, refresh_token, user_id or all';
  }
  return selector;
}

const ROUTES: Record<string, Partial<Record<string, Handler>>> = {
  requests: {
    GET: (state, request) => {
      const filter: { path?: string; method?: string } = {};
      if (request.query.path !== undefined) filter.path = request.query.path;
      if (request.query.method !== undefined) filter.method = request.query.method;
      return jsonReply(200, state.log.find(filter));
    },
    DELETE: (state) => {
      state.log.clear();
      return jsonReply(200, { ok: true });
    },
  },
  faults: {
    GET: (state) => jsonReply(200, state.faults.list()),
    POST: (state, _request, body) => {
      try {
        return jsonReply(200, { id: state.faults.add(body) });
      } catch (error) {
        return adminError(400, (error as Error).message);
      }
    },
    DELETE: (state) => {
      state.faults.clear();
      return jsonReply(200, { ok: true });
    },
  },
  config: {
    GET: (state) => jsonReply(200, state.config),
    POST: (state, _request, body) => {
      try {
        return jsonReply(200, state.configure(body));
      } catch (error) {
        return adminError(400, (error as Error).message);
      }
    },
  },
  'tokens/expire': {
    POST: (state, _request, body) => {
      if (body.all === true) return jsonReply(200, { expired: state.tokens.expire('all') });
      if (typeof body.access_token === 'string') {
        return jsonReply(200, { expired: state.tokens.expire(body.access_token) });
      }
      return adminError(400, 'give {"access_token": "…"} or {"all": true}');
    },
  },
  'tokens/revoke': {
    POST: (state, _request, body) => {
      const selector = revokeSelector(body);
      if (typeof selector === 'string') return adminError(400, selector);
      return jsonReply(200, { revoked: state.tokens.revoke(selector) });
    },
  },
  clock: {
    GET: (state) => jsonReply(200, { offset_seconds: state.clock.offsetSeconds }),
    POST: (state, _request, body) => {
      const { advance_seconds: advance, offset_seconds: offset } = body;
      if (typeof advance === 'number' && Number.isFinite(advance)) state.clock.advance(advance);
      else if (typeof offset === 'number' && Number.isFinite(offset))
        state.clock.offsetSeconds = offset;
      else return adminError(400, 'give {"advance_seconds": n} or {"offset_seconds": n}');
      return jsonReply(200, { offset_seconds: state.clock.offsetSeconds });
    },
  },
  state: {
    GET: (state) => jsonReply(200, mockSnapshot(state)),
  },
  reset: {
    POST: (state) => {
      state.reset();
      return jsonReply(200, { ok: true });
    },
  },
};

/** Answers a request whose path starts with `/__mock/`. */
export function handleAdmin(state: MockState, request: ParsedRequest): Reply {
  const route = request.path.slice(ADMIN_PREFIX.length);
  const faultId = /^faults\/(\d+)$/.exec(route);
  if (faultId) {
    if (request.method !== 'DELETE') return adminError(405, `use DELETE on ${request.path}`);
    return state.faults.remove(Number(faultId[1]))
      ? jsonReply(200, { ok: true })
      : adminError(404, `no fault rule ${faultId[1]}`);
  }
  const methods = Object.hasOwn(ROUTES, route) ? ROUTES[route] : undefined;
  if (!methods) return adminError(404, `mock: no admin route ${request.method} ${request.path}`);
  const handler = methods[request.method];
  if (!handler) {
    return adminError(405, `use ${Object.keys(methods).join(' or ')} on ${request.path}`);
  }
  let body: Record<string, unknown> = {};
  if (request.method === 'POST') {
    const parsed = jsonObject(request);
    if (!parsed.ok) return parsed.reply;
    body = parsed.value;
  }
  return handler(state, request, body);
}
