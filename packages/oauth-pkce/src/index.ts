export { type BrowserOpener, systemBrowserOpener } from './browser';
export {
  type AuthorizationResponse,
  CALLBACK_PORTS,
  CALLBACK_TIMEOUT_MS,
  type CallbackServer,
  type CallbackServerOptions,
  findCallbackPort,
  redirectUriFor,
  startCallbackServer,
} from './callback-server';
export {
  buildAuthorizeUrl,
  OAuthFlow,
  type OAuthFlowOptions,
  type OAuthLoginOutcome,
} from './flow';
export {
  createHttp,
  describeNetworkError,
  type HttpOptions,
  OAUTH_HTTP_TIMEOUT_MS,
  OAUTH_MAX_RESPONSE_BYTES,
} from './http';
export { escapeHtml } from './pages';
export { MAX_BAD_PASTES, type PasteReader, parsePastedRedirect, readPastedRedirect } from './paste';
export { computeChallenge, createPkce, createState, type Pkce } from './pkce';
export {
  clientRegisteredElsewhere,
  clientServer,
  ensureClient,
  OAUTH_SCOPE,
  type RegisterOptions,
  registerClient,
} from './registration';
export {
  exchangeCode,
  judgeTokenResponse,
  refreshAccessToken,
  type TokenResponseOutcome,
} from './token-endpoint';
export {
  createBearerResolver,
  OnDiskTokenResolver,
  type TokenResolverOptions,
} from './token-resolver';
