import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it, vi } from 'vitest';
import { login, postForm, refreshForm } from '../test/helpers';
import { startMockMixpanel } from './server';

const dirs: string[] = [];
afterEach(() => {
  vi.unstubAllEnvs();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const tempLog = () => {
  const dir = mkdtempSync(join(tmpdir(), 'mock-secrets-'));
  dirs.push(dir);
  return join(dir, 'secrets.jsonl');
};
const lines = (path: string) =>
  readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));

it("appends the fixture's secrets at start-up and every token as it is issued, one JSON line each, 0600", async () => {
  const log = tempLog();
  const mock = await startMockMixpanel({ secretsLog: log });
  try {
    expect(lines(log)).toEqual([
      { kind: 'service_account_secret', value: 's3cret-sa' },
      { kind: 'static_token', value: 'static-token-abc' },
    ]);
    const session = await login(mock);
    const refreshed = await postForm(
      `${mock.origin}/oauth/token/`,
      refreshForm(session.clientId, session.refreshToken),
    );
    expect(refreshed.status).toBe(200);
    const issued = mock.tokens
      .list()
      .map((token) => ({ kind: `${token.type}_token`, value: token.token }));
    expect(issued).toHaveLength(4);
    expect(lines(log).slice(2)).toEqual(issued);
    expect(statSync(log).mode & 0o777).toBe(0o600);
  } finally {
    await mock.close();
  }
});

it('takes the file from MP_MOCK_SECRETS_LOG by default, and writes nothing when it is unset or empty', async () => {
  const log = tempLog();
  vi.stubEnv('MP_MOCK_SECRETS_LOG', log);
  const logged = await startMockMixpanel();
  await logged.close();
  expect(lines(log)).toHaveLength(2);

  const unused = tempLog();
  vi.stubEnv('MP_MOCK_SECRETS_LOG', '');
  const quiet = await startMockMixpanel();
  try {
    await login(quiet);
    expect(() => statSync(unused)).toThrow(/ENOENT/);
  } finally {
    await quiet.close();
  }
  // the option wins over the environment
  vi.stubEnv('MP_MOCK_SECRETS_LOG', log);
  const other = tempLog();
  await (await startMockMixpanel({ secretsLog: other })).close();
  expect(lines(other)).toHaveLength(2);
  expect(lines(log)).toHaveLength(2);
});

it('fails to start, naming the file, when the log cannot be written', async () => {
  const missing = join(tempLog(), 'no-such-dir', 'secrets.jsonl');
  await expect(startMockMixpanel({ secretsLog: missing })).rejects.toThrow(
    `mock: cannot append to the secrets log ${missing}: ENOENT`,
  );
});
