import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { prepareAuthorize, startCallbackServer } from '../test/helpers';
import { runMockBrowser } from './browser-cli';
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

function captureIo() {
  const output: string[] = [];
  const errors: string[] = [];
  return {
    output,
    errors,
    stdout: { write: (text: string) => output.push(text) },
    stderr: { write: (text: string) => errors.push(text) },
  };
}

describe('runMockBrowser', () => {
  it('visits the authorize URL and the callback, silently, and returns 0', async () => {
    const setup = await prepareAuthorize(mock, {}, redirectUri);
    const io = captureIo();
    expect(await runMockBrowser([setup.url], io)).toBe(0);
    expect(callback.requests).toHaveLength(1);
    expect(io.output).toEqual([]);
    expect(io.errors).toEqual([]);
  });

  it('prints the result as JSON to stderr with --verbose and skips the callback with --no-follow', async () => {
    const setup = await prepareAuthorize(mock, {}, redirectUri);
    const io = captureIo();
    expect(await runMockBrowser(['--verbose', '--no-follow', setup.url], io)).toBe(0);
    expect(JSON.parse(io.errors[0]!)).toMatchObject({ authorizeStatus: 302 });
    expect(callback.requests).toEqual([]);
  });

  it('returns 1 when the authorize request answers 4xx or fails', async () => {
    const unknown = await prepareAuthorize(mock, { client_id: 'nobody' }, redirectUri);
    const io = captureIo();
    expect(await runMockBrowser([unknown.url], io)).toBe(1);
    expect(io.errors.join('')).toMatch(/answered 400/);
    const origin = mock.origin;
    await mock.close();
    const failed = captureIo();
    expect(await runMockBrowser([`${origin}/oauth/authorize/`], failed)).toBe(1);
    expect(failed.errors.join('')).toMatch(/authorize request failed/);
  });

  it('returns 0 but reports a failed callback request', async () => {
    const setup = await prepareAuthorize(mock, {}, redirectUri);
    await callback.close();
    const io = captureIo();
    expect(await runMockBrowser([setup.url], io)).toBe(0);
    expect(io.errors.join('')).toMatch(/callback request failed/);
  });

  it('returns 2 without exactly one URL', async () => {
    expect(await runMockBrowser([], captureIo())).toBe(2);
    expect(await runMockBrowser(['a', 'b'], captureIo())).toBe(2);
    expect(await runMockBrowser(['--bogus', 'a'], captureIo())).toBe(2);
  });
});
