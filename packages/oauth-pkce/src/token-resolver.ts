import {
  buildUrl,
  type Env,
  OAuthError,
  type OAuthTokenAccount,
  type OAuthTokens,
  type Region,
  resolveBaseUrlOverride,
  staticToken,
  type TokenResolver,
  type TokenStore,
} from '@mixpanel-data/auth-core';
import { createTokenStore } from '@mixpanel-data/config-store';
import { createHttp } from './http';
import { refreshAccessToken } from './token-endpoint';

/** Waiters for another process's refresh give up after this long (above the OAuth HTTP timeout). */
export const REFRESH_LOCK_TIMEOUT_MS = 30_000;
/**
 * A live process's refresh lock is broken only after this long: well past
 * the wait above, so a waiter gives up with "another process is refreshing"
 * (spec 06 §12.4) rather than breaking the lock of a refresh still under way.
 */
export const REFRESH_LOCK_STALE_MS = 120_000;

export interface TokenResolverOptions {
  /** Environment snapshot (MP_BASE_URL, token_env variables, file locations). Default `process.env`, read at call time. */
  env?: Env | undefined;
  baseUrl?: string | Readonly<Record<string, string>> | undefined;
  /** Default: config-store's file store, with a 30 s lock wait (a live holder's lock broken after 120 s). */
  tokenStore?: TokenStore | undefined;
  httpTimeoutMs?: number | undefined;
  fetch?: typeof fetch | undefined;
  /** `User-Agent` of refresh requests; the client passes its own (spec 06 §2.3). */
  userAgent?: string | undefined;
  /** Clock for expiry checks. Default `Date.now`. */
  now?: (() => number) | undefined;
  /** The account that came from a bridge file, if any: refresh failures then point at re-exporting it. */
  bridge?: { accountName: string; path: string } | undefined;
}

/** In-process single flight: one refresh promise per tokens.json path, shared by every resolver. */
const inFlight = new Map<string, Promise<string>>();

const HEADER_UNSAFE = /[^\t\x20-\x7e\x80-\xff]/;

function checkHeaderValue(token: string, accountName: string): string {
  if (HEADER_UNSAFE.test(token)) {
    throw new OAuthError(
      `The token of account '${accountName}' contains characters not allowed in an HTTP header. Set a clean token.`,
      'OAUTH_TOKEN_ERROR',
      { account_name: accountName },
    );
  }
  return token;
}

/**
 * The default `TokenResolver` (spec 06 §12): browser tokens from
 * `<root>/accounts/NAME/tokens.json`, refreshed 30 s before expiry, once
 * per process and once across processes (under the store's token lock, the
 * file is re-read before calling the token endpoint); static tokens inline
 * or from the environment variable the account names.
 */
export class OnDiskTokenResolver implements TokenResolver {
  readonly #options: TokenResolverOptions;
  readonly #store: TokenStore;

  constructor(options: TokenResolverOptions = {}) {
    this.#options = options;
    this.#store =
      options.tokenStore ??
      createTokenStore({
        env: options.env,
        lock: { timeoutMs: REFRESH_LOCK_TIMEOUT_MS, staleMs: REFRESH_LOCK_STALE_MS },
      });
  }

