import {
  type Account,
  type AccountType,
  ConfigError,
  createAccount,
  createOAuthLoginResult,
  type Env,
  formatTimestamp,
  InvalidArgumentError,
  isRegion,
  type MeResponse,
  type OAuthLoginResult,
  OAuthTokenError,
  type ProbeAttempt,
  type Region,
} from '@mixpanel-data/auth-core';
import { createBearerResolver, OAuthFlow, type OAuthFlowOptions } from '@mixpanel-data/oauth-pkce';
import { meCacheOf, probeClient, regionOfDomain, userOf } from './account-calls';
import { fetchMe as fetchMeWith } from './me-service';
import { newAccountName } from './naming';
import { chooseProject, type ProjectChoice } from './project-choice';
import { type ProbeCredential, probeRegion } from './region-probe';
import { findSameAccount, type LoginIdentity } from './same-account';
import type { Context } from './sources';
import { oauthNetOptions } from './version';

/** The terminal side of a browser login: the flow's own options (see `OAuthFlowOptions`). */
export type LoginOptions = Pick<
  OAuthFlowOptions,
  | 'openBrowser'
  | 'browserOpener'
  | 'stdin'
  | 'stderr'
  | 'callbackPorts'
  | 'callbackTimeoutMs'
  | 'signal'
>;

/**
 * Browser login for an existing oauth_browser account: the PKCE flow, a
 * /me probe with the new token, the region cross-check, then tokens.json,
 * the account's client record, the default project and me.json.
 */
export async function loginAccount(
  ctx: Context,
  name: string,
  loginOptions: LoginOptions = {},
): Promise<OAuthLoginResult> {
  const options = ctx.options;
  const account = ctx.configStore.getAccount(name);
  if (account.type !== 'oauth_browser') {
    throw new ConfigError(
      `\`mp account login\` is only valid for oauth_browser accounts; '${name}' is type '${account.type}'.`,
      { details: { account_name: name, account_type: account.type } },
    );
  }
  const flow = new OAuthFlow({
    region: account.region,
    env: ctx.env,
    tokenStore: ctx.tokenStore,
    accountName: name,
    ...oauthNetOptions(options),
    ...loginOptions,
  });
  const outcome = await flow.login();
  let me: MeResponse;
  try {
    const bearer = createBearerResolver(outcome.tokens.accessToken.reveal(), ctx.env);
    me = (await fetchMeWith(probeClient(ctx, account, bearer))).me;
  } catch (error) {
    throw new OAuthTokenError(
      `Login succeeded but \`/me\` probe failed: ${(error as Error).message}`,
      { details: { account_name: name, region: account.region }, cause: error },
    );
  }
  const projectIds = Object.keys(me.projects ?? {}).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const project = account.defaultProject ?? projectIds[0];
  const entry = project === undefined ? undefined : me.projects?.[project];
  const projectRegion = regionOfDomain(entry?.domain);
  if (entry && projectRegion && projectRegion !== account.region) {
    throw new ConfigError(
      `Account '${name}' authenticated in region '${account.region}', but project ${project} (${entry.name}) lives in region '${projectRegion}' (${entry.domain}). Run \`mp login --region ${projectRegion}\`.`,
      {
        details: {
          account_name: name,
          region: account.region,
          project_id: project,
          project_region: projectRegion,
        },
      },
    );
  }
  ctx.tokenStore.writeTokens(name, outcome.tokens);
  ctx.tokenStore.writeClient(outcome.client, name);
  if (project !== undefined && project !== account.defaultProject)
    ctx.configStore.updateAccount(name, { defaultProject: project });
  meCacheOf(ctx).put(account, me);
  return createOAuthLoginResult({
    accountName: name,
    user: userOf(me),
    expiresAt: formatTimestamp(outcome.tokens.expiresAt).replace('+00:00', 'Z'),
    tokensPath: ctx.tokenStore.tokensPath(name),
    clientPath: ctx.tokenStore.clientPath(account.region),
  });
}

