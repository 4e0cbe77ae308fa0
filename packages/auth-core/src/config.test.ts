import { describe, expect, it } from 'vitest';
import { ConfigView, checkCustomHeader } from './config';
import { ConfigError } from './errors';

/** The illustrative config of docs/files.md#configtoml, as a TOML parser returns it. */
const specConfig = {
  active: { account: 'ops-sa', workspace: 777001 },
  accounts: {
    'ops-sa': {
      type: 'service_account',
      region: 'eu',
      default_project: '4400117',
      username: 'ops-bot.1a2b3c.mp-service-account',
      secret: 'Zx81-not-a-real-secret',
    },
    me: { type: 'oauth_browser', region: 'us', default_project: '12001' },
    pipeline: { type: 'oauth_token', region: 'in', token_env: 'PIPELINE_MP_BEARER' },
  },
  targets: {
    checkout: { account: 'ops-sa', project: '4400118', workspace: 777002 },
    sandbox: { account: 'me', project: '12002' },
  },
  settings: { custom_header: { name: 'X-Mixpanel-Cluster', value: 'canary-3' } },
};

const errorOf = (fn: () => unknown): ConfigError => {
  try {
    fn();
  } catch (error) {
    expect(ConfigError.isInstance(error)).toBe(true);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
};

describe('ConfigView on the spec example', () => {
  const view = new ConfigView(specConfig, '/home/u/.mp/config.toml');

  it('reads every block into the model', () => {
    expect(view.listAccounts().map((a) => [a.name, a.type, a.region, a.defaultProject])).toEqual([
      ['me', 'oauth_browser', 'us', '12001'],
      ['ops-sa', 'service_account', 'eu', '4400117'],
      ['pipeline', 'oauth_token', 'in', undefined],
    ]);
    expect(view.getActive()).toEqual({ account: 'ops-sa', workspace: 777001 });
    expect(view.listTargets()).toEqual([
      { name: 'checkout', account: 'ops-sa', project: '4400118', workspace: 777002 },
      { name: 'sandbox', account: 'me', project: '12002' },
    ]);
    expect(view.getCustomHeader()).toEqual({ name: 'X-Mixpanel-Cluster', value: 'canary-3' });
    expect(view.targetsReferencing('ops-sa')).toEqual(['checkout']);
    expect(() => view.assertWritable()).not.toThrow();
  });

  it('indexes the targets by the account they name, in one pass', () => {
    const many = new ConfigView({
      targets: {
        zeta: { account: 'ops-sa', project: '1' },
        alpha: { account: 'ops-sa', project: '2' },
        mid: { account: 'me', project: '3' },
        broken: { account: 42, project: '4' },
        junk: 'not a table',
      },
    });
    expect(many.targetsByAccount()).toEqual(
      new Map([
        ['ops-sa', ['alpha', 'zeta']],
        ['me', ['mid']],
      ]),
    );
    expect(many.targetsReferencing('ops-sa')).toEqual(['alpha', 'zeta']);
    expect(many.targetsReferencing('nobody')).toEqual([]);
    expect(view.targetsByAccount().get('pipeline')).toBeUndefined();
  });

  it('says which account or target is missing', () => {
    expect(errorOf(() => view.getAccount('nope')).message).toBe("Account 'nope' not found.");
    expect(errorOf(() => view.getTarget('nope')).message).toBe("Target 'nope' not found.");
  });
});

describe('lazy validation (docs/files.md#reading-configtoml)', () => {
  const damaged = new ConfigView({
    accounts: {
      good: { type: 'oauth_browser', region: 'us' },
      bad: { type: 'oauth_browser', region: 'jp' },
    },
    targets: { ok: { account: 'good', project: '1' }, broken: { account: 'good', project: 1 } },
  });

  it('a bad sibling does not break reading another account', () => {
    expect(damaged.getAccount('good').name).toBe('good');
  });

  it('listing and writing fail on the first bad block, naming it', () => {
    const error = errorOf(() => damaged.listAccounts());
    expect(error.message).toBe(
      'Invalid [accounts.bad] block: Input should be "us" or "eu" or "in", not "jp" (`region`)',
    );
    expect(error.details).toMatchObject({ block: 'accounts.bad', field: 'region' });
    expect(() => damaged.assertWritable()).toThrow('[accounts.bad]');
  });

  it('targets validate per block, with pydantic-style messages', () => {
    expect(damaged.getTarget('ok').project).toBe('1');
    expect(errorOf(() => damaged.getTarget('broken')).message).toBe(
      'Invalid [targets.broken] block: Input should be a valid string (`project`)',
    );
    expect(() => damaged.listTargets()).toThrow('[targets.broken]');
  });

  it.each([
    [{ account: 'a', project: '1', workspace: 0 }, 'Input should be greater than 0 (`workspace`)'],
    [{ account: 'a', project: 'x' }, "String should match pattern '^[0-9]+$' (`project`)"],
    [{ account: 'a', project: '1', color: 'red' }, 'Extra inputs are not permitted (`color`)'],
    [{ project: '1' }, 'Field required (`account`)'],
  ])('rejects target block %j', (block, message) => {
    expect(() => new ConfigView({ targets: { t: block } }).getTarget('t')).toThrow(message);
  });

  it('accepts any target key on read', () => {
    const view = new ConfigView({
      targets: { 'a.b c': { account: 'x', project: '1' }, '': { account: 'x', project: '2' } },
    });
    expect(view.listTargets().map((t) => t.name)).toEqual(['', 'a.b c']);
  });

  it('treats a missing or empty document as empty', () => {
    const view = new ConfigView();
    expect(view.listAccounts()).toEqual([]);
    expect(view.getActive()).toEqual({});
    expect(view.getCustomHeader()).toBeNull();
    expect(() => new ConfigView([] as never)).toThrow(ConfigError);
    expect(() => new ConfigView({ accounts: 5 }).listAccounts()).toThrow(
      'Invalid [accounts] table',
    );
  });
});

describe('[active] block', () => {
  it('is lax on read for a dangling account and workspace 0 (resolution fails later)', () => {
    expect(new ConfigView({ active: { account: 'ghost', workspace: 0 } }).getActive()).toEqual({
      account: 'ghost',
      workspace: 0,
    });
  });

  it.each([{ workspace: '42' }, { workspace: true }, { workspace: 1.5 }])(
    'rejects workspace %j',
    (active) => {
      expect(() => new ConfigView({ active }).getActive()).toThrow('Invalid [active] block');
    },
  );
});

describe('legacy configs (docs/files.md#legacy-configs)', () => {
  const hint = 'This looks like a config from an older version; delete `/c.toml`';

  it('v1 account blocks fail on listing with the discriminator message and a hint', () => {
    const view = new ConfigView(
      {
        default: 'old',
        accounts: { old: { username: 'u', secret: 's', project_id: '1', region: 'us' } },
      },
      '/c.toml',
    );
    const error = errorOf(() => view.listAccounts());
    expect(error.message).toContain(
      "Invalid [accounts.old] block: Unable to extract tag using discriminator 'type'",
    );
    expect(error.message).toContain(hint);
  });

  it('a project_id inside a typed block is an extra input', () => {
    const view = new ConfigView(
      { accounts: { a: { type: 'oauth_browser', region: 'us', project_id: '1' } } },
      '/c.toml',
    );
    expect(() => view.listAccounts()).toThrow(
      /Extra inputs are not permitted \(`project_id`\)\nThis looks like/,
    );
  });

  it.each(['credential', 'project_id', 'workspace_id', 'project'])(
    '[active].%s fails reading [active]',
    (key) => {
      const view = new ConfigView({ active: { [key]: 'x' } }, '/c.toml');
      const error = errorOf(() => view.getActive());
      expect(error.message).toContain('Invalid [active] block: Extra inputs are not permitted');
      expect(error.message).toContain(hint);
    },
  );

  it('root markers are kept on read and refused on write', () => {
    for (const marker of ['default', 'config_version', 'credentials', 'projects']) {
      const view = new ConfigView(
        { [marker]: 1, accounts: { a: { type: 'oauth_browser', region: 'us' } } },
        '/c.toml',
      );
      expect(view.listAccounts()).toHaveLength(1);
      expect(view.legacyMarkers()).toEqual([marker]);
      const error = errorOf(() => view.assertWritable());
      expect(error.message).toContain(`older config format (${marker})`);
      expect(error.message).toContain(hint);
    }
  });

  it('unknown non-legacy tables are tolerated', () => {
    expect(() => new ConfigView({ weird: { x: 1 }, foo: 1 }).assertWritable()).not.toThrow();
  });
});

describe('custom header', () => {
  it.each([
    ['x', '[settings].custom_header must be an inline table {name=, value=}.'],
    [{ name: 'X' }, '[settings].custom_header requires `name` and `value` strings.'],
    [{ name: 'X', value: 3 }, '[settings].custom_header requires `name` and `value` strings.'],
    [{ name: 'Bad Name', value: 'v' }, 'is not a valid HTTP header name'],
    [{ name: 'X', value: 'a\r\nInjected: 1' }, 'must not contain line breaks'],
  ])('rejects %j', (header, message) => {
    const view = new ConfigView({ settings: { custom_header: header } });
    expect(() => view.getCustomHeader()).toThrow(message);
  });

  it('keeps unknown settings keys', () => {
    expect(new ConfigView({ settings: { theme: 'dark' } }).getSettings()).toEqual({
      theme: 'dark',
    });
    expect(checkCustomHeader({ name: 'X-A', value: 'b' })).toEqual({ name: 'X-A', value: 'b' });
  });
});
