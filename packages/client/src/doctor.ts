import { existsSync } from 'node:fs';
import {
  type Account,
  type ApiFamily,
  type BaseUrlOverride,
  baseUrlFor,
  type ConfigView,
  envAccount,
  envCredentialWarning,
  type MeResponse,
  MixpanelDataError,
  type OAuthTokens,
  type Region,
  type Resolution,
  redactUrl,
  resolveBaseUrlOverride,
  staticToken,
} from '@mixpanel-data/auth-core';
import type { LoadedBridge } from '@mixpanel-data/bridge';
import { type FileIssue, inspectFiles } from '@mixpanel-data/config-store';
import {
  clientRegisteredElsewhere,
  clientServer,
  OnDiskTokenResolver,
} from '@mixpanel-data/oauth-pkce';
import { probeClient, userOf } from './account-calls';
import { fetchMe } from './me-service';
import { type ClientOptions, Context, resolveFromSources } from './sources';
import { oauthNetOptions } from './version';

/** How one check came out (docs/cli.md#mp-doctor). */
export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skipped';

/**
 * One line of `mp doctor` (docs/cli.md#mp-doctor): a stable `id` (its first
 * segment is the group: `config`, `account`, `overrides`, `session`,
 * `files`, `network`), the outcome, one sentence, the command or step that
 * fixes it (null when nothing needs fixing), and facts as data. No field
 * ever holds a secret.
 */
export interface DoctorCheck {
  readonly id: string;
  readonly status: CheckStatus;
  readonly summary: string;
  readonly fix: string | null;
  readonly details: Readonly<Record<string, unknown>>;
}

/** What `diagnose()` looks at and how long it may wait. */
export interface DiagnoseOptions extends ClientOptions {
  /** The session flags, as for a Workspace (`-a`, `-p`, `-w`, `--target`). */
  account?: string | undefined;
  project?: string | undefined;
  workspace?: number | undefined;
  target?: string | undefined;
  /** Apply `MP_ACCOUNT` and `MP_TARGET` as defaults of the flags (what `mp` does). */
  envDefaults?: boolean | undefined;
  /** Make no network request: the `/me`, project and network checks are `skipped`. */
  offline?: boolean | undefined;
  /** Deadline of each network check, in milliseconds. Default `DOCTOR_TIMEOUT_MS`. */
  networkTimeoutMs?: number | undefined;
}

/** Each network check gives up after this long; they run in parallel. */
export const DOCTOR_TIMEOUT_MS = 3_000;
/** A server clock further off than this is a warning: token expiry is judged by the local clock. */
export const CLOCK_SKEW_LIMIT_SECONDS = 60;

/** The `MP_*` variables that change which account, project, workspace or headers a command uses. */
const SESSION_VARIABLES = [
  'MP_USERNAME',
  'MP_SECRET',
  'MP_OAUTH_TOKEN',
  'MP_PROJECT_ID',
  'MP_REGION',
  'MP_WORKSPACE_ID',
  'MP_ACCOUNT',
  'MP_TARGET',
  'MP_CUSTOM_HEADER_NAME',
  'MP_CUSTOM_HEADER_VALUE',
] as const;
/** The variables that hold environment credentials (docs/resolution.md#environment-credentials). */
const CREDENTIAL_VARIABLES = ['MP_USERNAME', 'MP_SECRET', 'MP_OAUTH_TOKEN'] as const;
/** The families whose hosts an account's commands reach (docs/http.md#hosts-per-region). */
const FAMILIES: readonly ApiFamily[] = ['app', 'query', 'export', 'oauth'];
/** The variables that move files or hosts. */
const LOCATION_VARIABLES = ['MP_CONFIG_PATH', 'MP_OAUTH_STORAGE_DIR', 'MP_AUTH_FILE'] as const;

const check = (
  id: string,
  status: CheckStatus,
  summary: string,
  fix: string | null = null,
  details: Record<string, unknown> = {},
): DoctorCheck => Object.freeze({ id, status, summary, fix, details: Object.freeze(details) });

