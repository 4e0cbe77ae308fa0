import { exportLine } from '@mixpanel-data/testkit';
import { describe, expect, it } from 'vitest';
import { ArgumentError, InvalidResponseError, NetworkError } from '../src/index';
import { setup } from './helpers';

const NAMES = ['Sign Up', 'Login', 'Purchase', 'Page View'];
const RANGE = { fromDate: '2024-01-01', toDate: '2024-01-31' };

describe('ws.exportEvents', () => {
  it('yields every event of the export, in order, from the data host path with project_id', async () => {
    const { mock, workspace } = await setup({ config: { export_events: 5000 } });
    let count = 0;
    for await (const event of workspace().exportEvents(RANGE)) {
      expect(event).toEqual(JSON.parse(exportLine(count, NAMES)));
      count += 1;
    }
    expect(count).toBe(5000);
    const [request] = mock.requests({ path: '/api/2.0/export' });
    expect(request?.query).toMatchObject({
      project_id: '3713224',
      from_date: '2024-01-01',
      to_date: '2024-01-31',
    });
  });

  it('sends event as a JSON array, where and limit', async () => {
    const { mock, workspace } = await setup({ config: { export_events: 100 } });
    const events: unknown[] = [];
    for await (const event of workspace().exportEvents({
      ...RANGE,
      event: 'Login',
      where: 'properties["$os"] == "iOS"',
      limit: 3,
    }))
      events.push(event);
    expect(events).toHaveLength(3);
    expect(mock.requests({ path: '/api/2.0/export' })[0]?.query).toMatchObject({
      event: '["Login"]',
      where: 'properties["$os"] == "iOS"',
      limit: '3',
    });
  });

  it('fails with HTTP_ERROR after the events before a mid-stream reset, never a short result', async () => {
    const { mock, workspace } = await setup({ config: { export_events: 20_000 } });
    mock.resetAfter('/api/2.0/export', 300_000);
    let count = 0;
    const error = await (async () => {
      for await (const _ of workspace().exportEvents(RANGE)) count += 1;
    })().catch((caught: unknown) => caught);
    expect(NetworkError.isInstance(error)).toBe(true);
    expect((error as NetworkError).code).toBe('HTTP_ERROR');
    expect((error as NetworkError).message).toMatch(
      /^HTTP error: the response ended early after 300000 bytes: .*\(GET http:\/\/127\.0\.0\.1:\d+\/api\/2\.0\/export\)\. Retry/,
    );
    expect(count).toBeGreaterThan(0);
    expect(count).toBeLessThan(20_000);
    expect(String((error as Error).message)).not.toContain('s3cret');
  });

  it('fails with HTTP_ERROR when the stream stalls past the idle timeout', async () => {
    const { mock, workspace } = await setup({ config: { export_events: 20_000 } });
    mock.stallAfter('/api/2.0/export', 1000);
    const error = await (async () => {
      for await (const _ of workspace().exportEvents({ ...RANGE, idleTimeoutMs: 200 }));
    })().catch((caught: unknown) => caught);
    expect(NetworkError.isInstance(error)).toBe(true);
    expect((error as NetworkError).reason).toBe('the response stalled: no data for 200 ms');
  });

  it('refuses a 200 HTML answer as INVALID_RESPONSE naming line 1', async () => {
    const { mock, workspace } = await setup();
    mock.inject({
      match: { path: '/api/2.0/export' },
      response: {
        status: 200,
        headers: { 'content-type': 'text/html' },
        text: '<html><body>Sign in</body></html>\n',
      },
    });
    const error = await (async () => {
      for await (const _ of workspace().exportEvents(RANGE));
    })().catch((caught: unknown) => caught);
    expect(InvalidResponseError.isInstance(error)).toBe(true);
    expect((error as InvalidResponseError).details.line).toBe(1);
  });

  it('retries a 503 before the first byte and then streams the whole export', async () => {
    const { mock, workspace } = await setup({ config: { export_events: 10 } });
    mock.failWith('/api/2.0/export', 503);
    let count = 0;
    for await (const _ of workspace().exportEvents(RANGE)) count += 1;
    expect(count).toBe(10);
    expect(mock.countRequests({ path: '/api/2.0/export' })).toBe(2);
  });

  it('refreshes a rejected browser token once before the first byte, then streams', async () => {
    const t = await setup({ config: { export_events: 50 } });
    await t.login();
    t.mock.tokens.expire('all');
    let count = 0;
    for await (const _ of t
      .workspace({ account: 'personal', project: '3713224' })
      .exportEvents(RANGE))
      count += 1;
    expect(count).toBe(50);
    const statuses = t.mock
      .requests()
      .filter((r) => r.path === '/api/2.0/export' || r.path === '/oauth/token/')
      .slice(-3)
      .map((r) => [r.path, r.status]);
    expect(statuses).toEqual([
      ['/api/2.0/export', 401],
      ['/oauth/token/', 200],
      ['/api/2.0/export', 200],
    ]);
  });

  it('checks dates and limit before any request', async () => {
    const { mock, workspace } = await setup();
    const ws = workspace();
    await expect(
      ws.exportEventsRaw({ fromDate: '2024-02-30', toDate: '2024-03-01' }),
    ).rejects.toSatisfy((error) => ArgumentError.isInstance(error));
    await expect(ws.exportEventsRaw({ ...RANGE, limit: 0 })).rejects.toSatisfy((error) =>
      ArgumentError.isInstance(error),
    );
    expect(mock.countRequests({ path: '/api/2.0/export' })).toBe(0);
  });
});

describe('ws.requestStream', () => {
  it('streams an App answer unread, with its status and headers', async () => {
    const { workspace } = await setup();
    const response = await workspace().requestStream('GET', '/api/app/me');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/json');
    const parts: Uint8Array[] = [];
    for await (const chunk of response.chunks()) parts.push(chunk);
    expect(JSON.parse(Buffer.concat(parts).toString('utf8'))).toHaveProperty('results');
  });

  it('adds project_id to the query family unless the caller gave one', async () => {
    const { mock, workspace } = await setup();
    const ws = workspace();
    await (
      await ws.requestStream('GET', '/api/query/events/names', { params: { type: 'general' } })
    ).cancel();
    await expect(
      ws.requestStream('GET', '/api/query/events/names?type=general&project_id=999'),
    ).rejects.toMatchObject({ code: 'QUERY_FAILED', statusCode: 404 });
    await expect(
      ws.requestStream('GET', '/api/query/events/names', {
        params: { type: 'general', project_id: '998' },
      }),
    ).rejects.toMatchObject({ code: 'QUERY_FAILED', statusCode: 404 });
    const [first, second, third] = mock.requests({ path: '/api/query/events/names' });
    expect(first?.query).toMatchObject({ project_id: '3713224', query_origin: 'mixpanel-data-ts' });
    expect(second?.query.project_id).toBe('999');
    expect(third?.query.project_id).toBe('998');
  });

  it('refuses a URL outside the account region hosts with no request sent', async () => {
    const { mock, workspace } = await setup();
    await expect(workspace().requestStream('GET', 'https://evil.com/api/app/me')).rejects.toSatisfy(
      (error) => ArgumentError.isInstance(error),
    );
    expect(mock.countRequests()).toBe(0);
  });
});
