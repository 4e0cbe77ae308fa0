import {
  chmodSync,
  closeSync,
  constants,
  existsSync,
  fchmodSync,
  lstatSync,
  mkdtempSync,
  openSync,
  readdirSync,
  renameSync,
  unlinkSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import {
  ConfigError,
  formatTimestamp,
  type OAuthClientInfo,
  OAuthTokenError,
  type OAuthTokens,
  parseClientRecord,
  parseTokensFile,
  type Region,
  type TokenStore,
} from '@mixpanel-data/auth-core';
import { type LockOptions, withLock, withLockAsync } from './lock';
import { type LocationOptions, type Locations, locations } from './paths';
import {
  ensurePrivateDir,
  isMissing,
  isProcessAlive,
  LINKED_DIRECTORY_FIX,
  MAX_CREDENTIAL_BYTES,
  readPrivateFile,
  refuseLink,
  refuseLinkedAncestor,
  removePrivatePath,
  symlinkedAncestor,
  unwritableFolderError,
  writePrivateFileAtomic,
} from './secure-file';

/** The exact bytes of tokens.json: one line, the reference's key order and `": "`/`", "` separators. */
export function serializeTokensFile(tokens: OAuthTokens): string {
  const entries = Object.entries(tokens.toRecord());
  return `{${entries.map(([key, value]) => `${JSON.stringify(key)}: ${JSON.stringify(value)}`).join(', ')}}`;
}

/** The client record file: pretty JSON (2-space indent), `created_at` in the `+00:00` form. */
export function serializeClientRecord(info: OAuthClientInfo): string {
  const record: Record<string, string> = {
    client_id: info.clientId,
    region: info.region,
    redirect_uri: info.redirectUri,
    scope: info.scope,
    created_at: formatTimestamp(info.createdAt),
  };
  if (info.oauthBaseUrl !== undefined) record.oauth_base_url = info.oauthBaseUrl;
  return JSON.stringify(record, null, 2);
}

export interface TokenStoreOptions extends LocationOptions {
  /**
   * Timing of the account token lock (`tokens.json.lock`). Default: wait up
   * to 30 s, and break a live holder's lock only after 120 s, so that a
   * waiter gives up with "another process is refreshing" rather than break
   * the lock of a refresh still under way.
   */
  lock?: LockOptions | undefined;
  /** Receives warnings about unusable client records and caches (file names only). Default: ignore. */
  onWarning?: ((message: string) => void) | undefined;
}

/** The token lock's default timing (see `TokenStoreOptions.lock`). */
export const TOKEN_LOCK_DEFAULTS = { timeoutMs: 30_000, staleMs: 120_000 } as const;

/** What `updateTokens` hands its callback when the file exists but cannot be used. */
export interface TokenUpdateOptions {
  /** Treat an unreadable or malformed tokens.json as absent (it will be replaced) instead of throwing. */
  replaceUnreadable?: boolean | undefined;
}

/** A refused or unusable account file (me.json): why, in a few words. */
export type AccountFileRead = { text: string } | { refused: string } | null;

/**
 * Creates the storage root if missing, and `accounts/` and the account
 * directory, all 0700. An existing root is tightened only when it is the
 * default `~/.mp` (a directory the user chose keeps its mode). A linked
 * directory on the way (inside HOME) is refused before anything is created.
 */
function ensureAccountDir(where: Locations, name: string): string {
  const dir = where.accountDir(name);
  refuseLinkedAncestor(where.tokensPath(name), where.home);
  ensureRootDir(where);
  ensurePrivateDir(dirname(dir));
  ensurePrivateDir(dir);
  return dir;
}

/** The storage root: created 0700 when missing; an existing one is tightened only if it is `~/.mp`. */
function ensureRootDir(where: Locations): void {
  if (where.defaultRoot || !existsSync(where.root)) ensurePrivateDir(where.root);
}

/** How to get out of a storage folder mp may not write in. */
const STORAGE_UNWRITABLE_FIX =
  "Fix the folder's permissions, or set MP_OAUTH_STORAGE_DIR to a writable folder.";

/** Runs a change under the storage root: a folder mp may not write in becomes a ConfigError naming it. */
function writing<T>(where: Locations, task: () => T): T {
  try {
    return task();
  } catch (error) {
    throw unwritableFolderError(error, where.root, STORAGE_UNWRITABLE_FIX);
  }
}

/** Deletes a file (never through a link); true when one was removed. */
function unlinkIfPresent(path: string): boolean {
  try {
    unlinkSync(path);
    return true;
  } catch (error) {
    if (isMissing(error)) return false;
    throw error;
  }
}

/**
 * The per-account state on disk (auth-core's `TokenStore`):
 * `<root>/accounts/NAME/tokens.json`, the `/me` cache `me.json`, the client
 * registration records `<root>/oauth/client_REGION.json` and the account's
 * own `accounts/NAME/client.json`, and the staging of a new account during
 * a login. Every mkdir, chmod, lock, atomic write, rename and delete under
 * the storage root happens here; callers never lock or write these files
 * themselves.
 */
/** How old a login staging directory of a process that may still run must be before it is swept (a login waits up to 300 s for its callback). */
const ORPHANED_STAGING_MS = 60 * 60 * 1000;

/**
 * Whether the login staging directory `accounts/<name>` (`.tmp-PID-XXXXXX`, or
 * the Python tool's `.tmp-` plus eight hex digits) last changed at `mtimeMs`
 * is a killed login's leftover: its process no longer runs, or it is older
 * than `ORPHANED_STAGING_MS`.
 */
export function isOrphanedStaging(name: string, mtimeMs: number): boolean {
  const pid = /^\.tmp-(\d+)-/.exec(name)?.[1];
  return (
    Date.now() - mtimeMs > ORPHANED_STAGING_MS ||
    (pid !== undefined && !isProcessAlive(Number(pid)))
  );
}

/**
 * Removes login staging directories (`accounts/.tmp-…`) that a killed login
 * left behind (they may hold tokens): those of a process that no longer runs
 * (`.tmp-PID-XXXXXX`), and any older than `ORPHANED_STAGING_MS` (also the
 * Python tool's `.tmp-` plus eight hex digits). Links are never followed.
 */
function removeOrphanedStaging(accountsDir: string, home: string | undefined): void {
  let names: string[];
  try {
    names = readdirSync(accountsDir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith('.tmp-')) continue;
    const path = join(accountsDir, name);
    try {
      const stat = lstatSync(path);
      if (!stat.isDirectory()) continue;
      if (isOrphanedStaging(name, stat.mtimeMs)) removePrivatePath(path, home);
    } catch {
      // gone already, or not ours to remove: the next login tries again
    }
  }
}

export class FileTokenStore implements TokenStore {
  readonly #options: TokenStoreOptions;
  readonly #lock: LockOptions;

  constructor(options: TokenStoreOptions = {}) {
    this.#options = options;
    this.#lock = { ...TOKEN_LOCK_DEFAULTS, ...options.lock };
  }

  /** The paths, computed from the options now (the environment is read at call time). */
  get locations(): Locations {
    return locations(this.#options);
  }

  tokensPath(accountName: string): string {
    return this.locations.tokensPath(accountName);
  }

  clientPath(region: Region): string {
    return this.locations.clientPath(region);
  }

  readTokens(
    accountName: string,
    options: { defaults?: Readonly<Record<string, unknown>> } = {},
  ): OAuthTokens | null {
    const where = this.locations;
    const path = where.tokensPath(accountName);
    const text = readPrivateFile(path, { home: where.home });
    if (text === null) return null;
    if (typeof text !== 'string') {
      const fix =
        text.kind === 'mode'
          ? `Run \`chmod 600 ${path}\`, or \`mp account login ${accountName}\`.`
          : text.kind === 'symlink'
            ? text.ancestor
              ? LINKED_DIRECTORY_FIX
              : `Remove the link and run \`mp account login ${accountName}\`.`
            : `Run \`mp account login ${accountName}\`.`;
      throw new OAuthTokenError(
        `Could not read OAuth tokens for account '${accountName}': ${text.reason}. ${fix}`,
        { details: { account_name: accountName, path } },
      );
    }
    return parseTokensFile(text, accountName, path, options.defaults);
  }

  /** Writes tokens.json (atomic, 0600 in a 0700 directory) under the account's token lock. */
  writeTokens(accountName: string, tokens: OAuthTokens): void {
    this.updateTokensSync(accountName, () => tokens, { replaceUnreadable: true });
  }

  /**
   * Reads tokens.json under the account's cross-process token lock, hands it
   * to `update` (null when absent) and writes what `update` returns, unless
   * it returns the same object or `undefined`. Returns the tokens on disk
   * afterwards. A refresh runs inside `update`, so two processes never
   * refresh the same tokens at once.
   */
  async updateTokens(
    accountName: string,
    update: (
      current: OAuthTokens | null,
    ) => OAuthTokens | undefined | Promise<OAuthTokens | undefined>,
    options: TokenUpdateOptions = {},
  ): Promise<OAuthTokens | null> {
    const where = this.locations;
    writing(where, () => ensureAccountDir(where, accountName));
    try {
      return await withLockAsync(
        where.tokensPath(accountName),
        async () => {
          const current = this.#current(accountName, options);
          return this.#apply(accountName, current, await update(current));
        },
        this.#lock,
      );
    } catch (error) {
      throw unwritableFolderError(error, where.root, STORAGE_UNWRITABLE_FIX);
    }
  }

  /** `updateTokens` for a synchronous `update` (used where no network is involved). */
  updateTokensSync(
    accountName: string,
    update: (current: OAuthTokens | null) => OAuthTokens | undefined,
    options: TokenUpdateOptions = {},
  ): OAuthTokens | null {
    const where = this.locations;
    return writing(where, () => {
      ensureAccountDir(where, accountName);
      return withLock(
        where.tokensPath(accountName),
        () => {
          const current = this.#current(accountName, options);
          return this.#apply(accountName, current, update(current));
        },
        this.#lock,
      );
    });
  }

  #current(accountName: string, options: TokenUpdateOptions): OAuthTokens | null {
    if (!options.replaceUnreadable) return this.readTokens(accountName);
    try {
      return this.readTokens(accountName);
    } catch {
      return null; // unreadable or malformed: replaced by the update
    }
  }

  /** Writes `next` unless it is `current` itself or undefined; returns what is on disk. */
  #apply(
    accountName: string,
    current: OAuthTokens | null,
    next: OAuthTokens | undefined,
  ): OAuthTokens | null {
    if (next === undefined || next === current) return current;
    const where = this.locations;
    writePrivateFileAtomic(where.tokensPath(accountName), serializeTokensFile(next), {
      home: where.home,
    });
    return next;
  }

  /**
   * Removes tokens.json under the token lock; true when a file was removed.
   * A linked account directory (or a linked tokens.json) is refused, never
   * followed.
   */
  deleteTokens(accountName: string): boolean {
    const where = this.locations;
    const path = where.tokensPath(accountName);
    refuseLink(where.accountDir(accountName), where.home);
    refuseLink(path, where.home);
    if (!existsSync(where.accountDir(accountName))) return false;
    return writing(where, () => withLock(path, () => unlinkIfPresent(path), this.#lock));
  }

  /**
   * The client registration for `region`. With `accountName`, the account's
   * own record (`accounts/NAME/client.json`) comes first: it names the client
   * that issued that account's tokens, which may differ from the region's
   * latest registration. Without it, or when it is unusable, the region's
   * record (`oauth/client_REGION.json`). With `repair: false` a lax record
   * is not tightened but refused (so nothing changes on disk).
   */
  readClient(
    region: Region,
    accountName?: string,
    options: { repair?: boolean } = {},
  ): OAuthClientInfo | null {
    const where = this.locations;
    const candidates =
      accountName === undefined
        ? [where.clientPath(region)]
        : [where.accountClientPath(accountName), where.clientPath(region)];
    for (const path of candidates) {
      const info = this.#readClientFile(path, region, options.repair !== false);
      if (info) return info;
    }
    return null;
  }

  /** One client record: a lax mode is repaired (without following links, unless `repair` is false); anything unusable is absent. */
  #readClientFile(path: string, region: Region, repair: boolean): OAuthClientInfo | null {
    const warn = (why: string) =>
      this.#options.onWarning?.(`Ignoring OAuth client record ${basename(path)}: ${why}.`);
    try {
      const stat = lstatSync(path);
      if (stat.isSymbolicLink()) {
        warn('it is a symlink');
        return null;
      }
      // Under a linked directory nothing is tightened (chmod would follow the link);
      // readPrivateFile below refuses the record.
      if (repair && process.platform !== 'win32' && !symlinkedAncestor(path, this.locations.home)) {
        // The directory is tightened before every read, the file when it is lax.
        if (!lstatSync(dirname(path)).isSymbolicLink()) chmodSync(dirname(path), 0o700);
        if (stat.isFile() && (stat.mode & 0o077) !== 0) {
          const fd = openSync(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
          try {
            fchmodSync(fd, 0o600);
          } finally {
            closeSync(fd);
          }
        }
      }
    } catch (error) {
      if (isMissing(error)) return null;
      warn((error as Error).message);
      return null;
    }
    const text = readPrivateFile(path, { home: this.locations.home });
    if (typeof text !== 'string') {
      if (text) warn(text.kind === 'symlink' ? 'it is a symlink' : text.kind);
      return null;
    }
    let record: unknown;
    try {
      record = JSON.parse(text);
    } catch {
      warn('it is not valid JSON');
      return null;
    }
    const info = parseClientRecord(record);
    if (!info || info.region !== region) {
      warn('it is missing required keys');
      return null;
    }
    return info;
  }

  /** Writes the region's client record (and the account's own), each under its own lock. */
  writeClient(client: OAuthClientInfo, accountName?: string): void {
    const where = this.locations;
    const path = where.clientPath(client.region);
    const text = serializeClientRecord(client);
    refuseLinkedAncestor(path, where.home);
    writing(where, () => {
      ensureRootDir(where);
      ensurePrivateDir(dirname(path));
      const options = { home: where.home };
      withLock(path, () => writePrivateFileAtomic(path, text, options), this.#lock);
    });
    if (accountName !== undefined) this.#writeAccountClient(where, accountName, text);
  }

  #writeAccountClient(where: Locations, accountName: string, text: string): void {
    const mirror = where.accountClientPath(accountName);
    writing(where, () => {
      ensureAccountDir(where, accountName);
      withLock(
        mirror,
        () => writePrivateFileAtomic(mirror, text, { home: where.home }),
        this.#lock,
      );
    });
  }

  /** Forgets a client the server no longer knows: the region's record and, with `accountName`, the account's own. */
  deleteClient(region: Region, accountName?: string): void {
    const where = this.locations;
    const paths = [where.clientPath(region)];
    if (accountName !== undefined) paths.push(where.accountClientPath(accountName));
    for (const path of paths) {
      refuseLink(path, where.home);
      writing(where, () => withLock(path, () => unlinkIfPresent(path), this.#lock));
    }
  }

  // ------------------------------------------------------------ me.json

  /** The account's `/me` cache text; `{refused}` when unsafe (mode, link); null when absent. */
  readMe(accountName: string): AccountFileRead {
    const where = this.locations;
    const text = readPrivateFile(where.mePath(accountName), { home: where.home });
    if (text === null) return null;
    if (typeof text === 'string') return { text };
    return {
      refused: text.kind === 'mode' ? 'its permissions are too open' : `refused (${text.kind})`,
    };
  }

  /**
   * Writes the account's `/me` cache (atomic, 0600 in a 0700 directory). A
   * cache above the size cap, which no reader would accept, is not written:
   * the old cache is deleted instead, with a warning.
   */
  writeMe(accountName: string, text: string): void {
    const where = this.locations;
    const path = where.mePath(accountName);
    const size = Buffer.byteLength(text, 'utf8');
    if (size > MAX_CREDENTIAL_BYTES) {
      this.deleteMe(accountName);
      this.#options.onWarning?.(
        `Not caching /me for account '${accountName}': ${size} bytes is above the ${MAX_CREDENTIAL_BYTES}-byte cap of me.json.`,
      );
      return;
    }
    writing(where, () => {
      ensureAccountDir(where, accountName);
      withLock(path, () => writePrivateFileAtomic(path, text, { home: where.home }), this.#lock);
    });
  }

  /** Deletes the account's `/me` cache (never through a link); true when one was removed. */
  deleteMe(accountName: string): boolean {
    const where = this.locations;
    const path = where.mePath(accountName);
    refuseLink(path, where.home);
    return writing(where, () => unlinkIfPresent(path));
  }

  // ------------------------------------------------- whole account state

  /**
   * Deletes everything stored under one account's name: tokens.json,
   * client.json and me.json, each under its own lock (a refresh in progress
   * finishes first), then the directory itself with whatever else is left in
   * it (stale locks, temp files). A linked account directory or file is
   * refused before anything is deleted. True when the directory existed.
   * `ConfigStore` calls this before an account leaves config.toml and
   * before a new account takes a name, so that no credential outlives its
   * account or passes to the next account of that name.
   */
  deleteAccountState(accountName: string): boolean {
    const where = this.locations;
    const dir = where.accountDir(accountName);
    const files = [
      where.tokensPath(accountName),
      where.accountClientPath(accountName),
      where.mePath(accountName),
    ];
    for (const path of [dir, ...files]) refuseLink(path, where.home);
    if (!existsSync(dir)) return false;
    for (const path of files) withLock(path, () => unlinkIfPresent(path), this.#lock);
    removePrivatePath(dir, where.home);
    return true;
  }

  // ------------------------------------------------------ login staging

  /**
   * A hidden directory under `accounts/` that holds a new account's state
   * while a login is checked; `publish(name)` renames it to `accounts/NAME`
   * (refused when that exists), `discard()` removes it. Nothing is visible
   * under the account's name until it is published.
   */
  stageAccount(): StagedAccount {
    const where = this.locations;
    const accountsDir = join(where.root, 'accounts');
    refuseLinkedAncestor(join(accountsDir, 'x', 'tokens.json'), where.home);
    const dir = writing(where, () => {
      ensureRootDir(where);
      ensurePrivateDir(accountsDir);
      removeOrphanedStaging(accountsDir, where.home);
      // `.tmp-PID-` plus six random characters: the pid tells a killed login's directory.
      const made = mkdtempSync(join(accountsDir, `.tmp-${process.pid}-`));
      chmodSync(made, 0o700);
      return made;
    });
    let published: string | null = null;
    return {
      dir,
      writeTokens: (tokens) =>
        writing(where, () =>
          writePrivateFileAtomic(join(dir, 'tokens.json'), serializeTokensFile(tokens), {
            home: where.home,
          }),
        ),
      publish: (name, client) => {
        const final = where.accountDir(name);
        if (existsSync(final)) {
          throw new ConfigError(
            `Account directory ${final} already exists. Run \`mp account remove ${name}\` first or choose another name.`,
            { details: { path: final, account_name: name } },
          );
        }
        writing(where, () => renameSync(dir, final));
        published = final;
        if (client) this.#writeAccountClient(where, name, serializeClientRecord(client));
        return final;
      },
      discard: () => {
        for (const path of [dir, published]) if (path) removePrivatePath(path, where.home);
      },
    };
  }
}

/** A new account's state while its login is checked (see `FileTokenStore.stageAccount`). */
export interface StagedAccount {
  /** The hidden staging directory. */
  readonly dir: string;
  writeTokens(tokens: OAuthTokens): void;
  /** Moves the staged state to `accounts/NAME` (and writes the account's client record); returns the directory. */
  publish(name: string, client?: OAuthClientInfo): string;
  /** Removes the staged (or, after `publish`, the published) directory. */
  discard(): void;
}

export function createTokenStore(options: TokenStoreOptions = {}): FileTokenStore {
  return new FileTokenStore(options);
}
