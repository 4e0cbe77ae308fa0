import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import type { OAuthTokens } from '@mixpanel-data/auth-core';
import { createTokenStore } from '@mixpanel-data/config-store';
import { type MockMixpanel, simulateBrowser, startMockMixpanel } from '@mixpanel-data/testkit';
import { afterEach } from 'vitest';
import { OAuthFlow, type OAuthFlowOptions, OnDiskTokenResolver } from '../src/index';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Captures what a flow writes to stderr, and lets a test wait for a line. */
export class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
  async waitFor(pattern: RegExp, timeoutMs = 5_000): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = this.text.match(pattern);
      if (match) return match;
      if (Date.now() > deadline) throw new Error(`stderr never matched ${pattern}:\n${this.text}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

/** A browser opener that follows the authorize URL like a browser would. */
export async function playBrowser(url: string): Promise<boolean> {
  await simulateBrowser(url);
  return true;
}

/** A mock Mixpanel, a temp HOME pointed at it, and the pieces tests need; all closed after the test. */
export async function setup(config: Parameters<typeof startMockMixpanel>[0] = {}) {
  const mock: MockMixpanel = await startMockMixpanel(config);
  const home = realpathSync(mkdtempSync(join(tmpdir(), 'mp-oauth-')));
  cleanups.push(
    () => rmSync(home, { recursive: true, force: true }),
    () => mock.close(),
  );
  const env = { HOME: home, MP_BASE_URL: mock.origin };
  const store = createTokenStore({ env, home });
  const stderr = new Capture();
  const flow = (options: Partial<OAuthFlowOptions> = {}) =>
    new OAuthFlow({
      region: 'us',
      env,
      tokenStore: store,
      stderr,
      callbackPorts: [0],
      callbackTimeoutMs: 10_000,
      ...options,
    });
  /** A login that plays the browser by following the authorize URL. */
  const browserLogin = (options: Partial<OAuthFlowOptions> = {}) =>
    flow({ browserOpener: playBrowser, ...options }).login();
  /** Logs in account `name` and stores its tokens and client mirror, as accounts.login would. */
  const loggedIn = async (name = 'me') => {
    const outcome = await browserLogin();
    store.writeTokens(name, outcome.tokens);
    store.writeClient(outcome.client, name);
    return outcome;
  };
  /** Moves the stored token's expiry into the past so the next use refreshes. */
  const expireLocally = (name = 'me') => {
    const tokens = store.readTokens(name)!;
    store.writeTokens(name, tokens.with({ expiresAt: new Date(Date.now() - 60_000) }));
  };
  const resolver = (options = {}) =>
    new OnDiskTokenResolver({ env, tokenStore: store, ...options });
  return {
    mock,
    home,
    env,
    store,
    stderr,
    flow,
    browserLogin,
    loggedIn,
    expireLocally,
    resolver,
    stdin: () => new PassThrough(),
  };
}

export const past = (tokens: OAuthTokens) =>
  tokens.with({ expiresAt: new Date(Date.now() - 60_000) });
