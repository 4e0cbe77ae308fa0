import {
  ArgumentError,
  type BaseUrlOverride,
  type Region,
  redactUrl,
  regionBaseUrl,
} from '@mixpanel-data/auth-core';

/** Where `resolveApiUrl` sends a request, and which family its path belongs to. */
export interface ApiTarget {
  /** The absolute URL (under `MP_BASE_URL` when set). */
  readonly url: string;
  readonly family: 'query' | 'app' | 'export';
}

const refuse = (target: string, why: string) =>
  new ArgumentError(
    `Refusing '${redactUrl(target)}': ${why}. Give a path such as /api/query/events/names, /api/app/me or /api/2.0/export, or an https URL on the account's Mixpanel host.`,
    { argumentNames: ['url'] },
  );

/** The family of a path, or null when it is outside the Mixpanel APIs credentials are sent to. */
function familyOf(pathname: string): ApiTarget['family'] | null {
  if (pathname.startsWith('/api/query/')) return 'query';
  if (pathname.startsWith('/api/app/')) return 'app';
  if (pathname === '/api/2.0/export' || pathname === '/api/2.0/export/') return 'export';
  return null;
}

/**
 * Checks a path or URL before credentials are sent to it
 * (docs/http.md#streamed-responses): a path must start with `/api/query/`,
 * `/api/app/` or be `/api/2.0/export`; a URL must be `https`, without user info
 * or port, on the main or data host of the account's `region`, with such a path.
 * Anything else (another host, `http:`, `//host`, `user@host`, a look-alike
 * such as `mixpanel.com.evil.com`) throws ArgumentError before a request. Under
 * an override the URL is rebuilt on its origin, path and query kept.
 */
export function resolveApiUrl(
  target: string,
  region: Region,
  override: BaseUrlOverride | null,
): ApiTarget {
  const mainOrigin = new URL(regionBaseUrl('app', region)).origin;
  const dataOrigin = new URL(regionBaseUrl('export', region)).origin;
  let url: URL;
  if (target.startsWith('/')) {
    if (target.startsWith('//') || target.startsWith('/\\'))
      throw refuse(target, 'a path must not name a host');
    url = new URL(target, mainOrigin);
  } else {
    try {
      url = new URL(target);
    } catch {
      throw refuse(target, 'it is neither a path starting with / nor a URL');
    }
    if (url.protocol !== 'https:') throw refuse(target, 'only https URLs are allowed');
    if (url.username || url.password) throw refuse(target, 'a URL must not carry user info');
    if (url.port) throw refuse(target, 'a URL must not name a port');
    if (url.origin !== mainOrigin && url.origin !== dataOrigin) {
      throw refuse(
        target,
        `its host is not ${new URL(mainOrigin).host} or ${new URL(dataOrigin).host} (the account's region, ${region})`,
      );
    }
  }
  if (url.hash) throw refuse(target, 'a URL must not have a fragment');
  const family = familyOf(url.pathname);
  if (!family)
    throw refuse(target, 'its path is not under /api/query/, /api/app/ or /api/2.0/export');
  const origin = override ? override[region] : family === 'export' ? dataOrigin : mainOrigin;
  return { url: origin + url.pathname + url.search, family };
}
