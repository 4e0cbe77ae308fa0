/** The Workspace against the mock Mixpanel: construction, switching, and the calls (docs/resolution.md#resolution-order, 07). */
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fnv1a32 } from '@mixpanel-data/testkit';
import { describe, expect, it } from 'vitest';
import {
  ArgumentError,
  AuthenticationError,
  ConfigError,
  type MixpanelDataError,
  OAuthError,
  Project,
  QueryError,
  RateLimitError,
  ServerError,
  ValidationError,
  Workspace,
  WorkspaceScopeError,
} from '../src/index';
import { setup } from './helpers';

const errorOf = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.unreachable(),
    (error) => error as MixpanelDataError,
  );

describe('construction (docs/resolution.md#workspace-construction)', () => {
  it('uses [active] when nothing else is given, and per-axis overrides', async () => {
    const t = await setup();
    const ws = t.workspace();
    expect([ws.account.name, ws.project.id, ws.workspace]).toEqual(['team', '3713224', null]);
    const other = t.workspace({ project: '3018488', workspace: 3448420 });
    expect([other.account.name, other.project.id, other.workspace?.id]).toEqual([
      'team',
      '3018488',
      3448420,
    ]);
    expect(other.explain().provenance.project.source).toBe('param');
  });

  it('a target applies all three axes; a target with an axis is an ArgumentError', async () => {
    const t = await setup();
    t.store.addTarget('ecom', { account: 'team', project: '3018488', workspace: 3448420 });
    const ws = t.workspace({ target: 'ecom' });
    expect([ws.project.id, ws.workspace?.id]).toEqual(['3018488', 3448420]);
    // @ts-expect-error a target with an axis does not compile; JavaScript callers get the error
    expect(() => t.workspace({ target: 'ecom', project: '1' })).toThrow(ArgumentError);
  });

  it('a session bypasses config and bridge entirely (even a broken config)', async () => {
    const t = await setup();
    const session = t.workspace().session.replace({ project: new Project({ id: '3018488' }) });
    writeFileSync(t.store.path, 'not [valid toml');
    const ws = t.workspace({ session });
    expect(ws.session).toBe(session);
    expect(await ws.events()).toEqual(['Add to Cart', 'Checkout']);
    expect(() => t.workspace()).toThrow(ConfigError);
  });

  it('properties are read-only', async () => {
    const t = await setup();
    const ws = t.workspace();
    expect(() => {
      (ws as unknown as { account: unknown }).account = null;
    }).toThrow(TypeError);
  });

  it('a browser account without tokens constructs fine and fails on the first request', async () => {
    const t = await setup();
    const ws = t.workspace({ account: 'personal', project: '3713224' });
    const error = await errorOf(ws.events());
    expect(error).toBeInstanceOf(OAuthError);
    expect(error.message).toContain('mp account login personal');
  });
});

describe('use() (docs/resolution.md#switching-with-use, docs/http.md#transport-reuse)', () => {
  it('switches workspace, project and account in place, keeping the transport', async () => {
    const t = await setup();
    await t.login();
    const ws = t.workspace();
    const transport = ws.transport;
    expect(ws.use({ workspace: 3448414 })).toBe(ws);
    expect(ws.workspace?.id).toBe(3448414);
    ws.use({ project: '3018488' });
    expect([ws.project.id, ws.workspace]).toEqual(['3018488', null]);
    ws.use({ account: 'personal' });
    expect([ws.account.name, ws.project.id]).toEqual(['personal', '3018488']);
    expect(ws.transport).toBe(transport);
    expect(await ws.events()).toEqual(['Add to Cart', 'Checkout']);
  });

  it('each account swap installs a new Authorization header', async () => {
    const t = await setup();
    await t.login();
    const ws = t.workspace();
    await ws.events();
    ws.use({ account: 'personal', project: '3713224' });
    await ws.events();
    const auth = t.mock
      .requests({ path: '/api/query/events/names' })
      .map((r) => r.headers.authorization!.split(' ')[0]);
    expect(auth).toEqual(['Basic', 'Bearer']);
  });

  it('is atomic: a browser account without tokens leaves everything as it was', async () => {
    const t = await setup();
    const ws = t.workspace({ workspace: 3448414 });
    const before = ws.session;
    expect(() => ws.use({ account: 'personal', project: '1' })).toThrow(OAuthError);
    expect(ws.session).toBe(before);
    expect(() => ws.use({ project: 'abc' })).toThrow(ConfigError);
    // @ts-expect-error a target with an axis does not compile; JavaScript callers get the error
    expect(() => ws.use({ target: 'x', project: '1' })).toThrow(ArgumentError);
    expect(ws.session).toBe(before);
  });

  it('persist writes account, the default project and the workspace pin — and drops a stale pin', async () => {
    const t = await setup();
    const ws = t.workspace();
    ws.use({ project: '3018488', workspace: 3448420, persist: true });
    expect(t.store.getActive()).toEqual({ account: 'team', workspace: 3448420 });
    expect(t.store.getAccount('team').defaultProject).toBe('3018488');
    ws.use({ project: '3713224', persist: true });
    expect(t.store.getActive()).toEqual({ account: 'team' });
  });

  it('persist of an env account fails before switching', async () => {
    const t = await setup(
      {},
      { MP_USERNAME: 'team-sa', MP_SECRET: 's3cret-sa', MP_PROJECT_ID: '3713224', MP_REGION: 'us' },
    );
    const ws = t.workspace();
    expect(ws.account.name).toBe('env-service-account');
    expect(() => ws.use({ workspace: 5, persist: true })).toThrow(
      "Cannot set active account: 'env-service-account' is not configured.",
    );
    expect(ws.workspace).toBeNull();
  });

  it('a loop over projects() makes one /me request in total', async () => {
    const t = await setup();
    const ws = t.workspace();
    for (const project of await ws.projects()) {
      ws.use({ project: project.id });
      await ws.events();
    }
    expect(t.mock.countRequests({ path: '/api/app/me' })).toBe(1);
  });

  it('parallel snapshots: replaced sessions each get their own Workspace', async () => {
    const t = await setup();
    const ws = t.workspace();
    const snapshots = (await ws.projects()).map((p) =>
      ws.session.replace({ project: new Project({ id: p.id }) }),
    );
    const counts = await Promise.all(
      snapshots.map(async (s) => (await t.workspace({ session: s }).events()).length),
    );
    expect(counts).toEqual([4, 2]);
  });
});

