import { type Account, OAuthTokenAccount, ServiceAccount } from './account';
import type { Bridge } from './bridge';
import { type ConfigDocument, ConfigView } from './config';
import { ArgumentError, ConfigError } from './errors';
import { Project, Session, type Target, WorkspaceRef } from './model';
import { isProjectId, isRegion, type Region } from './scalars';

/** A snapshot of environment variables (the resolver never reads `process.env` itself). */
export type Env = Readonly<Record<string, string | undefined>>;

/** Explicit choices: constructor options or CLI flags. */
export interface ResolveParams {
  account?: string | undefined;
  project?: string | undefined;
  workspace?: number | undefined;
  target?: string | undefined;
  /**
   * A project to use when no source supplies one, instead of the "no project"
   * error — the placeholder `"0"` for account-scoped calls such as `/me`.
   */
  fallbackProject?: string | undefined;
}

/** Everything the resolver looks at, passed in as data. */
export interface ResolveSources {
  env?: Env | undefined;
  params?: ResolveParams | undefined;
  /** The parsed config.toml (or a view of it); absent = no config file. */
  config?: ConfigView | ConfigDocument | null | undefined;
  /** The loaded bridge file, or null. */
  bridge?: Bridge | null | undefined;
  /** The directory binding found above the working directory (`.mixpanel/target`), or null. */
  directory?: DirectoryBinding | null | undefined;
}

/** A folder's binding to a saved target: the target's name and the file that names it. */
export interface DirectoryBinding {
  readonly target: string;
  /** The `.mixpanel/target` file, as found; provenance and errors name it. */
  readonly path: string;
}

/** Where each axis can come from, highest rank first. The resolver iterates exactly these lists. */
export const ACCOUNT_SOURCES = ['env', 'param', 'target', 'bridge', 'directory', 'active'] as const;
export const PROJECT_SOURCES = [
  'env',
  'param',
  'target',
  'bridge',
  'directory',
  'default',
] as const;
export const WORKSPACE_SOURCES = [
  'env',
  'param',
  'target',
  'bridge',
  'directory',
  'active',
] as const;
/** `use({account})`: the project and workspace of a switch to another account (no target, no `[active]`). */
export const USE_ACCOUNT_PROJECT_SOURCES = ['env', 'param', 'bridge', 'default'] as const;
export const USE_ACCOUNT_WORKSPACE_SOURCES = ['param', 'env'] as const;
export type AccountSource = (typeof ACCOUNT_SOURCES)[number];
export type ProjectSource = (typeof PROJECT_SOURCES)[number];
export type WorkspaceSource = (typeof WORKSPACE_SOURCES)[number];

/**
 * For one axis: the source that won, its value, and the lower-ranked sources
 * it shadowed. An entry from the `directory` source also names its file (`path`).
 */
export interface AxisProvenance<S extends string, V> {
  readonly source: S | null;
  readonly value: V | null;
  /** The `.mixpanel/target` file, when `source` is `directory`. */
  readonly path?: string;
  readonly shadowed: readonly { readonly source: S; readonly value: V; readonly path?: string }[];
}

export interface Provenance {
  readonly account: AxisProvenance<AccountSource, string>;
  readonly project: AxisProvenance<ProjectSource, string>;
  readonly workspace: AxisProvenance<WorkspaceSource, number>;
}

export interface Resolution {
  readonly session: Session;
  readonly provenance: Provenance;
}

/** Names of the accounts synthesised from environment credentials. */
export const ENV_SERVICE_ACCOUNT = 'env-service-account';
export const ENV_OAUTH_TOKEN = 'env-oauth-token';

/** The regions as the Python tool lists them in this error: sorted and quoted. */
const REGION_LIST = "['eu', 'in', 'us']";

