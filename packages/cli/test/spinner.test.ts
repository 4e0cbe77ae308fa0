/**
 * The spinner under a real pseudo-terminal (docs/cli.md#spinners): one
 * spinner at a time, erased before anything is printed or asked, shown on
 * network waits longer than 300 ms, never on a pipe or with `-q`.
 */
import { simulateBrowser } from '@mixpanel-data/testkit';
import { describe, expect, it } from 'vitest';
import { MOCK_BROWSER, runMpInPty, setup } from './helpers';

const FRAMES = /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/;
const NAMES = '/api/query/events/names';
/** A prompt no command here asks: the pty runs the command to its end without typing. */
const NO_PROMPT = { prompt: '\u0000never', answer: null };

/**
 * What a terminal shows for `output`, line by line: `\r` returns to the
 * start of the line, `ESC [ K` erases to its end, `\n` starts a new line,
 * and any other character overwrites the one under the cursor.
 */
function screen(output: string): string[] {
  const lines: string[] = [];
  let line: string[] = [];
  let cursor = 0;
  for (let index = 0; index < output.length; index++) {
    const char = output[index]!;
    if (output.startsWith('\x1b[K', index)) {
      line = line.slice(0, cursor);
      index += 2;
    } else if (char === '\r') cursor = 0;
    else if (char === '\n') {
      lines.push(line.join(''));
      line = [];
      cursor = 0;
    } else line[cursor++] = char;
  }
  lines.push(line.join(''));
  return lines;
}

describe('the spinner and the project picker of mp login', () => {
  it('erases the browser spinner before the picker and never draws over the question', async () => {
    const t = await setup();
    // A slow /me after the browser's answer: the login's spinner is still up when the picker comes.
    t.mock.slow('/api/app/me', 500, { times: 1 });
    const prompt = 'Which project? [1]: ';
    const result = await runMpInPty(['login'], {
      env: { ...t.env, BROWSER: MOCK_BROWSER },
      cwd: t.home,
      prompt,
      answer: '',
      // Long enough for several frames of a spinner that kept running.
      pauseMs: 600,
    });
    expect(result.code).toBe(0);
    const { output } = result;
    const asked = output.indexOf(prompt);
    expect(asked).toBeGreaterThan(-1);
    // The question's line, from the prompt to the echo of the answer: no frame drawn on it.
    const rest = output.slice(asked + prompt.length);
    expect(rest.slice(0, rest.indexOf('\n'))).not.toMatch(FRAMES);
    // The spinner ran before the question and its line was erased before the picker printed.
    const before = output.slice(0, asked);
    const lastFrame = before.search(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏][^⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]*$/);
    expect(lastFrame).toBeGreaterThan(-1);
    expect(before.indexOf('\r\x1b[K', lastFrame)).toBeGreaterThan(-1);
    expect(before.indexOf('\r\x1b[K', lastFrame)).toBeLessThan(
      before.indexOf('Found 2 project(s)'),
    );
    // What the terminal shows: the question intact, with the answer (Enter) after it.
    const shown = screen(output);
    expect(shown).toContain(prompt);
    expect(shown.some((line) => line.startsWith('Found 2 project(s)'))).toBe(true);
    expect(shown.join('\n')).not.toMatch(FRAMES);
    expect(shown).toContain('Logged in as alice@example.com → acme-corp · AI Demo');
  });
});

describe('mp account login --no-browser on a terminal', () => {
  it('draws no spinner while a pasted redirect may be typed: one plain line says what it waits for', async () => {
    const t = await setup();
    await t.mp(['account', 'add', 'personal', '--type', 'oauth_browser', '--region', 'us']);
    const waiting = 'Waiting for the redirect (or a pasted URL)…';
    const result = await runMpInPty(['account', 'login', 'personal', '--no-browser'], {
      env: t.env,
      cwd: t.home,
      prompt: waiting,
      // Long enough for several frames of a spinner; then the browser answers on the loopback.
      pauseMs: 500,
      keys: true,
      answer: (output) => {
        void simulateBrowser(
          / {2}(http:\/\/127\.0\.0\.1:\d+\/oauth\/authorize\/\S+)/.exec(output)![1]!,
        );
        return '';
      },
    });
    expect(result.code).toBe(0);
    expect(result.output).not.toMatch(FRAMES);
    expect(screen(result.output)).toContain(waiting);
  });
});

