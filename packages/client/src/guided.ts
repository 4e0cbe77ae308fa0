import { existsSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  type Account,
  AccountExistsError,
  type AccountType,
  AuthenticationError,
  buildUrl,
  ConfigError,
  createAccount,
  type Env,
  InvalidArgumentError,
  isAccountName,
  isRegion,
  type MeResponse,
  type ProbeAttempt,
  Project,
  ProjectNotFoundError,
  parseMeResponse,
  REGIONS,
  type Region,
  RegionProbeError,
  RegionProbeNetworkError,
  resolveBaseUrlOverride,
  Session,
} from '@mixpanel-data/auth-core';
import {
  ensurePrivateDir,
  serializeTokensFile,
  writePrivateFileAtomic,
} from '@mixpanel-data/config-store';
import {
  createBearerResolver,
  describeNetworkError,
  OAuthFlow,
  OnDiskTokenResolver,
} from '@mixpanel-data/oauth-pkce';
import { MeDiskCache } from './me-service';
import {
  createAccounts,
  type LoginOptions,
  type NamespaceOptions,
  regionOfDomain,
} from './namespaces';
import { keysInOrder } from './ordered-json';
import { Context } from './sources';
import { MixpanelApiClient } from './transport';
import { oauthNetOptions, userAgent } from './version';

// ------------------------------------------------------------------ naming

/** `Acme Corp` → `acme-corp` (spec 05 §6.6): NFKD, ASCII only, lower case, `-` runs, ≤ 32 chars. */
export function slugify(name: string | null | undefined): string {
  if (!name) return '';
  const ascii = name
    .normalize('NFKD')
    .replace(/[\u0080-\uffff]/g, '')
    .toLowerCase();
  const slug = ascii.replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return slug.slice(0, 32).replace(/-+$/, '');
}

/** The account name from the first organization (response order), made unique with `-2`, `-3`, … */
export function deriveAccountName(
  organizations: readonly { id: number | string; name: string | null }[],
  taken: ReadonlySet<string>,
): string {
  const first = organizations[0];
  const base = first ? slugify(first.name) || `org-${first.id}` : 'account';
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}

/** Organizations of a /me payload in the server's order (recovered from the raw text when given). */
export function organizationsInOrder(
  me: MeResponse,
  rawText?: string,
): { id: number; name: string }[] {
  const orgs = me.organizations ?? {};
  const order =
    (rawText &&
      (keysInOrder(rawText, ['results', 'organizations']) ??
        keysInOrder(rawText, ['organizations']))) ||
    Object.keys(orgs);
  return order
    .filter((key) => orgs[key])
    .map((key) => ({ id: orgs[key]!.id, name: orgs[key]!.name }));
}

// --------------------------------------------------------- region probe

export type ProbeCredential =
  | { type: 'service_account'; username: string; secret: string }
  | { type: 'oauth_token'; token?: string | undefined; tokenEnv?: string | undefined };

export interface ProbeOptions {
  baseUrl?: string | Readonly<Record<string, string>> | undefined;
  env?: Env | undefined;
  regions?: readonly Region[] | undefined;
  fetch?: typeof fetch | undefined;
  /** Per region. Default 5 s. */
  timeoutMs?: number | undefined;
  /** Called after each attempt (the CLI narrates them). */
  onAttempt?: ((attempt: ProbeAttempt) => void) | undefined;
  /** For the User-Agent: `lib` (default) or `cli`. */
  entry?: 'lib' | 'cli' | undefined;
}

function bearerOf(credential: ProbeCredential, env: Env): string {
  if (credential.type === 'service_account') {
    return `Basic ${Buffer.from(`${credential.username}:${credential.secret}`, 'utf8').toString('base64')}`;
  }
  if (credential.token) return `Bearer ${credential.token}`;
  const value = credential.tokenEnv ? env[credential.tokenEnv] : undefined;
  if (!value) {
    throw new ConfigError(
      `--token-env '${credential.tokenEnv ?? ''}' is unset; cannot probe region.`,
      {
        env_var: credential.tokenEnv,
      },
    );
  }
  return `Bearer ${value}`;
}