/** `MP_REGION`, or undefined when unset/empty; an invalid value always throws. */
export function envRegion(env: Env): Region | undefined {
  const value = env.MP_REGION;
  if (!value) return undefined;
  if (!isRegion(value)) {
    throw new ConfigError(`MP_REGION='${value}' is not one of ${REGION_LIST}.`, {
      details: { env_var: 'MP_REGION', value },
    });
  }
  return value;
}

/**
 * The account synthesised from environment credentials: the service-account
 * quad (MP_USERNAME, MP_SECRET, MP_PROJECT_ID, MP_REGION) beats the OAuth
 * triple (MP_OAUTH_TOKEN, MP_PROJECT_ID, MP_REGION). Partial sets give undefined.
 */
export function envAccount(env: Env): Account | undefined {
  const region = envRegion(env);
  if (!region || !env.MP_PROJECT_ID) return undefined;
  if (env.MP_USERNAME && env.MP_SECRET) {
    return new ServiceAccount({
      name: ENV_SERVICE_ACCOUNT,
      region,
      username: env.MP_USERNAME,
      secret: env.MP_SECRET,
    });
  }
  if (env.MP_OAUTH_TOKEN) {
    return new OAuthTokenAccount({ name: ENV_OAUTH_TOKEN, region, token: env.MP_OAUTH_TOKEN });
  }
  return undefined;
}

/**
 * A one-line warning when exactly one env credential set is partly present
 * (docs/resolution.md#environment-credentials), else null. The library never prints it; the CLI does.
 */
export function envCredentialWarning(env: Env): string | null {
  if (envAccountSafe(env)) return null;
  const words = (keys: string[]) =>
    `${keys.length > 2 ? `${keys.slice(0, -1).join(', ')} and ${keys.at(-1)}` : keys.join(' and ')} ${keys.length > 1 ? 'are' : 'is'}`;
  const shared = (key: string) => key === 'MP_PROJECT_ID' || key === 'MP_REGION';
  const lines = ENV_CREDENTIAL_SETS.flatMap((set) => {
    // Named as set: the credential variables only (the project and region are shared by both sets).
    const present: string[] = set.filter((key) => env[key] && !shared(key));
    const missing: string[] = set.filter((key) => !env[key]);
    return present.length && missing.length
      ? [`${words(present)} set but ${words(missing)} not; ignoring env credentials.`]
      : [];
  });
  return lines.length === 1 ? lines[0]! : null;
}

/** The two environment credential sets, in precedence order. */
export const ENV_CREDENTIAL_SETS = [
  ['MP_USERNAME', 'MP_SECRET', 'MP_PROJECT_ID', 'MP_REGION'],
  ['MP_OAUTH_TOKEN', 'MP_PROJECT_ID', 'MP_REGION'],
] as const;

function envAccountSafe(env: Env): boolean {
  try {
    return envAccount(env) !== undefined;
  } catch {
    return false;
  }
}

/** `MP_PROJECT_ID`, validated; undefined when unset or empty. */
function envProject(env: Env): string | undefined {
  const value = env.MP_PROJECT_ID;
  if (!value) return undefined;
  if (!isProjectId(value)) {
    throw new ConfigError(`MP_PROJECT_ID='${value}' must be a digit string.`, {
      details: { env_var: 'MP_PROJECT_ID', value },
    });
  }
  return value;
}

/** `MP_WORKSPACE_ID`: optional surrounding whitespace and `+`, then digits, > 0. */
export function envWorkspace(env: Env): number | undefined {
  const value = env.MP_WORKSPACE_ID;
  if (!value) return undefined;
  const match = /^\s*\+?([0-9]+)\s*$/.exec(value);
  const id = match ? Number(match[1]) : Number.NaN;
  if (!(Number.isSafeInteger(id) && id > 0)) {
    throw new ConfigError(`MP_WORKSPACE_ID='${value}' is not a positive integer.`, {
      details: { env_var: 'MP_WORKSPACE_ID', value },
    });
  }
  return id;
}

