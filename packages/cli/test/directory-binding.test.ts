import { lstatSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMp, setup } from './helpers';

/**
 * `team` (active, project 3713224) and the target `web` (team, project 4242,
 * workspace 7); `shop` below HOME, bound to `web` by `mp target use web --here`
 * run there, and `deep` below it. `at(cwd, args)` runs mp in that folder.
 */
async function bound() {
  const t = await setup();
  await t.withTeam();
  const added = await t.mp([
    'target',
    'add',
    'web',
    '-a',
    'team',
    '-p',
    '4242',
    '-w',
    '7',
    '--no-verify',
  ]);
  expect(added.code).toBe(0);
  const shop = join(t.home, 'code', 'shop');
  const deep = join(shop, 'src', 'deep');
  mkdirSync(deep, { recursive: true });
  const at = (cwd: string, args: readonly string[], env: Record<string, string> = {}) =>
    runMp(args, { env: { ...t.env, ...env }, cwd });
  const before = readFileSync(t.config);
  const bind = await at(shop, ['target', 'use', 'web', '--here']);
  const file = join(shop, '.mixpanel', 'target');
  return { ...t, shop, deep, at, bind, file, before };
}

describe('mp target use NAME --here (docs/cli.md#mp-target-use)', () => {
  it('writes .mixpanel/target in the current folder and leaves config.toml byte-identical', async () => {
    const { bind, file, config, before } = await bound();
    expect(bind.code).toBe(0);
    expect(bind.stdout).toBe(`Directory target: web (${file})\n→ team · 4242 · ws 7\n`);
    expect(readFileSync(file, 'utf8')).toBe(
      '# mp: the saved target for this folder and below\nweb\n',
    );
    expect(readFileSync(config).equals(before)).toBe(true);
  });

  it('makes mp in a nested folder use the target, and --explain names the file', async () => {
    const { at, deep, file } = await bound();
    const explained = await at(deep, ['session', '--explain']);
    expect(explained.code).toBe(0);
    expect(explained.stdout).toBe(
      [
        `Account:   team (service_account, us)  [from directory ${file}]  shadows team (active)`,
        `Project:   4242  [from directory ${file}]  shadows 3713224 (default)`,
        `Workspace: 7  [from directory ${file}]`,
        '',
      ].join('\n'),
    );
    const json = JSON.parse((await at(deep, ['session', '--explain', '-f', 'json'])).stdout);
    expect(json.project).toEqual({ id: '4242' });
    expect(json.provenance.project).toEqual({
      source: 'directory',
      value: '4242',
      path: file,
      shadowed: [{ source: 'default', value: '3713224' }],
    });
  });

  it('mp session notes the binding on stderr and still shows the saved session', async () => {
    const { at, deep, file } = await bound();
    const shown = await at(deep, ['session']);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('Account:   team (service_account, us)');
    expect(shown.stdout).toContain('(3713224)');
    expect(shown.stderr).toContain(
      `note: ${file} binds this folder to target 'web', which commands here use unless a flag, the environment or a bridge file decides; see \`mp session --explain\`.`,
    );
  });

  it('loses to --target, -p, MP_TARGET and MP_* environment values', async () => {
    const { at, deep, mp } = await bound();
    await mp(['target', 'add', 'main', '-a', 'team', '-p', '1111', '--no-verify']);
    const project = async (args: string[], env: Record<string, string> = {}) => {
      const result = await at(deep, ['session', '--explain', '-f', 'json', ...args], env);
      expect(result.code).toBe(0);
      const { provenance } = JSON.parse(result.stdout);
      return [provenance.project.source, provenance.project.value];
    };
    expect(await project(['--target', 'main'])).toEqual(['target', '1111']);
    expect(await project(['-p', '5'])).toEqual(['param', '5']);
    expect(await project([], { MP_TARGET: 'main' })).toEqual(['target', '1111']);
    expect(await project([], { MP_PROJECT_ID: '9' })).toEqual(['env', '9']);
    const fromEnv = await at(deep, ['session', '--explain', '-f', 'json'], {
      MP_OAUTH_TOKEN: 'tok',
      MP_PROJECT_ID: '9',
      MP_REGION: 'eu',
      MP_WORKSPACE_ID: '3',
    });
    const { provenance } = JSON.parse(fromEnv.stdout);
    expect([provenance.account.source, provenance.workspace.source]).toEqual(['env', 'env']);
  });

  it('--clear removes the file and the emptied .mixpanel folder', async () => {
    const { at, shop, deep, file } = await bound();
    const cleared = await at(shop, ['target', 'use', '--here', '--clear']);
    expect(cleared.code).toBe(0);
    expect(cleared.stdout).toBe(`Removed directory binding: ${file}\n`);
    expect(() => lstatSync(join(shop, '.mixpanel'))).toThrow();
    const again = await at(shop, ['target', 'use', '--here', '--clear']);
    expect(again.stdout).toBe(`No directory binding in ${shop}.\n`);
    const { provenance } = JSON.parse(
      (await at(deep, ['session', '--explain', '-f', 'json'])).stdout,
    );
    expect(provenance.project.source).toBe('default');
  });

  it('a binding to a removed target fails with the file named and exit 1', async () => {
    const { at, deep, file, mp } = await bound();
    expect((await mp(['target', 'remove', 'web', '--yes'])).code).toBe(0);
    const failed = await at(deep, ['session', '--explain']);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toBe('');
    expect(failed.stderr).toContain(
      `Configuration error: Target 'web' not found (named by ${file}). Run \`mp target use --here --clear\` in that folder, or \`mp target add web ...\`.`,
    );
  });

  it('does not affect a folder outside the bound one, or outside the home tree', async () => {
    const { at, home } = await bound();
    const outside = realpathSync(mkdtempSync(join(tmpdir(), 'mp-outside-')));
    try {
      for (const cwd of [outside, join(home, 'code'), home]) {
        const { provenance } = JSON.parse(
          (await at(cwd, ['session', '--explain', '-f', 'json'])).stdout,
        );
        expect([provenance.account.source, provenance.project.source]).toEqual([
          'active',
          'default',
        ]);
      }
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('refuses an unknown target, the home directory and bad flag combinations, writing nothing', async () => {
    const { at, shop, home, config, before } = await bound();
    const other = join(home, 'code', 'other');
    mkdirSync(other);
    const unknown = await at(other, ['target', 'use', 'nope', '--here']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("Configuration error: Target 'nope' not found.\n");
    expect(() => lstatSync(join(other, '.mixpanel'))).toThrow();
    const inHome = await at(home, ['target', 'use', 'web', '--here']);
    expect(inHome.code).toBe(1);
    expect(inHome.stderr).toContain(`Refusing to bind the home directory ${home}`);
    expect(() => lstatSync(join(home, '.mixpanel'))).toThrow();
    expect((await at(shop, ['target', 'use', '--clear'])).code).toBe(2);
    expect((await at(shop, ['target', 'use', 'web', '--here', '--clear'])).code).toBe(2);
    const missing = await at(shop, ['target', 'use']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(
      'Usage error: Missing argument NAME (or pass --here --clear to remove the binding of this folder).',
    );
    expect(readFileSync(config).equals(before)).toBe(true);
    expect(readFileSync(join(shop, '.mixpanel', 'target'), 'utf8')).toContain('\nweb\n');
  });
});