  get #env(): Env {
    return this.#options.env ?? process.env;
  }

  #now(): number {
    return (this.#options.now ?? Date.now)();
  }

  /** tokens.json of `name`, or OAUTH_TOKEN_ERROR when there is none. */
  #read(name: string): OAuthTokens {
    const tokens = this.#store.readTokens(name);
    if (tokens) return tokens;
    throw new OAuthError(
      `No OAuth tokens found for account '${name}'. Run \`mp account login ${name}\`.`,
      'OAUTH_TOKEN_ERROR',
      { account_name: name, path: this.#store.tokensPath(name) },
    );
  }

  #expiredWithoutRefresh(name: string, region: Region): OAuthError {
    return new OAuthError(
      `The OAuth access token of account '${name}' has expired and there is no refresh token. Run \`mp account login ${name}\`.`,
      'OAUTH_TOKEN_ERROR',
      { account_name: name, region, path: this.#store.tokensPath(name) },
    );
  }

  async getBrowserToken(name: string, region: Region): Promise<string> {
    const tokens = this.#read(name);
    if (!tokens.isExpired(this.#now())) return tokens.accessToken.reveal();
    if (!tokens.refreshToken) throw this.#expiredWithoutRefresh(name, region);
    return this.#refreshOnce(name, region, (current) => current.isExpired(this.#now()));
  }

  async forceRefresh(name: string, region: Region, rejected: string): Promise<string> {
    return this.#refreshOnce(
      name,
      region,
      (current) => current.accessToken.reveal() === rejected || current.isExpired(this.#now()),
    );
  }

  assertBrowserTokenAvailable(name: string, region: Region): void {
    const tokens = this.#read(name);
    if (tokens.isExpired(this.#now()) && !tokens.refreshToken)
      throw this.#expiredWithoutRefresh(name, region);
  }

  getStaticToken(account: OAuthTokenAccount): string {
    return checkHeaderValue(staticToken(account, this.#env), account.name);
  }

  /** Joins the refresh in flight for this file, or runs one under the cross-process lock. */
  #refreshOnce(
    name: string,
    region: Region,
    stillNeeded: (current: OAuthTokens) => boolean,
  ): Promise<string> {
    const key = this.#store.tokensPath(name);
    const running = inFlight.get(key);
    if (running) return running;
    const refresh = this.#lockedRefresh(name, region, stillNeeded).finally(() =>
      inFlight.delete(key),
    );
    inFlight.set(key, refresh);
    return refresh;
  }

  async #lockedRefresh(
    name: string,
    region: Region,
    stillNeeded: (current: OAuthTokens) => boolean,
  ): Promise<string> {
    try {
      return await this.#store.withTokenLock(name, async () => {
        const current = this.#read(name);
        if (!stillNeeded(current)) return current.accessToken.reveal(); // another process refreshed it
        if (!current.refreshToken) throw this.#expiredWithoutRefresh(name, region);
        const override = resolveBaseUrlOverride(this.#options.baseUrl, this.#env);
        const stored = this.#store.readClient(region, name);
        // Spec 06 §4.4: a client record is used only against the server it was registered
        // with, so a production client_id never reaches a test server (and the reverse).
        const base = override ? buildUrl('oauth', region, '', override) : undefined;
        if (stored && stored.oauthBaseUrl !== base) {
          throw new OAuthError(
            `The OAuth client of account '${name}' was registered with ${stored.oauthBaseUrl ?? 'the Mixpanel servers'}, not ${base ?? 'the Mixpanel servers'}; refusing to refresh against another server. Re-run \`mp account login ${name}\` here.`,
            'OAUTH_REFRESH_ERROR',
            { account_name: name, region },
          );
        }
        const client = stored;
        if (!client) {
          const bridge = this.#options.bridge;
          const fix =
            bridge?.accountName === name
              ? `This account came from a bridge file (${bridge.path}); re-export it on the host with \`mp account export-bridge\` to get a fresh access token.`
              : `Re-run \`mp account login ${name}\`.`;
          throw new OAuthError(
            `OAuth client info for region '${region}' is missing; cannot refresh tokens for account '${name}'. ${fix}`,
            'OAUTH_REFRESH_ERROR',
            { account_name: name, region },
          );
        }
        let fresh: OAuthTokens;
        try {
          fresh = await refreshAccessToken({
            http: await createHttp({
              timeoutMs: this.#options.httpTimeoutMs,
              fetch: this.#options.fetch,
              userAgent: this.#options.userAgent,
            }),
            tokenUrl: buildUrl('oauth', region, 'token/', override),
            refreshToken: current.refreshToken.reveal(),
            clientId: client.clientId,
            accountName: name,
            onInvalidClient: () => this.#store.deleteClient(region, name),
          });
        } catch (error) {
          // A process that does not take our lock (the Python tool) may have rotated it meanwhile.
          if ((error as OAuthError).code === 'OAUTH_REFRESH_REVOKED') {
            const now = this.#store.readTokens(name);
            if (
              now &&
              !now.refreshToken?.equals(current.refreshToken) &&
              !now.isExpired(this.#now())
            ) {
              return now.accessToken.reveal();
            }
          }
          throw error;
        }
        const kept = fresh.refreshToken
          ? fresh
          : fresh.with({ refreshToken: current.refreshToken });
        this.#store.writeTokens(name, kept);
        return kept.accessToken.reveal();
      });
    } catch (error) {
      if ((error as { details?: { timeout_ms?: unknown } }).details?.timeout_ms !== undefined) {
        throw new OAuthError(
          `Another process is refreshing the OAuth token of account '${name}'; retry in a moment.`,
          'OAUTH_REFRESH_ERROR',
          { account_name: name },
          { cause: error },
        );
      }
      throw error;
    }
  }
}

/** A resolver that answers one fixed bearer (the post-login /me probe uses it before anything is written). */
export function createBearerResolver(bearer: string, env: Env = process.env): TokenResolver {
  return {
    getBrowserToken: async () => bearer,
    forceRefresh: async () => bearer,
    assertBrowserTokenAvailable: () => {},
    getStaticToken: (account) => checkHeaderValue(staticToken(account, env), account.name),
  };
}
