import {
  ACCOUNT_TYPES,
  type Account,
  type AccountInit,
  AccountInUseError,
  type AccountSummary,
  type AccountType,
  type ActiveSession,
  ArgumentError,
  accountToRecord,
  type ConfigDocument,
  ConfigError,
  type ConfigView,
  checkCustomHeader,
  checkTargetExclusive,
  createAccount,
  createAccountSummary,
  EXACTLY_ONE_TOKEN,
  isAccountName,
  isProjectId,
  isSecret,
  MixpanelDataError,
  NoActiveAccountError,
  type Region,
  type Secret,
  type Target,
  type UseOptions,
} from '@mixpanel-data/auth-core';
import { readConfig, transactConfig } from './config-file';
import type { LockOptions } from './lock';
import { type LocationOptions, type Locations, locations } from './paths';
import { FileTokenStore } from './token-store';

export interface ConfigStoreOptions extends LocationOptions {
  /** Cross-process lock timing for every write. */
  lock?: LockOptions | undefined;
  /** Receives non-fatal problems (given to the default token store). Default: ignore. */
  onWarning?: ((message: string) => void) | undefined;
  /**
   * The owner of the per-account files, which `addAccount` and
   * `removeAccount` ask to delete an account's state. Default: a
   * `FileTokenStore` over the same `env`, `home` and `storageDir`.
   */
  tokens?: FileTokenStore | undefined;
}

/** Fields every account type takes when it is added. */
interface AddCommonFields {
  /** Required for service_account and oauth_token; oauth_browser defaults to `us`. */
  region?: Region | undefined;
  defaultProject?: string | undefined;
}

/** A service account: `username` and `secret` are both required. */
export interface AddServiceAccountFields extends AddCommonFields {
  type: 'service_account';
  username: string;
  secret: string | Secret;
  token?: undefined;
  tokenEnv?: undefined;
}

/** A browser (PKCE) account: no credential here; `mp account login` gets its tokens. */
export interface AddOAuthBrowserAccountFields extends AddCommonFields {
  type: 'oauth_browser';
  username?: undefined;
  secret?: undefined;
  token?: undefined;
  tokenEnv?: undefined;
}

/** A static bearer: exactly one of an inline `token` or `tokenEnv`, the variable that holds it. */
export type AddOAuthTokenAccountFields = AddCommonFields & {
  type: 'oauth_token';
  username?: undefined;
  secret?: undefined;
} & ({ token: string | Secret; tokenEnv?: undefined } | { token?: undefined; tokenEnv: string });

/** The fields of `addAccount`, one variant per account `type`. */
export type AddAccountFields =
  | AddServiceAccountFields
  | AddOAuthBrowserAccountFields
  | AddOAuthTokenAccountFields;

/** Fields every account type can change; the home project is either set or cleared. */
type UpdateCommonFields = { region?: Region | undefined } & (
  | { defaultProject?: string | undefined; clearDefaultProject?: false | undefined }
  | {
      defaultProject?: undefined;
      /** Removes the account's home project (there is no other way to clear it). */
      clearDefaultProject: true;
    }
);

/**
 * What `updateAccount` may change on an account of each type. `type` is
 * optional and never changes the account's type: given, it must be the type
 * the account already has.
 */
export type UpdateServiceAccountFields = UpdateCommonFields & {
  type?: 'service_account' | undefined;
  username?: string | undefined;
  secret?: string | Secret | undefined;
  token?: undefined;
  tokenEnv?: undefined;
};
export type UpdateOAuthBrowserAccountFields = UpdateCommonFields & {
  type?: 'oauth_browser' | undefined;
  username?: undefined;
  secret?: undefined;
  token?: undefined;
  tokenEnv?: undefined;
};
/** At most one of `token` and `tokenEnv`; the one given replaces the other. */
export type UpdateOAuthTokenAccountFields = UpdateCommonFields & {
  type?: 'oauth_token' | undefined;
  username?: undefined;
  secret?: undefined;
} & (
    | { token?: string | Secret | undefined; tokenEnv?: undefined }
    | { token?: undefined; tokenEnv?: string | undefined }
  );

