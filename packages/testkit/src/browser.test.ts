import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { prepareAuthorize, startCallbackServer } from '../test/helpers';
import { redirectFor, simulateBrowser } from './browser';
import { type MockMixpanel, startMockMixpanel } from './server';

let mock: MockMixpanel;
let callback: Awaited<ReturnType<typeof startCallbackServer>>;
let redirectUri: string;

beforeEach(async () => {
  mock = await startMockMixpanel();
  callback = await startCallbackServer();
  redirectUri = `http://localhost:${callback.port}/callback`;
});

afterEach(async () => {
  await Promise.all([mock.close(), callback.close()]);
});

describe('simulateBrowser', () => {
  it('follows the authorize redirect to the loopback callback, dialling localhost as 127.0.0.1', async () => {
    const setup = await prepareAuthorize(mock, {}, redirectUri);
    const result = await simulateBrowser(setup.url);
    expect(result.authorizeStatus).toBe(302);
    expect(result.location).toMatch(
      new RegExp(`^${redirectUri}\\?code=[A-Za-z0-9_-]{32}&state=${setup.state}$`),
    );
    expect(result).toMatchObject({
      authorizeBody: '',
      callbackStatus: 200,
      callbackContentType: 'text/html; charset=utf-8',
      callbackBody: '<h1>Authorization succeeded</h1>',
    });
    // the callback server listens on 127.0.0.1 only, and saw the browser's Host header
    expect(callback.requests).toEqual([
      {
        method: 'GET',
        url: new URL(result.location!).pathname + new URL(result.location!).search,
        host: `localhost:${callback.port}`,
      },
    ]);
  });

  it('does not touch the callback with follow: false', async () => {
    const setup = await prepareAuthorize(mock, {}, redirectUri);
    const result = await simulateBrowser(setup.url, { follow: false });
    expect(result.location).toContain('code=');
    expect(result).not.toHaveProperty('callbackStatus');
    expect(callback.requests).toEqual([]);
  });

  it('does not follow a redirect from the callback', async () => {
    let elsewhere = 0;
    const target = createServer((_request, response) => {
      elsewhere += 1;
      response.end('elsewhere');
    });
    const bouncer = createServer((_request, response) => {
      const port = (target.address() as AddressInfo).port;
      response.writeHead(302, { Location: `http://127.0.0.1:${port}/` });
      response.end();
    });
    await Promise.all([
      new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve)),
      new Promise<void>((resolve) => bouncer.listen(0, '127.0.0.1', resolve)),
    ]);
    try {
      const bounceUri = `http://localhost:${(bouncer.address() as AddressInfo).port}/callback`;
      const setup = await prepareAuthorize(mock, {}, bounceUri);
      const result = await simulateBrowser(setup.url);
      expect(result.callbackStatus).toBe(302);
      expect(elsewhere).toBe(0);
    } finally {
      target.close();
      bouncer.close();
    }
  });

  it('reports denied, error and form pages without a callback where there is no Location', async () => {
    mock.configure({ approval: 'error_html' });
    const errored = await simulateBrowser((await prepareAuthorize(mock, {}, redirectUri)).url);
    expect(new URL(errored.location!).searchParams.get('error_description')).toBe(
      '<script>alert(1)</script>',
    );
    expect(errored.callbackStatus).toBe(200);

    mock.configure({ approval: 'form' });
    const form = await simulateBrowser((await prepareAuthorize(mock, {}, redirectUri)).url);
    expect(form).toMatchObject({ authorizeStatus: 200, location: null });
    expect(form.authorizeBody).toContain('Approve');
    expect(form).not.toHaveProperty('callbackStatus');

    const unknown = await simulateBrowser(
      (await prepareAuthorize(mock, { client_id: 'nobody' }, redirectUri)).url,
    );
    expect(unknown).toMatchObject({ authorizeStatus: 400, location: null });
    expect(unknown.authorizeBody).toContain('unknown client');
    expect(callback.requests).toHaveLength(1);
  });

  it('rejects when the callback server is not listening', async () => {
    const setup = await prepareAuthorize(mock, {}, redirectUri);
    await callback.close();
    await expect(simulateBrowser(setup.url)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('rejects when the mock closes while the authorize request hangs', async () => {
    mock.configure({ approval: 'hang' });
    const setup = await prepareAuthorize(mock, {}, redirectUri);
    const pending = simulateBrowser(setup.url);
    while (mock.countRequests({ path: '/oauth/authorize/' }) === 0) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await mock.close();
    await expect(pending).rejects.toThrow(/socket hang up|ECONNRESET/);
  });

  it('only speaks http', async () => {
    await expect(simulateBrowser('https://127.0.0.1:1/oauth/authorize/')).rejects.toThrow(
      /only speaks http/,
    );
  });
});

describe('redirectFor', () => {
  it('returns the Location without visiting it', async () => {
    const setup = await prepareAuthorize(mock, {}, redirectUri);
    const location = await redirectFor(setup.url);
    expect(new URL(location).searchParams.get('state')).toBe(setup.state);
    expect(callback.requests).toEqual([]);
  });

  it('throws when the authorize response has no Location', async () => {
    mock.configure({ approval: 'form' });
    const setup = await prepareAuthorize(mock, {}, redirectUri);
    await expect(redirectFor(setup.url)).rejects.toThrow(/answered 200 without a Location header/);
  });
});
