/**
 * Shell completion (docs/cli.md#completion): the hidden `mp __complete` the
 * scripts run, and the bash script in a real bash (the other shells are
 * checked by what their scripts ask `mp __complete`).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MP, runInPty, setup } from './helpers';

const GROUPS = [
  'login',
  'account',
  'project',
  'workspace',
  'target',
  'session',
  'whoami',
  'doctor',
  'inspect',
  'query',
  'api',
  'completion',
];

/** A temp HOME with accounts `team` (project 3713224), `zeta-ops` (project 42) and target `prod-web`. */
async function configured() {
  const t = await setup();
  await t.withTeam();
  const added = await t.mp([
    'account',
    'add',
    'zeta-ops',
    '--type',
    'oauth_browser',
    '--region',
    'eu',
    '--project',
    '42',
  ]);
  expect(added.code).toBe(0);
  expect((await t.mp(['target', 'add', 'prod-web', '-a', 'team', '-p', '3018488'])).code).toBe(0);
  /** What `mp __complete` offers for the word at `index` of `words`. */
  const offered = async (index: number, ...words: string[]) => {
    const result = await t.mp(['__complete', String(index), ...words]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    return result.stdout.split('\n').filter((line) => line !== '');
  };
  return { ...t, offered };
}

describe('mp __complete', () => {
  it('offers the groups first, and never help', async () => {
    const t = await configured();
    expect(await t.offered(0)).toEqual(GROUPS);
    expect(await t.offered(0, 'acc')).toEqual(['account']);
    expect(await t.offered(0, 'he')).toEqual([]);
    expect(await t.offered(1, 'account', 'u')).toEqual(['update', 'use']);
  });

  it('offers the account names from config.toml after account use/show/remove/login and -a/--account', async () => {
    const t = await configured();
    for (const command of ['use', 'show', 'remove', 'test', 'login', 'logout', 'update', 'token'])
      expect(await t.offered(2, 'account', command)).toEqual(['team', 'zeta-ops']);
    expect(await t.offered(2, 'account', 'use', 'z')).toEqual(['zeta-ops']);
    expect(await t.offered(1, '-a')).toEqual(['team', 'zeta-ops']);
    expect(await t.offered(1, '--account', 't')).toEqual(['team']);
    expect(await t.offered(4, 'target', 'add', 'x', '--account')).toEqual(['team', 'zeta-ops']);
    expect(await t.offered(3, 'account', 'export-bridge', '--account')).toEqual([
      'team',
      'zeta-ops',
    ]);
    // bash hands `--account=` over as `--account`, `=`; the other shells as one word.
    expect(await t.offered(2, '--account', '=')).toEqual(['team', 'zeta-ops']);
    expect(await t.offered(0, '--account=ze')).toEqual(['--account=zeta-ops']);
    // One argument only: nothing after the name.
    expect(await t.offered(3, 'account', 'use', 'team')).toEqual([]);
  });

  it('offers no command after an option that takes a value, and the commands after its value', async () => {
    const t = await configured();
    for (const option of ['-a', '--account', '-t', '--target', '-p', '-w', '--workspace'])
      expect(await t.offered(1, option)).not.toContain('account');
    expect(await t.offered(1, '-w')).toEqual([]);
    expect(await t.offered(2, '-a', 'team')).toEqual(GROUPS);
    expect(await t.offered(3, '-a', 'team', 'account')).toContain('list');
    expect(await t.offered(1, '-q')).toEqual(GROUPS);
  });

  it('offers target names, and project ids from accounts and targets', async () => {
    const t = await configured();
    for (const command of ['use', 'show', 'remove'])
      expect(await t.offered(2, 'target', command)).toEqual(['prod-web']);
    expect(await t.offered(1, '--target')).toEqual(['prod-web']);
    expect(await t.offered(1, '-t', 'p')).toEqual(['prod-web']);
    expect(await t.offered(2, 'project', 'use')).toEqual(['3018488', '3713224', '42']);
    expect(await t.offered(1, '-p')).toEqual(['3018488', '3713224', '42']);
    expect(await t.offered(3, 'workspace', 'list', '-p', '37')).toEqual(['3713224']);
  });

  it('offers the values of --type, --region and each command’s --format', async () => {
    const t = await configured();
    expect(await t.offered(3, 'account', 'add', '--type')).toEqual([
      'service_account',
      'oauth_browser',
      'oauth_token',
    ]);
    expect(await t.offered(3, 'account', 'add', '--region')).toEqual(['us', 'eu', 'in']);
    expect(await t.offered(2, 'login', '--region', 'e')).toEqual(['eu']);
    expect(await t.offered(3, 'account', 'list', '--format')).toEqual([
      'table',
      'json',
      'jsonl',
      'csv',
      'plain',
    ]);
    expect(await t.offered(3, 'account', 'show', '-f')).toEqual(['table', 'json']);
    expect(await t.offered(2, 'session', '--format')).toEqual(['text', 'json']);
    expect(await t.offered(2, 'account', 'list', '--format=j')).toEqual([
      '--format=json',
      '--format=jsonl',
    ]);
    expect(await t.offered(1, 'completion')).toEqual(['bash', 'zsh', 'fish', 'powershell']);
  });

  it('offers the options of the command and the globals for a word starting with -', async () => {
    const t = await configured();
    const options = await t.offered(2, 'account', 'add', '--');
    expect(options).toContain('--type');
    expect(options).toContain('--secret-stdin');
    expect(options).toContain('--quiet');
    expect(await t.offered(2, 'account', 'add', '--reg')).toEqual(['--region']);
  });

  it('offers nothing, silently and with exit 0, when config.toml is malformed', async () => {
    const t = await configured();
    const before = readFileSync(t.config, 'utf8');
    writeFileSync(t.config, `${before}\n[accounts.broken]\nregion = "us"\n`);
    expect(await t.offered(2, 'account', 'use')).toEqual([]);
    expect(await t.offered(1, '-p')).toEqual([]);
    writeFileSync(t.config, 'this is = not [ toml');
    expect(await t.offered(2, 'account', 'use')).toEqual([]);
    expect(await t.offered(1, '-t')).toEqual([]);
    expect(await t.offered(1, '-p')).toEqual([]);
    // The words that need no config are still offered.
    expect(await t.offered(3, 'account', 'add', '--type')).toHaveLength(3);
  });

  it('prints no secret and makes no request', async () => {
    const t = await configured();
    const requests = t.mock.requests().length;
    const result = await t.mp(['__complete', '2', 'account', 'use']);
    expect(result.stdout).not.toMatch(/s3cret/);
    expect(t.mock.requests()).toHaveLength(requests);
  });
});

/** A directory holding an `mp` that runs the built one, as an installed `mp` on PATH would. */
function pathWithMp(home: string): string {
  const bin = join(home, 'bin');
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, 'mp'), `#!/bin/sh\nexec '${process.execPath}' '${MP}' "$@"\n`);
  chmodSync(join(bin, 'mp'), 0o755);
  return `${bin}:${process.env.PATH ?? ''}`;
}