export interface LoginUnifiedOptions extends LoginOptions {
  name?: string | undefined;
  region?: Region | undefined;
  project?: string | undefined;
  serviceAccount?: boolean | undefined;
  tokenEnv?: string | undefined;
  /**
   * The service-account secret: a string, or a function that reads it (e.g.
   * from stdin for `--secret-stdin`), called only after every flag check has
   * passed, so a misused flag fails before anything is read. Else MP_SECRET.
   */
  secret?: string | (() => Promise<string>) | undefined;
  /** Whether `--secret-stdin` was given (for the flag checks). */
  secretStdin?: boolean | undefined;
  pick?: ((choices: ProjectChoice[]) => Promise<ProjectChoice>) | undefined;
  /** Notes for the user (`note: …` lines), region-probe attempts, progress. */
  onNote?: ((line: string) => void) | undefined;
  onProbeAttempt?: ((attempt: ProbeAttempt) => void) | undefined;
  /**
   * Long-running steps: called with a message when one starts (`Fetching
   * your projects from Mixpanel...` around the `/me` call) and with `null`
   * when it ends, so a caller can show a spinner.
   */
  onBusy?: ((message: string | null) => void) | undefined;
}

export interface LoginUnifiedResult {
  readonly accountName: string;
  readonly type: AccountType;
  readonly region: Region;
  readonly created: boolean;
  readonly userEmail: string | null;
  readonly projectId: string | null;
  readonly projectName: string | null;
}

/** Which account type `mp login` will create or refresh (docs/cli.md#flag-checks step 3). */
export function detectAuthType(
  options: { serviceAccount?: boolean | undefined; tokenEnv?: string | undefined },
  env: Env,
): AccountType {
  if (options.serviceAccount) return 'service_account';
  if (options.tokenEnv) return 'oauth_token';
  if (env.MP_USERNAME && env.MP_SECRET) return 'service_account';
  if (env.MP_OAUTH_TOKEN) return 'oauth_token';
  return 'oauth_browser';
}

/** The browser-login part of the options (what `OAuthFlow` and `accounts.login` take). */
function loginIo(options: LoginOptions): LoginOptions {
  const { openBrowser, browserOpener, stdin, stderr, callbackPorts, callbackTimeoutMs, signal } =
    options;
  return { openBrowser, browserOpener, stdin, stderr, callbackPorts, callbackTimeoutMs, signal };
}

/** The service-account secret: the caller's (read now if it is a reader), else MP_SECRET. */
async function secretOf(options: LoginUnifiedOptions, env: Env): Promise<string | undefined> {
  return (
    (typeof options.secret === 'function' ? await options.secret() : options.secret) ??
    env.MP_SECRET
  );
}

const loginHint = (type: AccountType) =>
  type === 'service_account'
    ? 'mp login --service-account'
    : type === 'oauth_token'
      ? 'mp login --token-env MP_OAUTH_TOKEN'
      : 'mp login';

/**
 * The guided `mp login` (docs/cli.md#mp-login, docs/oauth.md#login-overview): validates the flags, then
 * refreshes an existing account named by `name`, or creates a new one (a
 * service account or static token found in the environment, or a browser
 * login), picks its project and name, and makes it active.
 */