const NO_ACCOUNT = `No account configured.

Fix one of the following:
  - Run \`mp login\` for guided setup
  - Set MP_USERNAME, MP_SECRET, MP_PROJECT_ID, MP_REGION
  - Set MP_OAUTH_TOKEN, MP_PROJECT_ID, MP_REGION
  - Run \`mp account add NAME ...\` then \`mp account use NAME\`
  - Run \`mp account login NAME\` for OAuth
  - Use \`--account NAME\` per command
  - Use \`--target NAME\` per command`;

/** The "no project" error of docs/resolution.md#no-project-error, naming the account. */
export function noProjectError(accountName: string): ConfigError {
  return new ConfigError(
    `No project configured for account '${accountName}'.

Fix one of the following:
  - Set MP_PROJECT_ID
  - Run \`mp account update ${accountName} --project ID\`
  - Run \`mp project list\` then \`mp project use ID\`
  - Use \`--project ID\` per command
  - Use \`--target NAME\` per command (target supplies project)`,
    { details: { account_name: accountName } },
  );
}

/**
 * The one check of the `target` exclusion rule: a target cannot be combined
 * with an explicit account, project or workspace. Throws ArgumentError whose
 * `details.arguments` names the options given (the CLI words it with its flags).
 */
export function checkTargetExclusive(choice: ResolveParams): void {
  const given = (['account', 'project', 'workspace'] as const).filter(
    (key) => choice[key] !== undefined,
  );
  if (choice.target !== undefined && given.length) {
    throw new ArgumentError(
      '`target=` is mutually exclusive with `account=`/`project=`/`workspace=`.',
      { argumentNames: ['target', ...given] },
    );
  }
}

/**
 * Ranks one axis: `order` is that axis's source list (highest rank first),
 * `values` what each source supplies. The first source with a value wins;
 * the later ones that supply one are shadowed.
 */
function rank<S extends string, V>(
  order: readonly S[],
  values: Readonly<Partial<Record<S, V | undefined>>>,
  directoryPath?: string,
): AxisProvenance<S, V> {
  const file = (source: S) =>
    source === 'directory' && directoryPath !== undefined ? { path: directoryPath } : {};
  const [winner, ...shadowed] = order
    .filter((source) => values[source] !== undefined)
    .map((source) => Object.freeze({ source, value: values[source] as V, ...file(source) }));
  return Object.freeze({
    source: winner?.source ?? null,
    value: winner?.value ?? null,
    ...(winner ? file(winner.source) : {}),
    shadowed: Object.freeze(shadowed),
  });
}

/**
 * The target a directory binding names (docs/resolution.md#directory-binding);
 * a name that is not a saved target is an error naming the file and the fix.
 */
function boundTarget(config: ConfigView, binding: DirectoryBinding): Target {
  if (!config.targetNames().includes(binding.target)) {
    throw new ConfigError(
      `Target '${binding.target}' not found (named by ${binding.path}). Run \`mp target use --here --clear\` in that folder, or \`mp target add ${binding.target} ...\`.`,
      { details: { target: binding.target, path: binding.path } },
    );
  }
  return config.getTarget(binding.target);
}

/**
 * The `mp` command's rule for its global options (`WorkspaceOptions.envDefaults`):
 * `MP_TARGET` and `MP_ACCOUNT` act as defaults of `target` and `account`.
 * `MP_TARGET` gives way to any explicit account, project or workspace;
 * `MP_ACCOUNT` gives way to any target. Kept apart from `resolveSession`, so
 * a program that never asks for it does not carry it.
 */
export function withEnvDefaults(params: ResolveParams, env: Env): ResolveParams {
  const { account, project, workspace } = params;
  const target =
    params.target ?? ((account ?? project ?? workspace) ? undefined : env.MP_TARGET || undefined);
  return {
    ...params,
    target,
    account: account ?? (target ? undefined : env.MP_ACCOUNT || undefined),
  };
}