describe('the spinner of a network wait', () => {
  it('spins on a TTY while a query waits, and leaves only the output on the terminal', async () => {
    const t = await setup();
    await t.withTeam();
    t.mock.slow(NAMES, 1200, { times: 1 });
    const result = await runMpInPty(['inspect', 'events'], {
      env: t.env,
      cwd: t.home,
      ...NO_PROMPT,
    });
    expect(result.code).toBe(0);
    expect(result.output).toMatch(/\r[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] /);
    // The spinner's line is erased before the first line of output.
    const firstName = result.output.indexOf('Login');
    const lastFrame = result.output.slice(0, firstName).search(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏][^⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]*$/);
    expect(result.output.indexOf('\r\x1b[K', lastFrame)).toBeLessThan(firstName);
    expect(result.output.slice(firstName)).not.toMatch(FRAMES);
    const shown = screen(result.output).filter((line) => line !== '');
    expect(shown.slice(-4)).toEqual(['Login', 'Page View', 'Purchase', 'Sign Up']);
    expect(shown.join('\n')).not.toMatch(FRAMES);
  });

  it('leaves nothing of the spinner behind when the command fails, or is interrupted with Ctrl-C', async () => {
    const t = await setup();
    await t.withTeam();
    t.mock.inject({
      match: { path: NAMES },
      action: 'respond',
      delay_ms: 800,
      response: { status: 403, json: { error: 'no access' } },
    });
    const failed = await runMpInPty(['inspect', 'events'], {
      env: t.env,
      cwd: t.home,
      ...NO_PROMPT,
    });
    expect(failed.code).toBe(3);
    expect(failed.output).toMatch(FRAMES);
    const shownFailure = screen(failed.output).join('\n');
    expect(shownFailure).not.toMatch(FRAMES);
    expect(shownFailure).toContain('Query error: no access');
    t.mock.hang(NAMES);
    // Ctrl-C typed at the terminal once the spinner shows.
    const interrupted = await runMpInPty(['inspect', 'events'], {
      env: t.env,
      cwd: t.home,
      prompt: 'Waiting for Mixpanel…',
      answer: '\x03',
      keys: true,
    });
    expect(interrupted.code).toBe(130);
    const shown = screen(interrupted.output).join('\n');
    expect(shown).not.toMatch(FRAMES);
    expect(shown).toContain('Interrupted');
  });

  it('shows no spinner character or escape sequence on a pipe, or with -q on a TTY', async () => {
    const t = await setup();
    await t.withTeam();
    t.mock.slow(NAMES, 800, { times: 2 });
    const piped = await t.mp(['inspect', 'events']);
    expect(piped.code).toBe(0);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the test looks for them
    expect(piped.stdout + piped.stderr).not.toMatch(/[\x1b\r⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/);
    const quiet = await runMpInPty(['-q', 'inspect', 'events'], {
      env: t.env,
      cwd: t.home,
      ...NO_PROMPT,
    });
    expect(quiet.code).toBe(0);
    // The terminal turns each \n into \r\n; nothing else may be there.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the test looks for them
    expect(quiet.output.replaceAll('\r\n', '\n')).not.toMatch(/[\x1b\r⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/);
    expect(quiet.output).toContain('Sign Up');
  });

  it('shows no spinner for a call answered within 300 ms', async () => {
    const t = await setup();
    await t.withTeam();
    const result = await runMpInPty(['inspect', 'events'], {
      env: t.env,
      cwd: t.home,
      ...NO_PROMPT,
    });
    expect(result.code).toBe(0);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the test looks for them
    expect(result.output.replaceAll('\r\n', '\n')).not.toMatch(/[\x1b\r⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/);
    expect(result.output).toContain('Sign Up');
  });
});
