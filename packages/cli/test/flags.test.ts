/** Global options anywhere on the line, attached values, `mp help` and Examples (docs/cli.md#global-options). */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { setup } from './helpers';

describe('global options anywhere', () => {
  it('a global option after the command works like one before it', async () => {
    const t = await setup();
    await t.withTeam();
    const before = await t.mp(['-p', '3018488', 'inspect', 'events', '-f', 'json']);
    expect(before.code).toBe(0);
    for (const args of [
      ['inspect', 'events', '-p', '3018488', '-f', 'json'],
      ['inspect', 'events', '-f', 'json', '--project=3018488'],
      ['inspect', '-p3018488', 'events', '-fjson'],
      ['inspect', 'events', '--format=json', '--project', '3018488', '-q'],
    ]) {
      const result = await t.mp(args);
      expect(result.code, args.join(' ')).toBe(0);
      expect(JSON.parse(result.stdout)).toEqual(['Add to Cart', 'Checkout']);
    }
  });

  it('mp account list -p 1 is accepted; -fjson and --format=json give JSON', async () => {
    const t = await setup();
    for (const args of [
      ['account', 'list', '-p', '1', '-f', 'json'],
      ['account', 'list', '-fjson'],
      ['account', 'list', '--format=json'],
      ['account', 'list', '-q', '-fjson', '-v'],
    ]) {
      const result = await t.mp(args);
      expect(result.code, args.join(' ')).toBe(0);
      expect(result.stdout).toBe('[]\n');
    }
  });

  it('--version and the --target exclusion apply after the command too', async () => {
    const t = await setup();
    expect((await t.mp(['account', 'list', '--version'])).stdout).toMatch(
      /^mp version \d+\.\d+\.\d+\n$/,
    );
    const excluded = await t.mp(['account', 'list', '--target', 't', '-a', 'x']);
    expect(excluded.code).toBe(3);
    expect(excluded.stderr).toBe(
      '--target is mutually exclusive with --account/--project/--workspace.\n',
    );
    expect(existsSync(t.config)).toBe(false);
  });

  it('--show-completion after the command prints the script; after -- nothing is an option', async () => {
    const t = await setup();
    const shown = await t.mp(['account', 'list', '--show-completion'], {
      env: { SHELL: '/bin/bash' },
    });
    expect(shown.code).toBe(0);
    expect(shown.stdout).toBe((await t.mp(['completion', 'bash'])).stdout);
    // `-p` after `--` is the account name, not the global option.
    const dashed = await t.mp(['account', 'use', '--', '-p']);
    expect(dashed.code).not.toBe(0);
    expect(dashed.stderr).not.toContain('No such option');
    expect(dashed.stderr).toContain('-p');
  });

  it("a command's own option keeps its meaning over the global of the same name", async () => {
    const t = await setup();
    // target add's own -a/-p/-w: saved into the target, no --target exclusion.
    await t.withTeam();
    const added = await t.mp([
      'target',
      'add',
      'x',
      '-a',
      'team',
      '-p',
      '3018488',
      '-w2',
      '--no-verify',
    ]);
    expect(added.code).toBe(0);
    const shown = await t.mp(['target', 'show', 'x', '-fjson']);
    expect(JSON.parse(shown.stdout)).toMatchObject({
      account: 'team',
      project: '3018488',
      workspace: 2,
    });
    // login has its own --project but no -p: the global -p is not available after it.
    const login = await t.mp(['login', '-p', '1']);
    expect(login.code).toBe(2);
    expect(login.stderr).toBe('Usage error: No such option: -p\n');
  });
});

describe('mp help', () => {
  it('mp help is mp --help', async () => {
    const t = await setup();
    const help = await t.mp(['help']);
    expect(help).toMatchObject({ code: 0, stderr: '' });
    expect(help.stdout).toBe((await t.mp(['--help'])).stdout);
  });

  it.each([[['account', 'list']], [['account']], [['login']], [['query', 'segmentation']]])(
    'mp help %j is the command help',
    async (words) => {
      const t = await setup();
      const help = await t.mp(['help', ...words]);
      expect(help).toMatchObject({ code: 0, stderr: '' });
      expect(help.stdout).toBe((await t.mp([...words, '--help'])).stdout);
      expect(help.stdout).toMatch(/^Usage: mp /);
    },
  );

  it('mp help with an unknown command is a usage error naming it', async () => {
    const t = await setup();
    const result = await t.mp(['help', 'xyz']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      "Usage error: No such command 'xyz'. Run `mp --help` for the list.\n",
    );
    const sub = await t.mp(['help', 'account', 'lst']);
    expect(sub.code).toBe(2);
    expect(sub.stderr).toContain("No such command 'account lst'. Did you mean `mp account list`?");
  });

  it.each([
    [['login'], 'mp login --no-browser'],
    [['account', 'add'], 'mp account add ci --type service_account'],
    [['target', 'add'], 'mp target add prod'],
    [['session'], 'mp session --explain'],
    [['query', 'segmentation'], 'mp query segmentation -e'],
  ])('the help of %j has Examples', async (words, example) => {
    const t = await setup();
    const help = await t.mp([...words, '--help']);
    expect(help.stdout).toMatch(/\nExamples:\n {2}mp /);
    expect(help.stdout).toContain(example);
  });
});