function checkProject(id: string): string {
  if (!isProjectId(id)) {
    throw new ConfigError(`Invalid project ID: '${id}'. Must match \`^\\d+$\`.`, {
      details: { project_id: id },
    });
  }
  return id;
}

function checkWorkspace(id: number): number {
  if (!(Number.isSafeInteger(id) && id > 0)) {
    throw new ConfigError(`Invalid workspace ID: ${id}. Must be > 0.`, {
      details: { workspace_id: id },
    });
  }
  return id;
}

/** Views a config source; a missing config is an empty one. */
export function toConfigView(config: ResolveSources['config']): ConfigView {
  return config instanceof ConfigView ? config : new ConfigView(config ?? {});
}

/**
 * Resolves account, project, workspace and headers from the given sources
 * (docs/resolution.md#algorithm). Pure: no I/O, no token reads, no environment mutation.
 * Throws ArgumentError (target with an axis) or ConfigError.
 */
export function resolveSession(sources: ResolveSources = {}): Resolution {
  const env = sources.env ?? {};
  const params = sources.params ?? {};
  const config = toConfigView(sources.config);
  const bridge = sources.bridge ?? null;
  const binding = sources.directory ?? null;

  // 1. Mutual exclusion (explicit params only).
  checkTargetExclusive(params);
  // 2. Target lookup (the given one, then the directory's), even when env vars will override every axis.
  const target: Target | undefined =
    params.target === undefined ? undefined : config.getTarget(params.target);
  const bound = binding ? boundTarget(config, binding) : undefined;
  const active = config.getActive();

  // 3. Account.
  const fromEnv = envAccount(env);
  const accountAxis = rank<AccountSource, string>(
    ACCOUNT_SOURCES,
    {
      env: fromEnv?.name,
      param: params.account,
      target: target?.account,
      bridge: bridge?.account.name,
      directory: bound?.account,
      active: active.account,
    },
    binding?.path,
  );
  if (accountAxis.source === null) throw new ConfigError(NO_ACCOUNT);
  const account =
    accountAxis.source === 'env'
      ? fromEnv!
      : accountAxis.source === 'bridge'
        ? bridge!.account
        : config.getAccount(accountAxis.value!);

  // 4. Project.
  const projectAxis = rank<ProjectSource, string>(
    PROJECT_SOURCES,
    {
      env: envProject(env),
      param: params.project,
      target: target?.project,
      bridge: bridge?.project ?? undefined,
      directory: bound?.project,
      default: account.defaultProject ?? params.fallbackProject,
    },
    binding?.path,
  );
  if (projectAxis.value === null) throw noProjectError(account.name);
  const project = new Project({ id: checkProject(projectAxis.value) });

  // 5. Workspace (none is fine: resolved lazily).
  const workspaceAxis = rank<WorkspaceSource, number>(
    WORKSPACE_SOURCES,
    {
      env: envWorkspace(env),
      param: params.workspace,
      target: target?.workspace,
      bridge: bridge?.workspace ?? undefined,
      directory: bound?.workspace,
      active: active.workspace,
    },
    binding?.path,
  );
  const workspace =
    workspaceAxis.value === null
      ? null
      : new WorkspaceRef({ id: checkWorkspace(workspaceAxis.value) });

  // 6. Headers: [settings].custom_header, then the bridge's headers over it.
  const header = config.getCustomHeader();
  const headers = { ...(header ? { [header.name]: header.value } : {}), ...bridge?.headers };

  // 7. The Session and where each axis came from.
  return Object.freeze({
    session: new Session({ account, project, workspace, headers }),
    provenance: Object.freeze({
      account: accountAxis,
      project: projectAxis,
      workspace: workspaceAxis,
    }),
  });
}

/**
 * What `Workspace.use()` may switch: a target alone, or any of account,
 * project and workspace. A target with an axis does not compile (and throws
 * ArgumentError at run time, for JavaScript callers).
 */