describe('the bash script in bash', () => {
  it('fills COMPREPLY from mp __complete for COMP_WORDS and COMP_CWORD', async () => {
    const t = await configured();
    const script = join(t.home, 'mp.bash');
    writeFileSync(script, (await t.mp(['completion', 'bash'])).stdout);
    const reply = (...words: string[]) => {
      const result = spawnSync(
        'bash',
        [
          '--norc',
          '--noprofile',
          '-c',
          `source "$1"; shift; COMP_WORDS=(mp "$@"); COMP_CWORD=$#; _mp; printf '%s\\n' "\${COMPREPLY[@]}"`,
          'bash',
          script,
          ...words,
        ],
        { env: { ...t.env, PATH: pathWithMp(t.home) }, encoding: 'utf8', cwd: t.home },
      );
      expect(result.stderr).toBe('');
      return result.stdout.split('\n').filter((line) => line !== '');
    };
    expect(reply('account', 'use', '')).toEqual(['team', 'zeta-ops']);
    expect(reply('-a', '')).toEqual(['team', 'zeta-ops']);
    expect(reply('--account', '=', '')).toEqual(['team', 'zeta-ops']);
    expect(reply('--account', '=')).toEqual(['team', 'zeta-ops']);
    expect(reply('account', 'add', '--type', 'o')).toEqual(['oauth_browser', 'oauth_token']);
    expect(reply('')).toEqual(GROUPS);
    expect(reply('target', 'use', '')).toEqual(['prod-web']);
  });

  it('lists the account names for `mp account use <TAB><TAB>` in an interactive bash', async () => {
    const t = await configured();
    const { output } = await runInPty('bash --norc --noprofile -i', {
      env: { ...t.env, PATH: pathWithMp(t.home), PS1: 'READY$ ' },
      cwd: t.home,
      steps: [
        { after: 'READY$ ', type: 'source <(mp completion bash)\r' },
        { after: 'READY$ ', type: 'mp account use \t\t' },
        { after: 'zeta-ops', type: '\x03' },
        { after: 'READY$ ', type: 'exit\r' },
      ],
    });
    const listing = output.slice(output.indexOf('mp account use'), output.indexOf('^C'));
    expect(listing).toMatch(/team\s+zeta-ops/);
    expect(listing).not.toContain('list');
  });
});

describe('the zsh, fish and PowerShell scripts', () => {
  it('each asks mp __complete with the index of the word under the cursor and the words after mp', async () => {
    const t = await setup();
    const zsh = (await t.mp(['completion', 'zsh'])).stdout;
    expect(zsh).toContain('bashcompinit');
    expect(zsh).toContain(`mp __complete "$((COMP_CWORD - 1))" "\${COMP_WORDS[@]:1:COMP_CWORD}"`);
    const fish = (await t.mp(['completion', 'fish'])).stdout;
    expect(fish).toContain('set -l words (commandline -opc)[2..-1]');
    expect(fish).toContain('mp __complete (count $words) $words (commandline -ct)');
    expect(fish).toContain("complete -c mp -f -a '(__mp_complete)'");
    const powershell = await t.mp(['completion', 'powershell']);
    expect(powershell.code).toBe(0);
    expect(powershell.stdout).toContain('Register-ArgumentCompleter -Native -CommandName mp');
    expect(powershell.stdout).toContain('$arguments = @([string]$words.Count) + $words');
    expect(powershell.stdout).toContain('& mp __complete @arguments');
    expect(powershell.stdout).toContain('[System.Management.Automation.CompletionResult]::new(');
  });
});
