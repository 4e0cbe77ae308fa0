import {
  type ACCOUNT_SOURCES,
  type Bridge,
  type Env,
  type PROJECT_SOURCES,
  parseBridge,
  type ResolveSources,
  type WORKSPACE_SOURCES,
} from '../src/index';

export type Present = {
  account?: readonly (typeof ACCOUNT_SOURCES)[number][];
  project?: readonly (typeof PROJECT_SOURCES)[number][];
  workspace?: readonly (typeof WORKSPACE_SOURCES)[number][];
};

/** The value each source supplies for each axis in `buildSources`. */
export const VALUES = {
  account: {
    env: 'env-service-account',
    param: 'param-acct',
    target: 'target-acct',
    bridge: 'bridge-acct',
    directory: 'directory-acct',
    active: 'active-acct',
  },
  project: {
    env: '100',
    param: '200',
    target: '300',
    bridge: '400',
    directory: '600',
    default: '500',
  },
  workspace: { env: 1, param: 2, target: 3, bridge: 4, directory: 6, active: 5 },
} as const;

/** The file of the directory binding in `buildSources`. */
export const BINDING_PATH = '/home/ana/product/.mixpanel/target';

/**
 * Builds resolver sources in which exactly the listed sources supply a value
 * for each axis (plus, where an axis must resolve and nothing supplies it, a
 * baseline: the active account, or the accounts' default project).
 */
export function buildSources(present: Present): ResolveSources {
  const has = <A extends keyof Present>(axis: A, source: string) =>
    (present[axis] as readonly string[] | undefined)?.includes(source) ?? false;
  const usesTarget =
    has('account', 'target') || has('project', 'target') || has('workspace', 'target');
  const usesBridge =
    has('account', 'bridge') || has('project', 'bridge') || has('workspace', 'bridge');
  const usesDirectory =
    has('account', 'directory') || has('project', 'directory') || has('workspace', 'directory');
  const accountGiven =
    (present.account?.length ?? 0) > 0 || usesTarget || usesBridge || usesDirectory;
  const projectGiven =
    (present.project?.length ?? 0) > 0 || usesTarget || usesDirectory || has('account', 'env');
  const withDefault = has('project', 'default') || !projectGiven;

  const env: Record<string, string> = {};
  if (has('account', 'env')) {
    Object.assign(env, {
      MP_USERNAME: 'env-user',
      MP_SECRET: 'env-secret',
      MP_REGION: 'eu',
      MP_PROJECT_ID: '100',
    });
  }
  if (has('project', 'env')) env.MP_PROJECT_ID = '100';
  if (has('workspace', 'env')) env.MP_WORKSPACE_ID = '1';

  const block = {
    type: 'oauth_browser',
    region: 'us',
    ...(withDefault ? { default_project: '500' } : {}),
  };
  const config: Record<string, unknown> = {
    accounts: {
      'param-acct': block,
      'target-acct': block,
      'directory-acct': block,
      'active-acct': block,
    },
  };
  const active: Record<string, unknown> = {};
  if (has('account', 'active') || !accountGiven) active.account = 'active-acct';
  if (has('workspace', 'active')) active.workspace = 5;
  config.active = active;
  const targets: Record<string, unknown> = {};
  if (usesTarget) {
    targets.t = {
      account: 'target-acct',
      project: '300',
      ...(has('workspace', 'target') ? { workspace: 3 } : {}),
    };
  }
  if (usesDirectory) {
    targets.d = {
      account: 'directory-acct',
      project: '600',
      ...(has('workspace', 'directory') ? { workspace: 6 } : {}),
    };
  }
  if (usesTarget || usesDirectory) config.targets = targets;
  let bridge: Bridge | null = null;
  if (usesBridge) {
    bridge = parseBridge({
      version: 2,
      account: {
        type: 'service_account',
        name: 'bridge-acct',
        region: 'us',
        username: 'b',
        secret: 'bridge-secret',
        ...(withDefault ? { default_project: '500' } : {}),
      },
      ...(has('project', 'bridge') ? { project: '400' } : {}),
      ...(has('workspace', 'bridge') ? { workspace: 4 } : {}),
    });
  }
  return {
    env: env as Env,
    params: {
      ...(has('account', 'param') ? { account: 'param-acct' } : {}),
      ...(has('project', 'param') ? { project: '200' } : {}),
      ...(has('workspace', 'param') ? { workspace: 2 } : {}),
      ...(usesTarget ? { target: 't' } : {}),
    },
    config,
    bridge,
    directory: usesDirectory ? { target: 'd', path: BINDING_PATH } : null,
  };
}
