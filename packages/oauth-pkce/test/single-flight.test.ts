/** Ten OS processes find the same expired token at once: exactly one refresh (docs/oauth.md#single-flight-refresh). */
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { setup } from './helpers';

const worker = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'refresh-worker.mjs');

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [worker, ...args]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

it('10 processes, one expired token: one refresh request, everyone gets the new token', async () => {
  const t = await setup();
  const { tokens } = await t.loggedIn();
  t.expireLocally();
  t.mock.clearRequests();
  const results = await Promise.all(Array.from({ length: 10 }, () => run([t.home, t.mock.origin])));
  expect(results.filter((r) => r.code !== 0).map((r) => r.stderr)).toEqual([]);
  const refreshRequests = t.mock.requests({ path: '/oauth/token/' });
  console.log(`10 processes with one expired token: ${refreshRequests.length} refresh request(s)`);
  expect(refreshRequests).toHaveLength(1);
  const stored = t.store.readTokens('me')!;
  expect(new Set(results.map((r) => r.stdout))).toEqual(new Set([stored.accessToken.reveal()]));
  expect(stored.accessToken.reveal()).not.toBe(tokens.accessToken.reveal());
  expect(stored.isExpired()).toBe(false);
});

it('a live process holding the refresh lock past the wait: "another process is refreshing", no request', async () => {
  const { createTokenStore, TOKEN_LOCK_DEFAULTS } = await import('@mixpanel-data/config-store');
  // The default store breaks a live holder's lock only well after a waiter has given up.
  expect(TOKEN_LOCK_DEFAULTS.staleMs).toBeGreaterThan(2 * TOKEN_LOCK_DEFAULTS.timeoutMs);
  const t = await setup();
  await t.loggedIn();
  t.expireLocally();
  t.mock.clearRequests();
  const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)']);
  try {
    const lockPath = `${t.store.locations.tokensPath('me')}.lock`;
    writeFileSync(
      lockPath,
      JSON.stringify({ pid: holder.pid, time: Date.now(), nonce: 'held-by-another-process' }),
    );
    const store = createTokenStore({
      env: t.env,
      home: t.home,
      lock: { timeoutMs: 400 },
    });
    const error = await t
      .resolver({ tokenStore: store })
      .getBrowserToken('me', 'us')
      .then(
        () => null,
        (e: unknown) => e as { code?: string; message?: string },
      );
    expect(error).toMatchObject({
      code: 'OAUTH_REFRESH_ERROR',
      message: "Another process is refreshing the OAuth token of account 'me'; retry in a moment.",
    });
    expect(t.mock.requests({ path: '/oauth/token/' })).toHaveLength(0);
    expect(existsSync(lockPath)).toBe(true);
  } finally {
    holder.kill();
  }
});
