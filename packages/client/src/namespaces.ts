import {
  type Account,
  type AccountSummary,
  type AccountTestResult,
  ArgumentError,
  createAccountTestResult,
  type DirectoryBinding,
  failedTestResult,
  isProjectId,
  isWorkspaceId,
  type MeResponse,
  NoActiveAccountError,
  type OAuthLoginResult,
  OAuthTokenError,
  type OAuthTokens,
  type Target,
  type UseOptions,
  ValidationError,
} from '@mixpanel-data/auth-core';
import {
  type LoadedBridge,
  removeBridge as removeBridgeFile,
  writeBridge,
} from '@mixpanel-data/bridge';
import {
  type AddAccountFields,
  removeDirectoryBinding,
  type TargetFields,
  type UpdateAccountFields,
  writeDirectoryBinding,
} from '@mixpanel-data/config-store';
import { meCacheOf, probeClient, userOf } from './account-calls';
import {
  type AddDiscoveringOptions,
  type AddDiscoveringResult,
  addAccountDiscovering,
} from './add-account';
import {
  type LoginOptions,
  type LoginUnifiedOptions,
  type LoginUnifiedResult,
  loginAccount,
  loginUnified,
} from './login';
import { fetchMe } from './me-service';
import { bridgeInEffect, describeSession, type SessionView } from './session-view';
import { type ClientOptions, Context, type ContextOptions } from './sources';
import {
  addTarget,
  useProject,
  useWorkspace,
  type Verification,
  type VerifyOptions,
} from './verify';

/** What the namespaces share: where state lives, how to reach Mixpanel, and the terminal for logins. */
export type NamespaceOptions = ClientOptions;

/** What `accounts.exportBridge` writes (docs/files.md#bridge-export). */
export interface ExportBridgeOptions {
  /** The destination file. */
  to: string;
  /** The account to export; default: the active one. */
  account?: string;
  /** A project pin (digits). */
  project?: string;
  /** A workspace pin (a positive integer). */
  workspace?: number;
  /**
   * A browser account's access token without its refresh token, refreshed
   * first when it has less than `ACCESS_ONLY_MIN_LIFETIME_MS` left
   * (docs/files.md#access-only-bridge). The call then returns a Promise.
   */
  accessOnly?: boolean;
}

/** An access-only export refreshes a browser token that has less than this left (10 minutes). */
export const ACCESS_ONLY_MIN_LIFETIME_MS = 10 * 60_000;

/** `mp.accounts`: manage accounts, log in and out, test, export bridges (docs/files.md#account-operations, docs/oauth.md#logging-in-an-existing-account, docs/oauth.md#login-overview). */
export function createAccounts(options: NamespaceOptions = {}) {
  return accountsOf(new Context(options));
}