/** The fields of `updateAccount`: those of one account type, never a mix. */
export type UpdateAccountFields =
  | UpdateServiceAccountFields
  | UpdateOAuthBrowserAccountFields
  | UpdateOAuthTokenAccountFields;

export interface TargetFields {
  account: string;
  project: string;
  workspace?: number | undefined;
}

export interface ApplySessionFields {
  account?: string | undefined;
  project?: string | undefined;
  workspace?: number | undefined;
  clearWorkspace?: boolean | undefined;
}

type Table = Record<string, unknown>;
const isTable = (value: unknown): value is Table =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);

/** The sub-table `key` of `document`, created when missing. */
function table(document: ConfigDocument, key: string): Table {
  if (!isTable(document[key])) document[key] = {};
  return document[key] as Table;
}

/** `target[key] = value` that also works for a key named `__proto__` (a valid account name). */
function put(target: Table, key: string, value: unknown): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

function dropIfEmpty(document: ConfigDocument, key: string): void {
  const value = document[key];
  if (isTable(value) && Object.keys(value).length === 0) delete document[key];
}

const reveal = (value: string | Secret | undefined) => (isSecret(value) ? value.reveal() : value);

/** Input paths refuse empty secrets and names (reads accept them: docs/errors.md#secrets-and-redaction). */
function refuseEmpty(name: string, fields: object): void {
  for (const key of ['secret', 'token', 'tokenEnv', 'username'] as const) {
    const value = reveal((fields as Record<string, string | Secret | undefined>)[key]);
    if (value !== undefined && value.trim() === '') {
      const label = key === 'tokenEnv' ? 'token_env' : key;
      throw new ConfigError(
        `Invalid account fields for '${name}': \`${label}\` must not be empty.`,
        { details: { account_name: name, field: label } },
      );
    }
  }
}

/** Builds an account from input fields, turning a ValidationError into the store's ConfigError. */
function buildAccount(fields: Parameters<typeof createAccount>[0]): Account {
  try {
    return createAccount(fields);
  } catch (error) {
    if (MixpanelDataError.isInstance(error)) {
      throw new ConfigError((error as MixpanelDataError).message, {
        details: { account_name: fields.name, field: (error as MixpanelDataError).details.path },
      });
    }
    throw error;
  }
}

/** The fields of `current` with `fields` applied (already checked against its type). */
function updatedInit(current: Account, fields: UpdateAccountFields): AccountInit {
  const defaultProject = fields.clearDefaultProject
    ? undefined
    : (fields.defaultProject ?? current.defaultProject);
  const common = {
    name: current.name,
    region: fields.region ?? current.region,
    ...(defaultProject === undefined ? {} : { defaultProject }),
  };
  switch (current.type) {
    case 'service_account':
      return {
        type: current.type,
        ...common,
        username: fields.username ?? current.username,
        secret: fields.secret ?? current.secret,
      };
    case 'oauth_browser':
      return { type: current.type, ...common };
    case 'oauth_token': {
      // The credential given replaces the other one.
      const token = fields.tokenEnv === undefined ? (fields.token ?? current.token) : undefined;
      const tokenEnv =
        fields.token === undefined ? (fields.tokenEnv ?? current.tokenEnv) : undefined;
      return {
        type: current.type,
        ...common,
        ...(token === undefined ? {} : { token }),
        ...(tokenEnv === undefined ? {} : { tokenEnv }),
      };
    }
  }
}

function checkWorkspaceId(workspace: number): number {
  if (!(Number.isSafeInteger(workspace) && workspace > 0)) {
    throw new ConfigError(`Invalid workspace ID: ${workspace}. Must be a positive integer.`, {
      details: { workspace_id: workspace },
    });
  }
  return workspace;
}

