import type { Readable, Writable } from 'node:stream';
import {
  type Account,
  type AccountSummary,
  type AccountTestResult,
  ConfigError,
  createAccountTestResult,
  createOAuthLoginResult,
  failedTestResult,
  formatTimestamp,
  isProjectId,
  isWorkspaceId,
  type MeResponse,
  OAuthError,
  type OAuthLoginResult,
  Project,
  parseMeResponse,
  type Region,
  resolveBaseUrlOverride,
  Session,
  type Target,
  type TokenResolver,
  ValidationError,
} from '@mixpanel-data/auth-core';
import { removeBridge as removeBridgeFile, writeBridge } from '@mixpanel-data/bridge';
import {
  type AddAccountFields,
  type ApplySessionFields,
  type TargetFields,
  type UpdateAccountFields,
  withLock,
} from '@mixpanel-data/config-store';
import {
  type BrowserOpener,
  createBearerResolver,
  OAuthFlow,
  OnDiskTokenResolver,
} from '@mixpanel-data/oauth-pkce';
import {
  addAccountDiscovering,
  type LoginUnifiedOptions,
  type LoginUnifiedResult,
  loginUnified,
} from './guided';
import { MeDiskCache } from './me-service';
import { Context, type ContextOptions } from './sources';
import { MixpanelApiClient, type TransportOptions } from './transport';
import { oauthNetOptions } from './version';

/** What the namespaces share: where state lives, how to reach Mixpanel, and the terminal for logins. */
export interface NamespaceOptions extends ContextOptions, TransportOptions {
  baseUrl?: string | Readonly<Record<string, string>> | undefined;
  tokenResolver?: TokenResolver | undefined;
}

export interface LoginOptions {
  /** `false`: print the URL and accept a pasted redirect (headless machines). Default true. */
  openBrowser?: boolean | undefined;
  browserOpener?: BrowserOpener | undefined;
  stdin?: Readable | undefined;
  /** Where the flow's instructions go (default `process.stderr`); only `write(text)` is called. */
  stderr?: Pick<Writable, 'write'> | undefined;
  callbackPorts?: readonly number[] | undefined;
  callbackTimeoutMs?: number | undefined;
  signal?: AbortSignal | undefined;
}