export async function loginUnified(
  ctx: Context,
  options: LoginUnifiedOptions,
): Promise<LoginUnifiedResult> {
  const namespace = ctx.options;
  const env = ctx.env;
  if (options.serviceAccount && options.tokenEnv) {
    throw new InvalidArgumentError(
      '--service-account and --token-env are mutually exclusive.\n\nPick one auth type:\n    mp login --service-account\n    mp login --token-env MY_OAUTH_TOKEN_VAR',
      { violation: 'mutually_exclusive' },
    );
  }
  const type = detectAuthType(options, env);
  if (options.openBrowser === false && type !== 'oauth_browser') {
    throw new InvalidArgumentError(
      `--no-browser is only meaningful for the oauth_browser auth type.\n\nDetected auth type: ${type}.`,
      { violation: 'no_browser_misuse', detectedAuthType: type },
    );
  }
  if (options.secretStdin && type !== 'service_account') {
    throw new InvalidArgumentError(
      `--secret-stdin is only meaningful for the service_account auth type.\n\nDetected auth type: ${type}.`,
      { violation: 'secret_stdin_misuse', detectedAuthType: type },
    );
  }
  const note = options.onNote ?? (() => {});
  const store = ctx.configStore;
  const view = store.read();
  const meCache = meCacheOf(ctx);

  /** GET /me with a given account (and, for a browser login, its in-memory bearer). */
  const fetchMe = async (
    account: Account,
    bearer?: string,
  ): Promise<{ me: MeResponse; text: string }> => {
    const client = probeClient(
      ctx,
      account,
      bearer ? createBearerResolver(bearer, env) : ctx.tokenResolver(),
    );
    options.onBusy?.('Fetching your projects from Mixpanel...');
    try {
      return await fetchMeWith(client);
    } finally {
      options.onBusy?.(null);
    }
  };
  const finish = (account: Account, me: MeResponse, created: boolean): LoginUnifiedResult => {
    meCache.put(account, me);
    // A new account was made active as it was added (one write).
    if (!created) store.useAccount(account.name);
    const project = store.getAccount(account.name).defaultProject ?? null;
    return Object.freeze({
      accountName: account.name,
      type: account.type,
      region: account.region,
      created,
      userEmail: typeof me.user_email === 'string' ? me.user_email : null,
      projectId: project,
      projectName: project ? (me.projects?.[project]?.name ?? null) : null,
    });
  };

  // ---- re-login of an existing account named by `name`
  if (options.name !== undefined && view.hasAccount(options.name)) {
    const existing = view.getAccount(options.name);
    if (existing.type !== type) {
      throw new ConfigError(
        `Account '${existing.name}' is type '${existing.type}'; cannot re-login as type '${type}'.\n\nTo change the auth type, remove the existing account first:\n    mp account remove ${existing.name}\n    ${loginHint(type)}`,
        { details: { account_name: existing.name } },
      );
    }
    if (options.region !== undefined && options.region !== existing.region) {
      throw new ConfigError(
        `Account '${existing.name}' is bound to region '${existing.region}'; cannot change to '${options.region}' on re-login.\n\nTo change the region, remove the account first:\n    mp account remove ${existing.name}\n    mp login --region ${options.region}`,
        { details: { account_name: existing.name } },
      );
    }
    if (options.project !== undefined) {
      note(
        `note: --project ignored on re-login; use 'mp project use ID' to change the active project (currently ${existing.defaultProject ?? 'none'}).`,
      );
    }
    if (type === 'oauth_browser') {
      await loginAccount(ctx, existing.name, loginIo(options));
      const account = store.getAccount(existing.name);
      const { me } = await fetchMe(account);
      return finish(account, me, false);
    }
    let credential: ProbeCredential;
    if (type === 'service_account') {
      const username = env.MP_USERNAME;
      if (!username)
        throw new ConfigError(
          'MP_USERNAME is not set; set it to the service account username to re-login.',
          { details: { env_var: 'MP_USERNAME' } },
        );
      const secret = await secretOf(options, env);
      if (!secret)
        throw new ConfigError('No secret: pass --secret-stdin or set MP_SECRET.', {
          details: { env_var: 'MP_SECRET' },
        });
      credential = { type, username, secret };
    } else {
      const variable =
        options.tokenEnv ?? (existing.type === 'oauth_token' ? existing.tokenEnv : undefined);
      const name = variable ?? 'MP_OAUTH_TOKEN';
      const value = env[name];
      if (!value)
        throw new ConfigError(
          `Env var '${name}' is unset. Set it to the bearer token and re-run.`,
          {
            details: { env_var: name },
          },
        );
      // The storage mode is kept: an env reference stays one, an inline token gets the new value.
      credential = variable ? { type, tokenEnv: variable } : { type, token: value };
    }
    // The new credentials are checked before they replace the old ones.
    const { me } = await fetchMe(
      createAccount({ ...credential, name: existing.name, region: existing.region }),
    );
    const { type: _type, ...fields } = credential;
    store.updateAccount(existing.name, fields);
    return finish(store.getAccount(existing.name), me, false);
  }

  /** The account a login without a name re-authenticates (docs/cli.md#re-login), or null. */
  const sameAccount = (identity: LoginIdentity) =>
    options.name === undefined
      ? findSameAccount(store.read().listAccounts(), identity, {
          active: view.activeAccountName(),
          cachedMe: (account) => meCache.get(account, { anyAge: true }),
        })
      : null;
  /** The project of a re-authenticated account: `--project` (checked), else the one it has. */
  const keptProject = async (account: Account, me: MeResponse) =>
    options.project !== undefined
      ? await chooseProject(me, { explicit: options.project, env: {} })
      : (account.defaultProject ??
        (await chooseProject(me, { env: {}, pick: options.pick })) ??
        undefined);

  // ---- new service account or static token
  if (type !== 'oauth_browser') {
    let credential: ProbeCredential;
    if (type === 'service_account') {
      const username = env.MP_USERNAME;
      if (!username)
        throw new ConfigError('MP_USERNAME is not set; set it to the service account username.', {
          details: { env_var: 'MP_USERNAME' },
        });
      const secret = await secretOf(options, env);
      if (!secret)
        throw new ConfigError('No secret: pass --secret-stdin or set MP_SECRET.', {
          details: { env_var: 'MP_SECRET' },
        });
      credential = { type, username, secret };
    } else {
      const variable = options.tokenEnv ?? 'MP_OAUTH_TOKEN';
      const value = env[variable];
      if (!value)
        throw new ConfigError(
          `Env var '${variable}' is unset. Set it to the bearer token and re-run.`,
          { details: { env_var: variable } },
        );
      credential = options.tokenEnv ? { type, tokenEnv: variable } : { type, token: value };
    }
    let region = options.region;
    if (!region) {
      note('Probing regions for /me access ...');
      region = (
        await probeRegion(credential, {
          baseUrl: namespace.baseUrl,
          env,
          fetch: namespace.fetch,
          entry: namespace.entry,
          onAttempt: options.onProbeAttempt,
        })
      ).region;
    }
    const temporary = createAccount({ ...credential, name: 'login-probe', region });
    const { me, text } = await fetchMe(temporary);
    const same =
      credential.type === 'service_account'
        ? sameAccount({ type: 'service_account', username: credential.username, region })
        : null;
    if (same) {
      const project = await keptProject(same, me);
      const { type: _type, ...fields } = credential;
      store.updateAccount(same.name, {
        ...fields,
        ...(project && project !== same.defaultProject ? { defaultProject: project } : {}),
      });
      return finish(store.getAccount(same.name), me, false);
    }
    const project = await chooseProject(me, { explicit: options.project, env, pick: options.pick });
    const { name, notice } = newAccountName(options.name, me, text, store.read().accountNames());
    store.addAccount(
      name,
      { ...credential, region, ...(project ? { defaultProject: project } : {}) },
      { activate: true },
    );
    const result = finish(store.getAccount(name), me, true);
    if (notice) note(notice);
    return result;
  }

  // ---- new browser account: tokens go to a hidden placeholder, published only when everything checks out
  const region = options.region ?? 'us';
  if (!isRegion(region))
    throw new ConfigError(`Invalid --region: '${String(region)}' (use us / eu / in).`);
  const staged = ctx.tokenStore.stageAccount();
  const discard = () => {
    try {
      staged.discard();
    } catch {
      note(`warning: could not remove ${staged.dir}; remove it by hand (rm -rf '${staged.dir}').`);
    }
  };
  try {
    const flow = new OAuthFlow({
      region,
      env,
      tokenStore: ctx.tokenStore,
      ...oauthNetOptions(namespace),
      ...loginIo(options),
    });
    const outcome = await flow.login();
    staged.writeTokens(outcome.tokens);
    const temporary = createAccount({ type: 'oauth_browser', name: 'login-probe', region });
    const { me, text } = await fetchMe(temporary, outcome.tokens.accessToken.reveal());
    const same = sameAccount({ type: 'oauth_browser', region, me });
    const project = same
      ? await keptProject(same, me)
      : await chooseProject(me, { explicit: options.project, env, pick: options.pick });
    const entry = project ? me.projects?.[project] : undefined;
    const projectRegion = regionOfDomain(entry?.domain);
    if (entry && projectRegion && projectRegion !== region) {
      throw new ConfigError(
        `Region mismatch.\n\nYou authenticated against the ${region} cluster, but project ${project} (${entry.name})\nlives in the ${projectRegion} cluster (${entry.domain}).\n\nRe-run with the correct region:\n    mp login --region ${projectRegion}`,
        { details: { region, project_id: project, project_region: projectRegion } },
      );
    }
    if (same) {
      // The same user's account: its tokens are replaced (atomically, under its token lock).
      if (project && project !== same.defaultProject)
        store.updateAccount(same.name, { defaultProject: project });
      ctx.tokenStore.writeTokens(same.name, outcome.tokens);
      ctx.tokenStore.writeClient(outcome.client, same.name);
      discard();
      return finish(store.getAccount(same.name), me, false);
    }
    const { name, notice } = newAccountName(options.name, me, text, store.read().accountNames());
    // The account first (adding it deletes whatever an earlier account of that
    // name left on disk), then its tokens: never tokens without their account.
    // Added and made active in one write: a crash leaves config.toml old or new.
    store.addAccount(
      name,
      { type: 'oauth_browser', region, ...(project ? { defaultProject: project } : {}) },
      { activate: true },
    );
    try {
      staged.publish(name, outcome.client);
    } catch (error) {
      store.removeAccount(name, { force: true });
      throw error;
    }
    const result = finish(store.getAccount(name), me, true);
    if (notice) note(notice);
    return result;
  } catch (error) {
    discard();
    throw error;
  }
}
