/** Global options, usage errors, help, version and completion (spec 05 §1–3). */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { setup } from './helpers';

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

  it('--target with an axis flag exits 3 before any command runs', async () => {
    const t = await setup();
    for (const flag of [
      ['-a', 'x'],
      ['-p', '1'],
      ['-w', '2'],
    ]) {
      const result = await t.mp(['--target', 't', ...flag, 'account', 'list']);
      expect(result.code).toBe(3);
      expect(result.stderr).toContain(
        '--target is mutually exclusive with --account/--project/--workspace.',
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

  it.each(['bash', 'zsh', 'fish'])(
    'prints a %s completion script naming every group',
    async (shell) => {
      const t = await setup();
      const result = await t.mp(['completion', shell]);
      expect(result.code).toBe(0);
      for (const word of [
        'account',
        'project',
        'workspace',
        'target',
        'session',
        'login',
        'export-bridge',
      ])
        expect(result.stdout).toContain(word);
      expect((await t.mp(['completion', 'tcsh'])).code).toBe(2);
    },
  );
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