/** Domain of a /me project → its region, or null when unknown (spec 06 §10 step 6). */
export function regionOfDomain(domain: string | null | undefined): Region | null {
  if (!domain) return null;
  let host = domain
    .toLowerCase()
    .replace(/^[a-z]+:\/\//, '')
    .split('/')[0]!;
  host = host.replace(/^data-/, '');
  if (host === 'data.mixpanel.com') host = 'mixpanel.com';
  return host === 'mixpanel.com'
    ? 'us'
    : host === 'eu.mixpanel.com'
      ? 'eu'
      : host === 'in.mixpanel.com'
        ? 'in'
        : null;
}

/** The user of a /me payload, when both id and email are present. */
const userOf = (me: MeResponse) =>
  typeof me.user_id === 'number' && typeof me.user_email === 'string'
    ? { id: me.user_id, email: me.user_email }
    : null;

/** `mp.accounts`: manage accounts, log in and out, test, export bridges (spec 02 §8.1, 06 §10, §14). */
export function createAccounts(options: NamespaceOptions = {}) {
  const context = () => new Context(options);
  const resolver = (ctx: Context) =>
    options.tokenResolver ?? new OnDiskTokenResolver({ env: ctx.env, ...oauthNetOptions(options) });
  const clientFor = (ctx: Context, session: Session, tokenResolver: TokenResolver) =>
    new MixpanelApiClient({
      ...options,
      session,
      tokenResolver,
      override: resolveBaseUrlOverride(options.baseUrl, ctx.env),
      env: () => ctx.env,
    });
  const probeSession = (account: Parameters<typeof clientFor>[1]['account']) =>
    new Session({ account, project: new Project({ id: account.defaultProject ?? '0' }) });

  return {
    list(): AccountSummary[] {
      return context().configStore.listAccounts();
    },
    add(name: string, fields: AddAccountFields): AccountSummary {
      return context().configStore.addAccount(name, fields);
    },
    update(name: string, fields: UpdateAccountFields): AccountSummary {
      return context().configStore.updateAccount(name, fields);
    },
    /** Returns the targets left orphaned; AccountInUseError when referenced and not forced. */
    remove(name: string, removeOptions: { force?: boolean; forceHint?: string } = {}): string[] {
      return context().configStore.removeAccount(name, removeOptions);
    },
    use(name: string): void {
      context().configStore.useAccount(name);
    },
    show(name?: string): AccountSummary {
      return context().configStore.showAccount(name);
    },
    /** Where this context's files are (config, tokens, caches). */
    locations() {
      return context().configStore.locations;
    },
    /** The account record (named, else active); its secrets stay wrapped. */
    get(name?: string): Account {
      const view = context().configStore.read();
      const chosen = name ?? view.getActive().account;
      if (chosen === undefined) throw new ConfigError('No active account configured.');
      return view.getAccount(chosen);
    },

    /** Probes `GET /api/app/me` for the account (named, else active). Never throws (spec 08 §5). */
    async test(name?: string): Promise<AccountTestResult> {
      const label = name ?? '(none)';
      try {
        const ctx = context();
        let account: ReturnType<Context['configStore']['getAccount']>;
        try {
          const view = ctx.configStore.read();
          const chosen = name ?? view.getActive().account;
          if (chosen === undefined)
            return createAccountTestResult({
              accountName: label,
              ok: false,
              error: 'No active account configured.',
            });
          account = view.getAccount(chosen);
        } catch (error) {
          return createAccountTestResult({
            accountName: label,
            ok: false,
            error: (error as Error).message,
          });
        }
        let raw: unknown;
        try {
          raw = await clientFor(ctx, probeSession(account), resolver(ctx)).app('GET', '/me');
        } catch (error) {
          return failedTestResult(account.name, '/me probe failed: ', error);
        }
        let me: MeResponse;
        try {
          me = parseMeResponse(
            raw && typeof raw === 'object' && !Array.isArray(raw) ? raw : { results: raw },
          );
        } catch (error) {
          return failedTestResult(account.name, '/me response could not be parsed: ', error);
        }
        return createAccountTestResult({
          accountName: account.name,
          ok: true,
          user: userOf(me),
          accessibleProjectCount: Object.keys(me.projects ?? {}).length,
        });
      } catch (error) {
        return failedTestResult(label, 'unexpected error: ', error);
      }
    },

    /**
     * Browser login for an existing oauth_browser account (spec 06 §10): the
     * PKCE flow, a /me probe with the new token, the region cross-check, then
     * tokens.json, the client mirror, the default project and me.json.
     */
    async login(name: string, loginOptions: LoginOptions = {}): Promise<OAuthLoginResult> {
      const ctx = context();
      const account = ctx.configStore.getAccount(name);
      if (account.type !== 'oauth_browser') {
        throw new ConfigError(
          `\`mp account login\` is only valid for oauth_browser accounts; '${name}' is type '${account.type}'.`,
          { account_name: name, account_type: account.type },
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
        const raw = await clientFor(
          ctx,
          probeSession(account),
          createBearerResolver(outcome.tokens.accessToken.reveal(), ctx.env),
        ).app('GET', '/me');
        me = parseMeResponse(
          raw && typeof raw === 'object' && !Array.isArray(raw) ? raw : { results: raw },
        );
      } catch (error) {
        throw new OAuthError(
          `Login succeeded but \`/me\` probe failed: ${(error as Error).message}`,
          'OAUTH_TOKEN_ERROR',
          { account_name: name, region: account.region },
          { cause: error },
        );
      }
      const projectIds = Object.keys(me.projects ?? {}).sort((a, b) =>
        a < b ? -1 : a > b ? 1 : 0,
      );
      const project = account.defaultProject ?? projectIds[0];
      const entry = project === undefined ? undefined : me.projects?.[project];
      const projectRegion = regionOfDomain(entry?.domain);
      if (entry && projectRegion && projectRegion !== account.region) {
        throw new ConfigError(
          `Account '${name}' authenticated in region '${account.region}', but project ${project} (${entry.name}) lives in region '${projectRegion}' (${entry.domain}). Run \`mp login --region ${projectRegion}\`.`,
          {
            account_name: name,
            region: account.region,
            project_id: project,
            project_region: projectRegion,
          },
        );
      }
      await ctx.tokenStore.withTokenLock(name, () =>
        ctx.tokenStore.writeTokens(name, outcome.tokens),
      );
      ctx.tokenStore.writeClient(outcome.client, name);
      if (project !== undefined && project !== account.defaultProject)
        ctx.configStore.updateAccount(name, { defaultProject: project });
      new MeDiskCache({
        locations: () => ctx.configStore.locations,
        override: resolveBaseUrlOverride(options.baseUrl, ctx.env),
      }).put(account, me);
      return createOAuthLoginResult({
        accountName: name,
        user: userOf(me),
        expiresAt: formatTimestamp(outcome.tokens.expiresAt).replace('+00:00', 'Z'),
        tokensPath: ctx.tokenStore.tokensPath(name),
        clientPath: ctx.tokenStore.clientPath(account.region),
      });
    },

    /** Deletes the account's tokens.json (any type; nothing to delete is fine). Config, client records and me.json stay. */
    logout(name: string): boolean {
      const ctx = context();
      ctx.configStore.getAccount(name);
      const path = ctx.tokenStore.tokensPath(name);
      try {
        return withLock(path, () => ctx.tokenStore.deleteTokens(name));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false; // no account directory at all
        throw error;
      }
    },

    /** The current bearer (may refresh); null for a service account. The one call whose purpose is a secret. */
    async token(name?: string): Promise<string | null> {
      const ctx = context();
      const view = ctx.configStore.read();
      const chosen = name ?? view.getActive().account;
      if (chosen === undefined) throw new ConfigError('No active account configured.');
      const account = view.getAccount(chosen);
      if (account.type === 'service_account') return null;
      const tokens = resolver(ctx);
      return account.type === 'oauth_token'
        ? tokens.getStaticToken(account)
        : tokens.getBrowserToken(account.name, account.region);
    },

    /**
     * Writes a v2 bridge file for an account of this machine's config (spec 04
     * §8): the named or active account, `[settings].custom_header` as
     * headers, optional project/workspace pins, and for a browser account its
     * tokens as they are on disk (no refresh). Returns the path.
     */
    exportBridge(exportOptions: {
      to: string;
      account?: string;
      project?: string;
      workspace?: number;
    }): string {
      const ctx = context();
      const view = ctx.configStore.read();
      const chosen = exportOptions.account ?? view.getActive().account;
      if (chosen === undefined)
        throw new ConfigError('No account specified and no active account configured.');
      const account = view.getAccount(chosen);
      if (exportOptions.project !== undefined && !isProjectId(exportOptions.project)) {
        throw new ValidationError(
          `Invalid --project '${exportOptions.project}': must be digits.`,
          'input',
          { path: 'project' },
        );
      }
      if (exportOptions.workspace !== undefined && !isWorkspaceId(exportOptions.workspace)) {
        throw new ValidationError(
          `Invalid --workspace ${exportOptions.workspace}: must be a positive integer.`,
          'input',
          {
            path: 'workspace',
          },
        );
      }
      const header = view.getCustomHeader();
      let tokens = null;
      if (account.type === 'oauth_browser') {
        // Spec 04 §8.1 step 4: a missing scope exports as "", a missing token_type as "Bearer".
        tokens = ctx.tokenStore.readTokens(account.name, {
          defaults: { scope: '', token_type: 'Bearer' },
        });
        if (!tokens) {
          throw new OAuthError(
            `No OAuth tokens found for account '${account.name}' at ${ctx.tokenStore.tokensPath(account.name)}. Run \`mp account login ${account.name}\` before exporting a bridge.`,
            'OAUTH_TOKEN_ERROR',
            { account_name: account.name, path: ctx.tokenStore.tokensPath(account.name) },
          );
        }
      }
      return writeBridge(exportOptions.to, {
        account,
        tokens,
        project: (exportOptions.project ?? null) as never,
        workspace: (exportOptions.workspace ?? null) as never,
        headers: header ? { [header.name]: header.value } : {},
      });
    },

    /** The guided `mp login` (spec 05 §6): refresh or create an account, pick its project and name, activate it. */
    loginUnified(loginOptions: LoginUnifiedOptions): Promise<LoginUnifiedResult> {
      return loginUnified(options, loginOptions);
    },

    /** `add` that probes the region and derives the name from /me when they are not given (spec 05 §5.2). */
    addDiscovering(
      name: string | undefined,
      fields: AddAccountFields,
      discoveryOptions: Parameters<typeof addAccountDiscovering>[3] = {},
    ): Promise<AccountSummary> {
      return addAccountDiscovering(options, name, fields, discoveryOptions);
    },

    /** Removes the bridge file (`at`, else MP_AUTH_FILE, else the first default that exists). */
    removeBridge(removeOptions: { at?: string } = {}): boolean {
      const ctx = context();
      return removeBridgeFile(removeOptions.at, {
        env: ctx.env,
        home: options.home,
        cwd: options.cwd,
      });
    },
  };
}

/** `mp.session`: the persisted `[active]` block (spec 02 §8.4). */
export function createSession(options: ContextOptions = {}) {
  return {
    show() {
      return new Context(options).configStore.showSession();
    },
    use(fields: ApplySessionFields & { target?: string | undefined }): void {
      new Context(options).configStore.useSession(fields);
    },
  };
}

/** `mp.targets`: saved account + project (+ workspace) triples (spec 02 §8.3). */
export function createTargets(options: ContextOptions = {}) {
  const store = () => new Context(options).configStore;
  return {
    list: (): Target[] => store().listTargets(),
    add: (name: string, fields: TargetFields): Target => store().addTarget(name, fields),
    remove: (name: string): void => store().removeTarget(name),
    /** Applies the target persistently: its project becomes the account's default; `[active]` is replaced. */
    use: (name: string): Target => store().applyTarget(name),
    show: (name: string): Target => store().getTarget(name),
  };
}

/** The namespaces over the real environment and home directory. */
export const accounts = createAccounts();
export const session = createSession();
export const targets = createTargets();