/** The accounts namespace over one context (one local state, one token resolver). */
export function accountsOf(ctx: Context) {
  const options = ctx.options;

  /** The account, pins and headers of an export, checked before anything is read or written. */
  function exportPlan(exportOptions: ExportBridgeOptions) {
    const view = ctx.configStore.read();
    const chosen = exportOptions.account ?? view.getActive().account;
    if (chosen === undefined)
      throw new NoActiveAccountError('No account specified and no active account configured.');
    const account = view.getAccount(chosen);
    const project = exportOptions.project ?? null;
    const workspace = exportOptions.workspace ?? null;
    if (project !== null && !isProjectId(project)) {
      throw new ValidationError(`Invalid --project '${exportOptions.project}': must be digits.`, {
        details: { path: 'project' },
      });
    }
    if (workspace !== null && !isWorkspaceId(workspace)) {
      throw new ValidationError(
        `Invalid --workspace ${exportOptions.workspace}: must be a positive integer.`,
        { details: { path: 'workspace' } },
      );
    }
    const header = view.getCustomHeader();
    const headers: Record<string, string> = header ? { [header.name]: header.value } : {};
    return { account, project, workspace, headers };
  }

  /** A browser account's tokens.json as it is on disk; OAUTH_TOKEN_ERROR naming the login when there is none. */
  function exportedTokens(name: string): OAuthTokens {
    // docs/files.md#bridge-export step 5: a missing scope exports as "", a missing token_type as "Bearer".
    const tokens = ctx.tokenStore.readTokens(name, {
      defaults: { scope: '', token_type: 'Bearer' },
    });
    if (!tokens) {
      throw new OAuthTokenError(
        `No OAuth tokens found for account '${name}' at ${ctx.tokenStore.tokensPath(name)}. Run \`mp account login ${name}\` before exporting a bridge.`,
        { details: { account_name: name, path: ctx.tokenStore.tokensPath(name) } },
      );
    }
    return tokens;
  }

  /**
   * Writes a v2 bridge file for an account of this machine's config (docs/files.md#bridge-export):
   * the named or active account, `[settings].custom_header` as
   * headers, optional project/workspace pins, and for a browser account its
   * tokens as they are on disk (no refresh). Returns the path. With
   * `accessOnly: true` (docs/files.md#access-only-bridge) it returns a Promise: the
   * access token is refreshed first when it has less than
   * `ACCESS_ONLY_MIN_LIFETIME_MS` left, and the file carries no refresh token.
   */
  function exportBridge(exportOptions: ExportBridgeOptions & { accessOnly: true }): Promise<string>;
  function exportBridge(exportOptions: ExportBridgeOptions & { accessOnly?: false }): string;
  function exportBridge(exportOptions: ExportBridgeOptions): string | Promise<string>;
  function exportBridge(exportOptions: ExportBridgeOptions): string | Promise<string> {
    if (exportOptions.accessOnly) return exportAccessOnly(exportOptions);
    const { account, ...plan } = exportPlan(exportOptions);
    const tokens = account.type === 'oauth_browser' ? exportedTokens(account.name) : null;
    return writeBridge(exportOptions.to, { account, tokens, ...plan });
  }

  async function exportAccessOnly(exportOptions: ExportBridgeOptions): Promise<string> {
    const { account, ...plan } = exportPlan(exportOptions);
    if (account.type !== 'oauth_browser') {
      const what =
        account.type === 'service_account'
          ? 'a service account: it has a secret, not a token that expires, so there is nothing narrower to hand off'
          : 'an oauth_token account: its static token has no refresh token to leave out and no expiry mp knows';
      throw new ArgumentError(
        `--access-only is for browser-login accounts only; '${account.name}' is ${what}. Export it without --access-only.`,
        { argumentNames: ['accessOnly'], details: { account_name: account.name } },
      );
    }
    let tokens = exportedTokens(account.name);
    if (tokens.expiresAt.getTime() - Date.now() < ACCESS_ONLY_MIN_LIFETIME_MS) {
      const resolver = ctx.tokenResolver();
      if (tokens.refreshToken) {
        // The single-flight refresh: skipped when another process already replaced this token.
        await resolver.forceRefresh(account.name, account.region, tokens.accessToken.reveal());
        tokens = exportedTokens(account.name);
      } else {
        // Nothing to refresh with: an expired token is OAUTH_TOKEN_ERROR, a live one goes as it is.
        resolver.assertBrowserTokenAvailable(account.name, account.region);
      }
    }
    return writeBridge(exportOptions.to, {
      account,
      tokens: tokens.with({ refreshToken: undefined }),
      ...plan,
    });
  }

  return {
    list(): AccountSummary[] {
      return ctx.configStore.listAccounts();
    },
    add(name: string, fields: AddAccountFields): AccountSummary {
      return ctx.configStore.addAccount(name, fields);
    },
    update(name: string, fields: UpdateAccountFields): AccountSummary {
      return ctx.configStore.updateAccount(name, fields);
    },
    /**
     * Returns the targets left orphaned; AccountInUseError when referenced and
     * not forced. `dryRun` checks only and returns what would be orphaned.
     */
    remove(
      name: string,
      removeOptions: { force?: boolean; forceHint?: string; dryRun?: boolean } = {},
    ): string[] {
      return ctx.configStore.removeAccount(name, removeOptions);
    },
    use(name: string): void {
      ctx.configStore.useAccount(name);
    },
    /**
     * `mp project use`: checks with `/me` that the account can see the
     * project (ProjectNotFoundError listing the visible ones; nothing is
     * written), unless `verify: false`, then sets its `default_project`
     * (docs/cli.md#checks-against-mixpanel).
     */
    useProject(
      name: string,
      projectId: string,
      verifyOptions: VerifyOptions = {},
    ): Promise<Verification> {
      return useProject(ctx, name, projectId, verifyOptions);
    },
    show(name?: string): AccountSummary {
      return ctx.configStore.showAccount(name);
    },
    /** The account's `/me` from the 24 h disk cache, never the network; null when absent, stale or unusable. */
    cachedMe(account: Account): MeResponse | null {
      return meCacheOf(ctx).get(account);
    },
    /** Where this context's files are (config, tokens, caches). */
    locations() {
      return ctx.configStore.locations;
    },
    /** The account record (named, else active); its secrets stay wrapped. */
    get(name?: string): Account {
      const view = ctx.configStore.read();
      const chosen = name ?? view.getActive().account;
      if (chosen === undefined) throw new NoActiveAccountError();
      return view.getAccount(chosen);
    },

    /** Probes `GET /api/app/me` for the account (named, else active). Never throws (docs/errors.md#account-test-results). */
    async test(name?: string): Promise<AccountTestResult> {
      const label = name ?? '(none)';
      try {
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
        let me: MeResponse;
        try {
          me = (await fetchMe(probeClient(ctx, account))).me;
        } catch (error) {
          return failedTestResult(
            account.name,
            ValidationError.isInstance(error)
              ? '/me response could not be parsed: '
              : '/me probe failed: ',
            error,
          );
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
     * Browser login for an existing oauth_browser account: the PKCE flow, a
     * /me probe with the new token, the region cross-check, then tokens.json,
     * the account's client record, the default project and me.json.
     */
    login(name: string, loginOptions: LoginOptions = {}): Promise<OAuthLoginResult> {
      return loginAccount(ctx, name, loginOptions);
    },

    /** Deletes the account's tokens.json (any type; nothing to delete is fine). Config, client records and me.json stay. */
    logout(name: string): boolean {
      ctx.configStore.getAccount(name);
      return ctx.tokenStore.deleteTokens(name);
    },

    /** The current bearer (may refresh); null for a service account. The one call whose purpose is a secret. */
    async token(name?: string): Promise<string | null> {
      const view = ctx.configStore.read();
      const chosen = name ?? view.getActive().account;
      if (chosen === undefined) throw new NoActiveAccountError();
      const account = view.getAccount(chosen);
      if (account.type === 'service_account') return null;
      const tokens = ctx.tokenResolver();
      return account.type === 'oauth_token'
        ? tokens.getStaticToken(account)
        : tokens.getBrowserToken(account.name, account.region);
    },

    exportBridge,

    /** The guided `mp login` (docs/cli.md#mp-login): refresh or create an account, pick its project and name, activate it. */
    loginUnified(loginOptions: LoginUnifiedOptions): Promise<LoginUnifiedResult> {
      return loginUnified(ctx, loginOptions);
    },

    /** `add` that probes the region and derives the name from /me when they are not given (docs/cli.md#mp-account-add). */
    addDiscovering(
      name: string | undefined,
      fields: AddAccountFields,
      discoveryOptions: AddDiscoveringOptions = {},
    ): Promise<AddDiscoveringResult> {
      return addAccountDiscovering(ctx, name, fields, discoveryOptions);
    },

    /** Removes the bridge file (`at`, else MP_AUTH_FILE, else the first default that exists). */
    removeBridge(removeOptions: { at?: string } = {}): boolean {
      return removeBridgeFile(removeOptions.at, {
        env: ctx.env,
        home: options.home,
        cwd: options.cwd,
      });
    },
  };
}

/** `mp.session`: the persisted `[active]` block (docs/files.md#session-operations). */
export function createSession(options: ClientOptions = {}) {
  const ctx = new Context(options);
  return {
    show() {
      return ctx.configStore.showSession();
    },
    /** The saved session as a person reads it: `[active]`, the account, the cached `/me` names, the bridge in effect. */
    describe(): SessionView {
      return describeSession(ctx);
    },
    /** The bridge file in effect (its path and content), or null. */
    bridge(): LoadedBridge | null {
      return bridgeInEffect(ctx);
    },
    /** A target alone, or any of account, project and workspace (see `ConfigStore.useSession`). */
    use(fields: UseOptions): void {
      ctx.configStore.useSession(fields);
    },
    /**
     * `mp workspace use`: checks with `/me` that the workspace belongs to the
     * active account's project (WorkspaceNotFoundError; nothing is written),
     * unless `verify: false`, then pins it (docs/cli.md#checks-against-mixpanel).
     */
    useWorkspace(workspaceId: number, verifyOptions: VerifyOptions = {}): Promise<Verification> {
      return useWorkspace(ctx, workspaceId, verifyOptions);
    },
  };
}

/** `mp.targets`: saved account + project (+ workspace) triples (docs/files.md#target-operations). */
export function createTargets(options: ContextOptions = {}) {
  const ctx = new Context(options);
  const store = () => ctx.configStore;
  const cwd = () => options.cwd ?? process.cwd();
  return {
    list: (): Target[] => store().listTargets(),
    add: (name: string, fields: TargetFields): Target => store().addTarget(name, fields),
    /**
     * `mp target add`: `add` after checking with the account's `/me` that it
     * sees the project (and the workspace is the project's), unless
     * `verify: false` (docs/cli.md#checks-against-mixpanel).
     */
    addVerified: (name: string, fields: TargetFields, verifyOptions: VerifyOptions = {}) =>
      addTarget(ctx, name, fields, verifyOptions),
    remove: (name: string): void => store().removeTarget(name),
    /** Applies the target persistently: its project becomes the account's default; `[active]` is replaced. */
    use: (name: string): Target => store().applyTarget(name),
    show: (name: string): Target => store().getTarget(name),
    /**
     * Binds the working directory (`cwd`) and every folder below it to the saved
     * target `name` by writing `.mixpanel/target` there (docs/resolution.md#directory-binding);
     * config.toml is not changed. An unknown target fails as `use` does.
     */
    bind: (name: string): { target: Target; path: string } => {
      const target = store().getTarget(name);
      const path = writeDirectoryBinding(cwd(), name, { home: ctx.state.locations.home });
      return { target, path };
    },
    /** Removes the working directory's `.mixpanel/target` (and an emptied `.mixpanel`); its path, or null when there was none. */
    unbind: (): string | null => removeDirectoryBinding(cwd()),
    /** The binding in effect for the working directory (its own, or a folder's above it), or null. */
    binding: (): DirectoryBinding | null => ctx.directory(),
  };
}

/** The namespaces over the real environment and home directory. */
export const accounts = createAccounts();
export const session = createSession();
export const targets = createTargets();
