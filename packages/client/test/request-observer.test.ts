/** The `onRequest` observer (docs/http.md#observing-requests): every request the library sends, each settled once. */
import { describe, expect, it } from 'vitest';
import { createAccounts, type ObservedRequest } from '../src/index';
import { playBrowser, quiet, setup } from './helpers';

/** An observer that records each request as `METHOD URL` and whether it was settled. */
function recorder() {
  const seen: { request: ObservedRequest; settled: number }[] = [];
  const onRequest = (request: ObservedRequest) => {
    const entry = { request, settled: 0 };
    seen.push(entry);
    return () => {
      entry.settled += 1;
    };
  };
  const lines = () =>
    seen.map(({ request }) => `${request.method} ${new URL(request.url).pathname}`);
  return { seen, onRequest, lines };
}

describe('onRequest', () => {
  it('sees the OAuth login, the /me probe, a 401, the token refresh and the retried call, each settled once', async () => {
    const t = await setup();
    const watched = recorder();
    const accounts = createAccounts({ ...t.base, onRequest: watched.onRequest });
    await accounts.login('personal', {
      browserOpener: playBrowser,
      callbackPorts: [0],
      stderr: quiet,
    });
    expect(watched.lines()).toContain('POST /oauth/token/');
    expect(watched.lines()).toContain('GET /api/app/me');
    t.mock.tokens.expire('all');
    const calls = recorder();
    const ws = t.workspace({ account: 'personal', project: '3713224', onRequest: calls.onRequest });
    expect(await ws.events()).toHaveLength(4);
    expect(calls.lines()).toEqual([
      'GET /api/query/events/names',
      'POST /oauth/token/',
      'GET /api/query/events/names',
    ]);
    for (const { settled } of [...watched.seen, ...calls.seen]) expect(settled).toBe(1);
    // No query string (the URL is all an observer gets): nothing of the request's parameters.
    for (const { request } of [...watched.seen, ...calls.seen])
      expect(request.url).not.toMatch(/[?#]/);
  });

  it('settles a request when its headers arrive, before its body is read', async () => {
    const t = await setup();
    let closeBody = () => {};
    let bodyDoneWhenSettled: boolean | null = null;
    let bodyDone = false;
    const fetchWithOpenBody: typeof fetch = async () => {
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('["Login"]'));
          closeBody = () => {
            bodyDone = true;
            controller.close();
          };
        },
      });
      return new Response(body, { status: 200, headers: { 'Content-Type': 'application/json' } });
    };
    const ws = t.workspace({
      fetch: fetchWithOpenBody,
      // The body ends only once the request has been settled: settling after the body would hang.
      onRequest: () => () => {
        bodyDoneWhenSettled = bodyDone;
        closeBody();
      },
    });
    expect(await ws.events()).toEqual(['Login']);
    expect(bodyDoneWhenSettled).toBe(false);
  });

  it('settles a request that fails without a response', async () => {
    const t = await setup();
    const watched = recorder();
    const refused: typeof fetch = async () => {
      throw new TypeError('fetch failed');
    };
    const ws = t.workspace({ fetch: refused, onRequest: watched.onRequest });
    await expect(ws.events()).rejects.toMatchObject({ name: 'NetworkError' });
    expect(watched.seen.map(({ settled }) => settled)).toEqual([1]);
  });
});
