import type { Readable, Writable } from 'node:stream';
import {
  buildUrl,
  type Env,
  isRegion,
  OAuthBrowserError,
  type OAuthClientInfo,
  OAuthConfigError,
  type OAuthTokens,
  type Region,
  resolveBaseUrlOverride,
  type TokenStore,
} from '@mixpanel-data/auth-core';
import { type BrowserOpener, systemBrowserOpener } from './browser';
import {
  type AuthorizationResponse,
  CALLBACK_PORTS,
  findCallbackPort,
  redirectUriFor,
  startCallbackServer,
} from './callback-server';
import { createHttp } from './http';
import { readPastedRedirect } from './paste';
import { createPkce, createState } from './pkce';
import { clientServer, ensureClient } from './registration';
import { exchangeCode } from './token-endpoint';

export interface OAuthFlowOptions {
  region: Region;
  /** One origin for every Mixpanel host (or one per region); default `env.MP_BASE_URL`. */
  baseUrl?: string | Readonly<Record<string, string>> | undefined;
  /** Environment snapshot for MP_BASE_URL, BROWSER and the file locations. Default `process.env`. */
  env?: Env | undefined;
  /** Where client records live: the caller's store (config-store's `LocalState.tokens`). The flow never builds one. */
  tokenStore: TokenStore;
  /**
   * `true` (default): launch the browser (an injected opener, else `$BROWSER`, else the
   * platform's). `false`: print the URL and also accept the pasted redirect on `stdin`.
   */
  openBrowser?: boolean | undefined;
  /** Replaces the system browser launcher (tests); throwing from it is OAUTH_BROWSER_ERROR. */
  browserOpener?: BrowserOpener | undefined;
  stdin?: Readable | undefined;
  /**
   * Instructions and notes go here, never to stdout. Default `process.stderr`.
   * Only `write(text)` is called, so any Writable or a `{ write }` object fits.
   */
  stderr?: Pick<Writable, 'write'> | undefined;
  /** Default 19284–19287; `0` lets the OS pick (tests). */
  callbackPorts?: readonly number[] | undefined;
  /** Default 300 000 ms. */
  callbackTimeoutMs?: number | undefined;
  /** Per-request timeout for OAuth endpoints. Default 10 000 ms. */
  httpTimeoutMs?: number | undefined;
  /** `User-Agent` of the OAuth requests; the client passes its own (docs/oauth.md#oauth-http-settings). */
  userAgent?: string | undefined;
  /** The account being logged in: its `client.json` mirror is forgotten with the region's record on `invalid_client`, and messages name it. */
  accountName?: string | undefined;
  fetch?: typeof fetch | undefined;
  signal?: AbortSignal | undefined;
}

export interface OAuthLoginOutcome {
  readonly tokens: OAuthTokens;
  readonly client: OAuthClientInfo;
  readonly redirectUri: string;
  /** Whether this login registered a new client (false: the cached record was reused). */
  readonly registered: boolean;
}

/** The authorize URL (docs/oauth.md#authorize-url): parameters form-encoded in the reference's order, no scope. */
export function buildAuthorizeUrl(
  authorizeBase: string,
  parameters: { clientId: string; redirectUri: string; state: string; challenge: string },
): string {
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: parameters.clientId,
    redirect_uri: parameters.redirectUri,
    state: parameters.state,
    code_challenge: parameters.challenge,
    code_challenge_method: 'S256',
  });
  return `${authorizeBase}?${query}`;
}

/**
 * One browser login with PKCE for a region (docs/oauth.md#pkce-and-state–docs/oauth.md#code-exchange): choose a
 * callback port, reuse or register the client, show the authorize URL,
 * wait for the callback (or a pasted redirect), exchange the code. Tokens
 * are returned in memory; persisting them is the caller's job (after its
 * /me probe).
 */
export class OAuthFlow {
  readonly region: Region;
  readonly #options: OAuthFlowOptions;

