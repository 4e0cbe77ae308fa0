/**
 * Interchangeability with the Python tool: its files read to the expected
 * model, and the files we write read back through Python's tomllib to the
 * same values.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveSession } from '@mixpanel-data/auth-core';
import { describe, expect, it } from 'vitest';
import { parseToml } from '../src/index';
import { tempHome } from './helpers';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'python');

/** Python's own reading of a TOML file, as JSON. */
function tomllib(path: string): unknown {
  const script =
    'import json, sys, tomllib\nprint(json.dumps(tomllib.load(open(sys.argv[1], "rb"))))';
  return JSON.parse(execFileSync('python3', ['-c', script, path], { encoding: 'utf8' }));
}

function homeWith(fixture: string) {
  const t = tempHome();
  mkdirSync(join(t.home, '.mp'), { mode: 0o700 });
  copyFileSync(join(fixtures, fixture), t.configPath);
  chmodSync(t.configPath, 0o600);
  return t;
}

describe('files written by the Python tool', () => {
  it('the spec example reads to the expected model and resolves', () => {
    const t = homeWith('spec-example.toml');
    expect(
      t.store
        .listAccounts()
        .map((a) => [a.name, a.type, a.region, a.projectId, a.isActive, a.referencedByTargets]),
    ).toEqual([
      ['me', 'oauth_browser', 'us', '12001', false, ['sandbox']],
      ['ops-sa', 'service_account', 'eu', '4400117', true, ['checkout']],
      ['pipeline', 'oauth_token', 'in', null, false, []],
    ]);
    const sa = t.store.getAccount('ops-sa');
    expect(sa.type === 'service_account' && [sa.username, sa.secret.reveal()]).toEqual([
      'ops-bot.1a2b3c.mp-service-account',
      'Zx81-not-a-real-secret',
    ]);
    expect(t.store.getCustomHeader()).toEqual({ name: 'X-Mixpanel-Cluster', value: 'canary-3' });
    const { session } = resolveSession({ config: t.store.read() });
    expect([session.account.name, session.projectId, session.workspaceId, session.headers]).toEqual(
      ['ops-sa', '4400117', 777001, { 'X-Mixpanel-Cluster': 'canary-3' }],
    );
  });

  it('a hand-edited file with an inline header and a quoted target key reads and survives a write', () => {
    const t = homeWith('hand-edited.toml');
    expect(t.store.getCustomHeader()).toEqual({ name: 'X-Team', value: 'data eng' });
    expect(t.store.getTarget('a.b c')).toEqual({ name: 'a.b c', account: 'ci', project: '007' });
    t.store.addAccount('me', { type: 'oauth_browser', region: 'eu' });
    expect(t.store.getTarget('a.b c').project).toBe('007');
    expect(t.store.read().getSettings()).toMatchObject({ theme: 'dark' });
    expect(t.read()).not.toContain('# A file a person edited');
  });

  it('a v2 file keeps reading but refuses writes with the recovery hint', () => {
    const t = homeWith('legacy-v2.toml');
    expect(t.store.listAccounts()).toEqual([]);
    expect(() => t.store.getActive()).toThrow(
      /Invalid \[active\] block: Extra inputs are not permitted[\s\S]*older version/,
    );
    const before = t.read();
    expect(() => t.store.addAccount('new', { type: 'oauth_browser', region: 'us' })).toThrow(
      'older',
    );
    expect(t.read()).toBe(before);
  });

  it.each(['spec-example.toml', 'hand-edited.toml', 'legacy-v2.toml'])(
    '%s parses to the same values as tomllib',
    (name) => {
      const path = join(fixtures, name);
      expect(JSON.parse(JSON.stringify(parseToml(readFileSync(path, 'utf8'), path)))).toEqual(
        tomllib(path),
      );
    },
  );
});

/** A temp HOME whose config.toml is `text` (0600 in a 0700 ~/.mp). */
function homeWithText(text: string) {
  const t = tempHome();
  mkdirSync(join(t.home, '.mp'), { mode: 0o700 });
  writeFileSync(t.configPath, text, { mode: 0o600 });
  return t;
}

