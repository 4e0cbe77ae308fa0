declare const __MP_VERSION__: string | undefined;

/** This package's version, baked in at build time. */
export const VERSION: string = typeof __MP_VERSION__ === 'string' ? __MP_VERSION__ : '0.0.0-dev';

/** The value every request sends as `query_origin` on query-family calls. */
export const QUERY_ORIGIN = 'mixpanel-data-ts';

/** `mixpanel-data-ts/<version> (entry=<lib|cli>; node/<major>.<minor>)`. */
export function userAgent(entry: 'lib' | 'cli'): string {
  const known = userAgents[entry];
  if (known) return known;
  const [major, minor] = process.versions.node.split('.');
  userAgents[entry] = `mixpanel-data-ts/${VERSION} (entry=${entry}; node/${major}.${minor})`;
  return userAgents[entry];
}
const userAgents: Partial<Record<'lib' | 'cli', string>> = {};

/**
 * What the client hands to oauth-pkce for its requests: the base-URL
 * override, the fetch, and the client's own User-Agent (docs/oauth.md#oauth-http-settings: OAuth
 * requests carry the same User-Agent as the API client).
 */
export function oauthNetOptions(options: {
  baseUrl?: string | Readonly<Record<string, string>> | undefined;
  fetch?: typeof fetch | undefined;
  entry?: 'lib' | 'cli' | undefined;
}) {
  return {
    baseUrl: options.baseUrl,
    fetch: options.fetch,
    userAgent: userAgent(options.entry ?? 'lib'),
  };
}
