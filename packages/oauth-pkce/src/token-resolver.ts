import {
  ArgumentError,
  buildUrl,
  ENV_OAUTH_TOKEN,
  type Env,
  isHeaderValue,
  LockTimeoutError,
  type OAuthError,
  OAuthRefreshError,
  OAuthRefreshRevokedError,
  type OAuthTokenAccount,
  OAuthTokenError,
  type OAuthTokens,
  type Region,
  resolveBaseUrlOverride,
  staticToken,
  type TokenResolver,
  type TokenStore,
} from '@mixpanel-data/auth-core';
import { createHttp } from './http';
import { clientRegisteredElsewhere, clientServer } from './registration';
import { refreshAccessToken } from './token-endpoint';

export interface TokenResolverOptions {
  /**
   * Where tokens.json and the client records live, and how their locks
   * wait: the caller's store (config-store's `LocalState.tokens`, or any
   * `TokenStore`). The resolver never builds one.
   */
  tokenStore: TokenStore;
  /** Environment snapshot (MP_BASE_URL, token_env variables). Default `process.env`, read at call time. */
  env?: Env | undefined;
  baseUrl?: string | Readonly<Record<string, string>> | undefined;
  httpTimeoutMs?: number | undefined;
  fetch?: typeof fetch | undefined;
  /** `User-Agent` of refresh requests; the client passes its own. */
  userAgent?: string | undefined;
  /** Clock for expiry checks. Default `Date.now`. */
  now?: (() => number) | undefined;
  /** The account that came from a bridge file, if any: refresh failures then point at re-exporting it. */
  bridge?: { accountName: string; path: string } | undefined;
}

/** In-process single flight: one refresh promise per tokens.json path, shared by every resolver. */
const inFlight = new Map<string, Promise<OAuthTokens>>();

/**
 * A static token that can be sent in a header; otherwise OAUTH_TOKEN_ERROR
 * naming where the token came from, never the token (docs/oauth.md#static-tokens).
 */
function checkStaticToken(
  account: OAuthTokenAccount,
  env: Env,
  bridge?: TokenResolverOptions['bridge'],
): string {
  const token = staticToken(account, env);
  if (isHeaderValue(token)) return token;
  const name = account.name;
  const source = account.tokenEnv
    ? `The variable ${account.tokenEnv} (the token of account '${name}')`
    : name === ENV_OAUTH_TOKEN
      ? 'MP_OAUTH_TOKEN'
      : bridge?.accountName === name
        ? `The \`account.token\` of the bridge file ${bridge.path}`
        : `The inline \`token\` of account '${name}'`;
  throw new OAuthTokenError(
    `${source} contains a line break or another character not allowed in an HTTP header. Set a clean token.`,
    {
      details: {
        account_name: name,
        env_var: account.tokenEnv ?? (name === ENV_OAUTH_TOKEN ? 'MP_OAUTH_TOKEN' : undefined),
      },
    },
  );
}

/**
 * The default `TokenResolver`: browser tokens from the store's
 * `accounts/NAME/tokens.json`, kept in memory until 30 s before they expire
 * (the file is read once per token lifetime), refreshed then once per
 * process and once across processes (inside the store's `updateTokens`,
 * which holds the account's token lock and re-reads the file before the
 * token endpoint is called); static tokens inline or from the environment
 * variable the account names.
 */
export class OnDiskTokenResolver implements TokenResolver {
  readonly #options: TokenResolverOptions;
  readonly #store: TokenStore;
  /** The last tokens read or written per account, used until they are about to expire. */
  readonly #memory = new Map<string, OAuthTokens>();

  constructor(options: TokenResolverOptions) {
    if (!options?.tokenStore) {
      throw new ArgumentError('OnDiskTokenResolver needs the `tokenStore` it reads tokens from.', {
        argumentNames: ['tokenStore'],
      });
    }
    this.#options = options;
    this.#store = options.tokenStore;
  }

