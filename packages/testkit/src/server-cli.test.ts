import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { get, SERVICE_ACCOUNT_AUTH } from '../test/helpers';
import { defaultFixture } from './fixture';
import { type CliIo, runMockServer } from './server-cli';

function captureIo(): CliIo & {
  output: string[];
  errors: string[];
  stop: (signal: string) => void;
} {
  const output: string[] = [];
  const errors: string[] = [];
  let stop: (signal: string) => void = () => {};
  const signal = new Promise<string>((resolve) => {
    stop = resolve;
  });
  return {
    output,
    errors,
    stop: (name) => stop(name),
    stdout: { write: (text: string) => output.push(text) },
    stderr: { write: (text: string) => errors.push(text) },
    waitForSignal: () => signal,
  };
}

async function waitFor<T>(read: () => T | undefined, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`nothing within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const directories: string[] = [];
afterEach(() => {
  for (const directory of directories.splice(0))
    rmSync(directory, { recursive: true, force: true });
});

function fixtureFile(content: string): string {
  const directory = mkdtempSync(join(tmpdir(), 'testkit-cli-'));
  directories.push(directory);
  const file = join(directory, 'fixture.json');
  writeFileSync(file, content);
  return file;
}

describe('runMockServer', () => {
  it('prints one MOCK_ORIGIN line, serves, and returns 0 after the signal', async () => {
    const io = captureIo();
    const running = runMockServer(['--port', '0', '--region', 'eu'], io);
    const line = await waitFor(() => io.output[0]);
    expect(line).toMatch(/^MOCK_ORIGIN=http:\/\/127\.0\.0\.1:\d+\n$/);
    const origin = line.trim().slice('MOCK_ORIGIN='.length);
    expect(
      (await get(`${origin}/api/app/me`, { Authorization: SERVICE_ACCOUNT_AUTH })).status,
    ).toBe(200);
    expect(((await get(`${origin}/__mock/state`)).body as { region: string }).region).toBe('eu');
    io.stop('SIGTERM');
    expect(await running).toBe(0);
    expect(io.output).toHaveLength(1);
    expect(io.errors).toEqual([]);
    await expect(fetch(`${origin}/api/app/me`)).rejects.toThrow();
  });

  it('serves a fixture file and logs requests to stderr with --verbose', async () => {
    const fixture = defaultFixture();
    fixture.users[0]!.email = 'file@example.com';
    const io = captureIo();
    const running = runMockServer(
      ['--fixture', fixtureFile(JSON.stringify(fixture)), '--verbose'],
      io,
    );
    const origin = (await waitFor(() => io.output[0])).trim().slice('MOCK_ORIGIN='.length);
    const me = await get(`${origin}/api/app/me`, { Authorization: SERVICE_ACCOUNT_AUTH });
    expect(me.body).toMatchObject({ results: { user_email: 'file@example.com' } });
    io.stop('SIGINT');
    expect(await running).toBe(0);
    expect(io.errors).toEqual(['mock: GET /api/app/me -> 200\n', 'mock: SIGINT, closing\n']);
  });

  it.each([
    [['--colour'], /Unknown option '--colour'/],
    [['--port', 'abc'], /--port must be a number/],
    [['--region', 'ap'], /--region must be us, eu or in/],
    [['stray'], /Unexpected argument 'stray'|positional/],
  ])('returns 2 for bad arguments %j', async (argv, message) => {
    const io = captureIo();
    expect(await runMockServer(argv, io)).toBe(2);
    expect(io.errors.join('')).toMatch(message);
    expect(io.output).toEqual([]);
  });

  it('returns 1 for a missing, malformed or inconsistent fixture file', async () => {
    for (const [argv, message] of [
      [['--fixture', '/nonexistent/fixture.json'], /ENOENT/],
      [['--fixture', fixtureFile('{not json')], /JSON/],
      [
        [
          '--fixture',
          fixtureFile(JSON.stringify({ ...defaultFixture(), default_login_user_id: 1 })),
        ],
        /invalid fixture: default_login_user_id 1 is not a user/,
      ],
    ] as const) {
      const io = captureIo();
      expect(await runMockServer([...argv], io)).toBe(1);
      expect(io.errors.join('')).toMatch(message);
      expect(io.output).toEqual([]);
    }
  });
});
