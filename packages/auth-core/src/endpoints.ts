import { ConfigError } from './errors';
import { isRegion, REGIONS, type Region } from './scalars';
import { redactUrl } from './url';

/** Node, browsers and edge runtimes all have the WHATWG URL class; only ES2022 types are loaded here. */
declare const URL: new (
  input: string,
) => {
  protocol: string;
  username: string;
  password: string;
  hostname: string;
  pathname: string;
  search: string;
  hash: string;
  origin: string;
  host: string;
};

export type ApiFamily = 'query' | 'export' | 'engage' | 'app' | 'oauth';
export const API_FAMILIES: readonly ApiFamily[] = ['query', 'export', 'engage', 'app', 'oauth'];

/** Path of each family under a single override origin (docs/http.md#override-mapping). */
const FAMILY_PATHS: Record<ApiFamily, string> = {
  query: '/api/query',
  export: '/api/2.0',
  engage: '/api/2.0/engage',
  app: '/api/app',
  oauth: '/oauth/',
};

/** Hosts that `rewriteUrl` sends to the override origin. */
export const MIXPANEL_HOSTS = [
  'mixpanel.com',
  'eu.mixpanel.com',
  'in.mixpanel.com',
  'data.mixpanel.com',
  'data-eu.mixpanel.com',
  'data-in.mixpanel.com',
] as const;

/** The built-in base URL of a family in a region (docs/http.md#hosts-per-region). */
export function regionBaseUrl(family: ApiFamily, region: Region): string {
  const prefix = region === 'us' ? '' : `${region}.`;
  const host = family === 'export' ? `data${region === 'us' ? '' : `-${region}`}.` : prefix;
  return `https://${host}mixpanel.com${FAMILY_PATHS[family]}`;
}

/** A validated override: one origin for every region, or one per region. */
export type BaseUrlOverride = Readonly<Record<Region, string>>;

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

function checkOrigin(value: string, label: string): string {
  const fail = (why: string) => {
    // The value is shown without its user info: a password in it must not reach a terminal or a log.
    const shown = redactUrl(value);
    return new ConfigError(
      `${label}='${shown}' is not a usable origin: ${why}. Use an origin such as http://127.0.0.1:8080 or https://mixpanel.example.`,
      {
        details: {
          ...(label === 'MP_BASE_URL' ? { env_var: label } : { option: label }),
          value: shown,
        },
      },
    );
  };
  let url: InstanceType<typeof URL>;
  try {
    url = new URL(value);
  } catch {
    throw fail('it does not parse as a URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw fail('the scheme must be http or https');
  if (url.username || url.password) throw fail('it must not contain user info');
  if (url.pathname !== '/' || url.search || url.hash || /[?#]/.test(value)) {
    throw fail('it must not have a path, query or fragment');
  }
  if (url.protocol === 'http:' && !LOOPBACK.test(url.hostname)) {
    throw fail('plain http is allowed only for a loopback host');
  }
  return url.origin;
}

/**
 * The base-URL override in force, or null: the `baseUrl` option first, then
 * `env.MP_BASE_URL` (empty = unset). A string applies to every region; an
 * object must name all three regions. Invalid values throw ConfigError.
 */
export function resolveBaseUrlOverride(
  option?: string | Readonly<Record<string, string>> | null,
  env: Readonly<Record<string, string | undefined>> = {},
): BaseUrlOverride | null {
  if (option != null && typeof option === 'object') {
    const map = {} as Record<Region, string>;
    for (const region of REGIONS) {
      const value = option[region];
      if (typeof value !== 'string') {
        throw new ConfigError(
          `baseUrl must name an origin for each of us, eu and in; '${region}' is missing.`,
          { details: { option: 'baseUrl', region } },
        );
      }
      map[region] = checkOrigin(value, `baseUrl.${region}`);
    }
    const extra = Object.keys(option).find((key) => !isRegion(key));
    if (extra)
      throw new ConfigError(`baseUrl has an unknown region '${extra}'; use us, eu and in.`, {
        details: { option: 'baseUrl', region: extra },
      });
    return Object.freeze(map);
  }
  const [value, label] = option ? [option, 'baseUrl'] : [env.MP_BASE_URL, 'MP_BASE_URL'];
  if (!value) return null;
  // The last accepted origin is remembered: a program that builds a Workspace per task
  // would otherwise parse the same URL every time.
  if (lastOrigin?.value === value && lastOrigin.label === label) return lastOrigin.override;
  const origin = checkOrigin(value, label);
  const override = Object.freeze({ us: origin, eu: origin, in: origin });
  lastOrigin = { value, label, override };
  return override;
}

let lastOrigin: { value: string; label: string; override: BaseUrlOverride } | null = null;

/** The base URL of a family for a region, honouring an override. */
export function baseUrlFor(
  family: ApiFamily,
  region: Region,
  override?: BaseUrlOverride | null,
): string {
  return override ? override[region] + FAMILY_PATHS[family] : regionBaseUrl(family, region);
}

/** `base + path`; a path without a leading `/` gets one (`buildUrl('engage', 'us', '')` → `…/engage/`). */
export function buildUrl(
  family: ApiFamily,
  region: Region,
  path: string,
  override?: BaseUrlOverride | null,
): string {
  const base = baseUrlFor(family, region, override).replace(/\/$/, '');
  return base + (path.startsWith('/') ? path : `/${path}`);
}

/** Sends an absolute URL on a Mixpanel host to the override origin, keeping path and query. */
export function rewriteUrl(url: string, region: Region, override?: BaseUrlOverride | null): string {
  if (!override) return url;
  const parsed = new URL(url);
  if (!(MIXPANEL_HOSTS as readonly string[]).includes(parsed.host.toLowerCase())) return url;
  return override[region] + parsed.pathname + parsed.search + parsed.hash;
}
