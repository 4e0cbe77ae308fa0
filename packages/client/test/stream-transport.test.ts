/**
 * Streamed requests without an injected `fetch` go through node:http
 * (docs/http.md#streamed-responses): the adapter itself against a bare
 * server on 127.0.0.1, then the whole streamed path (retries, refresh,
 * observer, abort) through a Workspace against the mock.
 */
import { execFile } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { exportLine } from '@mixpanel-data/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { NetworkError, type ObservedRequest } from '../src/index';
import { nodeStreamFetch } from '../src/node-stream-fetch';
import { setup } from './helpers';

const RANGE = { fromDate: '2024-01-01', toDate: '2024-01-31' };
const NAMES = ['Sign Up', 'Login', 'Purchase', 'Page View'];

const servers: { close(): void; closeAllConnections(): void }[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
});

/** A bare HTTP server on 127.0.0.1 answering with `handler`; resolves to its origin. */
async function serve(
  handler: (request: IncomingMessage, response: ServerResponse) => void,
): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Reads a body to its end with the reader the streamed path uses. */
async function readAll(
  body: {
    getReader(): { read(): Promise<{ done: boolean; value?: Uint8Array | undefined }> };
  } | null,
) {
  const reader = body!.getReader();
  const parts: Uint8Array[] = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return Buffer.concat(parts).toString('utf8');
    parts.push(value!);
  }
}

const never = () => new AbortController().signal;

