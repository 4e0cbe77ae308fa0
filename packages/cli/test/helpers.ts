import { spawn } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type MockMixpanel, startMockMixpanel } from '@mixpanel-data/testkit';
import { afterAll, afterEach, expect } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const MP = join(root, 'bin', 'mp.cjs');
export const MOCK_BROWSER = join(root, '..', 'testkit', 'dist', 'bin', 'mock-browser.js');

/** Every stdout/stderr this suite captured, for the secret scan (except `mp account token`, whose job is to print one). */
export const captured: string[] = [];

export interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Runs the built `mp` as a subprocess. */
export function runMp(
  args: readonly string[],
  options: {
    env: Record<string, string>;
    cwd: string;
    stdin?: string;
    onStderr?: (text: string, child: ReturnType<typeof spawn>) => void;
    /** Sees each stdout chunk as it arrives (to close the pipe early, as `| head` does). */
    onStdout?: (text: string, child: ReturnType<typeof spawn>) => void;
  },
): Promise<Result> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [MP, ...args], {
      cwd: options.cwd,
      env: { PATH: process.env.PATH ?? '', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      options.onStdout?.(stdout, child);
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      options.onStderr?.(stderr, child);
    });
    if (options.stdin !== undefined) child.stdin.end(options.stdin);
    child.on('close', (code) => {
      if (!(args.includes('account') && args.includes('token'))) captured.push(stdout, stderr);
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * Runs the built `mp` under a real pseudo-terminal (util-linux `script`, so
 * Linux only): stdin, stdout and stderr are the terminal. Once the terminal
 * shows `prompt`, types `answer` (a line) and, with `answer` null, ends the
 * input (Ctrl-D). `output` is everything the terminal showed, echo included.
 */
export function runMpInPty(
  args: readonly string[],
  options: {
    env: Record<string, string>;
    cwd: string;
    prompt: string;
    answer: string | null;
    /** Redirects stdout to this file, as `mp … > FILE` typed at the terminal would. */
    stdoutTo?: string;
  },
): Promise<{ code: number | null; output: string }> {
  const quote = (word: string) => `'${word.replaceAll("'", `'\\''`)}'`;
  const command =
    [process.execPath, MP, ...args].map(quote).join(' ') +
    (options.stdoutTo === undefined ? '' : ` > ${quote(options.stdoutTo)}`);
  return new Promise((resolve) => {
    const child = spawn('script', ['-qefc', command, '/dev/null'], {
      cwd: options.cwd,
      env: { PATH: process.env.PATH ?? '', TERM: 'dumb', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    let answered = false;
    child.stdout.on('data', (chunk) => {
      output += chunk;
      if (!answered && output.includes(options.prompt)) {
        answered = true;
        child.stdin.write(options.answer === null ? '\x04' : `${options.answer}\r`);
      }
    });
    child.on('close', (code) => {
      captured.push(output);
      resolve({ code, output });
    });
  });
}

/** A mock Mixpanel and a temp HOME pointed at it; `mp(...)` runs commands there. */
export async function setup(
  mockOptions: Parameters<typeof startMockMixpanel>[0] = {},
  extraEnv: Record<string, string> = {},
) {
  const mock: MockMixpanel = await startMockMixpanel(mockOptions);
  const home = realpathSync(mkdtempSync(join(tmpdir(), 'mp-cli-')));
  cleanups.push(
    () => rmSync(home, { recursive: true, force: true }),
    () => mock.close(),
  );
  const env: Record<string, string> = { HOME: home, MP_BASE_URL: mock.origin, ...extraEnv };
  const mp = (
    args: readonly string[],
    options: {
      stdin?: string;
      env?: Record<string, string>;
      onStderr?: (text: string, child: ReturnType<typeof spawn>) => void;
      onStdout?: (text: string, child: ReturnType<typeof spawn>) => void;
    } = {},
  ) =>
    runMp(args, {
      env: { ...env, ...options.env },
      cwd: home,
      ...(options.stdin !== undefined ? { stdin: options.stdin } : {}),
      ...(options.onStderr ? { onStderr: options.onStderr } : {}),
      ...(options.onStdout ? { onStdout: options.onStdout } : {}),
    });
  /**
   * Adds the fixture's service account as `team` (active) with project 3713224;
   * `name` and `secret` add it under another name, or with a wrong secret.
   */
  const withTeam = async (name = 'team', secret = 's3cret-sa') => {
    const result = await mp(
      [
        'account',
        'add',
        name,
        '--type',
        'service_account',
        '--username',
        'team-sa',
        '--region',
        'us',
        '--project',
        '3713224',
        '--secret-stdin',
      ],
      { stdin: `${secret}\n` },
    );
    if (result.code !== 0) throw new Error(`setup failed: ${result.stderr}`);
  };
  return { mock, home, env, mp, withTeam, config: join(home, '.mp', 'config.toml') };
}

/** Secrets of the default fixture and the mock's token prefixes. */
export const SECRETS = [
  /s3cret-sa/,
  /static-token-abc/,
  /mock-at-[A-Za-z0-9]/,
  /mock-rt-[A-Za-z0-9]/,
];

/** After every test file: nothing `mp` printed (but `mp account token`) holds a secret. */
afterAll(() => {
  const all = captured.join('\n');
  expect(captured.length).toBeGreaterThan(0);
  for (const secret of SECRETS)
    expect(all, `a secret matching ${secret} was printed`).not.toMatch(secret);
});
