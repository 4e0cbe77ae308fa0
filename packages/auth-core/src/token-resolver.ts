import type { OAuthTokenAccount } from './account';
import type { OAuthClientInfo, OAuthTokens } from './oauth-tokens';
import type { Region } from './scalars';

/**
 * Supplies bearer tokens for the two OAuth account types (spec 06 §12.1).
 *
 * Decision (spec 01 §16.1): browser tokens may need a network refresh, so
 * `getBrowserToken` is asynchronous and `authHeader()` always returns a Promise;
 * `assertBrowserTokenAvailable` is the synchronous, local-only check that
 * `Workspace.use()` runs before it switches accounts.
 */
export interface TokenResolver {
  /** Access token for an oauth_browser account; refreshes when expired. No "Bearer " prefix. */
  getBrowserToken(name: string, region: Region): Promise<string>;
  /** Bearer for an oauth_token account (inline or env). No prefix. Synchronous. */
  getStaticToken(account: OAuthTokenAccount): string;
  /** Throws the OAuthError getBrowserToken would throw for local reasons; never touches the network. */
  assertBrowserTokenAvailable(name: string, region: Region): void;
  /** Refresh even if not expired, unless the file already holds an access token other than `rejected`. */
  forceRefresh(name: string, region: Region, rejected: string): Promise<string>;
}

/**
 * Per-account OAuth state on disk (spec 02 §7, spec 06 §1): tokens.json and the
 * dynamic-client-registration record. config-store implements it; oauth-pkce uses it.
 */
export interface TokenStore {
  /** Absolute path of `<root>/accounts/NAME/tokens.json`. */
  tokensPath(accountName: string): string;
  /** Absolute path of `<root>/oauth/client_REGION.json`. */
  clientPath(region: Region): string;
  /** The stored tokens, `null` when there is no file; OAuthError(OAUTH_TOKEN_ERROR) when unsafe or malformed. */
  /**
   * The account's tokens.json, or null when absent. `defaults` fill fields
   * the file lacks before it is checked (a bridge export reads a missing
   * `scope` as "" and a missing `token_type` as "Bearer", spec 04 §8.1).
   */
  readTokens(
    accountName: string,
    options?: { defaults?: Readonly<Record<string, unknown>> },
  ): OAuthTokens | null;
  /** Atomic 0600 write in a 0700 account directory. Call it inside `withTokenLock`. */
  writeTokens(accountName: string, tokens: OAuthTokens): void;
  /** Removes tokens.json; true when a file was removed. */
  deleteTokens(accountName: string): boolean;
  /** The per-region client record, falling back to the per-account mirror; `null` when neither is usable. */
  readClient(region: Region, accountName?: string): OAuthClientInfo | null;
  /** Writes the per-region record and, with `accountName`, its per-account mirror. */
  writeClient(client: OAuthClientInfo, accountName?: string): void;
  /** Forgets a client the server no longer knows: the per-region record and, with `accountName`, the mirror. */
  deleteClient(region: Region, accountName?: string): void;
  /** Runs `task` while holding the account's cross-process token lock. */
  withTokenLock<T>(accountName: string, task: () => T | Promise<T>): Promise<T>;
}