/** The first line of an error's message (the library's messages never hold a secret). */
const firstLine = (error: unknown) =>
  (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
const codeOf = (error: unknown): string | undefined =>
  MixpanelDataError.isInstance(error) ? error.code : undefined;
const detailsOf = (error: unknown): Record<string, unknown> =>
  MixpanelDataError.isInstance(error) ? { ...error.details } : {};
const modeText = (mode: number) => `0${mode.toString(8)}`;

/** Counts the checks of each status (the summary line of `mp doctor`). */
export function countChecks(checks: readonly DoctorCheck[]): Record<CheckStatus, number> {
  const counts: Record<CheckStatus, number> = { ok: 0, warn: 0, fail: 0, skipped: 0 };
  for (const one of checks) counts[one.status] += 1;
  return counts;
}

/**
 * Looks at everything `mp` depends on and says what is wrong and how to fix
 * it (docs/cli.md#mp-doctor): config.toml, each account's credentials and
 * tokens, what overrides what (environment, bridge file, moved paths), the
 * resolved session with the source of each axis, the files under the
 * storage root, and — unless `offline` — `/me` per account, the hosts the
 * accounts use and the server's clock, each with a short deadline, in
 * parallel. It changes no file, with one exception: an access token that
 * has expired is refreshed, as every command would refresh it, so that a
 * revoked refresh token shows.
 */
export async function diagnose(options: DiagnoseOptions = {}): Promise<DoctorCheck[]> {
  const timeoutMs = options.networkTimeoutMs ?? DOCTOR_TIMEOUT_MS;
  // A refresh waits for another process's token lock no longer than any network check.
  const ctx = new Context({
    ...options,
    timeoutMs,
    maxRetries: 0,
    tokenLock: { ...options.tokenLock, timeoutMs },
  });
  const env = ctx.env;
  const checks: DoctorCheck[] = [];
  const where = ctx.configStore.locations;
  const files = inspectFiles(where);
  // A bad MP_BASE_URL (or baseUrl) is reported by overrides.paths; nothing is sent then.
  let override: BaseUrlOverride | null = null;
  let overrideError: unknown = null;
  try {
    override = resolveBaseUrlOverride(options.baseUrl, env);
  } catch (error) {
    overrideError = error;
  }

  // --- config.toml
  const configIssues = files.issues.filter(
    (issue) => issue.path === where.configPath || where.configPath.startsWith(`${issue.path}/`),
  );
  let view: ConfigView | null = null;
  try {
    view = ctx.configStore.read();
    view.assertWritable();
    view.listTargets();
    view.getCustomHeader();
    const accounts = view.accountNames().length;
    checks.push(
      existsSync(where.configPath)
        ? check(
            'config.file',
            'ok',
            `${where.configPath} is valid (${accounts} account${accounts === 1 ? '' : 's'})`,
            null,
            { path: where.configPath, exists: true },
          )
        : check('config.file', 'ok', `no ${where.configPath} yet (nothing configured)`, null, {
            path: where.configPath,
            exists: false,
          }),
    );
  } catch (error) {
    view = null;
    checks.push(
      check('config.file', 'fail', firstLine(error), configFix(error, where.configPath), {
        path: where.configPath,
        code: codeOf(error),
        ...detailsOf(error),
      }),
    );
  }
  checks.push(fileCheck('config.permissions', configIssues, `${where.configPath} is private`));
  if (view) {
    checks.push(targetsCheck(view), activeCheck(view));
  } else {
    const why = 'config.toml could not be read';
    checks.push(check('config.targets', 'skipped', why), check('config.active', 'skipped', why));
  }

  // --- accounts
  const accounts: Account[] = [];
  if (view) for (const name of view.accountNames().sort()) accounts.push(view.getAccount(name));
  try {
    const fromEnv = envAccount(env);
    if (fromEnv) accounts.push(fromEnv);
  } catch {
    // a bad MP_REGION: the session check names it
  }
  const tokenResolver = new OnDiskTokenResolver({
    tokenStore: ctx.tokenStore,
    env: options.env,
    httpTimeoutMs: timeoutMs,
    ...oauthNetOptions(options),
  });
  const usable = new Map<string, Account>();
  for (const account of accounts) {
    const credentials = credentialsCheck(ctx, account, files.issues);
    checks.push(credentials.check);
    if (credentials.tokens !== undefined)
      checks.push(tokenCheck(ctx, account, credentials.tokens, override));
    if (credentials.check.status !== 'fail') usable.set(account.name, account);
  }

  // --- what overrides what
  let bridge: LoadedBridge | null = null;
  let bridgeError: unknown = null;
  try {
    bridge = ctx.bridge();
  } catch (error) {
    bridgeError = error;
  }
  let resolution: Resolution | null = null;
  let resolutionError: unknown = null;
  try {
    // ctx.sources(): every source the resolver takes, whatever kinds it gains.
    resolution = resolveFromSources(
      ctx.sources(),
      {
        account: options.account,
        project: options.project,
        workspace: options.workspace,
        target: options.target,
      },
      options.envDefaults === true,
    );
  } catch (error) {
    resolutionError = error;
  }
  checks.push(environmentCheck(env, resolution));
  checks.push(bridgeCheck(env, bridge, bridgeError, resolution));
  checks.push(locationsCheck(env, overrideError));

  // --- the session, axis by axis, whatever sources the resolver reports
  if (resolution) {
    for (const [axis, axisProvenance] of Object.entries(resolution.provenance)) {
      const { source, value, shadowed } = axisProvenance as {
        source: string | null;
        value: unknown;
        shadowed: readonly { source: string; value: unknown }[];
      };
      const over = shadowed.length
        ? `; over ${shadowed.map((entry) => `${entry.source} ${String(entry.value)}`).join(', ')}`
        : '';
      checks.push(
        check(
          `session.${axis}`,
          'ok',
          source === null
            ? `${axis}: resolved on first use`
            : `${axis}: ${String(value)} (from ${source}${over})`,
          null,
          { source, value, shadowed },
        ),
      );
    }
  } else if (!view || bridgeError) {
    const why = view ? 'the bridge file (see overrides.bridge)' : 'config.toml (see config.file)';
    checks.push(check('session', 'skipped', `${why} could not be read`));
  } else {
    checks.push(
      check(
        'session',
        'fail',
        firstLine(resolutionError),
        codeOf(resolutionError) === 'CONFIG_ERROR' && accounts.length === 0
          ? 'mp login'
          : 'mp session --explain',
        { code: codeOf(resolutionError), ...detailsOf(resolutionError) },
      ),
    );
  }

  // --- files under the storage root
  checks.push(...storageChecks(files.issues.filter((issue) => !configIssues.includes(issue))));

  // --- the network: /me per account, the hosts, the clock
  if (options.offline || overrideError) {
    const why = options.offline ? 'offline' : 'MP_BASE_URL is not usable (see overrides.paths)';
    for (const account of accounts) {
      checks.push(check(`account.${account.name}.me`, 'skipped', why));
      checks.push(check(`account.${account.name}.project`, 'skipped', why));
    }
    checks.push(check('network.reach', 'skipped', why), check('network.clock', 'skipped', why));
    return order(checks, accounts);
  }
  const origins = new Map<string, Region>();
  for (const account of accounts)
    for (const family of FAMILIES) {
      const origin = new URL(baseUrlFor(family, account.region, override)).origin;
      if (!origins.has(origin)) origins.set(origin, account.region);
    }
  const deadline = <T>(work: Promise<T>) => withDeadline(work, timeoutMs + 500);
  const [meChecks, reachChecks] = await Promise.all([
    Promise.all(
      accounts.map((account) =>
        usable.has(account.name)
          ? deadline(meCheck(ctx, account, tokenResolver)).catch((error: unknown) => [
              check(`account.${account.name}.me`, 'fail', firstLine(error), 'check the network'),
              check(`account.${account.name}.project`, 'skipped', '/me did not answer'),
            ])
          : [
              check(`account.${account.name}.me`, 'skipped', 'no usable credentials'),
              check(`account.${account.name}.project`, 'skipped', 'no usable credentials'),
            ],
      ),
    ),
    Promise.all(
      [...origins.keys()].map((origin) =>
        probeHost(origin, timeoutMs, override !== null, options.fetch ?? fetch),
      ),
    ),
  ]);
  for (const pair of meChecks) checks.push(...pair);
  if (origins.size === 0) checks.push(check('network.reach', 'skipped', 'no account uses a host'));
  for (const probe of reachChecks) checks.push(probe.check);
  checks.push(clockCheck(reachChecks));
  return order(checks, accounts);
}

/**
 * Groups in a fixed order; the account group account by account (in listing
 * order); otherwise checks in the order they were made.
 */
const GROUP_ORDER = ['config', 'account', 'overrides', 'session', 'files', 'network'];
function order(checks: DoctorCheck[], accounts: readonly Account[]): DoctorCheck[] {
  const names: readonly string[] = accounts.map((account) => account.name);
  const rank = (one: DoctorCheck) => {
    const [group, name] = one.id.split('.');
    const at = GROUP_ORDER.indexOf(group!);
    return [at < 0 ? GROUP_ORDER.length : at, group === 'account' ? names.indexOf(name!) : 0];
  };
  return checks
    .map((one, index) => ({ one, index, rank: rank(one) }))
    .sort((a, b) => a.rank[0]! - b.rank[0]! || a.rank[1]! - b.rank[1]! || a.index - b.index)
    .map(({ one }) => one);
}

function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    timer.unref?.();
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/** The step that fixes an unreadable config.toml, from the error's code and details (never its text). */
function configFix(error: unknown, path: string): string {
  const details = detailsOf(error);
  if (details.refusal === 'mode') return `chmod 600 ${path}`;
  if (details.refusal === 'symlink') return `replace the link ${path} with the file itself`;
  if (details.refusal === 'size')
    return 'mp target remove NAME / mp account remove NAME, or edit the file';
  if (Array.isArray(details.legacy_keys) || details.block !== undefined)
    return typeof details.block === 'string' && !Array.isArray(details.legacy_keys)
      ? `edit the [${details.block}] block of ${path}`
      : `mv ${path} ${path}.old && mp login`;
  if (codeOf(error) === 'CONFIG_ERROR' && details.env_var)
    return `fix or unset ${String(details.env_var)}`;
  return `edit ${path}`;
}

function targetsCheck(view: ConfigView): DoctorCheck {
  const dangling = view
    .listTargets()
    .filter((target) => !view.hasAccount(target.account))
    .map((target) => ({ target: target.name, account: target.account }));
  if (dangling.length === 0)
    return check('config.targets', 'ok', `${view.targetNames().length} target(s), all valid`);
  const first = dangling[0]!;
  return check(
    'config.targets',
    'fail',
    `target '${first.target}' names account '${first.account}', which does not exist${dangling.length > 1 ? ` (and ${dangling.length - 1} more)` : ''}`,
    dangling.map((entry) => `mp target remove ${entry.target}`).join(' && '),
    { dangling },
  );
}

function activeCheck(view: ConfigView): DoctorCheck {
  const active = view.getActive();
  const names = view.accountNames();
  if (active.account === undefined)
    return names.length
      ? check(
          'config.active',
          'warn',
          'no [active] account: commands need -a NAME',
          `mp account use ${names[0]}`,
        )
      : check('config.active', 'warn', 'no account is configured', 'mp login');
  if (!view.hasAccount(active.account))
    return check(
      'config.active',
      'fail',
      `[active] names account '${active.account}', which does not exist`,
      names.length ? `mp account use ${names[0]}` : 'mp login',
      { account: active.account },
    );
  return check('config.active', 'ok', `[active] account '${active.account}' exists`, null, {
    account: active.account,
  });
}

/** Whether the account has what it needs to authenticate; for a browser account, its tokens. */
function credentialsCheck(
  ctx: Context,
  account: Account,
  issues: readonly FileIssue[],
): { check: DoctorCheck; tokens?: OAuthTokens } {
  const id = `account.${account.name}.credentials`;
  const login = `mp account login ${account.name}`;
  if (account.type === 'service_account')
    return { check: check(id, 'ok', 'service account: username and secret present') };
  if (account.type === 'oauth_token') {
    try {
      staticToken(account, ctx.env);
      return {
        check: check(
          id,
          'ok',
          account.tokenEnv ? `token from $${account.tokenEnv} (set)` : 'token in config.toml',
        ),
      };
    } catch (error) {
      return {
        check: check(
          id,
          'fail',
          firstLine(error),
          `export ${account.tokenEnv ?? 'VAR'}=… or mp account update ${account.name} --token-env VAR`,
          { env_var: account.tokenEnv },
        ),
      };
    }
  }
  const path = ctx.tokenStore.tokensPath(account.name);
  let tokens: OAuthTokens | null;
  try {
    tokens = ctx.tokenStore.readTokens(account.name);
  } catch (error) {
    const lax = issues.some((issue) => issue.kind === 'mode' && issue.path === path);
    return {
      check: check(id, 'fail', firstLine(error), lax ? `chmod 600 ${path}` : login, {
        path,
        code: codeOf(error),
      }),
    };
  }
  if (!tokens) return { check: check(id, 'fail', `no tokens.json (${path})`, login, { path }) };
  return { check: check(id, 'ok', `tokens.json present (${path})`, null, { path }), tokens };
}

/** The access token's expiry, and whether it can be refreshed (refresh token, client record of this server). */
function tokenCheck(
  ctx: Context,
  account: Account,
  tokens: OAuthTokens,
  override: BaseUrlOverride | null,
): DoctorCheck {
  const id = `account.${account.name}.token`;
  const login = `mp account login ${account.name}`;
  const expiresAt = tokens.expiresAt.toISOString();
  const left = Math.round((tokens.expiresAt.getTime() - Date.now()) / 1000);
  const expired = tokens.isExpired();
  const client = ctx.tokenStore.readClient(account.region, account.name, { repair: false });
  const elsewhere =
    client && clientRegisteredElsewhere(client, clientServer(account.region, override));
  const clientMatches = client !== null && !elsewhere;
  const details = {
    expires_at: expiresAt,
    expired,
    refresh_token: tokens.refreshToken !== undefined,
    client_record: client === null ? null : clientMatches ? 'matches' : 'other_server',
  };
  const when = expired ? `expired at ${expiresAt}` : `valid until ${expiresAt} (${left} s left)`;
  if (!tokens.refreshToken)
    return expired
      ? check(id, 'fail', `access token ${when}, and there is no refresh token`, login, details)
      : check(id, 'warn', `access token ${when}; no refresh token to renew it`, login, details);
  if (!client || !clientMatches) {
    const why = elsewhere
      ? `its client record was ${elsewhere}`
      : 'no OAuth client record to refresh it with';
    return check(id, expired ? 'fail' : 'warn', `access token ${when}; ${why}`, login, details);
  }
  return check(id, 'ok', `access token ${when}; refreshable`, null, details);
}

/** `/me` with the account's credentials, and whether its default project is among the answer's projects. */
async function meCheck(
  ctx: Context,
  account: Account,
  tokenResolver: OnDiskTokenResolver,
): Promise<DoctorCheck[]> {
  const id = `account.${account.name}.me`;
  let me: MeResponse;
  try {
    me = (await fetchMe(probeClient(ctx, account, tokenResolver))).me;
  } catch (error) {
    return [
      check(id, 'fail', firstLine(error), meFix(account, error), {
        code: codeOf(error),
        status_code: detailsOf(error).status_code,
      }),
      check(`account.${account.name}.project`, 'skipped', '/me failed'),
    ];
  }
  const projects = Object.keys(me.projects ?? {});
  const user = userOf(me);
  const meCheckResult = check(
    id,
    'ok',
    `/me answers${user ? ` for ${user.email}` : ''}: ${projects.length} project(s)`,
    null,
    { projects: projects.length },
  );
  const project = account.defaultProject;
  const projectId = `account.${account.name}.project`;
  if (project === undefined)
    return [
      meCheckResult,
      check(
        projectId,
        'warn',
        'no default project',
        `mp project list -a ${account.name}, then mp account update ${account.name} --project ID`,
      ),
    ];
  return [
    meCheckResult,
    projects.includes(project)
      ? check(projectId, 'ok', `default project ${project} is visible`, null, { project })
      : check(
          projectId,
          'fail',
          `default project ${project} is not among the ${projects.length} project(s) this account can see`,
          `mp project list -a ${account.name}, then mp account update ${account.name} --project ID`,
          { project },
        ),
  ];
}

/** The step after a failed `/me`, chosen by error code and account type. */
function meFix(account: Account, error: unknown): string {
  const login = `mp account login ${account.name}`;
  switch (codeOf(error)) {
    case 'AUTH_FAILED':
      return account.type === 'service_account'
        ? `mp account update ${account.name} --secret-stdin`
        : account.type === 'oauth_token'
          ? `mp account update ${account.name} --token-env VAR (with a valid token in VAR)`
          : login;
    case 'OAUTH_REFRESH_REVOKED':
    case 'OAUTH_TOKEN_ERROR':
    case 'OAUTH_REFRESH_ERROR':
      return login;
    case 'HTTP_ERROR':
      return 'check the network (see network.reach), or MP_BASE_URL';
    case 'QUERY_FAILED':
      return 'ask an organization admin for access';
    default:
      return `mp account test ${account.name}`;
  }
}

function environmentCheck(env: ClientOptions['env'] & object, resolution: Resolution | null) {
  const set = SESSION_VARIABLES.filter((name) => env[name]);
  const partial = envCredentialWarning(env);
  if (partial) {
    const present = CREDENTIAL_VARIABLES.filter((name) => env[name]);
    return check('overrides.environment', 'warn', partial, `unset ${present.join(' ')}`, {
      variables: set,
    });
  }
  const account = resolution?.provenance.account;
  if (account?.source === 'env' && account.shadowed.length) {
    const credentials = CREDENTIAL_VARIABLES.filter((name) => env[name]);
    return check(
      'overrides.environment',
      'warn',
      `environment credentials (${String(account.value)}) override ${account.shadowed.map((entry) => `${entry.value} (${entry.source})`).join(', ')}`,
      `unset ${credentials.join(' ')}`,
      { variables: set },
    );
  }
  return check(
    'overrides.environment',
    'ok',
    set.length ? `set: ${set.join(', ')}` : 'no MP_* session variable is set',
    null,
    { variables: set },
  );
}

function bridgeCheck(
  env: NonNullable<ClientOptions['env']>,
  bridge: LoadedBridge | null,
  error: unknown,
  resolution: Resolution | null,
): DoctorCheck {
  const remove = env.MP_AUTH_FILE ? 'unset MP_AUTH_FILE' : 'mp account remove-bridge';
  if (error)
    return check('overrides.bridge', 'fail', firstLine(error), remove, { ...detailsOf(error) });
  if (!bridge) return check('overrides.bridge', 'ok', 'no bridge file');
  const account = resolution?.provenance.account;
  const details = { path: bridge.path, account: bridge.bridge.account.name };
  const replaced = account?.source === 'bridge' ? account.shadowed : [];
  if (replaced.length)
    return check(
      'overrides.bridge',
      'warn',
      `bridge file ${bridge.path} supplies account '${bridge.bridge.account.name}' over ${replaced.map((entry) => `${entry.value} (${entry.source})`).join(', ')}`,
      remove,
      details,
    );
  return check(
    'overrides.bridge',
    'ok',
    `bridge file ${bridge.path} (account '${bridge.bridge.account.name}')`,
    null,
    details,
  );
}

function locationsCheck(
  env: NonNullable<ClientOptions['env']>,
  overrideError: unknown,
): DoctorCheck {
  if (overrideError)
    return check('overrides.paths', 'fail', firstLine(overrideError), 'fix or unset MP_BASE_URL', {
      code: codeOf(overrideError),
      env_var: 'MP_BASE_URL',
    });
  const moved = LOCATION_VARIABLES.filter((name) => env[name]).map(
    (name) => `${name}=${env[name]}`,
  );
  if (env.MP_BASE_URL) moved.push(`MP_BASE_URL=${redactUrl(env.MP_BASE_URL)}`);
  return check(
    'overrides.paths',
    'ok',
    moved.length ? moved.join(', ') : 'default locations and Mixpanel hosts',
    null,
    { variables: moved.map((entry) => entry.split('=')[0]) },
  );
}

/** One check per kind of file problem: modes, links, temp files, locks. */
function storageChecks(issues: readonly FileIssue[]): DoctorCheck[] {
  const of = <K extends FileIssue['kind']>(kind: K) =>
    issues.filter((issue): issue is Extract<FileIssue, { kind: K }> => issue.kind === kind);
  const locks = of('lock');
  const dead = locks.filter((lock) => !lock.holder?.holderRuns);
  const live = locks.filter((lock) => lock.holder?.holderRuns);
  const temps = of('temp');
  const lockCheck =
    locks.length === 0
      ? check('files.locks', 'ok', 'no lock older than a minute')
      : check(
          'files.locks',
          'warn',
          [
            ...dead.map((lock) => `${lock.path}: stale (holder gone)`),
            ...live.map(
              (lock) =>
                `${lock.path}: held for ${Math.round(lock.ageMs / 1000)} s by running pid ${lock.holder?.pid}`,
            ),
          ].join('; '),
          [
            ...(dead.length ? [`rm ${dead.map((lock) => lock.path).join(' ')}`] : []),
            ...live.map((lock) => `wait for pid ${lock.holder?.pid}, or kill ${lock.holder?.pid}`),
          ].join(' && '),
          {
            locks: locks.map((lock) => ({
              path: lock.path,
              age_seconds: Math.round(lock.ageMs / 1000),
              pid: lock.holder?.pid ?? null,
              holder_runs: lock.holder?.holderRuns ?? false,
            })),
          },
        );
  return [
    fileCheck('files.permissions', of('mode'), 'every file is 0600 and every folder 0700'),
    fileCheck('files.links', of('link'), 'no symlink'),
    temps.length === 0
      ? check('files.temp', 'ok', 'no leftover temp file')
      : check(
          'files.temp',
          'warn',
          `leftover temp file(s) of a killed writer (may hold secrets): ${temps.map((temp) => temp.path).join(', ')}`,
          `rm -r ${temps.map((temp) => temp.path).join(' ')}`,
          { paths: temps.map((temp) => temp.path) },
        ),
    lockCheck,
  ];
}

/** Modes and links of a set of paths as one check; `okText` when there is nothing to report. */
function fileCheck(id: string, issues: readonly FileIssue[], okText: string): DoctorCheck {
  const modes = issues.filter((issue) => issue.kind === 'mode');
  const links = issues.filter((issue) => issue.kind === 'link');
  if (modes.length === 0 && links.length === 0) return check(id, 'ok', okText);
  const laxFiles = modes.filter((issue) => !issue.directory);
  const laxDirs = modes.filter((issue) => issue.directory);
  const summary = [
    ...modes.map(
      (issue) =>
        `${issue.path} has mode ${modeText(issue.mode)} (group/world bits; expected ${modeText(issue.expected)})`,
    ),
    ...links.map((issue) => `${issue.path} is a symlink (mp refuses to read through it)`),
  ].join('; ');
  const fix = [
    ...(laxFiles.length ? [`chmod 600 ${laxFiles.map((issue) => issue.path).join(' ')}`] : []),
    ...(laxDirs.length ? [`chmod 700 ${laxDirs.map((issue) => issue.path).join(' ')}`] : []),
    ...links.map((issue) => `replace the link ${issue.path} with the file itself`),
  ].join(' && ');
  // A file mp refuses to read (lax or linked) breaks commands; a lax folder does not.
  const status = laxFiles.length || links.length ? 'fail' : 'warn';
  return check(id, status, summary, fix, {
    paths: issues.map((issue) =>
      issue.kind === 'mode'
        ? { path: issue.path, mode: modeText(issue.mode), expected: modeText(issue.expected) }
        : { path: issue.path, link: true },
    ),
  });
}

interface HostProbe {
  check: DoctorCheck;
  /** Server time minus local time, in seconds, when the server sent a `Date`. */
  skewSeconds: number | null;
  origin: string;
}

/** One GET of the origin's root: any HTTP answer means reachable; its `Date` header tells the server's clock. */
async function probeHost(
  origin: string,
  timeoutMs: number,
  overridden: boolean,
  send: typeof fetch,
): Promise<HostProbe> {
  const id = `network.reach.${new URL(origin).host}`;
  const shown = redactUrl(origin);
  const started = Date.now();
  try {
    const response = await send(`${origin}/`, {
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    const ended = Date.now();
    await response.body?.cancel().catch(() => undefined);
    const date = Date.parse(response.headers.get('date') ?? '');
    const skewSeconds = Number.isNaN(date) ? null : (date - (started + ended) / 2) / 1000;
    return {
      origin,
      skewSeconds,
      check: check(
        id,
        'ok',
        `${shown} answers (HTTP ${response.status} in ${ended - started} ms)`,
        null,
        {
          origin: shown,
          status_code: response.status,
          ms: ended - started,
        },
      ),
    };
  } catch (error) {
    const cause = (error as { cause?: { code?: unknown } }).cause;
    const reason =
      (error as Error).name === 'TimeoutError'
        ? `no answer within ${timeoutMs} ms`
        : typeof cause?.code === 'string'
          ? cause.code
          : firstLine(error);
    return {
      origin,
      skewSeconds: null,
      check: check(
        id,
        'fail',
        `${shown} is unreachable: ${reason}`,
        overridden
          ? `start the server at ${shown}, or fix MP_BASE_URL`
          : 'check the network connection, proxy and firewall',
        { origin: shown, error: reason },
      ),
    };
  }
}

function clockCheck(probes: readonly HostProbe[]): DoctorCheck {
  const measured = probes.find((probe) => probe.skewSeconds !== null);
  if (!measured) return check('network.clock', 'skipped', 'no server answered with a Date header');
  const skew = Math.round(measured.skewSeconds!);
  const details = { skew_seconds: skew, origin: redactUrl(measured.origin) };
  if (Math.abs(skew) > CLOCK_SKEW_LIMIT_SECONDS)
    return check(
      'network.clock',
      'warn',
      `this machine's clock is ${Math.abs(skew)} s ${skew > 0 ? 'behind' : 'ahead of'} the server's (token expiry depends on it)`,
      'sync the system clock (e.g. timedatectl set-ntp true)',
      details,
    );
  return check(
    'network.clock',
    'ok',
    `clock within ${Math.abs(skew)} s of the server's`,
    null,
    details,
  );
}
