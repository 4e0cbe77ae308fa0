/**
 * Destructive commands ask first on a TTY and take --yes
 * (docs/cli.md#prompts): off a TTY without --yes they exit 3 and change
 * nothing; under a real pseudo-terminal "n" keeps everything and "y" removes.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MOCK_BROWSER, runMpInPty, setup } from './helpers';

/** `me`, logged in through the mock (tokens.json on disk), and `team`. */
async function withTokens() {
  const t = await setup();
  await t.withTeam();
  expect((await t.mp(['account', 'add', 'me', '--type', 'oauth_browser'])).code).toBe(0);
  expect((await t.mp(['account', 'login', 'me'], { env: { BROWSER: MOCK_BROWSER } })).code).toBe(0);
  const tokens = join(t.home, '.mp', 'accounts', 'me', 'tokens.json');
  expect(existsSync(tokens)).toBe(true);
  const files = () => [readFileSync(t.config), readFileSync(tokens)];
  return { ...t, tokens, files };
}

/** stderr without the note every run against the mock starts with. */
const stderrOf = (result: { stderr: string }) =>
  result.stderr.replace(/^note: MP_BASE_URL is set;.*\n/, '');

const COMMANDS = [
  {
    args: ['account', 'remove', 'me'],
    refusal: "remove account 'me'",
    prompt: "Remove account 'me'? [y/N]: ",
    done: "Removed account 'me'",
  },
  {
    args: ['account', 'logout', 'me'],
    refusal: "log out of account 'me'",
    prompt: "Log out of account 'me' (delete its tokens)? [y/N]: ",
    done: "Removed tokens for 'me'",
  },
];

describe.each(COMMANDS)('mp $args.0 $args.1', ({ args, refusal, prompt, done }) => {
  it('off a TTY without --yes: exit 3, one line naming --yes, files byte-identical', async () => {
    const t = await withTokens();
    const before = t.files();
    const result = await t.mp(args, { stdin: 'y\n' });
    expect(result).toMatchObject({ code: 3, stdout: '' });
    expect(stderrOf(result)).toBe(
      `Invalid argument: Refusing to ${refusal} without confirmation; pass --yes when not running interactively.\n`,
    );
    expect(t.files()).toEqual(before);
  });

  it.each([['--yes'], ['-y']])('with %s: done without asking', async (flag) => {
    const t = await withTokens();
    const result = await t.mp([...args, flag]);
    expect(result).toMatchObject({ code: 0, stdout: `${done}\n` });
    expect(stderrOf(result)).toBe('');
    expect(existsSync(t.tokens)).toBe(false);
  });

  it('a missing account exits 1 before any question', async () => {
    const t = await setup();
    const result = await t.mp([args[0]!, args[1]!, 'ghost']);
    expect(result.code).toBe(1);
    expect(result.stderr).not.toContain('--yes');
  });

  describe.skipIf(process.platform !== 'linux')('under a pseudo-terminal', () => {
    it('"n" changes nothing: Aborted., exit 0', async () => {
      const t = await withTokens();
      const before = t.files();
      const result = await runMpInPty(args, { env: t.env, cwd: t.home, prompt, answer: 'n' });
      expect(result.code).toBe(0);
      expect(result.output).toContain(prompt);
      expect(result.output).toContain('Aborted.');
      expect(result.output).not.toContain(done);
      expect(t.files()).toEqual(before);
    });

    it('end of input changes nothing: Aborted., exit 1', async () => {
      const t = await withTokens();
      const before = t.files();
      const result = await runMpInPty(args, { env: t.env, cwd: t.home, prompt, answer: null });
      expect(result.code).toBe(1);
      expect(result.output).toContain('Aborted.');
      expect(t.files()).toEqual(before);
    });

    it('"y" goes ahead', async () => {
      const t = await withTokens();
      const result = await runMpInPty(args, { env: t.env, cwd: t.home, prompt, answer: 'y' });
      expect(result.code).toBe(0);
      expect(result.output).toContain(done);
      expect(existsSync(t.tokens)).toBe(false);
      if (args[1] === 'remove')
        expect(readFileSync(t.config, 'utf8')).not.toContain('[accounts.me]');
      else expect(readFileSync(t.config, 'utf8')).toContain('[accounts.me]');
    });
  });
});

describe('mp account remove of an account that targets use', () => {
  /** `team` with the target `demo` on it. */
  async function withTarget() {
    const t = await setup();
    await t.withTeam();
    expect(
      (await t.mp(['target', 'add', 'demo', '--account', 'team', '--project', '3713224'])).code,
    ).toBe(0);
    return t;
  }

  it('off a TTY without --force: the in-use error comes first, not the --yes refusal', async () => {
    const t = await withTarget();
    const before = readFileSync(t.config);
    const result = await t.mp(['account', 'remove', 'team']);
    expect(result.code).toBe(1);
    expect(stderrOf(result)).toMatch(/^Configuration error: .*demo.*--force/);
    expect(result.stderr).not.toContain('--yes');
    expect(readFileSync(t.config)).toEqual(before);
  });

  it.skipIf(process.platform !== 'linux')(
    'on a TTY without --force: refused before any question',
    async () => {
      const t = await withTarget();
      const before = readFileSync(t.config);
      const result = await runMpInPty(['account', 'remove', 'team'], {
        env: t.env,
        cwd: t.home,
        prompt: "Remove account 'team'? [y/N]: ",
        answer: 'y',
      });
      expect(result.code).toBe(1);
      expect(result.output).not.toContain('[y/N]');
      expect(result.output).toContain('--force');
      expect(readFileSync(t.config)).toEqual(before);
    },
  );

  it('with --force on a TTY the question names the targets it orphans', async () => {
    const t = await withTarget();
    const prompt = "Remove account 'team' and orphan its target demo? [y/N]: ";
    const result = await runMpInPty(['account', 'remove', 'team', '--force'], {
      env: t.env,
      cwd: t.home,
      prompt,
      answer: 'y',
    });
    expect(result.code).toBe(0);
    expect(result.output).toContain(prompt);
    expect(result.output).toContain('Orphaned targets: demo');
  });
});

describe.skipIf(process.platform !== 'linux')('mp target remove under a pseudo-terminal', () => {
  it.each([
    ['n', 'Aborted.', true],
    ['y', 'Removed target: demo', false],
  ])('"%s" → %s', async (answer, shown, kept) => {
    const t = await setup();
    await t.withTeam();
    await t.mp(['target', 'add', 'demo', '--account', 'team', '--project', '3713224']);
    const prompt = "Remove target 'demo'? [y/N]: ";
    const result = await runMpInPty(['target', 'remove', 'demo'], {
      env: t.env,
      cwd: t.home,
      prompt,
      answer,
    });
    expect(result.code).toBe(0);
    expect(result.output).toContain(shown);
    expect(readFileSync(t.config, 'utf8').includes('[targets.demo]')).toBe(kept);
  });
});
