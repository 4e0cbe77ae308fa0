/** Interactive paths, in-process with a fake TTY: the project picker of `mp login` and the no-echo secret prompt. */
import { mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { defaultFixture, type MockMixpanel, startMockMixpanel } from '@mixpanel-data/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import type { Io } from '../src/io';
import { run } from '../src/run';

let mock: MockMixpanel | null = null;
let home = '';
afterEach(async () => {
  await mock?.close();
  if (home) rmSync(home, { recursive: true, force: true });
});

/** An Io whose stdin claims to be a TTY and is fed `answers`, one line at a time as prompts appear. */
async function tty(
  answers: string[],
  env: Record<string, string> = {},
  stderrIsTTY = false,
  mockOptions: Parameters<typeof startMockMixpanel>[0] = {},
) {
  await mock?.close(); // a second call in one test replaces the first mock and HOME
  if (home) rmSync(home, { recursive: true, force: true });
  mock = await startMockMixpanel(mockOptions);
  home = realpathSync(mkdtempSync(join(tmpdir(), 'mp-tty-')));
  const stdin = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => stdin });
  const stdout = new PassThrough();
  const stderr = Object.assign(new PassThrough(), { isTTY: stderrIsTTY });
  let out = '';
  let err = '';
  stdout.on('data', (chunk) => (out += chunk));
  stderr.on('data', (chunk) => {
    err += chunk;
    if (/(Which project\? \[1\]: |Service account secret: )$/.test(err) && answers.length)
      stdin.write(answers.shift()!);
  });
  const io: Io = {
    stdin,
    stdout,
    stderr,
    env: { HOME: home, MP_BASE_URL: mock.origin, ...env },
    cwd: home,
  };
  return { io, stdin, output: () => ({ out, err }) };
}

const loginEnv = { MP_USERNAME: 'team-sa', MP_SECRET: 's3cret-sa' };

describe('the /me spinner of mp login (docs/cli.md#new-service-account-or-token)', () => {
  const slowMe = () =>
    mock!.inject({ match: { path: '/api/app/me' }, action: 'pass', delay_ms: 350 });

  it('spins "Fetching your projects from Mixpanel..." on a TTY stderr and clears it', async () => {
    const t = await tty(['\n'], loginEnv, true);
    slowMe();
    expect(await run(['login', '--region', 'us'], t.io)).toBe(0);
    const { err } = t.output();
    expect(err).toMatch(/\r[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] Fetching your projects from Mixpanel\.\.\./);
    expect(err.indexOf('\r\x1b[K', err.indexOf('Fetching'))).toBeGreaterThan(-1);
  });

  it('shows nothing with --quiet or when stderr is not a TTY', async () => {
    const quiet = await tty(['\n'], loginEnv, true);
    slowMe();
    expect(await run(['-q', 'login', '--region', 'us'], quiet.io)).toBe(0);
    expect(quiet.output().err).not.toContain('Fetching your projects');
    const piped = await tty(['\n'], loginEnv, false);
    slowMe();
    expect(await run(['login', '--region', 'us'], piped.io)).toBe(0);
    expect(piped.output().err).not.toContain('Fetching your projects');
  });
});

describe('the project picker of mp login', () => {
  it('lists the projects on stderr and takes the default on Enter', async () => {
    const t = await tty(['\n'], loginEnv);
    expect(await run(['login', '--region', 'us'], t.io)).toBe(0);
    const { out, err } = t.output();
    expect(err).toContain('Found 2 project(s) across 1 organization(s):');
    expect(err).toMatch(/ {2}1\) AI Demo +\(id 3713224, mixpanel\.com\)/);
    expect(out).toBe('Logged in as alice@example.com → acme-corp · AI Demo\n');
  });

  it('re-prompts on invalid input (including non-ASCII digits), then takes a number', async () => {
    const t = await tty(['7\n', '２\n', '2\n'], loginEnv);
    expect(await run(['login', '--region', 'us'], t.io)).toBe(0);
    expect(t.output().err.match(/Invalid input: /g)).toHaveLength(2);
    expect(t.output().out).toContain('→ acme-corp · E-Commerce');
  });

  it('shows project names and answers with their control characters escaped, aligned', async () => {
    const fixture = defaultFixture();
    fixture.projects[0]!.name = 'Evil\u001b[2J\u009b31m\nName\u0007';
    const t = await tty(['\u001b[A\n', '\n'], loginEnv, false, { fixture });
    expect(await run(['login', '--region', 'us'], t.io)).toBe(0);
    const { out, err } = t.output();
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the test looks for them
    expect(out + err).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    const shown = 'Evil\\x1b[2J\\x9b31m\\nName\\x07';
    expect(err).toContain(`  2) ${shown.padEnd(40)} (id 3713224, mixpanel.com)`);
    expect(err).toContain("Invalid input: '\\x1b[A'.");
    expect(out).toBe(`Logged in as alice@example.com → acme-corp · E-Commerce\n`);
  });

  it('gives up after three invalid answers, and on end of input (exit 1)', async () => {
    const three = await tty(['x\n', 'y\n', 'z\n'], loginEnv);
    expect(await run(['login', '--region', 'us'], three.io)).toBe(1);
    expect(three.output().err).toContain('Could not pick a project after 3 attempts. Aborting.');
    await mock?.close();
    const closed = await tty([], loginEnv);
    const running = run(['login', '--region', 'us'], closed.io);
    setTimeout(() => closed.stdin.end(), 300);
    expect(await running).toBe(1);
    expect(closed.output().err).toContain('stdin closed during project picker prompt.');
  });
});

describe('our own colour on a TTY', () => {
  const notFound = (env: Record<string, string> = {}) =>
    tty([], env, true).then(async (t) => {
      expect(await run(['account', 'show', 'x\u001b]0;T\u0007'], t.io)).toBe(1);
      return t.output().err;
    });

  it('wraps the error line in red while the name inside it stays escaped', async () => {
    const err = await notFound();
    expect(err).toContain(
      "\u001b[31mConfiguration error: Account 'x\\x1b]0;T\\x07' not found.\u001b[0m\n",
    );
    expect(err.split('\u001b')).toHaveLength(3); // the two of our colour, no other
  });

  it('adds no colour with NO_COLOR set', async () => {
    const err = await notFound({ NO_COLOR: '1' });
    expect(err).toContain("Configuration error: Account 'x\\x1b]0;T\\x07' not found.\n");
    expect(err).not.toContain('\u001b');
  });
});

describe('the no-echo secret prompt of mp account add', () => {
  it('reads the secret on a TTY without echoing it', async () => {
    const t = await tty(['typed-secret\r']);
    const code = await run(
      [
        'account',
        'add',
        'team',
        '--type',
        'service_account',
        '--username',
        'u',
        '--region',
        'us',
        '--no-verify',
      ],
      t.io,
    );
    expect(code).toBe(0);
    expect(t.output().err).toContain('Service account secret: ');
    expect(t.output().err).not.toContain('typed-secret');
    expect(readFileSync(join(home, '.mp', 'config.toml'), 'utf8')).toContain(
      'secret = "typed-secret"',
    );
  });
});
