import { Agent, request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { get, postJson, SERVICE_ACCOUNT_AUTH } from '../test/helpers';
import type { RequestRecord } from './request-log';
import { type MockMixpanel, startMockMixpanel, startMockServer } from './server';

const mocks: MockMixpanel[] = [];

async function start(options: Parameters<typeof startMockMixpanel>[0] = {}): Promise<MockMixpanel> {
  const mock = await startMockMixpanel(options);
  mocks.push(mock);
  return mock;
}

afterEach(async () => {
  await Promise.all(mocks.splice(0).map((mock) => mock.close()));
});

describe('startMockMixpanel', () => {
  it('listens on 127.0.0.1 with an OS-assigned port and reports it in origin and env()', async () => {
    const mock = await start();
    expect(mock.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(Number(new URL(mock.origin).port)).toBeGreaterThan(0);
    expect(mock.env()).toEqual({ MP_BASE_URL: mock.origin });
  });

  it('runs several instances at once, each with its own state and region', async () => {
    const [us, eu] = await Promise.all([start(), start({ region: 'eu' })]);
    expect(us!.origin).not.toBe(eu!.origin);
    await get(`${us!.origin}/api/app/me`);
    expect(us!.countRequests()).toBe(1);
    expect(eu!.countRequests()).toBe(0);
    expect(((await get(`${eu!.origin}/__mock/state`)).body as { region: string }).region).toBe(
      'eu',
    );
  });

  it('listens on a requested port', async () => {
    const first = await start();
    const port = Number(new URL(first.origin).port);
    await first.close();
    const second = await start({ port });
    expect(second.origin).toBe(`http://127.0.0.1:${port}`);
  });

  it('rejects a bad port, region or config', async () => {
    await expect(startMockMixpanel({ port: 70000 })).rejects.toThrow(/port must be an integer/);
    await expect(startMockMixpanel({ region: 'us-east' as 'us' })).rejects.toThrow(
      /region must be us, eu or in/,
    );
    await expect(startMockMixpanel({ config: { approval: 'never' as 'auto' } })).rejects.toThrow(
      /invalid mock config: approval/,
    );
  });

  it('rejects a port already in use', async () => {
    const first = await start();
    await expect(startMockMixpanel({ port: Number(new URL(first.origin).port) })).rejects.toThrow(
      /EADDRINUSE/,
    );
  });
});

describe('routing', () => {
  it('answers 404 with an App body for an unknown path and logs it', async () => {
    const mock = await start();
    const response = await get(`${mock.origin}/api/app/projects/3713224/dashboards?x=1`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.body).toEqual({
      status: 'error',
      error: 'mock: no route for GET /api/app/projects/3713224/dashboards',
    });
    expect(mock.requests()).toMatchObject([
      { path: '/api/app/projects/3713224/dashboards', status: 404 },
    ]);
  });

  it('matches trailing slashes exactly', async () => {
    const mock = await start();
    expect(
      (await get(`${mock.origin}/api/app/me/`, { Authorization: SERVICE_ACCOUNT_AUTH })).status,
    ).toBe(404);
    expect((await get(`${mock.origin}/oauth/authorize`)).status).toBe(404);
    expect((await postJson(`${mock.origin}/oauth/mcp/register`, {})).status).toBe(404);
  });

  it('answers 405 for a known path with another method and logs it', async () => {
    const mock = await start();
    const response = await get(`${mock.origin}/oauth/token/`);
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
    expect(mock.requests()).toMatchObject([{ method: 'GET', path: '/oauth/token/', status: 405 }]);
  });
});

describe('Date header', () => {
  it('is real time by default and off by date_skew_seconds when configured', async () => {
    const mock = await start();
    const dateOf = async () => {
      const response = await fetch(`${mock.origin}/api/app/me`);
      await response.arrayBuffer();
      return Date.parse(response.headers.get('date') ?? '');
    };
    expect(Math.abs((await dateOf()) - Date.now())).toBeLessThan(30_000);
    mock.configure({ date_skew_seconds: -3600 });
    expect(Date.now() - (await dateOf())).toBeGreaterThan(3_500_000);
    expect(Date.now() - (await dateOf())).toBeLessThan(3_700_000);
  });
});

describe('request log', () => {
  it('records every non-admin request with parsed query, headers and body', async () => {
    const mock = await start();
    await get(
      `${mock.origin}/api/query/events/names?project_id=3713224&type=general&type=unique&query_origin=mixpanel-data-ts`,
      {
        Authorization: SERVICE_ACCOUNT_AUTH,
        'User-Agent': 'mixpanel-data-ts/0.1.0 (entry=test)',
        'X-Custom': 'Yes',
      },
    );
    await postJson(`${mock.origin}/oauth/mcp/register/`, { redirect_uris: [] });
    await fetch(`${mock.origin}/oauth/token/`, {
      method: 'POST',
      body: new URLSearchParams('a=1&a=2&b='),
    });
    await fetch(`${mock.origin}/oauth/token/`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain' },
      body: 'hello',
    });
    await get(`${mock.origin}/__mock/state`);
    const records = mock.requests();
    expect(records).toHaveLength(4);
    const [names, register, form, text] = records as [
      RequestRecord,
      RequestRecord,
      RequestRecord,
      RequestRecord,
    ];
    expect(names).toMatchObject({
      id: 1,
      method: 'GET',
      path: '/api/query/events/names',
      query: { project_id: '3713224', type: 'general', query_origin: 'mixpanel-data-ts' },
      body: null,
      status: 200,
      faultId: null,
    });
    expect(new Date(names.at).toISOString()).toBe(names.at);
    expect(names.headers['user-agent']).toBe('mixpanel-data-ts/0.1.0 (entry=test)');
    expect(names.headers.authorization).toBe(SERVICE_ACCOUNT_AUTH);
    expect(names.headers['x-custom']).toBe('Yes');
    expect(Object.keys(names.headers).every((name) => name === name.toLowerCase())).toBe(true);
    expect(register).toMatchObject({
      id: 2,
      method: 'POST',
      body: { redirect_uris: [] },
      status: 400,
    });
    expect(form.body).toEqual({ a: '1', b: '' });
    expect(text.body).toBe('hello');
  });

  it('numbers requests in arrival order, even when an earlier body finishes later', async () => {
    const mock = await start();
    const { port } = new URL(mock.origin);
    // A POST whose headers arrive first but whose body is still coming.
    const slow = httpRequest({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/oauth/mcp/register/',
      headers: { 'Content-Type': 'application/json', 'Content-Length': '2' },
    });
    const answered = new Promise<void>((resolve) =>
      slow.on('response', (response) => response.resume().on('end', resolve)),
    );
    slow.write('{');
    slow.flushHeaders();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await get(`${mock.origin}/api/app/me`);
    slow.end('}');
    await answered;
    expect(mock.requests().map((record) => [record.id, record.method])).toEqual([
      [1, 'POST'],
      [2, 'GET'],
    ]);
  });

  it('filters by path and method, counts and clears', async () => {
    const mock = await start();
    await get(`${mock.origin}/api/app/me`);
    await get(`${mock.origin}/api/app/me`);
    await fetch(`${mock.origin}/api/app/me`, { method: 'DELETE' });
    await get(`${mock.origin}/oauth/authorize/`);
    expect(mock.countRequests()).toBe(4);
    expect(mock.countRequests({ path: '/api/app/me' })).toBe(3);
    expect(mock.countRequests({ path: '/api/app/me', method: 'get' })).toBe(2);
    expect(mock.requests({ method: 'DELETE' }).map((record) => record.status)).toEqual([405]);
    mock.clearRequests();
    expect(mock.requests()).toEqual([]);
  });

  it('returns copies that callers cannot use to change the log', async () => {
    const mock = await start();
    await get(`${mock.origin}/api/app/me`);
    const [record] = mock.requests();
    record!.path = '/changed';
    record!.query.x = 'y';
    expect(mock.requests()[0]).toMatchObject({ path: '/api/app/me', query: {} });
  });

  it('reports each answered request to the internal onRequest hook', async () => {
    const seen: RequestRecord[] = [];
    const mock = await startMockServer({}, { onRequest: (record) => seen.push(record) });
    mocks.push(mock);
    await get(`${mock.origin}/api/app/me`, { Authorization: SERVICE_ACCOUNT_AUTH });
    await get(`${mock.origin}/__mock/state`);
    expect(seen.map((record) => [record.path, record.status])).toEqual([['/api/app/me', 200]]);
  });
});

describe('reset', () => {
  it('returns to the initial fixture and config, with no log, faults, clients or tokens', async () => {
    const mock = await start({ config: { approval: 'deny' } });
    mock.configure({ approval: 'form', me_variant: 'no_email' });
    mock.failWith('/api/app/me', 500, { times: null });
    mock.clock.advance(100);
    await postJson(`${mock.origin}/oauth/mcp/register/`, {
      redirect_uris: ['http://localhost:1/cb'],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    });
    mock.reset();
    expect(mock.requests()).toEqual([]);
    expect(mock.clock.offsetSeconds).toBe(0);
    const state = (await get(`${mock.origin}/__mock/state`)).body as Record<string, unknown>;
    expect(state).toMatchObject({ clients: [], tokens: [], faults: [], codes_outstanding: 0 });
    expect(state.config).toMatchObject({ approval: 'deny', me_variant: null });
    const me = await get(`${mock.origin}/api/app/me`, { Authorization: SERVICE_ACCOUNT_AUTH });
    expect(me.status).toBe(200);
    const again = await postJson(`${mock.origin}/oauth/mcp/register/`, {
      redirect_uris: ['http://localhost:1/cb'],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    });
    expect((again.body as { client_id: string }).client_id).toBe('mock-client-1');
  });
});

/** Rejects if `promise` does not settle within `milliseconds` (so a close() that hangs fails fast). */
function within<T>(promise: Promise<T>, milliseconds: number): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) =>
      setTimeout(() => reject(new Error(`not settled within ${milliseconds} ms`)), milliseconds),
    ),
  ]);
}