describe('nodeStreamFetch', () => {
  it('answers with the status, the headers (any case, sorted, repeats joined) and the body as sent', async () => {
    let seen: IncomingMessage | undefined;
    let sentBody = '';
    const origin = await serve((request, response) => {
      seen = request;
      request.on('data', (chunk) => (sentBody += chunk));
      request.on('end', () => {
        response.writeHead(201, 'Made', [
          ['X-Twice', 'a'],
          ['X-Twice', 'b'],
          ['Content-Type', 'text/plain'],
        ]);
        response.write('hello ');
        response.end('world');
      });
    });
    const answer = await nodeStreamFetch(`${origin}/path?x=1`, {
      method: 'POST',
      headers: { Authorization: 'Basic abc', 'X-Custom': 'yes' },
      body: new URLSearchParams({ a: '1 2' }),
      signal: never(),
    });
    expect(answer.status).toBe(201);
    expect(answer.statusText).toBe('Made');
    expect(answer.headers.get('CONTENT-TYPE')).toBe('text/plain');
    expect(answer.headers.get('x-twice')).toBe('a, b');
    expect(answer.headers.has('x-absent')).toBe(false);
    const names = [...answer.headers].map(([name]) => name);
    expect(names).toEqual([...names].sort());
    expect(names).toContain('x-twice');
    expect(await readAll(answer.body)).toBe('hello world');
    expect(seen?.method).toBe('POST');
    expect(seen?.url).toBe('/path?x=1');
    expect(seen?.headers).toMatchObject({
      authorization: 'Basic abc',
      'x-custom': 'yes',
      'content-type': 'application/x-www-form-urlencoded;charset=UTF-8',
      'content-length': '5',
      accept: '*/*',
      'accept-encoding': 'gzip, deflate, br',
    });
    expect(sentBody).toBe('a=1+2');
  });

  it('decodes a gzip body, as fetch does', async () => {
    const origin = await serve((_request, response) => {
      response.writeHead(200, { 'Content-Encoding': 'gzip' });
      response.end(gzipSync('{"event":"Login"}\n'));
    });
    const answer = await nodeStreamFetch(origin, { method: 'GET', headers: {}, signal: never() });
    expect(await readAll(answer.body)).toBe('{"event":"Login"}\n');
  });

  it('fails the read after the bytes received when the connection is reset mid-body', async () => {
    const origin = await serve((_request, response) => {
      response.writeHead(200, { 'Content-Length': '100' });
      response.write('partial', () => response.socket?.destroy());
    });
    const answer = await nodeStreamFetch(origin, { method: 'GET', headers: {}, signal: never() });
    const reader = answer.body!.getReader();
    const first = await reader.read();
    expect(Buffer.from(first.value!).toString()).toBe('partial');
    const error = await reader.read().then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(TypeError);
    expect((error as { cause?: { code?: string } }).cause?.code).toBe('ECONNRESET');
  });

  it('leaves the failure of an unread body to whoever reads it (no uncaught error)', async () => {
    let closed: Promise<unknown> = Promise.resolve();
    const origin = await serve((request, response) => {
      if (request.url === '/next') return void response.end('ok');
      response.writeHead(200, { 'Content-Length': '100' });
      closed = new Promise((resolve) => response.socket?.once('close', resolve));
      response.write('partial', () => response.socket?.destroy());
    });
    const answer = await nodeStreamFetch(origin, { method: 'GET', headers: {}, signal: never() });
    await closed;
    // Another round trip: by then the reset has reached the unread body.
    const next = await nodeStreamFetch(`${origin}/next`, {
      method: 'GET',
      headers: {},
      signal: never(),
    });
    expect(await readAll(next.body)).toBe('ok');
    const reader = answer.body!.getReader();
    const reads: unknown[] = [];
    for (;;) {
      const read = await reader.read().catch((error: unknown) => error);
      reads.push(read);
      if (!(read as { value?: unknown }).value) break;
    }
    expect(reads.at(-1)).toBeInstanceOf(TypeError);
  });

  it('rejects with the cause of a refused connection, as fetch does', async () => {
    const origin = await serve(() => {});
    for (const server of servers.splice(0)) server.close();
    const error = await nodeStreamFetch(origin, {
      method: 'GET',
      headers: {},
      signal: never(),
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as { cause?: { code?: string } }).cause?.code).toBe('ECONNREFUSED');
  });

  it("rejects with the signal's own reason when aborted before the headers", async () => {
    const origin = await serve(() => {}); // never answers
    const controller = new AbortController();
    const reason = new Error('stopped by the caller');
    const sent = nodeStreamFetch(origin, { method: 'GET', headers: {}, signal: controller.signal });
    controller.abort(reason);
    await expect(sent).rejects.toBe(reason);
  });

  it('ends a pending read as done when the body is cancelled', async () => {
    const origin = await serve((_request, response) => {
      response.writeHead(200);
      response.write('first');
    });
    const answer = await nodeStreamFetch(origin, { method: 'GET', headers: {}, signal: never() });
    const reader = answer.body!.getReader();
    await reader.read();
    const pending = reader.read();
    await reader.cancel();
    expect(await pending).toMatchObject({ done: true });
  });
});

