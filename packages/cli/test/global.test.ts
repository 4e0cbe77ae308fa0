/** Global options, usage errors, help, version and completion (docs/cli.md#global-options). */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addServiceAccount, setup } from './helpers';

describe('mp', () => {
  it('--version wins over any command; --help exits 0; no command prints help and exits 2', async () => {
    const t = await setup();
    expect((await t.mp(['--version', 'account', 'list'])).stdout).toMatch(
      /^mp version \d+\.\d+\.\d+\n$/,
    );
    const help = await t.mp(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: mp [GLOBAL OPTIONS] COMMAND');
    const bare = await t.mp([]);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain('Usage: mp');
    const group = await t.mp(['account']);
    expect(group.code).toBe(2);
    expect(group.stderr).toContain('Usage: mp account COMMAND');
    expect((await t.mp(['account', 'add', '--help'])).stdout).toContain(
      'Tip: for a new setup, `mp login`',
    );
  });

  it('--help before a command shows that command or group help and runs nothing', async () => {
    const t = await setup();
    const before = await t.mp(['--help', 'account', 'list']);
    expect(before).toMatchObject({ code: 0, stderr: '' });
    expect(before.stdout).toBe((await t.mp(['account', 'list', '--help'])).stdout);
    expect(before.stdout).toMatch(/^Usage: mp account list/);
    const group = await t.mp(['--help', 'account']);
    expect(group.code).toBe(0);
    expect(group.stdout).toMatch(/^Usage: mp account COMMAND/);
    expect(group.stdout).toContain('comments and hand formatting are not kept');
    expect(existsSync(t.config)).toBe(false);
  });

  it.each([
    [['auth', 'login']],
    [['projects', 'list']],
    [['config', 'convert']],
    [['project', 'list', '--remote']],
    [['account', 'list', '--bogus']],
    [['account', 'use']],
    [['account', 'use', 'a', 'b']],
  ])('%j is a usage error (exit 2)', async (args) => {
    const t = await setup();
    const result = await t.mp(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^Usage error: /m);
  });

  it.each([
    [['acount', 'list'], 'Did you mean `mp account`?'],
    [['account', 'lst'], 'Did you mean `mp account list`?'],
    [['account', 'list', '--fromat', 'json'], 'No such option: --fromat (did you mean --format?)'],
  ])('a typo in %j gets a suggestion (exit 2)', async (args, hint) => {
    const t = await setup();
    const result = await t.mp(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(hint);
  });

  it('mp session names the session flags it does not apply, and stays quiet about env defaults', async () => {
    const t = await setup();
    await t.withTeam();
    const flagged = await t.mp(['-a', 'team', '-p', '3018488', 'session']);
    expect(flagged.code).toBe(0);
    expect(flagged.stderr).toContain(
      'note: --account, --project do not change `mp session`, which shows the saved state; see `mp session --effective`.',
    );
    expect(flagged.stdout).toContain('3713224'); // the saved project, as the note says
    const fromEnv = await t.mp(['session'], { env: { MP_PROJECT_ID: '3018488' } });
    expect(fromEnv.stderr).not.toContain('do not change');
    expect((await t.mp(['-p', '3018488', 'session', '--effective'])).stderr).not.toContain(
      'does not change',
    );
  });

  it('nothing close enough gets no suggestion', async () => {
    const t = await setup();
    const result = await t.mp(['xyz']);
    expect(result.stderr).toBe(
      "Usage error: No such command 'xyz'. Run `mp --help` for the list.\n",
    );
  });

  it('--target with an axis flag exits 3 before any command runs', async () => {
    const t = await setup();
    for (const flag of [
      ['-a', 'x'],
      ['-p', '1'],
      ['-w', '2'],
    ]) {
      const result = await t.mp(['--target', 't', ...flag, 'account', 'list']);
      expect(result.code).toBe(3);
      expect(result.stderr).toBe(
        '--target is mutually exclusive with --account/--project/--workspace.\n',
      );
    }
    expect(existsSync(t.config)).toBe(false);
  });

  it('env defaults do not trip the exclusion: MP_TARGET gives way to an explicit -p', async () => {
    const t = await setup();
    await t.withTeam();
    const result = await t.mp(['-p', '3018488', 'inspect', 'events', '-f', 'json'], {
      env: { MP_TARGET: 'nope' },
    });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(['Add to Cart', 'Checkout']);
  });

  it('a non-integer MP_WORKSPACE_ID or --workspace is a usage error for every command', async () => {
    const t = await setup();
    expect((await t.mp(['account', 'list'], { env: { MP_WORKSPACE_ID: 'abc' } })).code).toBe(2);
    expect((await t.mp(['-w', 'x', 'account', 'list'])).code).toBe(2);
  });

  it('notes MP_BASE_URL on stderr, never on stdout', async () => {
    const t = await setup();
    const result = await t.mp(['account', 'list', '-f', 'json']);
    expect(result.stderr).toContain(
      `note: MP_BASE_URL is set; every Mixpanel request goes to ${t.mock.origin}`,
    );
    expect(result.stdout).toBe('[]\n');
  });

  it('warns once about a partial env credential set where a session is resolved, not where MP_SECRET feeds account add', async () => {
    const t = await setup();
    const partial = { MP_USERNAME: 'u', MP_SECRET: 's', MP_PROJECT_ID: '1' };
    const explained = await t.mp(['session', '--explain'], { env: partial });
    const warning =
      'warning: MP_USERNAME and MP_SECRET are set but MP_REGION is not; ignoring env credentials.';
    expect(explained.stderr.split('\n').filter((line) => line === warning)).toHaveLength(1);
    const added = await t.mp(addServiceAccount('team', '--region', 'us', '--project', '3713224'), {
      env: { MP_SECRET: 's3cret-sa' },
    });
    expect(added.code).toBe(0);
    expect(added.stderr).not.toContain('ignoring env credentials');
  });

  it('MP_DEBUG adds a stack trace unless it is empty, 0, false, no or off', async () => {
    const t = await setup();
    const stack = /^\s+at /m;
    for (const value of ['', '0', 'false', 'No', 'off']) {
      const result = await t.mp(['-a', 'zz', 'inspect', 'events'], { env: { MP_DEBUG: value } });
      expect([value, result.code, stack.test(result.stderr)]).toEqual([value, 1, false]);
    }
    const debug = await t.mp(['-a', 'zz', 'inspect', 'events'], { env: { MP_DEBUG: '1' } });
    expect([debug.code, stack.test(debug.stderr)]).toEqual([1, true]);
  });

  it('prints [accounts.NAME] brackets literally, one line plus the legacy hint, no stack trace', async () => {
    const t = await setup();
    await t.withTeam();
    const { writeFileSync, readFileSync } = await import('node:fs');
    writeFileSync(
      t.config,
      `${readFileSync(t.config, 'utf8')}\n[accounts.broken]\nregion = "us"\n`,
    );
    const result = await t.mp(['account', 'list']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      "Configuration error: Invalid [accounts.broken] block: Unable to extract tag using discriminator 'type'",
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it.each(['bash', 'zsh', 'fish', 'powershell'])(
    'prints a %s completion script that asks mp __complete, which names every group',
    async (shell) => {
      const t = await setup();
      const result = await t.mp(['completion', shell]);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('mp __complete ');
      const groups = (await t.mp(['__complete', '0'])).stdout.split('\n');
      for (const word of ['account', 'project', 'workspace', 'target', 'session', 'login'])
        expect(groups).toContain(word);
      expect((await t.mp(['__complete', '1', 'account'])).stdout).toContain('export-bridge\n');
      const unknown = await t.mp(['completion', 'tcsh']);
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toBe(
        "Usage error: Unknown shell 'tcsh': use bash, zsh, fish or powershell.\n",
      );
    },
  );
});

describe('--show-completion and --install-completion (docs/cli.md#global-options)', () => {
  it('--show-completion prints the script of the shell in $SHELL, the same as `mp completion`', async () => {
    const t = await setup();
    for (const shell of ['bash', 'zsh', 'fish']) {
      const shown = await t.mp(['--show-completion'], { env: { SHELL: `/usr/bin/${shell}` } });
      expect(shown.code).toBe(0);
      expect(shown.stdout).toBe((await t.mp(['completion', shell])).stdout);
    }
  });

  it('--install-completion for bash writes the script and adds one source line to ~/.bashrc, keeping what was there', async () => {
    const t = await setup();
    writeFileSync(join(t.home, '.bashrc'), 'export EDITOR=vi'); // no trailing newline
    const env = { SHELL: '/bin/bash' };
    const first = await t.mp(['--install-completion'], { env });
    expect(first.code).toBe(0);
    expect(first.stdout).toBe(
      'bash completion installed in ~/.bash_completions/mp.sh\nCompletion will take effect once you restart the terminal.\n',
    );
    expect((await t.mp(['--install-completion'], { env })).code).toBe(0);
    expect(readFileSync(join(t.home, '.bashrc'), 'utf8')).toBe(
      'export EDITOR=vi\nsource ~/.bash_completions/mp.sh\n',
    );
    const script = join(t.home, '.bash_completions', 'mp.sh');
    expect(readFileSync(script, 'utf8')).toBe((await t.mp(['completion', 'bash'])).stdout);
    // The installed script loads in a real bash and completes groups and global options.
    const complete = (...words: string[]) =>
      execFileSync(
        'bash',
        [
          '-c',
          `source "$1"; shift; COMP_WORDS=(mp "$@"); COMP_CWORD=$#; _mp; echo "\${COMPREPLY[*]}"`,
          '_',
          script,
          ...words,
        ],
        { encoding: 'utf8' },
      ).trim();
    expect(complete('acc')).toBe('account');
    expect(complete('--acc')).toBe('--account');
    expect(complete('account', 'ex')).toBe('export-bridge');
    // An option's value is not a command word, in either spelling bash splits it into.
    expect(complete('-a', 'foo', 'account', 'ex')).toBe('export-bridge');
    expect(complete('--format', '=', 'json', 'account', 'ex')).toBe('export-bridge');
    expect(complete('account', 'add', '--type', 'x', '--re')).toBe('--region');
  });

  it('--install-completion for zsh and fish puts the script where each shell loads it', async () => {
    const t = await setup();
    expect((await t.mp(['--install-completion'], { env: { SHELL: '/bin/zsh' } })).code).toBe(0);
    expect(readFileSync(join(t.home, '.zshrc'), 'utf8')).toBe(
      'autoload -Uz compinit && compinit\nsource ~/.zfunc/mp.zsh\n',
    );
    expect(readFileSync(join(t.home, '.zfunc', 'mp.zsh'), 'utf8')).toContain('#compdef mp');
    const fish = await t.mp(['--install-completion'], { env: { SHELL: '/usr/local/bin/fish' } });
    expect(fish.stdout).toContain('~/.config/fish/completions/mp.fish');
    expect(
      readFileSync(join(t.home, '.config', 'fish', 'completions', 'mp.fish'), 'utf8'),
    ).toContain("complete -c mp -f -a '(__mp_complete)'");
    expect(existsSync(join(t.home, '.config', 'fish', 'config.fish'))).toBe(false);
  });

  it('an unknown or missing $SHELL is a usage error that names the fix, and nothing is written', async () => {
    const t = await setup();
    const before = readdirSync(t.home);
    const tcsh = await t.mp(['--install-completion'], { env: { SHELL: '/bin/tcsh' } });
    expect(tcsh.code).toBe(2);
    expect(tcsh.stderr).toBe(
      "Usage error: Cannot tell your shell from $SHELL ('/bin/tcsh'): set SHELL to bash, zsh or fish, or run `mp completion bash|zsh|fish`.\n",
    );
    const unset = await t.mp(['--show-completion']);
    expect(unset.code).toBe(2);
    expect(unset.stderr).toContain('$SHELL (not set)');
    expect(readdirSync(t.home)).toEqual(before);
  });

  it('a startup file that cannot be written is a one-line configuration error (exit 1)', async () => {
    const t = await setup();
    mkdirSync(join(t.home, '.bashrc'));
    const result = await t.mp(['--install-completion'], { env: { SHELL: '/bin/bash' } });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'Configuration error: Cannot install bash completion: ~/.bashrc could not be written (EISDIR). Fix that path, or save the output of `mp completion bash` where your shell loads it.\n',
    );
  });
});

describe('interruption', () => {
  it('Ctrl-C while waiting for the browser prints "Interrupted" and exits 130', async () => {
    const t = await setup();
    await t.mp(['account', 'add', 'me', '--type', 'oauth_browser', '--region', 'us']);
    let sent = false;
    const result = await t.mp(['account', 'login', 'me', '--no-browser'], {
      onStderr: (text, child) => {
        if (!sent && /\n {2}http\S+\n/.test(text)) {
          sent = true;
          child.kill('SIGINT');
        }
      },
    });
    expect(result.code).toBe(130);
    expect(result.stderr).toContain('Interrupted');
  });
});
