/** Ten OS processes find the same expired token at once: exactly one refresh (spec 06 §12.4). */
import { spawn } from 'node:child_process';
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
