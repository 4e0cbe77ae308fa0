/**
 * The secret scan of `pnpm test` (scripts/test-summary.mjs, docs/testkit.md#secrets-log):
 * a planted secret in the suites' output is found and reported by kind and
 * task, never by value.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import {
  describeHit,
  findSecrets,
  outputsByTask,
  readSecrets,
} from '../../../test-utils/secret-scan.mjs';
import { startMockMixpanel } from '../src/server';
import { login } from './helpers';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const tempLog = () => {
  const dir = mkdtempSync(join(tmpdir(), 'secret-scan-'));
  dirs.push(dir);
  return join(dir, 'secrets.jsonl');
};

it('finds a token a mock issued, and a fixture secret, in the output of the task that printed it', async () => {
  const log = tempLog();
  const mock = await startMockMixpanel({ secretsLog: log });
  let accessToken: string;
  try {
    ({ accessToken } = await login(mock));
  } finally {
    await mock.close();
  }
  const output = [
    '\u001b[0;36m@mixpanel-data/cli:test: \u001b[0m ✓ test/x.test.ts (3 tests)',
    `\u001b[0;36m@mixpanel-data/cli:test: \u001b[0mstdout | test/x.test.ts > prints: Bearer ${accessToken}`,
    '@mixpanel-data/client:test: the secret is s3cret-sa',
    '@mixpanel-data/bridge:test: all clean',
    '@mixpanel-data/cli:check:packages: clean as well',
    ' Tasks:    21 successful, 21 total',
  ].join('\n');
  const outputs = outputsByTask(output);
  expect(outputs.map((task) => task.source)).toEqual([
    '@mixpanel-data/cli:test',
    '@mixpanel-data/client:test',
    '@mixpanel-data/bridge:test',
    '@mixpanel-data/cli:check:packages',
    'turbo',
  ]);
  const hits = findSecrets(readSecrets(log), outputs);
  expect(hits).toEqual([
    { kind: 'access_token', source: '@mixpanel-data/cli:test' },
    { kind: 'service_account_secret', source: '@mixpanel-data/client:test' },
  ]);
  const lines = hits.map(describeHit);
  expect(lines[0]).toBe(
    'secret scan: an access token appears in the output of @mixpanel-data/cli:test; find the test or code that prints it and stop it',
  );
  for (const line of lines) {
    expect(line).not.toContain(accessToken);
    expect(line).not.toContain('s3cret-sa');
  }
});

it("knows the default fixture's secrets without a log, and sees through colour codes", () => {
  const output = '@mixpanel-data/cli:test: token static-\u001b[1mtoken-abc\u001b[22m';
  expect(findSecrets(readSecrets(), outputsByTask(output))).toEqual([
    { kind: 'static_token', source: '@mixpanel-data/cli:test' },
  ]);
});

it('passes clean output, and ignores values too short to tell from ordinary text', () => {
  const log = tempLog();
  writeFileSync(
    log,
    `${JSON.stringify({ kind: 'service_account_secret', value: 'x' })}\n${JSON.stringify({ kind: 'refresh_token', value: 'mock-rt-9-abcdef' })}\n`,
  );
  const secrets = readSecrets(log);
  expect([...secrets.values()].sort()).toEqual([
    'refresh_token',
    'service_account_secret',
    'static_token',
  ]);
  expect(secrets.has('x')).toBe(false);
  expect(findSecrets(secrets, outputsByTask('@mixpanel-data/cli:test: x marks the spot'))).toEqual(
    [],
  );
  expect(findSecrets(secrets, outputsByTask('mock-rt-9-abcdef'))).toEqual([
    { kind: 'refresh_token', source: 'turbo' },
  ]);
});