describe('headers and routing (docs/http.md#headers)', () => {
  it('a custom header from settings and the env pair reach every call; Authorization cannot be replaced', async () => {
    const t = await setup(
      {},
      { MP_CUSTOM_HEADER_NAME: 'X-Env', MP_CUSTOM_HEADER_VALUE: 'from-env' },
    );
    t.store.setCustomHeader({ name: 'X-Mixpanel-Cluster', value: 'canary-3' });
    const ws = t.workspace();
    await ws.events();
    await ws.me();
    await ws.listWorkspaces();
    for (const request of t.mock.requests()) {
      expect(request.headers['x-mixpanel-cluster']).toBe('canary-3');
      expect(request.headers['x-env']).toBe('from-env');
      expect(request.headers['user-agent']).toMatch(
        /^mixpanel-data-ts\/\S+ \(entry=lib; node\/\d+\.\d+\)$/,
      );
      expect(request.headers.authorization).toBe(
        `Basic ${Buffer.from('team-sa:s3cret-sa').toString('base64')}`,
      );
    }
  });

  it('the Bearer token is resolved per request: a rotated token_env value goes out on the next call', async () => {
    const t = await setup();
    t.store.addAccount('static', {
      type: 'oauth_token',
      region: 'us',
      tokenEnv: 'MY_TOKEN',
      defaultProject: '3713224',
    });
    const env = { ...t.env, MY_TOKEN: 'static-token-abc' };
    const ws = t.workspace({ account: 'static', env });
    expect(await ws.events()).toHaveLength(4);
    env.MY_TOKEN = 'rotated-token';
    ws.use({ workspace: 3448414 }); // drops the discovery cache, so the next call goes out
    await expect(ws.events()).rejects.toMatchObject({ name: 'AuthenticationError' });
    const sent = t.mock
      .requests({ path: '/api/query/events/names' })
      .map((r) => r.headers.authorization);
    expect(sent).toEqual(['Bearer static-token-abc', 'Bearer rotated-token']);
  });

  it('header layers: env custom header, then session headers; the escape hatch lets the caller replace Authorization', async () => {
    const t = await setup();
    const ws = t.workspace({
      env: { ...t.env, MP_CUSTOM_HEADER_NAME: 'X-Team', MP_CUSTOM_HEADER_VALUE: 'from-env' },
    });
    await ws.events();
    await ws
      .request('GET', '/api/app/me', {
        headers: { authorization: 'Bearer caller', 'User-Agent': 'mine' },
      })
      .catch(() => undefined);
    const [query, hatch] = t.mock.requests();
    expect(query!.headers['x-team']).toBe('from-env');
    expect(query!.headers['user-agent']).toMatch(/^mixpanel-data-ts\//);
    expect(query!.headers.authorization).toMatch(/^Basic /);
    expect(hatch!.headers.authorization).toBe('Bearer caller');
    expect(hatch!.headers['user-agent']).toBe('mine');
  });

  it('a header value fetch would refuse stops the call before it is sent, naming its source, never the value (docs/http.md#header-values)', async () => {
    const t = await setup();
    const bad = 'NOT-SHOWN\r\nX-Injected: 1';
    const refused = async (call: Promise<unknown>) => {
      const error = await errorOf(call);
      expect(error.message + JSON.stringify(error.details)).not.toContain('NOT-SHOWN');
      return error;
    };

    // tokens.json: read as malformed, naming the file and the key
    const tokensPath = join(t.home, '.mp', 'accounts', 'personal', 'tokens.json');
    mkdirSync(dirname(tokensPath), { recursive: true, mode: 0o700 });
    writeFileSync(
      tokensPath,
      JSON.stringify({
        access_token: bad,
        expires_at: '2099-01-01T00:00:00+00:00',
        token_type: 'Bearer',
        scope: 'read',
      }),
      { mode: 0o600 },
    );
    const browser = await refused(
      t.workspace({ account: 'personal', project: '3713224' }).events(),
    );
    expect(browser).toBeInstanceOf(OAuthError);
    expect(browser.code).toBe('OAUTH_TOKEN_ERROR');
    expect(browser.message).toContain(`in ${tokensPath} are malformed`);
    expect(browser.message).toContain('(`access_token`)');

    // the environment's custom header
    const fromEnv = await refused(
      t
        .workspace({
          env: { ...t.env, MP_CUSTOM_HEADER_NAME: 'X-Team', MP_CUSTOM_HEADER_VALUE: bad },
        })
        .events(),
    );
    expect(fromEnv).toBeInstanceOf(ConfigError);
    expect(fromEnv.message).toMatch(/^MP_CUSTOM_HEADER_VALUE contains a line break/);
    expect(fromEnv.details).toEqual({ env_var: 'MP_CUSTOM_HEADER_VALUE' });

    // a session header given by a program, and a caller's header
    const session = t.workspace().session.replace({ headers: { 'X-Cluster': bad } });
    const fromSession = await refused(t.workspace({ session }).events());
    expect(fromSession).toBeInstanceOf(ConfigError);
    expect(fromSession.message).toContain("Header 'X-Cluster' of the session");
    const fromCaller = await refused(
      t.workspace().request('GET', '/api/app/me', { headers: { 'X-Mine': bad } }),
    );
    expect(fromCaller).toBeInstanceOf(ArgumentError);

    // a token resolver that answers a token no header can carry
    t.store.addAccount('static', { type: 'oauth_token', region: 'us', token: 'unused' });
    const tokenResolver = {
      getBrowserToken: async () => bad,
      getStaticToken: () => bad,
      assertBrowserTokenAvailable: () => {},
      forceRefresh: async () => bad,
    };
    const fromResolver = await refused(
      t.workspace({ account: 'static', project: '3713224', tokenResolver }).events(),
    );
    expect(fromResolver).toBeInstanceOf(OAuthError);
    expect(fromResolver.code).toBe('OAUTH_TOKEN_ERROR');

    expect(t.mock.requests()).toEqual([]);
  });

  it('project_id and query_origin go on query calls only; request() adds query_origin', async () => {
    const t = await setup();
    const ws = t.workspace();
    await ws.events();
    await ws.me();
    await ws.request('GET', '/api/query/events/names', {
      params: { project_id: '3713224', type: 'general', query_origin: 'mine' },
    });
    const [events, me, escapeHatch] = t.mock.requests();
    expect(events!.query).toMatchObject({
      project_id: '3713224',
      query_origin: 'mixpanel-data-ts',
      type: 'general',
      limit: '5000',
      from_date: '2000-01-01',
    });
    expect(me!.query).toEqual({});
    expect(escapeHatch!.query.query_origin).toBe('mixpanel-data-ts');
  });
});

describe('App-API paths (docs/http.md#project-and-workspace-parameters)', () => {
  it('project-scoped, workspace-if-pinned and workspace-required paths', async () => {
    const t = await setup();
    const ws = t.workspace();
    expect(ws.projectPath('/dashboards')).toBe('/projects/3713224/dashboards');
    expect(ws.workspaceIfPinnedPath('cohorts')).toBe('/projects/3713224/cohorts');
    expect(await ws.workspacePath('bookmarks')).toBe(
      '/projects/3713224/workspaces/3448413/bookmarks',
    );
    // Resolving a workspace does not pin it: "if pinned" still uses the project.
    expect(ws.workspaceIfPinnedPath('cohorts')).toBe('/projects/3713224/cohorts');
    ws.use({ workspace: 3448414 });
    expect(ws.workspaceIfPinnedPath('/cohorts')).toBe('/workspaces/3448414/cohorts');
    expect(await ws.workspacePath('bookmarks')).toBe(
      '/projects/3713224/workspaces/3448414/bookmarks',
    );
  });

  it('after an account swap, workspace-if-pinned paths no longer mention the old workspace', async () => {
    const t = await setup();
    await t.login();
    const ws = t.workspace({ workspace: 3448414 });
    expect(ws.workspaceIfPinnedPath('cohorts')).toBe('/workspaces/3448414/cohorts');
    ws.use({ account: 'personal', project: '3713224' });
    expect(ws.workspaceIfPinnedPath('cohorts')).toBe('/projects/3713224/cohorts');
    expect(await ws.workspacePath('cohorts')).toBe('/projects/3713224/workspaces/3448413/cohorts');
  });
});

describe('client.withProject() and close() (docs/http.md#transport-reuse)', () => {
  it('withProject() queries another project through the same transport, leaving the original alone', async () => {
    const t = await setup();
    const ws = t.workspace({ maxRetries: 0, timeoutMs: 5_000 });
    const client = ws.client;
    const other = client.withProject('3018488', 3448414);
    expect(other).not.toBe(client);
    expect(other.transport).toBe(client.transport);
    expect([other.session.projectId, other.session.workspaceId]).toEqual(['3018488', 3448414]);
    expect([client.session.projectId, client.session.workspaceId]).toEqual(['3713224', null]);
    expect(other.session.account).toBe(client.session.account);
    expect(client.withProject('3018488').session.workspace).toBeNull();
    await other.query('GET', '/events/names', { params: { type: 'general' } });
    await client.query('GET', '/events/names', { params: { type: 'general' } });
    const [viaOther, viaOriginal] = t.mock.requests({ path: '/api/query/events/names' });
    expect(viaOther!.query.project_id).toBe('3018488');
    expect(viaOriginal!.query.project_id).toBe('3713224');
    expect(viaOther!.headers.authorization).toBe(viaOriginal!.headers.authorization);
  });

  it('withProject() shares the retry settings: a 429 is not retried when maxRetries is 0', async () => {
    const t = await setup();
    t.mock.rateLimit('/api/query/events/names', { times: 1, retryAfter: '1' });
    const other = t.workspace({ maxRetries: 0 }).client.withProject('3018488');
    await expect(other.query('GET', '/events/names')).rejects.toMatchObject({
      name: 'RateLimitError',
    });
    expect(t.mock.countRequests({ path: '/api/query/events/names' })).toBe(1);
  });

  it('withProject() rejects a project id that is not digits, and a workspace id below 1', async () => {
    const client = (await setup()).workspace().client;
    expect(() => client.withProject('abc')).toThrow(/Invalid project ID: 'abc'/);
    expect(() => client.withProject('2', 0)).toThrow(/Invalid workspace ID: 0/);
  });

  it('close() is idempotent and a later request opens the connection handle again', async () => {
    const t = await setup();
    const ws = t.workspace();
    const client = ws.client;
    expect(client.transport.open).toBe(false);
    await ws.events();
    expect(client.transport.open).toBe(true);
    client.close();
    client.close();
    expect(client.transport.open).toBe(false);
    expect(await ws.events({ limit: 3 })).toHaveLength(3);
    expect(client.transport.open).toBe(true);
    expect(ws.transport).toBe(client.transport);
  });
});

describe('retries and errors (docs/http.md#retries)', () => {
  it('429 with Retry-After 1 is retried and succeeds', async () => {
    const t = await setup();
    t.mock.rateLimit('/api/query/events/names', { times: 1, retryAfter: '1' });
    const started = Date.now();
    const ws = t.workspace({ sleep: undefined });
    expect(await ws.events()).toHaveLength(4);
    expect(t.mock.countRequests({ path: '/api/query/events/names' })).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('429 past the budget is RateLimitError; a Retry-After above the cap fails at once', async () => {
    const t = await setup();
    t.mock.rateLimit('/api/query/events/names', { times: null as never, retryAfter: '0' });
    const error = await errorOf(t.workspace({ maxRetries: 1 }).events());
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfter).toBe(0);
    expect(t.mock.countRequests({ path: '/api/query/events/names' })).toBe(2);
    t.mock.clearFaults();
    t.mock.clearRequests();
    t.mock.rateLimit('/api/query/events/names', { times: 1, retryAfter: '120' });
    const capped = await errorOf(t.workspace().events({ limit: 1 }));
    expect((capped as RateLimitError).retryAfter).toBe(120);
    expect(capped.message).toContain('Retry after 120 seconds.');
    expect(t.mock.countRequests()).toBe(1);
  });

  it('503 on GET is retried; 500 is not; 500 on POST is not', async () => {
    const t = await setup();
    t.mock.failWith('/api/query/events/names', 503, { times: 1, text: 'busy' });
    expect(await t.workspace().events()).toHaveLength(4);
    expect(t.mock.countRequests({ path: '/api/query/events/names' })).toBe(2);
    t.mock.failWith('/api/query/events/names', 500, { times: 1, json: { error: 'kaboom' } });
    const error = await errorOf(t.workspace().events({ limit: 2 }));
    expect(error).toBeInstanceOf(ServerError);
    expect(error.message).toBe('Server error: kaboom');
    t.mock.clearRequests();
    t.mock.failWith('/api/app/me', 500, { times: 1, method: 'POST' });
    await errorOf(t.workspace().request('POST', '/api/app/me'));
    expect(t.mock.countRequests()).toBe(1);
  });

  it('429 without Retry-After waits the exponential backoff (1 s, 2 s, … plus up to 10 %)', async () => {
    const t = await setup();
    t.mock.inject({
      match: { path: '/api/query/events/names' },
      times: 2,
      response: { status: 429, json: { error: 'slow down' } },
    });
    const waits: number[] = [];
    const ws = t.workspace({ sleep: async (ms: number) => void waits.push(ms) });
    expect(await ws.events()).toHaveLength(4);
    expect(t.mock.countRequests({ path: '/api/query/events/names' })).toBe(3);
    expect(waits).toHaveLength(2);
    expect(waits[0]).toBeGreaterThanOrEqual(1000);
    expect(waits[0]).toBeLessThanOrEqual(1100);
    expect(waits[1]).toBeGreaterThanOrEqual(2000);
    expect(waits[1]).toBeLessThanOrEqual(2200);
  });

  it('app(): results unwrapped unless raw, a body without results whole, 204 → {status: "ok"}, JSON and form together refused', async () => {
    const t = await setup();
    const { client } = t.workspace();
    const unwrapped = (await client.app('GET', '/me')) as Record<string, unknown>;
    expect(unwrapped.user_email).toBe('alice@example.com');
    const raw = (await client.app('GET', '/me', { raw: true })) as Record<string, unknown>;
    expect((raw.results as Record<string, unknown>).user_email).toBe('alice@example.com');
    t.mock.inject({ match: { path: '/api/app/thing' }, response: { status: 200, json: { a: 1 } } });
    expect(await client.app('GET', '/thing')).toEqual({ a: 1 });
    t.mock.inject({ match: { path: '/api/app/gone' }, response: { status: 204 } });
    expect(await client.app('DELETE', '/gone')).toEqual({ status: 'ok' });
    await expect(client.app('POST', '/x', { json: {}, form: { a: 'b' } })).rejects.toMatchObject({
      name: 'ArgumentError',
    });
    expect(t.mock.countRequests({ path: '/api/app/x' })).toBe(0);
    expect(t.mock.requests().every((r) => r.query.project_id === undefined)).toBe(true);
  });

  it('request() adds query_origin but never project_id', async () => {
    const t = await setup();
    // The mock insists on project_id, so the call fails with its 400; the log shows what went out.
    const error = await t
      .workspace()
      .request('GET', '/api/query/events/names', { params: { type: 'general' } })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'QueryError', message: 'project_id is required' });
    const [sent] = t.mock.requests();
    expect(sent!.query).toEqual({ type: 'general', query_origin: 'mixpanel-data-ts' });
  });

  it('401 on a browser account: one refresh, then success', async () => {
    const t = await setup();
    await t.login();
    t.mock.tokens.expire('all');
    const ws = t.workspace({ account: 'personal', project: '3713224' });
    expect(await ws.events()).toHaveLength(4);
    const statuses = t.mock
      .requests()
      .filter((r) => r.path !== '/oauth/authorize/')
      .slice(-3)
      .map((r) => [r.path, r.status]);
    expect(statuses).toEqual([
      ['/api/query/events/names', 401],
      ['/oauth/token/', 200],
      ['/api/query/events/names', 200],
    ]);
  });

  it('401 on a service account is AuthenticationError without the username or secret', async () => {
    const t = await setup();
    t.store.updateAccount('team', { secret: 'wrong-secret' });
    const error = await errorOf(t.workspace().events());
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.message).not.toMatch(/team-sa|wrong-secret/);
  });

  it('maps 400/403/404 to QueryError with the body error, and a timeout to HTTP_ERROR', async () => {
    const t = await setup();
    const error = await errorOf(t.workspace().events({ fromDate: '1999-01-01' }));
    expect(error).toBeInstanceOf(QueryError);
    expect(error.message).toBe('invalid date, bad year');
    t.mock.slow('/api/query/events/names', 2000);
    const timeout = await errorOf(t.workspace({ timeoutMs: 200 }).events({ limit: 3 }));
    expect(timeout.code).toBe('HTTP_ERROR');
    expect(timeout.message).toContain('timed out after 200 ms');
  });
});