export type UseOptions = UseTarget | UseAxes;

/** Switch to a saved target: its account, project and workspace. */
export interface UseTarget {
  target: string;
  account?: undefined;
  project?: undefined;
  workspace?: undefined;
}

/** Switch any of the account, project and workspace (none: no change). */
export interface UseAxes {
  target?: undefined;
  account?: string | undefined;
  project?: string | undefined;
  workspace?: number | undefined;
}

/**
 * The session after an in-place switch (docs/resolution.md#per-branch-rules), from the current
 * resolution and the same kind of sources as `resolveSession`:
 * - `{target}`: a full resolution with that target (env still wins);
 * - `{account, project?, workspace?}`: the account from config (env
 *   credentials are not applied); project `MP_PROJECT_ID` > `project` >
 *   bridge project > the account's default; workspace `workspace` >
 *   `MP_WORKSPACE_ID` > none — never the previous project or workspace;
 * - `{project, workspace?}`: exactly that project; the workspace given, or none;
 * - `{workspace}`: only the workspace;
 * - `{}`: unchanged.
 * Headers never change. Pure; throws before anything is decided.
 */
export function resolveUse(
  current: Resolution,
  options: UseOptions,
  sources: ResolveSources = {},
): Resolution {
  checkTargetExclusive(options);
  const axes = (['account', 'project', 'workspace'] as const).filter(
    (k) => options[k] !== undefined,
  );
  if (options.target !== undefined) {
    const next = resolveSession({ ...sources, params: { target: options.target } });
    return Object.freeze({
      session: next.session.replace({ headers: current.session.headers }),
      provenance: next.provenance,
    });
  }
  if (!axes.length) return current;
  const env = sources.env ?? {};
  envRegion(env); // an invalid MP_REGION fails every resolution, switches included (docs/resolution.md#environment-credentials)
  const explicitWorkspace =
    options.workspace === undefined ? undefined : checkWorkspace(options.workspace);
  const explicitProject = options.project === undefined ? undefined : checkProject(options.project);
  const param = <V>(value: V) =>
    Object.freeze({ source: 'param' as const, value, shadowed: Object.freeze([]) });

  if (options.account !== undefined) {
    const config = toConfigView(sources.config);
    const account = config.getAccount(options.account);
    const bridge = sources.bridge ?? null;
    const project = rank<ProjectSource, string>(USE_ACCOUNT_PROJECT_SOURCES, {
      env: envProject(env),
      param: explicitProject,
      bridge: bridge?.project ?? undefined,
      default: account.defaultProject,
    });
    if (project.value === null) throw noProjectError(account.name);
    const workspace = rank<WorkspaceSource, number>(USE_ACCOUNT_WORKSPACE_SOURCES, {
      param: explicitWorkspace,
      env: envWorkspace(env),
    });
    return Object.freeze({
      session: new Session({
        account,
        project: new Project({ id: checkProject(project.value) }),
        workspace: workspace.value === null ? null : new WorkspaceRef({ id: workspace.value }),
        headers: current.session.headers,
      }),
      provenance: Object.freeze({ account: param(account.name), project, workspace }),
    });
  }
  const { session, provenance } = current;
  const workspaceRef =
    explicitWorkspace === undefined ? null : new WorkspaceRef({ id: explicitWorkspace });
  const none = Object.freeze({ source: null, value: null, shadowed: Object.freeze([]) });
  if (explicitProject !== undefined) {
    return Object.freeze({
      session: session.replace({
        project: new Project({ id: explicitProject }),
        workspace: workspaceRef,
      }),
      provenance: Object.freeze({
        account: provenance.account,
        project: param(explicitProject),
        workspace: workspaceRef ? param(workspaceRef.id) : none,
      }),
    });
  }
  return Object.freeze({
    session: session.replace({ workspace: workspaceRef }),
    provenance: Object.freeze({ ...provenance, workspace: param(workspaceRef!.id) }),
  });
}