/**
 * Every operation on `~/.mp/config.toml` with the library semantics of
 * docs/files.md#config-store-operations Reads go straight to the file (no cache: another process may
 * have changed it); each write is one locked, atomic transaction that leaves
 * the file byte-for-byte unchanged when it fails.
 */
export class ConfigStore {
  readonly #options: ConfigStoreOptions;
  readonly #tokens: FileTokenStore;

  constructor(options: ConfigStoreOptions = {}) {
    this.#options = options;
    this.#tokens =
      options.tokens ??
      new FileTokenStore({
        env: options.env,
        home: options.home,
        storageDir: options.storageDir,
        onWarning: options.onWarning,
      });
  }

  /** Where the files are, computed now from the env and home this store was given. */
  get locations(): Locations {
    return locations(this.#options);
  }

  /** The config file path (`MP_CONFIG_PATH` or `~/.mp/config.toml`). */
  get path(): string {
    return this.locations.configPath;
  }

  /** The parsed config, validated lazily per block. */
  read(): ConfigView {
    return readConfig(this.locations);
  }

  /** Runs `mutate` on the document as one locked transaction (see `transactConfig`). */
  transaction<T>(mutate: (document: ConfigDocument, view: ConfigView) => T): T {
    return transactConfig(this.locations, mutate, this.#options.lock);
  }

  // ------------------------------------------------------------ accounts

  #summary(
    view: ConfigView,
    account: Account,
    referencedBy: readonly string[] = view.targetsReferencing(account.name),
  ): AccountSummary {
    return createAccountSummary({
      name: account.name,
      type: account.type,
      region: account.region,
      isActive: view.activeAccountName() === account.name,
      referencedByTargets: referencedBy,
      projectId: account.defaultProject ?? null,
    });
  }

  /** Every account, sorted by name; the first invalid block throws. */
  listAccounts(): AccountSummary[] {
    const view = this.read();
    // One pass over the targets for all accounts, not one per account.
    const referencing = view.targetsByAccount();
    return view
      .listAccounts()
      .map((account) => this.#summary(view, account, referencing.get(account.name) ?? []));
  }

  /** One account (only its block is validated). */
  getAccount(name: string): Account {
    return this.read().getAccount(name);
  }

  /** The named account's summary, or the active one's. */
  showAccount(name?: string): AccountSummary {
    const view = this.read();
    const chosen = name ?? view.getActive().account;
    if (chosen === undefined) throw new NoActiveAccountError();
    return this.#summary(view, view.getAccount(chosen));
  }

  /**
   * Adds an account; the first account of an empty config also becomes active,
   * and `activate` makes it active (dropping the workspace pin) in the same write.
   */
  addAccount(
    name: string,
    fields: AddAccountFields,
    options: { activate?: boolean } = {},
  ): AccountSummary {
    return this.transaction((document, view) => {
      if (view.accountNames().includes(name))
        throw new ConfigError(`Account '${name}' already exists.`, {
          details: { account_name: name },
        });
      const { type } = fields;
      if (!(ACCOUNT_TYPES as readonly string[]).includes(type)) {
        throw new ConfigError(`Unknown account type: '${String(type)}'`, {
          details: { account_type: type },
        });
      }
      const allowed: Record<AccountType, string[]> = {
        service_account: ['username', 'secret'],
        oauth_browser: [],
        oauth_token: ['token', 'tokenEnv'],
      };
      for (const key of ['username', 'secret', 'token', 'tokenEnv'] as const) {
        if (fields[key] !== undefined && !allowed[type].includes(key)) {
          const label = key === 'tokenEnv' ? 'token_env' : key;
          throw new ConfigError(`\`${label}\` does not apply to ${type} accounts; remove it.`, {
            details: { field: label },
          });
        }
      }
      if (
        type === 'service_account' &&
        (fields.username === undefined || fields.secret === undefined)
      ) {
        throw new ConfigError('ServiceAccount requires `username` and `secret`.');
      }
      if (
        type === 'oauth_token' &&
        (fields.token === undefined) === (fields.tokenEnv === undefined)
      ) {
        throw new ConfigError(EXACTLY_ONE_TOKEN);
      }
      if (fields.region === undefined && type !== 'oauth_browser') {
        throw new ConfigError(
          `Account type '${type}' requires \`region\`. Pass region= explicitly, or use \`mp login\` for the guided probing flow.`,
        );
      }
      refuseEmpty(name, fields);
      const account = buildAccount({ ...fields, name, region: fields.region ?? 'us' });
      // The name is free, so anything stored under it is left over from an
      // earlier account (a crash, or another tool's remove): never adopt it.
      this.#deleteState(name);
      const accounts = table(document, 'accounts');
      const wasEmpty = Object.keys(accounts).length === 0;
      put(accounts, name, accountToRecord(account, false));
      if (options.activate) {
        // In the same write as the account: a crash never leaves it added but not active.
        const active = table(document, 'active');
        active.account = name;
        delete active.workspace;
      } else if (wasEmpty) table(document, 'active').account = name;
      return this.#summary(view, account);
    });
  }

  /** Changes fields of an account; the type never changes. */
  updateAccount(name: string, fields: UpdateAccountFields): AccountSummary {
    return this.transaction((document, view) => {
      const current = view.getAccount(name);
      const type = current.type;
      if (fields.type !== undefined && fields.type !== type) {
        throw new ConfigError(
          `Account '${name}' is '${type}'; \`type\` cannot change (remove the account and add it again).`,
          { details: { account_name: name, field: 'type' } },
        );
      }
      for (const key of ['username', 'secret'] as const) {
        if (fields[key] !== undefined && type !== 'service_account') {
          throw new ConfigError(
            `\`${key}\` only applies to service_account (account '${name}' is '${type}').`,
            { details: { field: key } },
          );
        }
      }
      if ((fields.token !== undefined || fields.tokenEnv !== undefined) && type !== 'oauth_token') {
        throw new ConfigError(
          `\`token\`/\`token_env\` only apply to oauth_token (account '${name}' is '${type}').`,
          { details: { field: fields.token !== undefined ? 'token' : 'token_env' } },
        );
      }
      if (fields.token !== undefined && fields.tokenEnv !== undefined) {
        throw new ConfigError('OAuthTokenAccount: `token` and `token_env` are mutually exclusive.');
      }
      if (fields.clearDefaultProject && fields.defaultProject !== undefined) {
        throw new ArgumentError(
          '`defaultProject` and `clearDefaultProject` are mutually exclusive.',
          { argumentNames: ['defaultProject', 'clearDefaultProject'] },
        );
      }
      refuseEmpty(name, fields);
      const account = buildAccount(updatedInit(current, fields));
      put(table(document, 'accounts'), name, accountToRecord(account, false));
      return this.#summary(view, account);
    });
  }

  /**
   * Removes an account. Referenced by targets → AccountInUseError unless
   * `force`; with `force` the targets stay as orphans and their names are
   * returned. Removing the active account clears `[active]`. The account's
   * state (tokens, client record, /me cache) is deleted first, then the
   * config block: a crash in between leaves an account that must log in
   * again, never credentials without their account. If the state cannot be
   * deleted, the config is not changed. With `dryRun` it only checks, as
   * the removal would, and returns the targets it would orphan: a caller
   * that asks for confirmation checks first, so nobody answers a question
   * for a removal that is then refused.
   */
  removeAccount(
    name: string,
    options: { force?: boolean; forceHint?: string; dryRun?: boolean } = {},
  ): string[] {
    const removable = (view: ConfigView): string[] => {
      if (!view.hasAccount(name))
        throw new ConfigError(`Account '${name}' not found.`, { details: { account_name: name } });
      const referencedBy = view.targetsReferencing(name);
      if (referencedBy.length && !options.force) {
        throw AccountInUseError.forAccount(
          name,
          referencedBy,
          options.forceHint ?? '`force: true`',
        );
      }
      return referencedBy;
    };
    const wouldOrphan = removable(this.read());
    if (options.dryRun) return wouldOrphan;
    this.#deleteState(name);
    return this.transaction((document, view) => {
      const referencedBy = removable(view);
      delete table(document, 'accounts')[name];
      const active = table(document, 'active');
      if (active.account === name) {
        delete active.account;
        delete active.workspace;
      }
      dropIfEmpty(document, 'active');
      return referencedBy;
    });
  }

  /** Deletes what the token store keeps under an account's name; a name that is no valid directory name has none. */
  #deleteState(name: string): void {
    if (!isAccountName(name)) return;
    try {
      this.#tokens.deleteAccountState(name);
    } catch (error) {
      if (MixpanelDataError.isInstance(error)) throw error;
      const path = this.#tokens.locations.accountDir(name);
      throw new ConfigError(
        `Could not delete the state of account '${name}' in ${path}: ${(error as Error).message}. Fix its permissions, or delete the directory, and run the command again.`,
        { details: { account_name: name, path }, cause: error },
      );
    }
  }

  /** Makes an account active and drops the workspace pin (it belonged to the old project). */
  useAccount(name: string): void {
    this.transaction((document, view) => {
      if (!view.hasAccount(name)) {
        throw new ConfigError(`Cannot set active account: '${name}' is not configured.`, {
          details: { account_name: name },
        });
      }
      const active = table(document, 'active');
      active.account = name;
      delete active.workspace;
    });
  }

  // -------------------------------------------------------------- active

  getActive(): ActiveSession {
    return this.read().getActive();
  }

  /** Sets the given axes of `[active]`; omitted axes are untouched. */
  setActive(fields: { account?: string | undefined; workspace?: number | undefined }): void {
    this.applySession(fields);
  }

  /** Removes the chosen keys of `[active]`. */
  clearActive(fields: { account?: boolean; workspace?: boolean }): void {
    this.transaction((document) => {
      const active = table(document, 'active');
      if (fields.account) delete active.account;
      if (fields.workspace) delete active.workspace;
      dropIfEmpty(document, 'active');
    });
  }

  /**
   * The single-transaction combiner behind `session.use` and
   * `Workspace.use({persist: true})` (docs/files.md#active-block-operations): active account and
   * workspace, and the project as the (explicit or active) account's
   * `default_project`.
   */
  applySession(fields: ApplySessionFields): void {
    if (fields.workspace !== undefined && fields.clearWorkspace) {
      throw new ArgumentError('`workspace` and `clearWorkspace` are mutually exclusive.', {
        argumentNames: ['workspace', 'clearWorkspace'],
      });
    }
    this.transaction((document, view) => {
      const active = table(document, 'active');
      if (fields.account !== undefined) {
        if (!view.hasAccount(fields.account)) {
          throw new ConfigError(
            `Cannot set active account: '${fields.account}' is not configured.`,
            { details: { account_name: fields.account } },
          );
        }
        active.account = fields.account;
      }
      if (fields.workspace !== undefined) active.workspace = checkWorkspaceId(fields.workspace);
      if (fields.clearWorkspace) delete active.workspace;
      if (fields.project !== undefined) {
        const owner = fields.account ?? (view.getActive().account as string | undefined);
        if (owner === undefined) {
          throw new ConfigError(
            'Cannot set project: no active account. Run `mp account use NAME` first, or pass `account=NAME` together with `project=`.',
          );
        }
        const account = view.getAccount(owner);
        const updated = buildAccount({ ...account, defaultProject: fields.project });
        put(table(document, 'accounts'), owner, accountToRecord(updated, false));
      }
      dropIfEmpty(document, 'active');
    });
  }

  // ------------------------------------------------------------- targets

  listTargets(): Target[] {
    return this.read().listTargets();
  }

  getTarget(name: string): Target {
    return this.read().getTarget(name);
  }

  /** Saves a target; its account must exist now. */
  addTarget(name: string, fields: TargetFields): Target {
    return this.transaction((document, view) => {
      if (!view.hasAccount(fields.account)) {
        throw new ConfigError(
          `Cannot create target '${name}': account '${fields.account}' is not configured.`,
          { details: { target: name, account_name: fields.account } },
        );
      }
      if (view.targetNames().includes(name))
        throw new ConfigError(`Target '${name}' already exists.`, { details: { target: name } });
      if (!isAccountName(name)) {
        throw new ConfigError(
          `Invalid target name '${name}': use 1–64 letters, digits, '_' or '-'.`,
          { details: { target: name } },
        );
      }
      const invalid = (problem: string) =>
        new ConfigError(`Invalid target fields for '${name}': ${problem}`, {
          details: { target: name },
        });
      if (!isProjectId(fields.project))
        throw invalid(`String should match pattern '^[0-9]+$' (\`project\`)`);
      if (
        fields.workspace !== undefined &&
        !(Number.isSafeInteger(fields.workspace) && fields.workspace > 0)
      ) {
        throw invalid('Input should be greater than 0 (`workspace`)');
      }
      const block: Table = { account: fields.account, project: fields.project };
      if (fields.workspace !== undefined) block.workspace = fields.workspace;
      put(table(document, 'targets'), name, block);
      return toTarget(name, block);
    });
  }

  removeTarget(name: string): void {
    this.transaction((document, view) => {
      if (!view.targetNames().includes(name))
        throw new ConfigError(`Target '${name}' not found.`, { details: { target: name } });
      delete table(document, 'targets')[name];
      dropIfEmpty(document, 'targets');
    });
  }

  /**
   * The persistent "use" of a target (docs/files.md#target-operations): the target's project
   * becomes its account's `default_project`, and `[active]` becomes the
   * target's account and workspace (a target without one clears the pin).
   */
  applyTarget(name: string): Target {
    return this.transaction((document, view) => {
      const target = view.getTarget(name);
      if (!view.hasAccount(target.account)) {
        throw new ConfigError(
          `Cannot apply target '${name}': account '${target.account}' is not configured.`,
          { details: { target: name, account_name: target.account } },
        );
      }
      const account = view.getAccount(target.account);
      const updated = buildAccount({ ...account, defaultProject: target.project });
      put(table(document, 'accounts'), target.account, accountToRecord(updated, false));
      document.active =
        target.workspace === undefined
          ? { account: target.account }
          : { account: target.account, workspace: target.workspace };
      return target;
    });
  }

  // ------------------------------------------------------------- session

  /** The persisted `[active]` block. */
  showSession(): ActiveSession {
    return this.getActive();
  }

  /**
   * Persists a session choice: a target alone applies it; otherwise account,
   * project and workspace go through `applySession`. Switching account without
   * a workspace drops the old workspace pin (as `useAccount` does).
   */
  useSession(fields: UseOptions): void {
    const { target, ...axes } = fields;
    checkTargetExclusive(fields);
    if (target !== undefined) {
      this.applyTarget(target);
      return;
    }
    this.applySession({
      ...axes,
      clearWorkspace: axes.account !== undefined && axes.workspace === undefined,
    });
  }

  // ------------------------------------------------------------ settings

  /** `[settings].custom_header`, or null. */
  getCustomHeader(): { name: string; value: string } | null {
    return this.read().getCustomHeader();
  }

  /** Sets `[settings].custom_header` (an HTTP token name, a value without line breaks). */
  setCustomHeader(header: { name: string; value: string }): void {
    const checked = checkCustomHeader(header);
    this.transaction((document) => {
      table(document, 'settings').custom_header = { name: checked.name, value: checked.value };
    });
  }

  clearCustomHeader(): void {
    this.transaction((document) => {
      if (isTable(document.settings)) delete document.settings.custom_header;
      dropIfEmpty(document, 'settings');
    });
  }
}

function toTarget(name: string, block: Table): Target {
  return Object.freeze({ name, ...block }) as Target;
}

/** A store over the real home directory and `process.env` unless told otherwise. */
export function createConfigStore(options: ConfigStoreOptions = {}): ConfigStore {
  return new ConfigStore(options);
}