describe('events() and segmentation() (docs/http.md#events)', () => {
  it('retries a 90-day project once from today − 90 and caches the sorted result', async () => {
    const t = await setup();
    const ws = t.workspace({ project: '3018488' });
    expect(await ws.events()).toEqual(['Add to Cart', 'Checkout']);
    const requests = t.mock.requests({ path: '/api/query/events/names' });
    expect(requests.map((r) => r.status)).toEqual([403, 200]);
    const d = new Date();
    const expected = new Date(d.getFullYear(), d.getMonth(), d.getDate() - 90);
    const pad = (n: number) => String(n).padStart(2, '0');
    expect(requests[1]!.query.from_date).toBe(
      `${expected.getFullYear()}-${pad(expected.getMonth() + 1)}-${pad(expected.getDate())}`,
    );
    await ws.events();
    expect(t.mock.countRequests({ path: '/api/query/events/names' })).toBe(2);
    const explicit = await errorOf(ws.events({ fromDate: '2001-01-01' }));
    expect((explicit as QueryError).statusCode).toBe(403);
  });

  it('segments by a property with the normalised expression and sums the series', async () => {
    const t = await setup();
    const result = await t
      .workspace()
      .segmentation('Sign Up', { fromDate: '2024-01-01', toDate: '2024-01-03', on: 'country' });
    expect(t.mock.requests({ path: '/api/query/segmentation' })[0]!.query.on).toBe(
      'properties["country"]',
    );
    expect(Object.keys(result.series).sort()).toEqual(['CA', 'US']);
    let total = 0;
    for (const segment of ['US', 'CA'])
      for (const day of ['2024-01-01', '2024-01-02', '2024-01-03'])
        total += fnv1a32(`Sign Up|${segment}|${day}`) % 1000;
    expect(result.total).toBe(total);
    expect(result.segmentProperty).toBe('country');
    expect(Object.keys(JSON.parse(JSON.stringify(result)))).toEqual([
      'event',
      'from_date',
      'to_date',
      'unit',
      'segment_property',
      'total',
      'series',
    ]);
  });

  it('passes unit, where and type=general through to the segmentation request', async () => {
    const t = await setup();
    const where = 'properties["country"] == "US"';
    const result = await t.workspace().segmentation('Sign Up', {
      fromDate: '2024-01-01',
      toDate: '2024-01-14',
      unit: 'week',
      where,
    });
    const [sent] = t.mock.requests({ path: '/api/query/segmentation' });
    expect(sent!.query).toMatchObject({
      event: 'Sign Up',
      from_date: '2024-01-01',
      to_date: '2024-01-14',
      unit: 'week',
      where,
      type: 'general',
      project_id: '3713224',
    });
    expect(result.unit).toBe('week');
  });
});