/**
 * Finds the region where a credential works (spec 06 §16): `GET /api/app/me`
 * in us, eu, in order; the first 200 wins. All failing →
 * RegionProbeError, or RegionProbeNetworkError when none was reachable.
 */
export async function probeRegion(
  credential: ProbeCredential,
  options: ProbeOptions = {},
): Promise<{ region: Region; attempts: [Region, number][]; body: unknown; text: string }> {
  const env = options.env ?? process.env;
  const authorization = bearerOf(credential, env);
  const override = resolveBaseUrlOverride(options.baseUrl, env);
  const { default: ky } = await import('ky');
  const http = ky.create({
    retry: 0,
    throwHttpErrors: false,
    redirect: 'manual',
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const attempts: ProbeAttempt[] = [];
  for (const region of options.regions ?? REGIONS) {
    let attempt: ProbeAttempt;
    try {
      const response = await http.get(buildUrl('app', region, '/me', override), {
        headers: { Authorization: authorization, 'User-Agent': userAgent(options.entry ?? 'lib') },
        timeout: options.timeoutMs ?? 5_000,
      });
      const text = await response.text().catch(() => '');
      if (response.status === 200) {
        options.onAttempt?.([region, 200, '']);
        let body: unknown = null;
        try {
          body = JSON.parse(text);
        } catch {
          body = null;
        }
        return {
          region,
          attempts: [
            ...attempts.map(([r, s]) => [r as Region, s] as [Region, number]),
            [region, 200],
          ],
          body,
          text,
        };
      }
      attempt = [region, response.status, text.slice(0, 4096)];
    } catch (error) {
      const name = (error as Error)?.name ?? 'Error';
      attempt = [region, 0, `${name}: ${describeNetworkError(error)}`];
    }
    attempts.push(attempt);
    options.onAttempt?.(attempt);
  }
  if (attempts.every(([, status]) => status === 0)) {
    throw new RegionProbeNetworkError(
      'Could not reach any Mixpanel region — every probe failed at the network layer (DNS, TLS, or connect refused). Check the network or proxy settings, then retry.',
      attempts,
    );
  }
  throw new RegionProbeError(
    'Credential not valid in any region. If you know the region, pass --region {us|eu|in} explicitly to skip the probe. If your service account is new, verify the username and secret are correct.',
    attempts,
  );
}

// ----------------------------------------------------- project choice

export interface ProjectChoice {
  readonly id: string;
  readonly name: string;
  readonly organization: string | null;
  readonly domain: string | null;
  /** `ORG · PROJECT` when the account sees several organizations, else the project name. */
  readonly label: string;
}

/** The /me projects in picker order (spec 05 §6.5): organization name, then project name; unknown organizations last. */
export function projectChoices(me: MeResponse): ProjectChoice[] {
  const orgs = me.organizations ?? {};
  const entries = Object.entries(me.projects ?? {}).map(([id, project]) => ({
    id,
    name: project.name,
    organization: orgs[String(project.organization_id)]?.name ?? null,
    domain: project.domain ?? null,
  }));
  const several = new Set(entries.map((entry) => entry.organization)).size > 1;
  const lower = (text: string | null) => (text ?? '').toLowerCase();
  return entries
    .sort(
      (a, b) =>
        Number(a.organization === null) - Number(b.organization === null) ||
        lower(a.organization).localeCompare(lower(b.organization)) ||
        lower(a.name).localeCompare(lower(b.name)) ||
        (a.id < b.id ? -1 : 1),
    )
    .map((entry) => ({
      ...entry,
      label: several && entry.organization ? `${entry.organization} · ${entry.name}` : entry.name,
    }));
}

const listProjects = (me: MeResponse) =>
  projectChoices(me)
    .map((choice) => `  - ${choice.id} : ${choice.name} (${choice.domain ?? 'no domain'})`)
    .join('\n');

/**
 * The project for a new login (spec 05 §6.5): `--project` (must be visible,
 * else ProjectNotFoundError), `MP_PROJECT_ID` (must be visible, else
 * ConfigError), the only one, none, or the `pick` callback's choice when
 * there are several (no callback → ConfigError listing them).
 */
export async function chooseProject(
  me: MeResponse,
  options: {
    explicit?: string | undefined;
    env?: Env | undefined;
    pick?: ((choices: ProjectChoice[]) => Promise<ProjectChoice>) | undefined;
  },
): Promise<string | null> {
  const ids = Object.keys(me.projects ?? {});
  if (options.explicit !== undefined) {
    if (!ids.includes(options.explicit))
      throw new ProjectNotFoundError(options.explicit, [...ids].sort());
    return options.explicit;
  }
  const fromEnv = (options.env ?? process.env).MP_PROJECT_ID;
  if (fromEnv) {
    if (ids.includes(fromEnv)) return fromEnv;
    throw new ConfigError(
      `MP_PROJECT_ID=${fromEnv} is not visible to this account.\n\nAccessible projects:\n${listProjects(me)}\n\nEither unset MP_PROJECT_ID, or pass --project ID with a visible value. (The resolver reads MP_PROJECT_ID first, so a stale value would shadow the account's project.)`,
      { env_var: 'MP_PROJECT_ID', value: fromEnv },
    );
  }
  if (ids.length <= 1) return ids[0] ?? null;
  if (!options.pick) {
    throw new ConfigError(
      `Multiple projects accessible to this account; no default could be picked.\n\n${listProjects(me)}\n\nPass --project ID to select one explicitly, or set MP_PROJECT_ID.`,
    );
  }
  return (await options.pick(projectChoices(me))).id;
}

// ------------------------------------------------------------ mp login

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

/** Which account type `mp login` will create or refresh (spec 05 §6.1 step 3). */
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

/**
 * The name for a new account: `--name`, else derived from /me; valid and not
 * taken. With a derived name whose first choice was taken, also the note of
 * spec 05 §6.2, for the caller to print once the account exists.
 */
function newAccountName(
  name: string | undefined,
  me: MeResponse,
  text: string,
  taken: readonly string[],
): { name: string; notice: string | null } {
  const organizations = organizationsInOrder(me, text);
  const chosen = name ?? deriveAccountName(organizations, new Set(taken));
  const base = deriveAccountName(organizations, new Set());
  const notice =
    name === undefined && chosen !== base
      ? `note: account '${base}' already exists; created '${chosen}'. Use \`mp login --name ${base}\` to refresh the existing one.`
      : null;
  if (!isAccountName(chosen)) {
    throw new ConfigError(
      `Invalid account name '${chosen}': use 1–64 letters, digits, '_' or '-'.`,
      { account_name: chosen },
    );
  }
  if (taken.includes(chosen)) throw new AccountExistsError(chosen);
  return { name: chosen, notice };
}

const loginHint = (type: AccountType) =>
  type === 'service_account'
    ? 'mp login --service-account'
    : type === 'oauth_token'
      ? 'mp login --token-env MP_OAUTH_TOKEN'
      : 'mp login';

/**
 * The guided `mp login` (spec 05 §6, 06 §11): validates the flags, then
 * refreshes an existing account named by `name`, or creates a new one (a
 * service account or static token found in the environment, or a browser
 * login), picks its project and name, and makes it active.
 */
export async function loginUnified(
  namespace: NamespaceOptions,
  options: LoginUnifiedOptions,
): Promise<LoginUnifiedResult> {
  const ctx = new Context(namespace);
  const env = ctx.env;
  if (options.serviceAccount && options.tokenEnv) {
    throw new InvalidArgumentError(
      '--service-account and --token-env are mutually exclusive.\n\nPick one auth type:\n    mp login --service-account\n    mp login --token-env MY_OAUTH_TOKEN_VAR',
      'mutually_exclusive',
    );
  }
  const type = detectAuthType(options, env);
  if (options.openBrowser === false && type !== 'oauth_browser') {
    throw new InvalidArgumentError(
      `--no-browser is only meaningful for the oauth_browser auth type.\n\nDetected auth type: ${type}.`,
      'no_browser_misuse',
      type,
    );
  }
  if (options.secretStdin && type !== 'service_account') {
    throw new InvalidArgumentError(
      `--secret-stdin is only meaningful for the service_account auth type.\n\nDetected auth type: ${type}.`,
      'secret_stdin_misuse',
      type,
    );
  }
  const note = options.onNote ?? (() => {});
  const store = ctx.configStore;
  const view = store.read();
  const override = resolveBaseUrlOverride(namespace.baseUrl, env);
  const meCache = new MeDiskCache({
    locations: () => store.locations,
    override,
  });

  /** GET /me with a given account (and, for a browser login, its in-memory bearer). */
  const fetchMe = async (
    account: Account,
    bearer?: string,
  ): Promise<{ me: MeResponse; text: string }> => {
    let text = '';
    const client = new MixpanelApiClient({
      ...namespace,
      session: new Session({
        account,
        project: new Project({ id: account.defaultProject ?? '0' }),
      }),
      tokenResolver: bearer
        ? createBearerResolver(bearer, env)
        : new OnDiskTokenResolver({ env, ...oauthNetOptions(namespace) }),
      override,
      env: () => env,
    });
    options.onBusy?.('Fetching your projects from Mixpanel...');
    let raw: unknown;
    try {
      raw = await client.app('GET', '/me', { onText: (body) => (text = body) });
    } finally {
      options.onBusy?.(null);
    }
    return {
      me: parseMeResponse(
        raw && typeof raw === 'object' && !Array.isArray(raw) ? raw : { results: raw },
      ),
      text,
    };
  };
  const finish = (account: Account, me: MeResponse, created: boolean): LoginUnifiedResult => {
    meCache.put(account, me);
    store.useAccount(account.name);
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

  // ---- re-login of an existing account
  if (options.name !== undefined && view.hasAccount(options.name)) {
    const existing = view.getAccount(options.name);
    if (existing.type !== type) {
      throw new ConfigError(
        `Account '${existing.name}' is type '${existing.type}'; cannot re-login as type '${type}'.\n\nTo change the auth type, remove the existing account first:\n    mp account remove ${existing.name}\n    ${loginHint(type)}`,
        { account_name: existing.name },
      );
    }
    if (options.region !== undefined && options.region !== existing.region) {
      throw new ConfigError(
        `Account '${existing.name}' is bound to region '${existing.region}'; cannot change to '${options.region}' on re-login.\n\nTo change the region, remove the account first:\n    mp account remove ${existing.name}\n    mp login --region ${options.region}`,
        { account_name: existing.name },
      );
    }
    if (options.project !== undefined) {
      note(
        `note: --project ignored on re-login; use 'mp project use ID' to change the active project (currently ${existing.defaultProject ?? 'none'}).`,
      );
    }
    if (type === 'oauth_browser') {
      await createAccounts(namespace).login(existing.name, loginIo(options));
    } else if (type === 'service_account') {
      const username = env.MP_USERNAME;
      if (!username)
        throw new ConfigError(
          'MP_USERNAME is not set; set it to the service account username to re-login.',
          { env_var: 'MP_USERNAME' },
        );
      const secret = await secretOf(options, env);
      if (!secret)
        throw new ConfigError('No secret: pass --secret-stdin or set MP_SECRET.', {
          env_var: 'MP_SECRET',
        });
      store.updateAccount(existing.name, { username, secret });
    } else if (existing.type === 'oauth_token') {
      const variable = options.tokenEnv ?? existing.tokenEnv ?? 'MP_OAUTH_TOKEN';
      const value = env[variable];
      if (!value)
        throw new ConfigError(
          `Env var '${variable}' is unset. Set it to the bearer token and re-run.`,
          { env_var: variable },
        );
      if (options.tokenEnv || existing.tokenEnv)
        store.updateAccount(existing.name, { tokenEnv: variable });
      else store.updateAccount(existing.name, { token: value });
    }
    const account = store.getAccount(existing.name);
    const { me } = await fetchMe(account);
    return finish(account, me, false);
  }

  // ---- new service account or static token
  if (type !== 'oauth_browser') {
    let credential: ProbeCredential;
    if (type === 'service_account') {
      const username = env.MP_USERNAME;
      if (!username)
        throw new ConfigError('MP_USERNAME is not set; set it to the service account username.', {
          env_var: 'MP_USERNAME',
        });
      const secret = await secretOf(options, env);
      if (!secret)
        throw new ConfigError('No secret: pass --secret-stdin or set MP_SECRET.', {
          env_var: 'MP_SECRET',
        });
      credential = { type, username, secret };
    } else {
      const variable = options.tokenEnv ?? 'MP_OAUTH_TOKEN';
      const value = env[variable];
      if (!value)
        throw new ConfigError(
          `Env var '${variable}' is unset. Set it to the bearer token and re-run.`,
          { env_var: variable },
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
    const temporary = createAccount({ ...credential, name: 'login-probe', region } as never);
    const { me, text } = await fetchMe(temporary);
    const project = await chooseProject(me, { explicit: options.project, env, pick: options.pick });
    const { name, notice } = newAccountName(options.name, me, text, store.read().accountNames());
    store.addAccount(name, {
      ...credential,
      region,
      ...(project ? { defaultProject: project } : {}),
    } as never);
    const result = finish(store.getAccount(name), me, true);
    if (notice) note(notice);
    return result;
  }

  // ---- new browser account: tokens go to a hidden placeholder, published only when everything checks out
  const region = options.region ?? 'us';
  if (!isRegion(region))
    throw new ConfigError(`Invalid --region: '${String(region)}' (use us / eu / in).`);
  const where = store.locations;
  const { randomBytes } = await import('node:crypto');
  const placeholder = join(where.root, 'accounts', `.tmp-${randomBytes(4).toString('hex')}`);
  ensurePrivateDir(placeholder);
  let published: string | null = null;
  try {
    const flow = new OAuthFlow({
      region,
      env,
      tokenStore: ctx.tokenStore,
      ...oauthNetOptions(namespace),
      ...loginIo(options),
    });
    const outcome = await flow.login();
    writePrivateFileAtomic(join(placeholder, 'tokens.json'), serializeTokensFile(outcome.tokens));
    const temporary = createAccount({ type: 'oauth_browser', name: 'login-probe', region });
    const { me, text } = await fetchMe(temporary, outcome.tokens.accessToken.reveal());
    const project = await chooseProject(me, { explicit: options.project, env, pick: options.pick });
    const entry = project ? me.projects?.[project] : undefined;
    const projectRegion = regionOfDomain(entry?.domain);
    if (entry && projectRegion && projectRegion !== region) {
      throw new ConfigError(
        `Region mismatch.\n\nYou authenticated against the ${region} cluster, but project ${project} (${entry.name})\nlives in the ${projectRegion} cluster (${entry.domain}).\n\nRe-run with the correct region:\n    mp login --region ${projectRegion}`,
        { region, project_id: project, project_region: projectRegion },
      );
    }
    const { name, notice } = newAccountName(options.name, me, text, store.read().accountNames());
    const final = where.accountDir(name);
    if (existsSync(final)) {
      throw new ConfigError(
        `Final account directory ${final} already exists. Run \`mp account remove ${name}\` first or pass --name.`,
        { path: final },
      );
    }
    ensurePrivateDir(dirname(final));
    renameSync(placeholder, final);
    published = final;
    store.addAccount(name, {
      type: 'oauth_browser',
      region,
      ...(project ? { defaultProject: project } : {}),
    });
    ctx.tokenStore.writeClient(outcome.client, name);
    const result = finish(store.getAccount(name), me, true);
    if (notice) note(notice);
    return result;
  } catch (error) {
    for (const dir of [placeholder, published]) {
      if (!dir) continue;
      try {
        rmSync(dir, { recursive: true, force: true });
      } catch {
        note(`warning: could not remove ${dir}; remove it by hand (rm -rf '${dir}').`);
      }
    }
    throw error;
  }
}

/**
 * `mp account add` with discovery (spec 05 §5.2 steps 4–5): probes the
 * region when a service account or static token has none, and derives the
 * name from `/me` when none is given; then adds the account.
 */
export async function addAccountDiscovering(
  namespace: NamespaceOptions,
  name: string | undefined,
  fields: import('@mixpanel-data/config-store').AddAccountFields,
  options: {
    onProbeAttempt?: ((attempt: ProbeAttempt) => void) | undefined;
    onNote?: ((line: string) => void) | undefined;
  } = {},
): Promise<import('@mixpanel-data/auth-core').AccountSummary> {
  const ctx = new Context(namespace);
  const env = ctx.env;
  const secret =
    fields.secret === undefined
      ? undefined
      : typeof fields.secret === 'string'
        ? fields.secret
        : fields.secret.reveal();
  const token =
    fields.token === undefined
      ? undefined
      : typeof fields.token === 'string'
        ? fields.token
        : fields.token.reveal();
  const credential: ProbeCredential | null =
    fields.type === 'service_account'
      ? { type: 'service_account', username: fields.username ?? '', secret: secret ?? '' }
      : fields.type === 'oauth_token'
        ? { type: 'oauth_token', token, tokenEnv: fields.tokenEnv }
        : null;
  let region = fields.region;
  let probed: { body: unknown; text: string } | null = null;
  if (region === undefined && credential) {
    options.onNote?.('Probing regions for /me access ...');
    const found = await probeRegion(credential, {
      baseUrl: namespace.baseUrl,
      env,
      fetch: namespace.fetch,
      entry: namespace.entry,
      onAttempt: options.onProbeAttempt,
    });
    region = found.region;
    probed = found;
  }
  let chosen = name;
  if (chosen === undefined) {
    if (!credential) {
      throw new ConfigError(
        'NAME is required for oauth_browser via `mp account add`. Or run `mp login` for guided setup.',
      );
    }
    let text = probed?.text ?? '';
    let body = probed?.body;
    if (!probed) {
      const override = resolveBaseUrlOverride(namespace.baseUrl, env);
      const account = createAccount({
        ...credential,
        name: 'add-probe',
        region: region ?? 'us',
      } as never);
      const client = new MixpanelApiClient({
        ...namespace,
        session: new Session({ account, project: new Project({ id: '0' }) }),
        tokenResolver: new OnDiskTokenResolver({ env, ...oauthNetOptions(namespace) }),
        override,
        env: () => env,
      });
      try {
        body = await client.app('GET', '/me', { raw: true, onText: (raw) => (text = raw) });
      } catch (error) {
        // The probe's account has no name of the user's yet: name the credentials instead.
        if (!AuthenticationError.isInstance(error)) throw error;
        const { responseBody, requestMethod, requestUrl } = error as AuthenticationError;
        throw new AuthenticationError(
          "Mixpanel rejected these credentials (401). Check the service account's username and secret, or the token.",
          {
            responseBody,
            ...(requestMethod ? { requestMethod } : {}),
            ...(requestUrl ? { requestUrl } : {}),
            cause: error,
          },
        );
      }
    }
    const results = (body as { results?: unknown } | null)?.results ?? body;
    const me = parseMeResponse(
      results && typeof results === 'object' && !Array.isArray(results) ? results : {},
    );
    chosen = deriveAccountName(
      organizationsInOrder(me, text),
      new Set(ctx.configStore.read().accountNames()),
    );
  }
  return createAccounts(namespace).add(chosen, { ...fields, ...(region ? { region } : {}) });
}
