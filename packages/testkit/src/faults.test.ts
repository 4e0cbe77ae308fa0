import { request as httpRequest } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { get, login, postForm, refreshForm, SERVICE_ACCOUNT_AUTH } from '../test/helpers';
import type { FaultMatch, FaultRule } from './faults';
import { type MockMixpanel, startMockMixpanel } from './server';

let mock: MockMixpanel;

beforeEach(async () => {
  mock = await startMockMixpanel();
});

afterEach(async () => {
  await mock.close();
});

const NAMES = '/api/query/events/names';
const namesUrl = (extra = '') => `${mock.origin}${NAMES}?project_id=3713224&type=general${extra}`;
const names = (extra = '') => get(namesUrl(extra), { Authorization: SERVICE_ACCOUNT_AUTH });
const me = () => get(`${mock.origin}/api/app/me`, { Authorization: SERVICE_ACCOUNT_AUTH });
const teapot = (match: FaultMatch, extra: Omit<FaultRule, 'match'> = {}): FaultRule => ({
  match,
  response: { status: 418, json: { error: 'teapot' } },
  ...extra,
});

describe('fault rule matching', () => {
  it('matches on method', async () => {
    mock.inject(teapot({ method: 'post', path: '/api/app/me' }));
    expect((await me()).status).toBe(200);
    const post = await fetch(`${mock.origin}/api/app/me`, { method: 'POST' });
    expect(post.status).toBe(418);
  });

  it('matches an exact path or a path prefix', async () => {
    mock.inject(teapot({ path: '/api/query/' }));
    expect((await names()).status).toBe(200);
    mock.clearFaults();
    mock.inject(teapot({ path_prefix: '/api/query/' }));
    expect((await names()).status).toBe(418);
    expect((await me()).status).toBe(200);
  });

  it('matches a subset of query parameters', async () => {
    mock.inject(teapot({ query: { from_date: '2000-01-01' } }, { times: null }));
    expect((await names('&from_date=2001-01-01')).status).toBe(200);
    expect((await names('&from_date=2000-01-01&to_date=2024-01-01')).status).toBe(418);
  });

  it('matches a subset of form fields (refresh grants only)', async () => {
    const session = await login(mock);
    mock.inject({
      match: { path: '/oauth/token/', form: { grant_type: 'refresh_token' } },
      times: null,
      response: { status: 503, text: 'maintenance' },
    });
    const refresh = await postForm(
      `${mock.origin}/oauth/token/`,
      refreshForm(session.clientId, session.refreshToken),
    );
    expect(refresh.status).toBe(503);
    expect(refresh.text).toBe('maintenance');
    expect(refresh.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    // a second login's code exchange is a form without grant_type=refresh_token: untouched
    await expect(login(mock)).resolves.toHaveProperty('accessToken');
  });

  it('applies the first active matching rule in insertion order', async () => {
    const first = mock.inject(teapot({ path: NAMES }));
    const second = mock.failWith(NAMES, 500);
    const answers = [(await names()).status, (await names()).status, (await names()).status];
    expect(answers).toEqual([418, 500, 200]);
    expect(mock.requests().map((record) => record.faultId)).toEqual([first, second, null]);
  });

  it('skip lets matching requests through (to later rules and routing) first', async () => {
    const skipping = mock.inject(teapot({ path: NAMES }, { skip: 2 }));
    const later = mock.failWith(NAMES, 500);
    const answers = [];
    for (let index = 0; index < 4; index += 1) answers.push((await names()).status);
    expect(answers).toEqual([500, 200, 418, 200]);
    expect(mock.requests().map((record) => record.faultId)).toEqual([later, null, skipping, null]);
  });

  it('times retires a rule after that many applications; null keeps it forever', async () => {
    mock.inject(teapot({ path: NAMES }, { times: 2 }));
    expect([(await names()).status, (await names()).status, (await names()).status]).toEqual([
      418, 418, 200,
    ]);
    mock.inject(teapot({ path: '/api/app/me' }, { times: null }));
    for (let index = 0; index < 3; index += 1) expect((await me()).status).toBe(418);
  });

  it('never applies to admin routes', async () => {
    mock.inject(teapot({ path_prefix: '/' }, { times: null }));
    const state = await get(`${mock.origin}/__mock/state`);
    expect(state.status).toBe(200);
    expect(mock.countRequests()).toBe(0);
  });
});

describe('fault actions', () => {
  it('respond sends the status, headers and JSON body', async () => {
    mock.inject({
      match: { path: NAMES },
      response: {
        status: 429,
        headers: { 'Retry-After': '7', 'X-Extra': 'yes' },
        json: { error: 'slow down' },
      },
    });
    const response = await names();
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('7');
    expect(response.headers.get('x-extra')).toBe('yes');
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.body).toEqual({ error: 'slow down' });
    expect(mock.requests()[0]).toMatchObject({ status: 429, faultId: 1 });
  });

  it('delay_ms waits before acting', async () => {
    mock.inject(teapot({ path: NAMES }, { delay_ms: 150 }));
    const started = performance.now();
    expect((await names()).status).toBe(418);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('pass delays and then answers normally, recording the rule', async () => {
    const id = mock.inject({ match: { path: NAMES }, action: 'pass', delay_ms: 120 });
    const started = performance.now();
    const response = await names();
    expect(performance.now() - started).toBeGreaterThanOrEqual(110);
    expect(response.status).toBe(200);
    expect(response.body).toEqual(['Sign Up', 'Login', 'Purchase', 'Page View']);
    expect(mock.requests()[0]).toMatchObject({ status: 200, faultId: id });
  });

  it('hang never answers and logs status null', async () => {
    const id = mock.inject({ match: { path: NAMES }, action: 'hang' });
    const outcome = await fetch(namesUrl(), {
      headers: { Authorization: SERVICE_ACCOUNT_AUTH },
      signal: AbortSignal.timeout(200),
    }).then(
      () => 'answered',
      (error: Error) => error.name,
    );
    expect(outcome).toBe('TimeoutError');
    expect(mock.requests()[0]).toMatchObject({ status: null, faultId: id });
    expect((await names()).status).toBe(200); // times 1: retired
  });

  it('reset destroys the connection without an answer', async () => {
    const id = mock.inject({ match: { path: NAMES }, action: 'reset' });
    await expect(names()).rejects.toThrow(/fetch failed/);
    expect(mock.requests()[0]).toMatchObject({ status: null, faultId: id });
    expect((await names()).status).toBe(200);
  });
});

/** A GET whose body arrives undecoded: the status, headers and the raw bytes. */
function rawGet(
  url: string,
): Promise<{ status: number; headers: Record<string, unknown>; bytes: Buffer }> {
  return new Promise((resolve, reject) => {
    httpRequest(url, { headers: { Authorization: SERVICE_ACCOUNT_AUTH } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          bytes: Buffer.concat(chunks),
        }),
      );
      response.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}

/** What the next read of `reader` gives within `ms`, or "pending". */
const nextWithin = (reader: ReadableStreamDefaultReader<Uint8Array>, ms: number) =>
  Promise.race([
    reader.read().then(
      (read) => (read.done ? 'done' : 'chunk'),
      (error: Error) => `failed: ${error.name}`,
    ),
    new Promise<string>((resolve) => setTimeout(() => resolve('pending'), ms)),
  ]);

describe('hostile bodies (docs/testkit.md#hostile-bodies)', () => {
  it("drip sends the normal answer's status and headers at once, then its body a chunk at a time", async () => {
    const id = mock.inject({
      match: { path: NAMES },
      action: 'drip',
      drip: { chunk_bytes: 7, interval_ms: 1 },
    });
    const response = await names();
    expect(response.status).toBe(200);
    expect(response.body).toEqual(['Sign Up', 'Login', 'Purchase', 'Page View']);
    expect(response.headers.get('content-length')).toBe(String(response.text.length));
    expect(mock.requests()[0]).toMatchObject({ status: 200, faultId: id });
  });

  it('drip holds the body back between chunks; close() ends it', async () => {
    mock.drip('/api/app/me', { chunkBytes: 1, intervalMs: 60_000 });
    const response = await fetch(`${mock.origin}/api/app/me`, {
      headers: { Authorization: SERVICE_ACCOUNT_AUTH },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    const reader = response.body!.getReader();
    expect(await nextWithin(reader, 300)).toBe('pending');
    await mock.close();
    expect(await nextWithin(reader, 2000)).toMatch(/^failed/);
  });

  it('drip can pace a fault response, compressed bytes included', async () => {
    mock.inject({
      match: { path: NAMES },
      action: 'drip',
      drip: { chunk_bytes: 3, interval_ms: 0 },
      response: { status: 500, json: { error: 'slowly' }, content_encoding: 'gzip' },
    });
    const response = await names();
    expect(response.status).toBe(500);
    expect(response.body).toEqual({ error: 'slowly' });
  });

  it('body_bytes streams a generated JSON body of exactly that size', async () => {
    mock.hugeBody(NAMES, 5 * 1024 * 1024 + 3);
    const response = await names();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('content-length')).toBe(String(5 * 1024 * 1024 + 3));
    expect(Buffer.byteLength(response.text)).toBe(5 * 1024 * 1024 + 3);
    expect((response.body as { padding: string }).padding).toMatch(/^x+$/);
    mock.inject({ match: { path: NAMES }, response: { status: 200, body_bytes: 14 } });
    expect((await names()).text).toBe('{"padding":""}');
  });

  it('content_encoding gzip sends a small gzip that inflates to the whole body (a gzip bomb)', async () => {
    mock.hugeBody(NAMES, 20 * 1024 * 1024, { contentEncoding: 'gzip' });
    const raw = await rawGet(namesUrl());
    expect(raw.status).toBe(200);
    expect(raw.headers['content-encoding']).toBe('gzip');
    expect(raw.headers['content-length']).toBeUndefined();
    expect(raw.bytes.length).toBeLessThan(100 * 1024);
    const inflated = gunzipSync(raw.bytes);
    expect(inflated.length).toBe(20 * 1024 * 1024);
    expect(inflated.subarray(0, 13).toString()).toBe('{"padding":"x');
  });

  it.each(['gzip', 'deflate', 'br'] as const)('fetch decodes a %s fault body', async (encoding) => {
    mock.inject({
      match: { path: NAMES },
      response: { status: 200, json: ['compressed'], content_encoding: encoding },
    });
    const response = await names();
    expect(response.headers.get('content-encoding')).toBe(encoding);
    expect(response.body).toEqual(['compressed']);
  });

  it('generates a huge body only as fast as the client reads it', async () => {
    mock.hugeBody(NAMES, 10 * 1024 ** 3);
    const before = process.memoryUsage().rss;
    const response = await fetch(namesUrl(), { headers: { Authorization: SERVICE_ACCOUNT_AUTH } });
    const reader = response.body!.getReader();
    expect(await nextWithin(reader, 2000)).toBe('chunk');
    // A client that stops reading: without backpressure the mock would buffer gigabytes now.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(process.memoryUsage().rss - before).toBeLessThan(256 * 1024 * 1024);
    await reader.cancel();
    expect((await me()).status).toBe(200);
  });
});

describe('fault helpers', () => {
  it('rateLimit answers 429 with Retry-After (default "0") the given number of times', async () => {
    mock.rateLimit(NAMES, { times: 2 });
    const first = await names();
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('0');
    expect(first.body).toEqual({ error: 'rate limited' });
    expect((await names()).status).toBe(429);
    expect((await names()).status).toBe(200);
    mock.rateLimit(NAMES, { retryAfter: '120' });
    expect((await names()).headers.get('retry-after')).toBe('120');
  });

  it('failWith answers a status once, with json, text or a default body, optionally per method', async () => {
    mock.failWith(NAMES, 500);
    const plain = await names();
    expect(plain.status).toBe(500);
    expect(plain.body).toEqual({ error: 'mock failure 500' });
    expect((await names()).status).toBe(200);
    mock.failWith(NAMES, 502, { text: 'bad gateway' });
    expect((await names()).text).toBe('bad gateway');
    mock.failWith(NAMES, 400, { json: { error: 'custom' } });
    expect((await names()).body).toEqual({ error: 'custom' });
    mock.failWith(NAMES, 503, { method: 'POST' });
    expect((await names()).status).toBe(200);
    expect((await fetch(namesUrl(), { method: 'POST' })).status).toBe(503);
  });

  it('sends hostile answers byte for byte: escape sequences in json, a multi-line HTML text', async () => {
    const hostile = 'line1\nline2\u001b[31mRED\u001b]0;TITLE\u0007\u009b';
    mock.failWith(NAMES, 400, { json: { error: hostile } });
    const json = await names();
    expect(json.text).toBe(JSON.stringify({ error: hostile }));
    expect(json.body).toEqual({ error: hostile });
    const html = '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n</html>\r\n';
    mock.inject({
      match: { path: NAMES },
      response: { status: 502, headers: { 'Content-Type': 'text/html' }, text: html },
    });
    const page = await names();
    expect(page.status).toBe(502);
    expect(page.headers.get('content-type')).toBe('text/html');
    expect(page.text).toBe(html);
  });

  it('slow delays every request by default', async () => {
    mock.slow(NAMES, 80);
    for (let index = 0; index < 2; index += 1) {
      const started = performance.now();
      expect((await names()).status).toBe(200);
      expect(performance.now() - started).toBeGreaterThanOrEqual(70);
    }
  });

  it('hang and dropConnection apply once by default', async () => {
    mock.hang(NAMES);
    const hung = await fetch(namesUrl(), { signal: AbortSignal.timeout(150) }).catch(
      (error: Error) => error,
    );
    expect(hung).toBeInstanceOf(Error);
    mock.dropConnection(NAMES);
    await expect(names()).rejects.toThrow();
    expect((await names()).status).toBe(200);
  });

  it('returns increasing ids and clearFaults removes every rule', async () => {
    const ids = [
      mock.rateLimit(NAMES),
      mock.failWith(NAMES, 500),
      mock.slow(NAMES, 1),
      mock.hang(NAMES),
      mock.dropConnection(NAMES),
      mock.drip(NAMES),
      mock.hugeBody(NAMES, 100, { contentEncoding: 'br', status: 503 }),
    ];
    expect(ids).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const rules = (await get(`${mock.origin}/__mock/faults`)).body as object[];
    expect(rules.slice(5)).toEqual([
      expect.objectContaining({
        action: 'drip',
        times: 1,
        drip: { chunk_bytes: 1, interval_ms: 1000 },
      }),
      expect.objectContaining({
        action: 'respond',
        drip: null,
        response: { status: 503, body_bytes: 100, content_encoding: 'br' },
      }),
    ]);
    mock.clearFaults();
    expect((await names()).status).toBe(200);
    expect(mock.requests()[0]!.faultId).toBeNull();
  });
});

describe('fault rule validation', () => {
  it.each([
    [{ action: 'respond' }, /action "respond" needs a response/],
    [{ match: { path: '/a', path_prefix: '/' }, action: 'hang' }, /not both/],
    [{ action: 'explode' }, /action must be one of/],
    [{ response: { status: 42 } }, /response\.status must be an HTTP status/],
    [
      { response: { status: 500, json: {}, text: '' } },
      /give one of response\.json, response\.text/,
    ],
    [{ action: 'hang', times: -1 }, /times must be a non-negative integer/],
    [{ action: 'hang', colour: 'red' }, /unknown key colour/],
    [{ action: 'hang', match: { query: { a: 1 } } }, /match\.query must be an object of strings/],
    [
      { response: { status: 200, json: {}, body_bytes: 20 } },
      /one of response\.json, response\.text, response\.body_bytes/,
    ],
    [
      { response: { status: 200, body_bytes: 13 } },
      /response\.body_bytes must be an integer of at least 14/,
    ],
    [{ response: { status: 200, body_bytes: '1e9' } }, /response\.body_bytes must be an integer/],
    [
      { response: { status: 200, content_encoding: 'zip' } },
      /content_encoding must be one of gzip, deflate, br/,
    ],
    [{ response: { status: 200, size: 1 } }, /unknown key response\.size/],
    [{ action: 'hang', drip: {} }, /drip is only for action "drip"/],
    [
      { action: 'drip', drip: { chunk_bytes: 0 } },
      /drip\.chunk_bytes must be an integer of at least 1/,
    ],
    [
      { action: 'drip', drip: { interval_ms: -5 } },
      /drip\.interval_ms must be a non-negative integer/,
    ],
    [{ action: 'drip', drip: { every: 1 } }, /unknown key drip\.every/],
  ])('inject rejects %j', (rule, message) => {
    expect(() => mock.inject(rule as FaultRule)).toThrow(message);
  });
});