describe('segmentation() checks its request before sending it', () => {
  it.each([
    ['', '2024-01-01', '2024-01-02', undefined, 'The event name must not be empty.'],
    ['e', '2024-02-30', '2024-03-01', undefined, "Invalid from date '2024-02-30'"],
    ['e', '2024-01-01', '24-01-02', undefined, "Invalid to date '24-01-02'"],
    ['e', '2024-03-02', '2024-03-01', undefined, 'The from date 2024-03-02 is after the to date'],
    ['e', '2024-01-01', '2024-01-02', 'hour', "Invalid unit 'hour': use day, week or month."],
  ])(
    'event %j from %s to %s unit %s: ArgumentError',
    async (event, fromDate, toDate, unit, text) => {
      const t = await setup();
      const error = await errorOf(
        t
          .workspace()
          .segmentation(event, { fromDate, toDate, ...(unit ? { unit: unit as 'day' } : {}) }),
      );
      expect(ArgumentError.isInstance(error)).toBe(true);
      expect(error.message).toContain(text);
      expect(t.mock.countRequests({ path: '/api/query/segmentation' })).toBe(0);
    },
  );
});

describe('cache and failure edges (docs/http.md#timeouts-and-cancellation, docs/http.md#status-to-error-mapping, docs/http.md#me-cache, docs/http.md#transport-reuse)', () => {
  it('a me.json that is JSON but not an object is a miss: warned about, deleted and fetched again', async () => {
    for (const content of ['null', '[]', '"x"']) {
      const t = await setup();
      const file = join(t.home, '.mp', 'accounts', 'team', 'me.json');
      await t.workspace().me();
      writeFileSync(file, content, { mode: 0o600 });
      const warnings: string[] = [];
      const me = await t.workspace({ onWarning: (m) => warnings.push(m) }).me();
      expect(me.user_email).toBe('alice@example.com');
      expect(t.mock.countRequests({ path: '/api/app/me' })).toBe(2);
      expect(warnings).toEqual([
        "The /me cache of account 'team' no longer matches the expected shape; it was deleted.",
      ]);
      expect(typeof JSON.parse(readFileSync(file, 'utf8')).cached_at).toBe('number');
    }
  });

  it('a me.json older than 24 h is stale: fetched again and rewritten; a fresh one is used as is', async () => {
    const t = await setup();
    const file = join(t.home, '.mp', 'accounts', 'team', 'me.json');
    await t.workspace().me();
    const cached = JSON.parse(readFileSync(file, 'utf8'));
    writeFileSync(file, JSON.stringify({ ...cached, cached_at: Date.now() / 1000 - 23 * 3600 }), {
      mode: 0o600,
    });
    await t.workspace().me();
    expect(t.mock.countRequests({ path: '/api/app/me' })).toBe(1);
    writeFileSync(file, JSON.stringify({ ...cached, cached_at: Date.now() / 1000 - 25 * 3600 }), {
      mode: 0o600,
    });
    await t.workspace().me();
    expect(t.mock.countRequests({ path: '/api/app/me' })).toBe(2);
    expect(JSON.parse(readFileSync(file, 'utf8')).cached_at).toBeGreaterThan(
      Date.now() / 1000 - 60,
    );
  });

  it('every use() drops the /me memory cache, including project-only and workspace-only swaps', async () => {
    const t = await setup();
    const ws = t.workspace();
    const file = join(t.home, '.mp', 'accounts', 'team', 'me.json');
    await ws.me();
    rmSync(file);
    ws.use({ workspace: 3448414 });
    await ws.me();
    rmSync(file);
    ws.use({ project: '3018488' });
    await ws.me();
    expect(t.mock.countRequests({ path: '/api/app/me' })).toBe(3);
  });

  it('use({ project }) drops the resolved workspace even when the id is the same', async () => {
    const t = await setup();
    const ws = t.workspace();
    const listings = () =>
      t.mock.countRequests({ path: '/api/app/projects/3713224/workspaces/public' });
    await ws.resolveWorkspace();
    await ws.resolveWorkspace();
    expect(listings()).toBe(1);
    ws.use({ project: '3713224' });
    await ws.resolveWorkspace();
    expect(listings()).toBe(2);
  });

  it('a retried 503 that never recovers keeps the body error in the message', async () => {
    const t = await setup();
    t.mock.inject({
      match: { method: 'GET', path: '/api/query/events/names' },
      times: null,
      response: { status: 503, json: { error: 'maintenance' } },
    });
    const error = await t
      .workspace({ maxRetries: 1 })
      .events()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ServerError', statusCode: 503 });
    expect((error as Error).message).toBe('Server error: maintenance');
    expect(t.mock.countRequests({ path: '/api/query/events/names' })).toBe(2);
  });

  it('an empty 200 on a query call is INVALID_RESPONSE, not null', async () => {
    const t = await setup();
    t.mock.inject({
      match: { path: '/api/query/events/names' },
      response: { status: 200, text: '' },
    });
    await expect(t.workspace().client.query('GET', '/events/names')).rejects.toMatchObject({
      code: 'INVALID_RESPONSE',
    });
  });

  it('request() keeps the query of the URL it is given; params add to it and win', async () => {
    const t = await setup();
    const ws = t.workspace();
    await ws.request('GET', `${t.mock.origin}/api/app/me?x=1&y=2`, { params: { y: '3' } });
    await ws.request('GET', '/api/app/me?limit=2');
    const [absolute, relative] = t.mock.requests();
    expect(absolute!.query).toEqual({ x: '1', y: '3', query_origin: 'mixpanel-data-ts' });
    expect(relative!.query).toEqual({ limit: '2', query_origin: 'mixpanel-data-ts' });
  });

  it('request() takes the body as jsonBody (docs/http.md#escape-hatch-request) as well as json, not both', async () => {
    const t = await setup();
    const ws = t.workspace();
    await ws
      .request('POST', '/api/app/projects/3713224/things', { jsonBody: { a: 1 } })
      .catch(() => undefined);
    expect(t.mock.requests()[0]!.body).toEqual({ a: 1 });
    await expect(ws.request('POST', '/x', { json: {}, jsonBody: {} })).rejects.toThrow(
      ArgumentError,
    );
  });

  it('projects() and workspaces() stop at an abort, like every async call', async () => {
    const t = await setup();
    for (const call of ['projects', 'workspaces'] as const) {
      t.mock.inject({ match: { path: '/api/app/me' }, action: 'hang', times: 1 });
      const controller = new AbortController();
      const pending = t.workspace()[call]({ signal: controller.signal });
      setTimeout(() => controller.abort(), 30);
      await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    }
  });

  it('an APIError names the failed request as properties too, redacted like its details', async () => {
    const t = await setup();
    t.mock.failWith('/api/app/me', 400, { times: 1, json: { error: 'bad' } });
    const error = (await errorOf(
      t.workspace().request('POST', '/api/app/me', { json: { password: 'p4ss', q: 1 } }),
    )) as QueryError;
    expect([error.requestMethod, error.requestUrl?.endsWith('/api/app/me')]).toEqual([
      'POST',
      true,
    ]);
    expect(error.requestBody).toEqual({ password: '**********', q: 1 });
    expect(JSON.stringify(error.requestBody)).not.toContain('p4ss');
  });

  it('an abort with a custom reason rejects with that reason unchanged', async () => {
    const t = await setup();
    t.mock.inject({ match: { path: '/api/query/events/names' }, action: 'hang' });
    const controller = new AbortController();
    const reason = new Error('stop now');
    const pending = t.workspace().client.query('GET', '/events/names', {
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(reason), 50);
    await expect(pending).rejects.toBe(reason);
  });

  it("tags me.json with the override origin of the account's own region", async () => {
    const t = await setup();
    const unused = 'http://127.0.0.1:9';
    t.store.addAccount('euro', {
      type: 'service_account',
      region: 'eu',
      username: 'team-sa',
      secret: 's3cret-sa',
      defaultProject: '3713224',
    });
    const baseUrl = { us: unused, eu: t.mock.origin, in: unused };
    await t.workspace({ account: 'euro', baseUrl }).me();
    const file = join(t.home, '.mp', 'accounts', 'euro', 'me.json');
    expect(JSON.parse(readFileSync(file, 'utf8')).cached_base_url).toBe(t.mock.origin);
    await t.workspace({ account: 'euro', baseUrl }).me();
    expect(t.mock.countRequests({ path: '/api/app/me' })).toBe(1);
  });
});

describe('/me, projects, workspaces (docs/http.md#the-me-call)', () => {
  it('caches /me in memory and on disk (0600, member lists stripped), refreshes on request', async () => {
    const t = await setup();
    const ws = t.workspace();
    await ws.me();
    await ws.me();
    await t.workspace().me();
    expect(t.mock.countRequests({ path: '/api/app/me' })).toBe(1);
    await ws.me({ forceRefresh: true });
    expect(t.mock.countRequests({ path: '/api/app/me' })).toBe(2);
    const file = join(t.home, '.mp', 'accounts', 'team', 'me.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const cached = JSON.parse(readFileSync(file, 'utf8'));
    expect(cached.workspaces['3448413'].member_list).toBeUndefined();
    expect(cached.demo_account).toBe(false);
    expect(typeof cached.cached_at).toBe('number');
  });

  it('sorts projects and filters workspaces; a service account without /me scope gets a clear QueryError (403)', async () => {
    const t = await setup();
    const ws = t.workspace();
    expect((await ws.projects()).map((p) => [p.id, p.name])).toEqual([
      ['3713224', 'AI Demo'],
      ['3018488', 'E-Commerce'],
    ]);
    expect((await ws.workspaces()).map((w) => [w.id, w.name, w.isDefault])).toEqual([
      [3448413, 'Default', true],
      [3448414, 'Staging', false],
    ]);
    expect(await ws.workspaces({ projectId: '999' })).toEqual([]);
    expect((await ws.workspaces({ projectAll: true })).map((w) => [w.id, w.projectId])).toEqual([
      [3448420, '3018488'],
      [3448413, '3713224'],
      [3448414, '3713224'],
    ]);
    await expect(ws.workspaces({ projectId: 'x' })).rejects.toThrow('must be numeric');
    const fixture = (await import('@mixpanel-data/testkit')).defaultFixture();
    fixture.service_accounts[0]!.me_scope = false;
    const limited = await setup({ fixture });
    const error = await errorOf(limited.workspace().me());
    expect(error).toBeInstanceOf(QueryError);
    expect((error as QueryError).statusCode).toBe(403);
    expect(error.message).toContain('user_details');
  });

  it('a /me payload that breaks the model is a response ValidationError', async () => {
    const t = await setup({ config: { me_variant: 'bad_schema' } });
    const error = await errorOf(t.workspace().me());
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).source).toBe('response');
  });

  it('resolves the default workspace lazily, once; none default → the first; empty → NO_WORKSPACES', async () => {
    const t = await setup();
    const ws = t.workspace();
    expect(await ws.resolveWorkspaceId()).toBe(3448413);
    expect(await ws.resolveWorkspaceId()).toBe(3448413);
    expect(ws.workspace).toBeNull();
    expect(t.mock.countRequests({ path: '/api/app/projects/3713224/workspaces/public' })).toBe(1);
    t.mock.configure({ workspaces_variant: 'no_default' });
    ws.use({ project: '3713224' });
    expect(await ws.resolveWorkspaceId()).toBe(3448413);
    t.mock.configure({ workspaces_variant: 'empty' });
    ws.use({ project: '3018488' });
    const error = await errorOf(ws.resolveWorkspaceId());
    expect(error).toBeInstanceOf(WorkspaceScopeError);
    expect(error.code).toBe('NO_WORKSPACES');
    expect(error.details).toEqual({ project_id: '3018488' });
  });
});

