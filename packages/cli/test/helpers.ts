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
 * Runs a shell command line under a real pseudo-terminal (util-linux
 * `script`, so Linux only): stdin, stdout and stderr are the terminal. Each
 * step types its text once the terminal has shown its `after` (in what it
 * showed after the previous step was typed), `pauseMs` later when given (to see what the terminal
 * shows meanwhile); a function is called with what the terminal showed so
 * far and returns what to type. `columns` sets the terminal's width first
 * (`stty cols`), as resizing a window does. `output` is everything the
 * terminal showed, echo included.
 */
export function runInPty(
  command: string,
  options: {
    env: Record<string, string>;
    cwd: string;
    steps?: readonly PtyStep[];
    columns?: number;
  },
): Promise<{ code: number | null; output: string }> {
  const line =
    options.columns === undefined
      ? command
      : `stty cols ${options.columns} rows 24 && exec ${command}`;
  return new Promise((resolve) => {
    const child = spawn('script', ['-qefc', line, '/dev/null'], {
      cwd: options.cwd,
      env: { PATH: process.env.PATH ?? '', TERM: 'dumb', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    let seen = 0;
    let typing = false;
    const steps = [...(options.steps ?? [])];
    // A step's `after` counts only in what the terminal showed after the previous step was
    // typed: typing ahead (e.g. a line after Ctrl-C, whose input the terminal discards) races.
    const next = () => {
      const step = steps[0];
      if (!step || typing || output.indexOf(step.after, seen) < 0) return;
      steps.shift();
      typing = true;
      const type = () => {
        typing = false;
        seen = output.length;
        child.stdin.write(typeof step.type === 'function' ? step.type(output) : step.type);
      };
      if (step.pauseMs) setTimeout(type, step.pauseMs);
      else type();
    };
    child.stdout.on('data', (chunk) => {
      output += chunk;
      next();
    });
    child.on('close', (code) => {
      captured.push(output);
      resolve({ code, output });
    });
  });
}

/** One step of `runInPty`: once the terminal shows `after`, type `type`. */
export interface PtyStep {
  after: string;
  type: string | ((output: string) => string);
  pauseMs?: number;
}

/**
 * Runs the built `mp` under a real pseudo-terminal (see `runInPty`). Once
 * the terminal shows `prompt`, types `answer` (a line; a function is called
 * with what the terminal showed so far) and, with `answer` null, ends the
 * input (Ctrl-D); with `keys` the answer is typed as keys, without Enter
 * (e.g. `\x03`, Ctrl-C); `pauseMs` waits that long after the prompt before
 * answering. Without a `prompt` nothing is typed.
 */
export function runMpInPty(
  args: readonly string[],
  options: {
    env: Record<string, string>;
    cwd: string;
    prompt?: string;
    answer?: string | null | ((output: string) => string);
    pauseMs?: number;
    keys?: boolean;
    columns?: number;
    /** Redirects stdout to this file, as `mp … > FILE` typed at the terminal would. */
    stdoutTo?: string;
  },
): Promise<{ code: number | null; output: string }> {
  const quote = (word: string) => `'${word.replaceAll("'", `'\\''`)}'`;
  const { prompt, answer, pauseMs, keys, stdoutTo, ...rest } = options;
  const typed = (output: string) => {
    const given = typeof answer === 'function' ? answer(output) : answer;
    if (given === null) return '\x04';
    return keys ? (given ?? '') : `${given ?? ''}\r`;
  };
  const command =
    [process.execPath, MP, ...args].map(quote).join(' ') +
    (stdoutTo === undefined ? '' : ` > ${quote(stdoutTo)}`);
  return runInPty(command, {
    ...rest,
    steps:
      prompt === undefined ? [] : [{ after: prompt, type: typed, ...(pauseMs ? { pauseMs } : {}) }],
  });
}

/**
 * The arguments of `mp account add [NAME] --type service_account --username
 * team-sa` (the fixture's service account; `name` null: derived from /me),
 * then `flags`.
 */
export const addServiceAccount = (name: string | null, ...flags: string[]): string[] => [
  'account',
  'add',
  ...(name === null ? [] : [name]),
  '--type',
  'service_account',
  '--username',
  'team-sa',
  ...flags,
];

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
   * `--no-verify`: the setup sends no request and leaves no `/me` cache.
   */
  const withTeam = async (name = 'team', secret = 's3cret-sa') => {
    const result = await mp(
      addServiceAccount(
        name,
        '--region',
        'us',
        '--project',
        '3713224',
        '--secret-stdin',
        '--no-verify',
      ),
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