function tcpHandles(): number {
  return process.getActiveResourcesInfo().filter((name) => name.startsWith('TCP')).length;
}

async function settle(predicate: () => boolean, timeoutMs = 2000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (predicate()) return true;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return predicate();
}

describe('close', () => {
  it('destroys a hanging request and an idle keep-alive connection, leaving no open handle', async () => {
    await settle(() => false, 50); // let earlier tests' sockets wind down
    const baseline = tcpHandles();
    const mock = await startMockMixpanel();
    const agent = new Agent({ keepAlive: true });
    const origin = new URL(mock.origin);

    // An idle keep-alive connection: one finished request, socket kept by the agent.
    await new Promise<void>((resolve, reject) => {
      httpRequest(
        { host: origin.hostname, port: origin.port, path: '/api/app/me', agent },
        (response) => {
          response.resume();
          response.on('end', resolve);
        },
      )
        .on('error', reject)
        .end();
    });

    // A hanging request.
    mock.hang('/api/app/me');
    const hanging = new Promise<string>((resolve) => {
      httpRequest(
        { host: origin.hostname, port: origin.port, path: '/api/app/me', agent: false },
        () => resolve('answered'),
      )
        .on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message))
        .end();
    });
    expect(await settle(() => mock.countRequests() === 2)).toBe(true);
    expect(tcpHandles()).toBeGreaterThan(baseline);

    await within(mock.close(), 1000);
    expect(await hanging).toBe('ECONNRESET');
    expect(await settle(() => tcpHandles() === baseline)).toBe(true);
    agent.destroy();
  });

  it('can be called twice and refuses connections afterwards', async () => {
    const mock = await startMockMixpanel();
    await Promise.all([mock.close(), mock.close()]);
    await expect(fetch(`${mock.origin}/api/app/me`)).rejects.toThrow(/fetch failed/);
  });

  it('ends a pending delay without answering it', async () => {
    const mock = await startMockMixpanel();
    mock.slow('/api/app/me', 10_000);
    const pending = fetch(`${mock.origin}/api/app/me`).then(
      () => 'answered',
      () => 'failed',
    );
    expect(await settle(() => mock.countRequests() === 1)).toBe(true);
    await within(mock.close(), 1000);
    expect(await within(pending, 1000)).toBe('failed');
  });
});