describe('a machine with only a bridge file', () => {
  it('resolves from the bridge and calls /me with its credentials and headers', async () => {
    const t = await setup();
    const bridgePath = join(t.home, 'auth.json');
    t.store.setCustomHeader({ name: 'X-Team', value: 'data' });
    t.accounts.exportBridge({ to: bridgePath, account: 'team', project: '3018488' });
    const bare = await setup({}, {});
    rmSync(bare.store.path);
    const ws = new Workspace({
      ...bare.base,
      env: { ...bare.env, MP_BASE_URL: t.mock.origin, MP_AUTH_FILE: bridgePath },
    });
    expect(existsSync(bare.store.path)).toBe(false);
    expect([ws.account.name, ws.project.id, ws.explain().provenance.account.source]).toEqual([
      'team',
      '3018488',
      'bridge',
    ]);
    expect((await ws.me()).user_email).toBe('alice@example.com');
    expect(t.mock.requests({ path: '/api/app/me' }).at(-1)!.headers['x-team']).toBe('data');
  });
});

describe('a bridged browser account on a remote machine (docs/files.md#token-materialization)', () => {
  it('materialises the bridge tokens locally and uses them; without a client record a refresh names the bridge', async () => {
    const host = await setup();
    await host.login();
    const bridgePath = join(host.home, 'auth.json');
    host.accounts.exportBridge({ to: bridgePath, account: 'personal' });
    const remote = await setup();
    rmSync(remote.store.path);
    const env = { ...remote.env, MP_BASE_URL: host.mock.origin, MP_AUTH_FILE: bridgePath };
    const ws = new Workspace({ ...remote.base, env });
    expect([ws.account.name, ws.explain().provenance.account.source]).toEqual([
      'personal',
      'bridge',
    ]);
    expect(await ws.events({ limit: 2 })).toHaveLength(2);
    const tokensPath = join(remote.home, '.mp', 'accounts', 'personal', 'tokens.json');
    expect(statSync(tokensPath).mode & 0o777).toBe(0o600);
    // The host's tokens expire; a new export carries them as they are (no refresh).
    const hostTokens = join(host.home, '.mp', 'accounts', 'personal', 'tokens.json');
    const expired = {
      ...JSON.parse(readFileSync(hostTokens, 'utf8')),
      expires_at: '2020-01-01T00:00:00+00:00',
    };
    writeFileSync(hostTokens, JSON.stringify(expired));
    const staleBridge = join(host.home, 'stale.json');
    host.accounts.exportBridge({ to: staleBridge, account: 'personal' });
    const elsewhere = await setup();
    rmSync(elsewhere.store.path);
    const stale = new Workspace({
      ...elsewhere.base,
      env: { ...elsewhere.env, MP_BASE_URL: host.mock.origin, MP_AUTH_FILE: staleBridge },
    });
    const error = await errorOf(stale.events({ limit: 3 }));
    expect(error.code).toBe('OAUTH_REFRESH_ERROR');
    expect(error.message).toContain(`This account came from a bridge file (${staleBridge})`);
    expect(error.message).toContain('mp account export-bridge');
  });
});
