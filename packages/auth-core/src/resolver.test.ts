import { describe, expect, it } from 'vitest';
import { BINDING_PATH, buildSources, type Present, VALUES } from '../test/sources';
import { parseBridge } from './bridge';
import { ArgumentError, ConfigError } from './errors';
import {
  ACCOUNT_SOURCES,
  envCredentialWarning,
  PROJECT_SOURCES,
  type ResolveSources,
  resolveSession,
  WORKSPACE_SOURCES,
  withEnvDefaults,
} from './resolver';

const pairs = <T>(list: readonly T[]) =>
  list.flatMap((hi, i) => list.slice(i + 1).map((lo) => [hi, lo] as const));

const configError = (sources: ResolveSources): ConfigError => {
  try {
    resolveSession(sources);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
};

const axes = [
  ['account', ACCOUNT_SOURCES],
  ['project', PROJECT_SOURCES],
  ['workspace', WORKSPACE_SOURCES],
] as const;

describe.each(axes)('precedence on the %s axis', (axis, order) => {
  const combos = [...order.map((s) => [s] as const), ...pairs(order)];
  it.each(combos.map((c) => [c.join(' + '), c]))('%s', (_label, sources) => {
    const present = { [axis]: sources } as Present;
    const built = buildSources(present);
    if (built.params?.target !== undefined && Object.keys(built.params).length > 1) {
      expect(() => resolveSession(built)).toThrow(ArgumentError);
      return;
    }
    const { session, provenance } = resolveSession(built);
    const values = VALUES[axis] as Record<string, string | number>;
    const [winner, ...rest] = sources;
    expect(provenance[axis].source).toBe(winner);
    expect(provenance[axis].value).toBe(values[winner!]);
    // An entry from the directory binding names its file.
    const file = (source: string) => (source === 'directory' ? { path: BINDING_PATH } : {});
    expect(provenance[axis].path).toBe(file(winner!).path);
    expect(provenance[axis].shadowed).toEqual(
      rest.map((source) => ({ source, value: values[source], ...file(source) })),
    );
    const actual =
      axis === 'account'
        ? session.account.name
        : axis === 'project'
          ? session.projectId
          : session.workspaceId;
    expect(actual).toBe(values[winner!]);
  });
});

describe('account axis: surprising but required (docs/resolution.md#environment-credentials)', () => {
  const quad = { MP_USERNAME: 'u', MP_SECRET: 's', MP_PROJECT_ID: '7', MP_REGION: 'eu' };
  const config = {
    accounts: { team: { type: 'oauth_browser', region: 'us', default_project: '1' } },
    active: { account: 'team' },
  };

  it('env credentials beat an explicit account name', () => {
    const { session, provenance } = resolveSession({
      env: quad,
      params: { account: 'team' },
      config,
    });
    expect(session.account.name).toBe('env-service-account');
    expect(session.account.type).toBe('service_account');
    expect(session.account.region).toBe('eu');
    expect(session.account.defaultProject).toBeUndefined();
    expect(provenance.account.shadowed).toEqual([
      { source: 'param', value: 'team' },
      { source: 'active', value: 'team' },
    ]);
  });

  it('the OAuth triple synthesises a static-token account; the quad beats it', () => {
    const triple = { MP_OAUTH_TOKEN: 'bearer', MP_PROJECT_ID: '7', MP_REGION: 'in' };
    const fromTriple = resolveSession({ env: triple }).session.account;
    expect([fromTriple.name, fromTriple.type, fromTriple.region]).toEqual([
      'env-oauth-token',
      'oauth_token',
      'in',
    ]);
    expect(resolveSession({ env: { ...triple, ...quad } }).session.account.name).toBe(
      'env-service-account',
    );
  });

  it.each([
    ['no MP_REGION', { MP_USERNAME: 'u', MP_SECRET: 's', MP_PROJECT_ID: '7' }],
    ['no MP_SECRET', { MP_USERNAME: 'u', MP_PROJECT_ID: '7', MP_REGION: 'us' }],
    ['no MP_USERNAME', { MP_SECRET: 's', MP_PROJECT_ID: '7', MP_REGION: 'us' }],
    ['no MP_PROJECT_ID', { MP_USERNAME: 'u', MP_SECRET: 's', MP_REGION: 'us' }],
    ['empty MP_SECRET', { MP_USERNAME: 'u', MP_SECRET: '', MP_PROJECT_ID: '7', MP_REGION: 'us' }],
    ['token without project', { MP_OAUTH_TOKEN: 't', MP_REGION: 'us' }],
  ])('a partial set (%s) falls through silently', (_label, env) => {
    expect(resolveSession({ env, config }).session.account.name).toBe('team');
    expect(configError({ env }).message.startsWith('No account configured.')).toBe(true);
  });

  it('an invalid MP_REGION always fails, even alone; empty counts as unset', () => {
    const error = configError({ env: { MP_REGION: 'xx' }, config });
    expect(error.message).toBe("MP_REGION='xx' is not one of ['eu', 'in', 'us'].");
    expect(error.details).toEqual({ env_var: 'MP_REGION', value: 'xx' });
    expect(configError({ env: { MP_REGION: 'US' }, config }).message).toContain("MP_REGION='US'");
    expect(resolveSession({ env: { MP_REGION: '' }, config }).session.account.name).toBe('team');
  });

  it('the bridge beats [active] but loses to an explicit name and a target', () => {
    const bridge = parseBridge({
      account: { type: 'oauth_browser', name: 'remote', region: 'us', default_project: '9' },
      tokens: {
        access_token: 'a',
        expires_at: '2030-01-01T00:00:00Z',
        token_type: 'Bearer',
        scope: '',
      },
    });
    const withTarget = { ...config, targets: { t: { account: 'team', project: '5' } } };
    expect(resolveSession({ config, bridge }).session.account.name).toBe('remote');
    expect(
      resolveSession({ config, bridge, params: { account: 'team' } }).session.account.name,
    ).toBe('team');
    expect(
      resolveSession({ config: withTarget, bridge, params: { target: 't' } }).session.account.name,
    ).toBe('team');
  });

  it('prints the exact "no account" text', () => {
    expect(configError({}).message).toBe(`No account configured.

Fix one of the following:
  - Run \`mp login\` for guided setup
  - Set MP_USERNAME, MP_SECRET, MP_PROJECT_ID, MP_REGION
  - Set MP_OAUTH_TOKEN, MP_PROJECT_ID, MP_REGION
  - Run \`mp account add NAME ...\` then \`mp account use NAME\`
  - Run \`mp account login NAME\` for OAuth
  - Use \`--account NAME\` per command
  - Use \`--target NAME\` per command`);
  });

  it('an unknown explicit account, an orphaned target and a dangling [active] fail with the reference text', () => {
    expect(configError({ config, params: { account: 'ghost' } }).message).toBe(
      "Account 'ghost' not found.",
    );
    expect(
      configError({
        config: { ...config, targets: { t: { account: 'gone', project: '1' } } },
        params: { target: 't' },
      }).message,
    ).toBe("Account 'gone' not found.");
    expect(configError({ config: { active: { account: 'ghost' } } }).message).toBe(
      "Account 'ghost' not found.",
    );
  });
});

describe('project axis', () => {
  const config = {
    accounts: {
      team: { type: 'oauth_browser', region: 'us', default_project: '1' },
      bare: { type: 'oauth_browser', region: 'us' },
    },
    active: { account: 'team' },
  };

  it('MP_PROJECT_ID beats an explicit project (mp -p 2 with MP_PROJECT_ID=1 → 1)', () => {
    expect(
      resolveSession({ env: { MP_PROJECT_ID: '1' }, params: { project: '2' }, config }).session
        .projectId,
    ).toBe('1');
  });

  it('the bridge project beats the default of an explicitly named account', () => {
    const bridge = parseBridge({
      account: { type: 'service_account', name: 'x', region: 'us', username: 'u', secret: 's' },
      project: '555',
    });
    const { session, provenance } = resolveSession({ config, bridge, params: { account: 'team' } });
    expect([session.account.name, session.projectId, provenance.project.source]).toEqual([
      'team',
      '555',
      'bridge',
    ]);
  });

  it('fails with the exact "no project" text naming the account', () => {
    expect(
      configError({ config, params: { account: 'bare' } }).message,
    ).toBe(`No project configured for account 'bare'.

Fix one of the following:
  - Set MP_PROJECT_ID
  - Run \`mp account update bare --project ID\`
  - Run \`mp project list\` then \`mp project use ID\`
  - Use \`--project ID\` per command
  - Use \`--target NAME\` per command (target supplies project)`);
  });

  it('a fallback project (the /me placeholder) is used only when nothing else supplies one', () => {
    expect(
      resolveSession({ config, params: { account: 'bare', fallbackProject: '0' } }).session
        .projectId,
    ).toBe('0');
    expect(resolveSession({ config, params: { fallbackProject: '0' } }).session.projectId).toBe(
      '1',
    );
  });

  it('validates MP_PROJECT_ID and explicit ids as ASCII digit strings', () => {
    const env = configError({ env: { MP_PROJECT_ID: 'abc' }, config });
    expect(env.message).toBe("MP_PROJECT_ID='abc' must be a digit string.");
    expect(env.details).toEqual({ env_var: 'MP_PROJECT_ID', value: 'abc' });
    expect(configError({ env: { MP_PROJECT_ID: '１２' }, config }).message).toContain(
      'must be a digit string',
    );
    expect(configError({ params: { project: 'abc' }, config }).message).toBe(
      "Invalid project ID: 'abc'. Must match `^\\d+$`.",
    );
    expect(resolveSession({ params: { project: '007' }, config }).session.projectId).toBe('007');
  });
});

describe('workspace axis', () => {
  const config = {
    accounts: { team: { type: 'oauth_browser', region: 'us', default_project: '1' } },
    active: { account: 'team' },
  };

  it('is null (lazy) when nothing supplies it', () => {
    const { session, provenance } = resolveSession({ config });
    expect(session.workspace).toBeNull();
    expect(provenance.workspace).toEqual({ source: null, value: null, shadowed: [] });
  });

  it.each([
    [' 7 ', 7],
    ['+7', 7],
    ['42', 42],
  ])('parses MP_WORKSPACE_ID %j', (value, id) => {
    expect(resolveSession({ env: { MP_WORKSPACE_ID: value }, config }).session.workspaceId).toBe(
      id,
    );
  });

  it.each(['x', '0', '-1', '1_000', '1.5', '99999999999999999999'])(
    'rejects MP_WORKSPACE_ID %j',
    (value) => {
      const error = configError({ env: { MP_WORKSPACE_ID: value }, config });
      expect(error.message).toBe(`MP_WORKSPACE_ID='${value}' is not a positive integer.`);
      expect(error.details).toEqual({ env_var: 'MP_WORKSPACE_ID', value });
    },
  );

  it('an empty MP_WORKSPACE_ID is unset', () => {
    expect(resolveSession({ env: { MP_WORKSPACE_ID: '' }, config }).session.workspaceId).toBeNull();
  });

  it('refuses zero from a param or [active] at resolution time', () => {
    expect(configError({ params: { workspace: 0 }, config }).message).toBe(
      'Invalid workspace ID: 0. Must be > 0.',
    );
    expect(
      configError({ config: { ...config, active: { account: 'team', workspace: 0 } } }).message,
    ).toBe('Invalid workspace ID: 0. Must be > 0.');
  });
});

describe('targets', () => {
  const config = {
    accounts: { team: { type: 'oauth_browser', region: 'us', default_project: '1' } },
    targets: { checkout: { account: 'team', project: '44', workspace: 9 } },
  };

  it('a target alone applies all three axes', () => {
    const { session, provenance } = resolveSession({ config, params: { target: 'checkout' } });
    expect([session.account.name, session.projectId, session.workspaceId]).toEqual([
      'team',
      '44',
      9,
    ]);
    expect([
      provenance.account.source,
      provenance.project.source,
      provenance.workspace.source,
    ]).toEqual(['target', 'target', 'target']);
  });

  it.each(['account', 'project', 'workspace'] as const)(
    'target with %s raises ArgumentError before any lookup',
    (axis) => {
      const params = { target: 'missing', [axis]: axis === 'workspace' ? 3 : '1' };
      try {
        resolveSession({ config, params });
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(ArgumentError);
        expect((error as ArgumentError).message).toBe(
          '`target=` is mutually exclusive with `account=`/`project=`/`workspace=`.',
        );
        expect((error as ArgumentError).details).toEqual({ arguments: ['target', axis] });
      }
    },
  );

  it('an unknown target fails even when env vars override every axis', () => {
    const env = {
      MP_USERNAME: 'u',
      MP_SECRET: 's',
      MP_PROJECT_ID: '7',
      MP_REGION: 'us',
      MP_WORKSPACE_ID: '3',
    };
    expect(configError({ env, config, params: { target: 'nope' } }).message).toBe(
      "Target 'nope' not found.",
    );
  });
});

describe('directory binding (docs/resolution.md#directory-binding)', () => {
  const config = {
    accounts: {
      team: { type: 'oauth_browser', region: 'us', default_project: '1' },
      solo: { type: 'oauth_browser', region: 'eu', default_project: '2' },
    },
    targets: {
      checkout: { account: 'team', project: '44', workspace: 9 },
      other: { account: 'solo', project: '55' },
    },
    active: { account: 'solo', workspace: 7 },
  };
  const path = '/home/ana/shop/.mixpanel/target';
  const directory = { target: 'checkout', path };
  const axesOf = ({ session, provenance }: ReturnType<typeof resolveSession>) => ({
    values: [session.account.name, session.projectId, session.workspaceId],
    sources: [provenance.account.source, provenance.project.source, provenance.workspace.source],
  });

  it('applies the bound target over [active], and each axis names the file', () => {
    const resolution = resolveSession({ config, directory });
    expect(axesOf(resolution)).toEqual({
      values: ['team', '44', 9],
      sources: ['directory', 'directory', 'directory'],
    });
    const { provenance } = resolution;
    expect(provenance.account).toEqual({
      source: 'directory',
      value: 'team',
      path,
      shadowed: [{ source: 'active', value: 'solo' }],
    });
    expect(provenance.project.path).toBe(path);
    expect(provenance.workspace).toEqual({
      source: 'directory',
      value: 9,
      path,
      shadowed: [{ source: 'active', value: 7 }],
    });
  });

  it('loses to an explicit target, which shadows it (with its file named)', () => {
    const resolution = resolveSession({ config, directory, params: { target: 'other' } });
    expect(axesOf(resolution)).toEqual({
      values: ['solo', '55', 9],
      sources: ['target', 'target', 'directory'],
    });
    expect(resolution.provenance.account.shadowed).toEqual([
      { source: 'directory', value: 'team', path },
      { source: 'active', value: 'solo' },
    ]);
  });

  it('loses to explicit options axis by axis', () => {
    expect(axesOf(resolveSession({ config, directory, params: { account: 'solo' } }))).toEqual({
      values: ['solo', '44', 9],
      sources: ['param', 'directory', 'directory'],
    });
    expect(
      axesOf(resolveSession({ config, directory, params: { project: '3', workspace: 4 } })),
    ).toEqual({ values: ['team', '3', 4], sources: ['directory', 'param', 'param'] });
  });

  it('loses to environment credentials and MP_PROJECT_ID / MP_WORKSPACE_ID', () => {
    const env = { MP_OAUTH_TOKEN: 't', MP_PROJECT_ID: '8', MP_REGION: 'us', MP_WORKSPACE_ID: '5' };
    expect(axesOf(resolveSession({ config, directory, env }))).toEqual({
      values: ['env-oauth-token', '8', 5],
      sources: ['env', 'env', 'env'],
    });
  });

  it('loses to the bridge', () => {
    const bridge = parseBridge({
      version: 2,
      account: { type: 'oauth_token', name: 'bridged', region: 'us', token: 'x' },
      project: '66',
    });
    expect(axesOf(resolveSession({ config, directory, bridge }))).toEqual({
      values: ['bridged', '66', 9],
      sources: ['bridge', 'bridge', 'directory'],
    });
  });

  it('changes nothing when there is no binding', () => {
    expect(axesOf(resolveSession({ config, directory: null }))).toEqual({
      values: ['solo', '2', 7],
      sources: ['active', 'default', 'active'],
    });
  });

  it('a binding to a missing target fails, naming the file and the fix, even under env credentials', () => {
    const env = { MP_OAUTH_TOKEN: 't', MP_PROJECT_ID: '8', MP_REGION: 'us', MP_WORKSPACE_ID: '5' };
    const error = configError({ config, env, directory: { target: 'gone', path } });
    expect(error.code).toBe('CONFIG_ERROR');
    expect(error.message).toBe(
      "Target 'gone' not found (named by /home/ana/shop/.mixpanel/target). Run `mp target use --here --clear` in that folder, or `mp target add gone ...`.",
    );
    expect(error.details).toEqual({ target: 'gone', path });
  });
});

describe('headers', () => {
  const config = {
    accounts: { team: { type: 'oauth_browser', region: 'us', default_project: '1' } },
    active: { account: 'team' },
    settings: { custom_header: { name: 'X-Cluster', value: 'settings' } },
  };

  it('takes [settings].custom_header, with bridge headers merged over it', () => {
    expect(resolveSession({ config }).session.headers).toEqual({ 'X-Cluster': 'settings' });
    const bridge = parseBridge({
      account: { type: 'service_account', name: 'b', region: 'us', username: 'u', secret: 's' },
      headers: { 'X-Cluster': 'bridge', 'X-Other': '1' },
    });
    expect(resolveSession({ config, bridge, params: { account: 'team' } }).session.headers).toEqual(
      {
        'X-Cluster': 'bridge',
        'X-Other': '1',
      },
    );
  });

  it('a malformed custom header fails resolution', () => {
    expect(() =>
      resolveSession({ config: { ...config, settings: { custom_header: 'x' } } }),
    ).toThrow('[settings].custom_header must be an inline table {name=, value=}.');
  });
});

describe('purity', () => {
  it('does not touch the environment object and needs no token files', () => {
    const env = Object.freeze({
      MP_USERNAME: 'u',
      MP_SECRET: 's',
      MP_PROJECT_ID: '7',
      MP_REGION: 'us',
    });
    const before = JSON.stringify(env);
    const { session } = resolveSession({ env });
    expect(JSON.stringify(env)).toBe(before);
    expect(session.account.type).toBe('service_account');
  });

  it('accepts no sources at all and says what is missing', () => {
    expect(() => resolveSession()).toThrow('No account configured.');
  });
});

describe('envCredentialWarning', () => {
  it.each([
    [
      { MP_USERNAME: 'u', MP_SECRET: 's' },
      'MP_USERNAME and MP_SECRET are set but MP_PROJECT_ID and MP_REGION are not; ignoring env credentials.',
    ],
    [
      { MP_USERNAME: 'u', MP_SECRET: 's', MP_PROJECT_ID: '1' },
      'MP_USERNAME and MP_SECRET are set but MP_REGION is not; ignoring env credentials.',
    ],
    [
      { MP_OAUTH_TOKEN: 't', MP_REGION: 'us' },
      'MP_OAUTH_TOKEN is set but MP_PROJECT_ID is not; ignoring env credentials.',
    ],
    [
      { MP_SECRET: 's' },
      'MP_SECRET is set but MP_USERNAME, MP_PROJECT_ID and MP_REGION are not; ignoring env credentials.',
    ],
  ])('warns for %j', (env, line) => {
    expect(envCredentialWarning(env)).toBe(line);
  });

  it.each([
    {},
    { MP_PROJECT_ID: '1', MP_REGION: 'us' },
    { MP_USERNAME: 'u', MP_SECRET: 's', MP_PROJECT_ID: '1', MP_REGION: 'us' },
    { MP_USERNAME: 'u', MP_OAUTH_TOKEN: 't' },
  ])('stays quiet for %j', (env) => {
    expect(envCredentialWarning(env)).toBeNull();
  });
});

describe('withEnvDefaults (the mp rule for MP_TARGET and MP_ACCOUNT)', () => {
  const env = { MP_TARGET: 'env-target', MP_ACCOUNT: 'env-account' };
  it.each([
    [{}, { target: 'env-target', account: undefined }],
    [{ project: '1' }, { target: undefined, account: 'env-account' }],
    [{ account: 'flag' }, { target: undefined, account: 'flag' }],
    [{ target: 'flag' }, { target: 'flag', account: undefined }],
  ])('params %j become %j', (params, expected) => {
    expect(withEnvDefaults(params, env)).toMatchObject(expected);
  });

  it('reads neither variable when they are empty, and leaves the params untouched otherwise', () => {
    expect(withEnvDefaults({ project: '1' }, { MP_TARGET: '', MP_ACCOUNT: '' })).toEqual({
      project: '1',
      target: undefined,
      account: undefined,
    });
  });
});
