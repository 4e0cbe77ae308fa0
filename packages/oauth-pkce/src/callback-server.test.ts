import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type CallbackServer, findCallbackPort, startCallbackServer } from './callback-server';

const open: CallbackServer[] = [];
afterEach(() => {
  for (const server of open.splice(0)) server.close();
});
const start = async (options: Parameters<typeof startCallbackServer>[0]) => {
  const server = await startCallbackServer({ ports: [0], ...options });
  open.push(server);
  return server;
};
const get = (port: number, path: string, method = 'GET') =>
  fetch(`http://127.0.0.1:${port}${path}`, { method }).then(async (r) => ({
    status: r.status,
    type: r.headers.get('content-type'),
    body: await r.text(),
  }));

describe('the loopback callback server (docs/oauth.md#callback-server)', () => {
  it('answers a good callback with a success page and resolves code and state', async () => {
    const server = await start({ state: 'S1' });
    expect(server.redirectUri).toBe(`http://localhost:${server.port}/callback`);
    const page = await get(server.port, '/callback?code=C1&state=S1');
    expect(page.status).toBe(200);
    expect(page.type).toBe('text/html; charset=utf-8');
    expect(page.body.toLowerCase()).toContain('success');
    await expect(server.result).resolves.toEqual({ code: 'C1', state: 'S1' });
  });

  it('ignores other paths and methods until the callback arrives', async () => {
    const server = await start({ state: 'S' });
    expect((await get(server.port, '/favicon.ico')).status).toBe(404);
    expect((await get(server.port, '/callback?code=c&state=S', 'POST')).status).toBe(405);
    await get(server.port, '/callback?code=c&state=S');
    await expect(server.result).resolves.toEqual({ code: 'c', state: 'S' });
  });

  it('refuses a callback with a wrong state (400) and keeps waiting for the real one', async () => {
    const server = await start({ state: 'EXPECTED-STATE' });
    const page = await get(server.port, '/callback?code=c&state=other');
    expect(page.status).toBe(400);
    expect(page.type).toBe('text/html; charset=utf-8');
    expect(page.body).not.toContain('EXPECTED-STATE');
    expect((await get(server.port, '/callback?code=c')).status).toBe(400);
    await get(server.port, '/callback?code=real&state=EXPECTED-STATE');
    await expect(server.result).resolves.toEqual({ code: 'real', state: 'EXPECTED-STATE' });
  });

  it.each([
    ['without a state', '/callback?error=x&error_description=%1B%5D0%3BPWNED%07%3Cb%3E'],
    [
      'with a wrong state',
      '/callback?error=x&error_description=%1B%5D0%3BPWNED%07%3Cb%3E&state=other',
    ],
  ])('refuses an error callback %s (400, nothing echoed) and keeps waiting', async (_, path) => {
    const server = await start({ state: 'S' });
    const page = await get(server.port, path);
    expect(page.status).toBe(400);
    expect(page.body).not.toContain('PWNED');
    expect(page.body).not.toContain('\x1b');
    expect(page.body).not.toContain('<b>');
    await get(server.port, '/callback?code=real&state=S');
    await expect(server.result).resolves.toEqual({ code: 'real', state: 'S' });
  });

  it('a provider error fails fast as OAUTH_AUTH_DENIED and escapes the description', async () => {
    const server = await start({ state: 'S' });
    const page = await get(
      server.port,
      '/callback?error=access_denied&error_description=%3Cscript%3Ealert(1)%3C/script%3E&state=S',
    );
    expect(page.status).toBe(400);
    expect(page.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page.body).not.toContain('<script>');
    await expect(server.result).rejects.toMatchObject({
      code: 'OAUTH_AUTH_DENIED',
      details: { error: 'access_denied' },
    });
  });

  it('a callback with the right state but no code fails', async () => {
    const server = await start({ state: 'S' });
    expect((await get(server.port, '/callback?state=S')).status).toBe(400);
    await expect(server.result).rejects.toMatchObject({ code: 'OAUTH_TOKEN_ERROR' });
  });

  it('times out with OAUTH_TIMEOUT', async () => {
    const server = await start({ state: 'S', timeoutMs: 150 });
    const started = Date.now();
    await expect(server.result).rejects.toMatchObject({ code: 'OAUTH_TIMEOUT' });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('an abort signal cancels the wait', async () => {
    const controller = new AbortController();
    const server = await start({ state: 'S', signal: controller.signal });
    controller.abort();
    await expect(server.result).rejects.toMatchObject({
      code: 'OAUTH_TIMEOUT',
      details: { aborted: true },
    });
  });

  it('stops listening after the deciding request', async () => {
    const server = await start({ state: 'S' });
    await get(server.port, '/callback?code=c&state=S');
    await server.result;
    await new Promise((resolve) => setTimeout(resolve, 50));
    await expect(get(server.port, '/callback?code=c&state=S')).rejects.toThrow();
  });
});

describe('port selection', () => {
  const occupy = (port: number) =>
    new Promise<ReturnType<typeof createServer>>((resolve) => {
      const blocker = createServer();
      blocker.listen(port, '127.0.0.1', () => resolve(blocker));
    });

  it('skips a busy port and reports all-busy as OAUTH_PORT_ERROR', async () => {
    const a = await occupy(0);
    const b = await occupy(0);
    const busy = [(a.address() as { port: number }).port, (b.address() as { port: number }).port];
    try {
      await expect(findCallbackPort(busy)).rejects.toMatchObject({
        code: 'OAUTH_PORT_ERROR',
        details: { ports: busy },
      });
      const free = await findCallbackPort([busy[0]!, 0]);
      expect(free).toBeGreaterThan(0);
      expect(free).not.toBe(busy[0]);
    } finally {
      a.close();
      b.close();
    }
  });

  it('a port taken between probe and start is OAUTH_PORT_ERROR naming it', async () => {
    const blocker = await occupy(0);
    const port = (blocker.address() as { port: number }).port;
    try {
      await expect(startCallbackServer({ state: 'S', port })).rejects.toMatchObject({
        code: 'OAUTH_PORT_ERROR',
        details: { port },
      });
    } finally {
      blocker.close();
    }
  });
});
