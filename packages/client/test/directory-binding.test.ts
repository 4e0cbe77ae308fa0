import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, createTargets } from '../src/index';
import { setup } from './helpers';

/** A folder below the temp HOME bound to target `web` (personal, project 77, workspace 5) through `targets.bind`. */
async function bound() {
  const context = await setup();
  context.store.addTarget('web', { account: 'personal', project: '77', workspace: 5 });
  const shop = join(context.home, 'code', 'shop');
  const nested = join(shop, 'src', 'deep');
  mkdirSync(nested, { recursive: true });
  const targets = createTargets({ env: context.env, home: context.home, cwd: shop });
  const { path } = targets.bind('web');
  return { ...context, shop, nested, path, targets };
}

describe('new Workspace({ cwd }) in a bound folder (docs/resolution.md#directory-binding)', () => {
  it('uses the bound target in the folder and below it, and explain() names the file', async () => {
    const { workspace, nested, shop, path } = await bound();
    expect(path).toBe(join(shop, '.mixpanel', 'target'));
    for (const cwd of [shop, nested]) {
      const ws = workspace({ cwd });
      expect([ws.account.name, ws.project.id, ws.workspace?.id]).toEqual(['personal', '77', 5]);
      const { provenance } = ws.explain();
      expect(provenance.account).toMatchObject({ source: 'directory', value: 'personal', path });
      expect(provenance.project).toMatchObject({ source: 'directory', path });
      expect(provenance.workspace).toMatchObject({ source: 'directory', path });
    }
  });

  it('does not reach a folder outside the bound one, nor the home directory itself', async () => {
    const { workspace, home } = await bound();
    const other = join(home, 'code', 'other');
    mkdirSync(other);
    for (const cwd of [other, home]) {
      expect(workspace({ cwd }).account.name).toBe('team');
      expect(workspace({ cwd }).explain().provenance.account.source).toBe('active');
    }
  });

  it('loses to an explicit target and account, and to environment credentials', async () => {
    const { workspace, store, nested, env } = await bound();
    store.addTarget('main', { account: 'team', project: '3713224' });
    expect(workspace({ cwd: nested, target: 'main' }).account.name).toBe('team');
    const explicit = workspace({ cwd: nested, account: 'team' });
    expect(explicit.account.name).toBe('team');
    expect(explicit.explain().provenance.account.shadowed).toContainEqual(
      expect.objectContaining({ source: 'directory', value: 'personal' }),
    );
    const fromEnv = workspace({
      cwd: nested,
      env: { ...env, MP_OAUTH_TOKEN: 'tok', MP_PROJECT_ID: '9', MP_REGION: 'us' },
    });
    expect([fromEnv.account.name, fromEnv.project.id]).toEqual(['env-oauth-token', '9']);
  });

  it('a binding to a target removed since fails, naming the file', async () => {
    const { workspace, store, nested, path } = await bound();
    store.removeTarget('web');
    let caught: unknown;
    try {
      workspace({ cwd: nested });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).message).toContain(`(named by ${path})`);
    expect((caught as ConfigError).details).toEqual({ target: 'web', path });
  });

  it('use({ target }) in a bound folder keeps the binding below the given target', async () => {
    const { workspace, store, nested } = await bound();
    store.addTarget('main', { account: 'team', project: '3713224' });
    const ws = workspace({ cwd: nested }).use({ target: 'main' });
    expect([ws.account.name, ws.project.id, ws.workspace?.id]).toEqual(['team', '3713224', 5]);
    expect(ws.explain().provenance.workspace.source).toBe('directory');
  });
});

describe('targets.bind / unbind / binding', () => {
  it('refuses a name that is not a saved target, writing nothing', async () => {
    const { env, home } = await setup();
    const folder = join(home, 'code');
    mkdirSync(folder);
    const targets = createTargets({ env, home, cwd: folder });
    expect(() => targets.bind('nope')).toThrow("Target 'nope' not found.");
    expect(targets.binding()).toBeNull();
  });

  it('leaves config.toml byte-identical', async () => {
    const { store, env, home } = await setup();
    store.addTarget('web', { account: 'personal', project: '77' });
    const before = readFileSync(store.path);
    const folder = join(home, 'code');
    mkdirSync(folder);
    createTargets({ env, home, cwd: folder }).bind('web');
    expect(readFileSync(store.path).equals(before)).toBe(true);
  });

  it('unbind removes the folder’s own binding; binding() reports the one in effect', async () => {
    const { targets, nested, path, env, home } = await bound();
    const below = createTargets({ env, home, cwd: nested });
    expect(below.binding()).toEqual({ target: 'web', path });
    expect(below.unbind()).toBeNull(); // nested has no binding of its own
    expect(targets.unbind()).toBe(path);
    expect(below.binding()).toBeNull();
  });

  it('a hand-written binding with comments is read', async () => {
    const { workspace, env, home, store } = await setup();
    store.addTarget('web', { account: 'personal', project: '77' });
    const folder = join(home, 'hand');
    mkdirSync(join(folder, '.mixpanel'), { recursive: true });
    writeFileSync(join(folder, '.mixpanel', 'target'), '# mine\nweb\n');
    expect(workspace({ cwd: folder }).account.name).toBe('personal');
    expect(createTargets({ env, home, cwd: folder }).binding()?.target).toBe('web');
  });
});
