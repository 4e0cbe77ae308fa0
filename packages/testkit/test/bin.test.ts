/** The two bins as real subprocesses, run from the built `dist/bin` (build first). */
import { type ChildProcess, spawn } from 'node:child_process';
import {
  accessSync,
  constants,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { defaultFixture } from '../src/fixture';
import { type MockMixpanel, startMockMixpanel } from '../src/server';
import { get, prepareAuthorize, SERVICE_ACCOUNT_AUTH, startCallbackServer } from './helpers';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const SERVER_BIN = join(root, 'dist', 'bin', 'mp-mock-mixpanel.js');
const BROWSER_BIN = join(root, 'dist', 'bin', 'mock-browser.js');

interface Running {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const children: ChildProcess[] = [];
const cleanups: Array<() => unknown> = [];

afterEach(async () => {
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

function run(command: string, args: string[]): Running {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
  return { child, stdout: () => stdout, stderr: () => stderr, exit };
}

/** Waits for the MOCK_ORIGIN line and returns the origin. */
async function originOf(running: Running): Promise<string> {
  const deadline = Date.now() + 10_000;
  while (!running.stdout().includes('\n')) {
    if (Date.now() > deadline || running.child.exitCode !== null) {
      throw new Error(`no MOCK_ORIGIN line; stderr: ${running.stderr()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const match = /^MOCK_ORIGIN=(http:\/\/127\.0\.0\.1:\d+)\n$/.exec(running.stdout());
  if (!match) throw new Error(`unexpected stdout ${JSON.stringify(running.stdout())}`);
  return match[1]!;
}

beforeAll(() => {
  for (const file of [SERVER_BIN, BROWSER_BIN]) {
    if (!existsSync(file))
      throw new Error(
        `${file} is missing: run \`pnpm --filter @mixpanel-data/testkit build\` first`,
      );
  }
});

describe('mp-mock-mixpanel (subprocess)', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)(
    'prints exactly one MOCK_ORIGIN line, serves, and exits 0 on %s',
    async (signal) => {
      const running = run(process.execPath, [SERVER_BIN, '--port', '0']);
      const origin = await originOf(running);
      const me = await get(`${origin}/api/app/me`, { Authorization: SERVICE_ACCOUNT_AUTH });
      expect(me.status).toBe(200);
      running.child.kill(signal);
      expect(await running.exit).toEqual({ code: 0, signal: null });
      expect(running.stdout()).toBe(`MOCK_ORIGIN=${origin}\n`);
      expect(running.stderr()).toBe('');
    },
  );

  it('is executable through its shebang and honours --fixture, --region and --verbose', async () => {
    expect(readFileSync(SERVER_BIN, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    accessSync(SERVER_BIN, constants.X_OK);
    const directory = mkdtempSync(join(tmpdir(), 'testkit-bin-'));
    cleanups.push(() => rmSync(directory, { recursive: true, force: true }));
    const fixture = defaultFixture();
    fixture.users[0]!.name = 'From File';
    const file = join(directory, 'fixture.json');
    writeFileSync(file, JSON.stringify(fixture));
    const running = run(SERVER_BIN, ['--fixture', file, '--region', 'eu', '--verbose']);
    const origin = await originOf(running);
    const me = await get(`${origin}/api/app/me`, { Authorization: SERVICE_ACCOUNT_AUTH });
    expect(me.body).toMatchObject({ results: { user_name: 'From File' } });
    expect(((await get(`${origin}/__mock/state`)).body as { region: string }).region).toBe('eu');
    running.child.kill('SIGTERM');
    expect((await running.exit).code).toBe(0);
    expect(running.stderr()).toContain('mock: GET /api/app/me -> 200');
  });

  it('exits 1 with a message for an inconsistent fixture', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'testkit-bin-'));
    cleanups.push(() => rmSync(directory, { recursive: true, force: true }));
    const file = join(directory, 'fixture.json');
    writeFileSync(file, JSON.stringify({ ...defaultFixture(), projects: [] }));
    const running = run(process.execPath, [SERVER_BIN, '--fixture', file]);
    expect((await running.exit).code).toBe(1);
    expect(running.stdout()).toBe('');
    expect(running.stderr()).toMatch(/invalid fixture/);
  });
});

describe('mock-browser (subprocess)', () => {
  let mock: MockMixpanel;

  async function setupMock() {
    mock = await startMockMixpanel();
    const callback = await startCallbackServer();
    cleanups.push(() => Promise.all([mock.close(), callback.close()]));
    return { callback, redirectUri: `http://localhost:${callback.port}/callback` };
  }

  it('runs as $BROWSER would: the URL as its only argument, exit 0, callback reached', async () => {
    const { callback, redirectUri } = await setupMock();
    const setup = await prepareAuthorize(mock, {}, redirectUri);
    accessSync(BROWSER_BIN, constants.X_OK);
    const running = run(BROWSER_BIN, [setup.url]);
    expect((await running.exit).code).toBe(0);
    expect(callback.requests).toHaveLength(1);
    expect(callback.requests[0]!.url).toMatch(/^\/callback\?code=/);
    expect(running.stdout()).toBe('');
  });

  it('exits non-zero when the authorize request fails', async () => {
    const { callback, redirectUri } = await setupMock();
    const setup = await prepareAuthorize(mock, { client_id: 'nobody' }, redirectUri);
    const running = run(process.execPath, [BROWSER_BIN, setup.url]);
    expect((await running.exit).code).toBe(1);
    expect(callback.requests).toEqual([]);
    expect(running.stderr()).toMatch(/answered 400/);
  });
});