describe('streamed requests of a Workspace without its own fetch', () => {
  it('never load the platform fetch (export, requestStream, observer)', async () => {
    const { mock, env } = await setup({ config: { export_events: 100 } });
    const program = `
      import { Workspace } from '@mixpanel-data/client';
      let settled = 0;
      const ws = new Workspace({ account: 'team', onRequest: () => () => { settled += 1; } });
      let events = 0;
      for await (const _ of ws.exportEvents({ fromDate: '2024-01-01', toDate: '2024-01-31' })) events += 1;
      const response = await ws.requestStream('GET', '/api/app/me');
      for await (const _ of response.chunks());
      const undici = process.moduleLoadList.some((name) => name.includes('undici'));
      console.log(JSON.stringify({ events, status: response.status, settled, undici }));`;
    // Asynchronously: the mock answers from this process.
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--input-type=module', '-e', program],
      { cwd: join(dirname(fileURLToPath(import.meta.url)), '..'), env, encoding: 'utf8' },
    );
    expect(JSON.parse(stdout)).toEqual({ events: 100, status: 200, settled: 2, undici: false });
    expect(mock.countRequests({ path: '/api/2.0/export' })).toBe(1);
  });

  it('retries a 429 after its Retry-After, before the first byte', async () => {
    const { mock, workspace } = await setup({ config: { export_events: 10 } });
    mock.rateLimit('/api/2.0/export', { retryAfter: '2' });
    const slept: number[] = [];
    let count = 0;
    const ws = workspace({ sleep: async (ms) => void slept.push(ms) });
    for await (const _ of ws.exportEvents(RANGE)) count += 1;
    expect(count).toBe(10);
    expect(slept).toEqual([2000]);
    expect(mock.requests({ path: '/api/2.0/export' }).map((r) => r.status)).toEqual([429, 200]);
  });

  it('tells the observer of each attempt once, when its headers arrive', async () => {
    const { mock, workspace } = await setup({ config: { export_events: 10 } });
    mock.rateLimit('/api/2.0/export');
    const seen: { request: ObservedRequest; settled: number }[] = [];
    const ws = workspace({
      onRequest: (request) => {
        const entry = { request, settled: 0 };
        seen.push(entry);
        return () => {
          entry.settled += 1;
        };
      },
    });
    const response = await ws.exportEventsRaw(RANGE);
    // Both settled before a byte of the body is read.
    expect(
      seen.map(({ request, settled }) => [request.method, new URL(request.url).pathname, settled]),
    ).toEqual([
      ['GET', '/api/2.0/export', 1],
      ['GET', '/api/2.0/export', 1],
    ]);
    for await (const _ of response.chunks());
    expect(seen.map(({ settled }) => settled)).toEqual([1, 1]);
    for (const { request } of seen) expect(request.url).not.toMatch(/[?#]/);
  });

  it("passes the caller's abort through mid-stream, and the error of a reset as HTTP_ERROR", async () => {
    const { mock, workspace } = await setup({ config: { export_events: 20_000 } });
    const controller = new AbortController();
    const reason = new Error('enough');
    let count = 0;
    const aborted = await (async () => {
      for await (const _ of workspace().exportEvents({ ...RANGE, signal: controller.signal })) {
        count += 1;
        if (count === 5) controller.abort(reason);
      }
    })().catch((caught: unknown) => caught);
    expect(aborted).toBe(reason);
    mock.resetAfter('/api/2.0/export', 200_000);
    const reset = await (async () => {
      for await (const _ of workspace().exportEvents(RANGE));
    })().catch((caught: unknown) => caught);
    expect(NetworkError.isInstance(reset)).toBe(true);
    expect((reset as NetworkError).details.bytes).toBe(200_000);
    expect((reset as NetworkError).reason).toMatch(
      /^the response ended early after 200000 bytes: ECONNRESET/,
    );
  });

  it('refuses a redirect, and times out a request whose headers never come', async () => {
    const { mock, workspace } = await setup();
    mock.inject({
      match: { path: '/api/2.0/export' },
      response: { status: 302, headers: { Location: 'https://elsewhere.example/' }, text: '' },
    });
    await expect(workspace().exportEventsRaw(RANGE)).rejects.toMatchObject({
      name: 'RedirectError',
      statusCode: 302,
    });
    mock.hang('/api/2.0/export');
    await expect(workspace({ timeoutMs: 100 }).exportEventsRaw(RANGE)).rejects.toMatchObject({
      code: 'HTTP_ERROR',
      reason: 'the request timed out after 100 ms',
    });
  });

  it('uses an injected fetch when one is given', async () => {
    const { workspace } = await setup({ config: { export_events: 3 } });
    const sent: string[] = [];
    const spy: typeof fetch = (input, init) => {
      sent.push(new URL(String(input)).pathname);
      return fetch(input, init);
    };
    const events: unknown[] = [];
    for await (const event of workspace({ fetch: spy }).exportEvents(RANGE)) events.push(event);
    expect(events).toEqual([0, 1, 2].map((index) => JSON.parse(exportLine(index, NAMES))));
    expect(sent).toEqual(['/api/2.0/export']);
  });
});