describe('a legacy [active] block (docs/files.md#reading-configtoml)', () => {
  const legacy = `[active]
account = "a"
project_id = "1"

[accounts.a]
type = "oauth_browser"
region = "us"
`;

  it('does not stop listings: the account is still marked active', () => {
    const t = homeWithText(legacy);
    expect(t.store.listAccounts().map((a) => [a.name, a.isActive])).toEqual([['a', true]]);
    expect(t.store.showAccount('a').isActive).toBe(true);
    expect(() => t.store.getActive()).toThrow('Invalid [active] block');
  });

  it('does not block writes that leave [active] alone, and blocks those that change it', () => {
    const t = homeWithText(legacy);
    t.store.addTarget('t', { account: 'a', project: '5' });
    expect(t.read()).toContain('[targets.t]');
    expect(t.read()).toContain('project_id = "1"');
    const before = t.read();
    expect(() => t.store.clearActive({ workspace: true, account: true })).toThrow(
      'Invalid [active] block',
    );
    expect(t.read()).toBe(before);
  });
});

describe('unknown tables round-trip (docs/files.md#other-keys-and-tables)', () => {
  it('an integer beyond 2^53 in an unknown table is read and written back exactly', () => {
    const t = homeWithText('[weird]\nbig = 9007199254740993\n');
    expect(t.store.listAccounts()).toEqual([]);
    t.store.addAccount('a', { type: 'oauth_browser', region: 'us' });
    expect(t.read()).toContain('big = 9007199254740993');
  });

  it('whole floats stay floats and integers stay integers, for Python as before the write', () => {
    const text = [
      'ratio = 1.0',
      'count = 3',
      '[ext]',
      'f = 2.0',
      'z = -0.0',
      'huge = 1e300',
      'half = 0.5',
      'n = -7',
      'list = [1, 2.0, 3.5]',
      '[settings]',
      'timeout = 30.0',
      '',
    ].join('\n');
    const t = homeWithText(text);
    /** Python's values in sorted JSON, where `1` and `1.0` (and `-0.0`) still differ. */
    const typed = () =>
      execFileSync(
        'python3',
        [
          '-c',
          'import json, sys, tomllib\nd = tomllib.load(open(sys.argv[1], "rb"))\nd.pop("accounts", None); d.pop("active", None)\nprint(json.dumps(d, sort_keys=True))',
          t.configPath,
        ],
        { encoding: 'utf8' },
      );
    const before = typed();
    t.store.addAccount('a', { type: 'oauth_browser', region: 'us' });
    expect(typed()).toBe(before);
    expect(t.read()).toContain('z = -0.0');
    // Our own view reads the marked floats as numbers.
    expect(JSON.parse(JSON.stringify(t.store.read().document)).ext).toEqual({
      f: 2,
      z: 0,
      huge: 1e300,
      half: 0.5,
      n: -7,
      list: [1, 2, 3.5],
    });
  });
});

describe('files we write', () => {
  it('read back through tomllib to the same values', () => {
    const t = homeWith('hand-edited.toml');
    t.store.addAccount('ops-sa', {
      type: 'service_account',
      region: 'eu',
      defaultProject: '4400117',
      username: 'ops "bot"\\x',
      secret: 'päss\tword\n',
    });
    t.store.addTarget('checkout', { account: 'ops-sa', project: '4400118', workspace: 3448414 });
    t.store.setActive({ account: 'ops-sa', workspace: 2 ** 31 });
    t.store.setCustomHeader({ name: 'X-Mixpanel-Cluster', value: 'canary "3" ✓' });
    const ours = JSON.parse(JSON.stringify(t.store.read().document));
    expect(tomllib(t.configPath)).toEqual(ours);
    expect(t.read()).toContain('workspace = 3448414');
    expect(t.read()).not.toMatch(/\d_\d/);
  });
});