  get #env(): Env {
    return this.#options.env ?? process.env;
  }

  #now(): number {
    return (this.#options.now ?? Date.now)();
  }

  /** The tokens in memory while they are fresh, else tokens.json (remembered); OAUTH_TOKEN_ERROR when there is none. */
  #tokens(name: string): OAuthTokens {
    const remembered = this.#memory.get(name);
    if (remembered && !remembered.isExpired(this.#now())) return remembered;
    const tokens = this.#store.readTokens(name);
    if (!tokens) {
      this.#memory.delete(name);
      throw this.#noTokens(name);
    }
    this.#memory.set(name, tokens);
    return tokens;
  }

  #noTokens(name: string): OAuthError {
    return new OAuthTokenError(
      `No OAuth tokens found for account '${name}'. Run \`mp account login ${name}\`.`,
      { details: { account_name: name, path: this.#store.tokensPath(name) } },
    );
  }

  #expiredWithoutRefresh(name: string, region: Region, tokens: OAuthTokens): OAuthError {
    const bridge = this.#options.bridge;
    if (bridge?.accountName === name) {
      // An access-only bridge (docs/oauth.md#access-only-bridges): only the host can hand off a new token.
      const expiresAt = tokens.expiresAt.toISOString();
      return new OAuthTokenError(
        `The access token in the bridge file ${bridge.path} expired at ${expiresAt}; it carries no refresh token. Export a new bridge on the machine that has the login: \`mp account export-bridge --access-only\`.`,
        { details: { account_name: name, region, path: bridge.path, expires_at: expiresAt } },
      );
    }
    return new OAuthTokenError(
      `The OAuth access token of account '${name}' has expired and there is no refresh token. Run \`mp account login ${name}\`.`,
      { details: { account_name: name, region, path: this.#store.tokensPath(name) } },
    );
  }

  async getBrowserToken(name: string, region: Region): Promise<string> {
    const tokens = this.#tokens(name);
    if (!tokens.isExpired(this.#now())) return tokens.accessToken.reveal();
    if (!tokens.refreshToken) throw this.#expiredWithoutRefresh(name, region, tokens);
    return this.#refreshOnce(name, region, (current) => current.isExpired(this.#now()));
  }

  async forceRefresh(name: string, region: Region, rejected: string): Promise<string> {
    this.#memory.delete(name);
    return this.#refreshOnce(
      name,
      region,
      (current) => current.accessToken.reveal() === rejected || current.isExpired(this.#now()),
    );
  }

  assertBrowserTokenAvailable(name: string, region: Region): void {
    const tokens = this.#tokens(name);
    if (tokens.isExpired(this.#now()) && !tokens.refreshToken)
      throw this.#expiredWithoutRefresh(name, region, tokens);
  }

  getStaticToken(account: OAuthTokenAccount): string {
    return checkStaticToken(account, this.#env, this.#options.bridge);
  }

  /** Joins the refresh in flight for this file, or runs one under the cross-process lock. */
  async #refreshOnce(
    name: string,
    region: Region,
    stillNeeded: (current: OAuthTokens) => boolean,
  ): Promise<string> {
    const key = this.#store.tokensPath(name);
    let running = inFlight.get(key);
    if (!running) {
      running = this.#lockedRefresh(name, region, stillNeeded).finally(() => inFlight.delete(key));
      inFlight.set(key, running);
    }
    const tokens = await running;
    this.#memory.set(name, tokens);
    return tokens.accessToken.reveal();
  }

  async #lockedRefresh(
    name: string,
    region: Region,
    stillNeeded: (current: OAuthTokens) => boolean,
  ): Promise<OAuthTokens> {
    try {
      const result = await this.#store.updateTokens(name, async (current) => {
        if (!current) throw this.#noTokens(name);
        if (!stillNeeded(current)) return undefined; // another process refreshed it
        if (!current.refreshToken) throw this.#expiredWithoutRefresh(name, region, current);
        return this.#refresh(name, region, current, current.refreshToken);
      });
      if (!result) throw this.#noTokens(name);
      return result;
    } catch (error) {
      if (LockTimeoutError.isInstance(error)) {
        throw new OAuthRefreshError(
          `Another process is refreshing the OAuth token of account '${name}'; retry in a moment.`,
          { details: { account_name: name }, cause: error },
        );
      }
      throw error;
    }
  }

  /** Calls the token endpoint with the client that issued the account's tokens; runs under the token lock. */
  async #refresh(
    name: string,
    region: Region,
    current: OAuthTokens,
    refreshToken: NonNullable<OAuthTokens['refreshToken']>,
  ): Promise<OAuthTokens | undefined> {
    const override = resolveBaseUrlOverride(this.#options.baseUrl, this.#env);
    const client = this.#store.readClient(region, name);
    const elsewhere = client && clientRegisteredElsewhere(client, clientServer(region, override));
    if (elsewhere) {
      throw new OAuthRefreshError(
        `The OAuth client of account '${name}' was ${elsewhere}; refusing to refresh against another server. Re-run \`mp account login ${name}\` here.`,
        { details: { account_name: name, region } },
      );
    }
    if (!client) {
      const bridge = this.#options.bridge;
      const fix =
        bridge?.accountName === name
          ? `This account came from a bridge file (${bridge.path}); re-export it on the host with \`mp account export-bridge\` to get a fresh access token.`
          : `Re-run \`mp account login ${name}\`.`;
      throw new OAuthRefreshError(
        `OAuth client info for region '${region}' is missing; cannot refresh tokens for account '${name}'. ${fix}`,
        { details: { account_name: name, region } },
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
        refreshToken: refreshToken.reveal(),
        clientId: client.clientId,
        accountName: name,
        onInvalidClient: () => this.#store.deleteClient(region, name),
      });
    } catch (error) {
      // A process that does not take our lock (the Python tool) may have rotated it meanwhile.
      if (OAuthRefreshRevokedError.isInstance(error)) {
        const now = this.#store.readTokens(name);
        if (now && !now.refreshToken?.equals(refreshToken) && !now.isExpired(this.#now())) {
          return now === current ? undefined : now;
        }
      }
      throw error;
    }
    return fresh.refreshToken ? fresh : fresh.with({ refreshToken });
  }
}

/** A resolver that answers one fixed bearer (the post-login /me probe uses it before anything is written). */
export function createBearerResolver(bearer: string, env: Env = process.env): TokenResolver {
  return {
    getBrowserToken: async () => bearer,
    forceRefresh: async () => bearer,
    assertBrowserTokenAvailable: () => {},
    getStaticToken: (account) => checkStaticToken(account, env),
  };
}
