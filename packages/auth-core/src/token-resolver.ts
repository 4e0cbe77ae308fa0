import type { OAuthClientInfo, OAuthTokens } from './oauth-tokens';
import type { Region } from './scalars';

export type { TokenResolver } from './account';

/**
 * Per-account OAuth state on disk: tokens.json and the dynamic-client-
 * registration records. config-store implements it and owns every file
 * operation behind it (locks included); oauth-pkce uses the store it is
 * handed and never builds one.
 */
export interface TokenStore {
  /** Absolute path of `<root>/accounts/NAME/tokens.json`. */
  tokensPath(accountName: string): string;
  /** Absolute path of `<root>/oauth/client_REGION.json`. */
  clientPath(region: Region): string;
  /**
   * The account's tokens.json, or null when absent; OAuthError
   * (OAUTH_TOKEN_ERROR) when unsafe or malformed. `defaults` fill fields the
   * file lacks before it is checked (a bridge export reads a missing `scope`
   * as "" and a missing `token_type` as "Bearer").
   */
  readTokens(
    accountName: string,
    options?: { defaults?: Readonly<Record<string, unknown>> },
  ): OAuthTokens | null;
  /** Atomic 0600 write in a 0700 account directory, under the account's token lock. */
  writeTokens(accountName: string, tokens: OAuthTokens): void;
  /**
   * Under the account's cross-process token lock: reads tokens.json (null
   * when absent), calls `update`, and writes what it returns unless that is
   * `undefined` or the tokens it was given. Resolves to the tokens on disk
   * afterwards.
   */
  updateTokens(
    accountName: string,
    update: (
      current: OAuthTokens | null,
    ) => OAuthTokens | undefined | Promise<OAuthTokens | undefined>,
  ): Promise<OAuthTokens | null>;
  /** Removes tokens.json under the token lock; true when a file was removed. */
  deleteTokens(accountName: string): boolean;
  /** The account's own client record first (it names the client that issued its tokens), else the region's; `null` when neither is usable. */
  readClient(region: Region, accountName?: string): OAuthClientInfo | null;
  /** Writes the per-region record and, with `accountName`, the account's own. */
  writeClient(client: OAuthClientInfo, accountName?: string): void;
  /** Forgets a client the server no longer knows: the per-region record and, with `accountName`, the account's own. */
  deleteClient(region: Region, accountName?: string): void;
}
