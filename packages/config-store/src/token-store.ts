import {
  chmodSync,
  closeSync,
  constants,
  existsSync,
  fchmodSync,
  lstatSync,
  openSync,
  unlinkSync,
} from 'node:fs';
import { basename, dirname } from 'node:path';
import {
  formatTimestamp,
  type OAuthClientInfo,
  OAuthError,
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
  LINKED_DIRECTORY_FIX,
  readPrivateFile,
  refuseLinkedAncestor,
  symlinkedAncestor,
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
  lock?: LockOptions | undefined;
  /** Receives warnings about unusable client records (file names only). Default: ignore. */
  onWarning?: ((message: string) => void) | undefined;
}

/**
 * Creates the storage root if missing, and `accounts/` and the account
 * directory, all 0700. An existing root is tightened only when it is the
 * default `~/.mp` (spec 02 §5.1: never chmod a directory the user chose).
 * A linked directory on the way (inside HOME) is refused before anything is created.
 */
export function ensureAccountDir(where: Locations, name: string): string {
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

/**
 * The per-account OAuth state on disk (auth-core's `TokenStore`):
 * `<root>/accounts/NAME/tokens.json` and the client registration records
 * `<root>/oauth/client_REGION.json` (+ the per-account `client.json` mirror).
 */
export class FileTokenStore implements TokenStore {
  readonly #options: TokenStoreOptions;

  constructor(options: TokenStoreOptions = {}) {
    this.#options = options;
  }

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
      throw new OAuthError(
        `Could not read OAuth tokens for account '${accountName}': ${text.reason}. ${fix}`,
        'OAUTH_TOKEN_ERROR',
        { account_name: accountName, path },
      );
    }
    return parseTokensFile(text, accountName, path, options.defaults);
  }

  writeTokens(accountName: string, tokens: OAuthTokens): void {
    const where = this.locations;
    ensureAccountDir(where, accountName);
    writePrivateFileAtomic(where.tokensPath(accountName), serializeTokensFile(tokens), {
      home: where.home,
    });
  }

  deleteTokens(accountName: string): boolean {
    const path = this.tokensPath(accountName);
    try {
      lstatSync(path);
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
    unlinkSync(path);
    return true;
  }

  readClient(region: Region, accountName?: string): OAuthClientInfo | null {
    const where = this.locations;
    const candidates = [where.clientPath(region)];
    if (accountName !== undefined) candidates.push(where.accountClientPath(accountName));
    for (const path of candidates) {
      const info = this.#readClientFile(path, region);
      if (info) return info;
    }
    return null;
  }

  /** One client record: a lax mode is repaired (without following links); anything unusable is absent. */
  #readClientFile(path: string, region: Region): OAuthClientInfo | null {
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
      if (process.platform !== 'win32' && !symlinkedAncestor(path, this.locations.home)) {
        // Spec 02 §6: the directory is tightened before every read, the file when it is lax.
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

  /** Writes the region's client record (and the account's mirror), each under its own lock (spec 02 §5.3). */
  writeClient(client: OAuthClientInfo, accountName?: string): void {
    const where = this.locations;
    const path = where.clientPath(client.region);
    const text = serializeClientRecord(client);
    refuseLinkedAncestor(path, where.home);
    ensureRootDir(where);
    ensurePrivateDir(dirname(path));
    const options = { home: where.home };
    withLock(path, () => writePrivateFileAtomic(path, text, options), this.#options.lock);
    if (accountName !== undefined) {
      ensureAccountDir(where, accountName);
      const mirror = where.accountClientPath(accountName);
      withLock(mirror, () => writePrivateFileAtomic(mirror, text, options), this.#options.lock);
    }
  }

  deleteClient(region: Region, accountName?: string): void {
    const where = this.locations;
    const paths = [where.clientPath(region)];
    if (accountName !== undefined) paths.push(where.accountClientPath(accountName));
    for (const path of paths) {
      try {
        unlinkSync(path);
      } catch (error) {
        if (!isMissing(error)) throw error;
      }
    }
  }

  /** Holds the account's cross-process token lock (`tokens.json.lock`) while `task` runs. */
  async withTokenLock<T>(accountName: string, task: () => T | Promise<T>): Promise<T> {
    const where = this.locations;
    ensureAccountDir(where, accountName);
    return withLockAsync(where.tokensPath(accountName), task, this.#options.lock);
  }
}

export function createTokenStore(options: TokenStoreOptions = {}): FileTokenStore {
  return new FileTokenStore(options);
}