  constructor(options: OAuthFlowOptions) {
    if (!isRegion(options.region)) {
      throw new OAuthConfigError(
        `Unknown region '${String(options.region)}' for OAuth login; use us, eu or in.`,
        { details: { region: options.region } },
      );
    }
    this.region = options.region;
    this.#options = options;
  }

  #url(path: string): string {
    const env = this.#options.env ?? process.env;
    return buildUrl('oauth', this.region, path, resolveBaseUrlOverride(this.#options.baseUrl, env));
  }

  async login(): Promise<OAuthLoginOutcome> {
    const options = this.#options;
    const env = options.env ?? process.env;
    const stderr = options.stderr ?? process.stderr;
    const say = (line: string) => stderr.write(`${line}\n`);
    const store = options.tokenStore;
    const http = await createHttp({
      timeoutMs: options.httpTimeoutMs,
      fetch: options.fetch,
      userAgent: options.userAgent,
    });
    const override = resolveBaseUrlOverride(options.baseUrl, env);

    const pkce = await createPkce();
    const state = await createState();
    const port = await findCallbackPort(options.callbackPorts ?? CALLBACK_PORTS);
    const redirectUri = redirectUriFor(port);
    const { client, registered } = await ensureClient(store, {
      http,
      region: this.region,
      registerUrl: this.#url('mcp/register/'),
      redirectUri,
      oauthBaseUrl: clientServer(this.region, override),
    });
    const server = await startCallbackServer({
      state,
      port,
      timeoutMs: options.callbackTimeoutMs,
      signal: options.signal,
    });
    const authorizeUrl = buildAuthorizeUrl(this.#url('authorize/'), {
      clientId: client.clientId,
      redirectUri: server.redirectUri,
      state,
      challenge: pkce.challenge,
    });

    let pasteReader: Awaited<ReturnType<typeof readPastedRedirect>> | undefined;
    const explainPaste = async () => {
      say('Open this URL in your browser to authorize mixpanel-data:');
      say('');
      say(`  ${authorizeUrl}`);
      say('');
      say(`If the browser can reach ${server.redirectUri}, this command continues by itself.`);
      say(
        'Otherwise paste the URL the browser was redirected to (or just its code=...&state=... part) and press Enter.',
      );
      pasteReader = await readPastedRedirect(options.stdin ?? process.stdin, state, (message) =>
        say(`error: ${message}`),
      );
    };
    try {
      let response: AuthorizationResponse;
      if (options.openBrowser === false) {
        await explainPaste();
        response = await Promise.race([server.result, pasteReader!.result]);
      } else {
        say(
          `Opening a browser to authorize mixpanel-data. If it does not open, visit:\n  ${authorizeUrl}`,
        );
        const launch = (async () => {
          try {
            return await (options.browserOpener ?? systemBrowserOpener(env))(authorizeUrl);
          } catch (error) {
            if (!options.browserOpener) return false;
            throw new OAuthBrowserError(
              `Could not open the browser: ${(error as Error).message}. Retry with --no-browser.`,
              { details: { authorize_url: authorizeUrl } },
            );
          }
        })();
        // The callback may arrive before the launcher reports (a fast browser): never wait on the launcher alone.
        const first = await Promise.race([
          server.result.then((value) => ({ callback: value })),
          launch.then((launched) => ({ launched })),
        ]);
        if ('callback' in first) response = first.callback;
        else if (first.launched) response = await server.result;
        else {
          await explainPaste();
          response = await Promise.race([server.result, pasteReader!.result]);
        }
      }
      const tokens = await exchangeCode({
        http,
        tokenUrl: this.#url('token/'),
        code: response.code,
        redirectUri: server.redirectUri,
        clientId: client.clientId,
        verifier: pkce.verifier,
        onInvalidClient: () => store.deleteClient(this.region, options.accountName),
        accountName: options.accountName,
      });
      return Object.freeze({ tokens, client, redirectUri: server.redirectUri, registered });
    } finally {
      server.close();
      pasteReader?.stop();
    }
  }
}
