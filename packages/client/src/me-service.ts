import {
  type Account,
  type BaseUrlOverride,
  ENV_OAUTH_TOKEN,
  ENV_SERVICE_ACCOUNT,
  type MeResponse,
  parseMeResponse,
  QueryError,
} from '@mixpanel-data/auth-core';
import type { FileTokenStore } from '@mixpanel-data/config-store';
import type { CallOptions, MixpanelApiClient } from './transport';

/** A cached /me older than this is stale. */
export const ME_CACHE_TTL_SECONDS = 86_400;

export interface MeCacheOptions {
  /** The store that owns `accounts/NAME/me.json`. */
  store: Pick<FileTokenStore, 'readMe' | 'writeMe' | 'deleteMe'>;
  /**
   * The base-URL override in force, if any: a cache written under the
   * account region's override origin is reused only under the same origin.
   */
  override: BaseUrlOverride | null;
  now?: (() => number) | undefined;
  onWarning?: ((message: string) => void) | undefined;
}

/** Removes the workspaces' member lists (they can be tens of MB) before a /me payload is cached. */
function stripMembers(me: MeResponse): MeResponse {
  const workspaces: Record<string, unknown> = {};
  for (const [id, workspace] of Object.entries(me.workspaces ?? {})) {
    const {
      member_list: _a,
      unified_member_list: _b,
      ...rest
    } = workspace as Record<string, unknown>;
    workspaces[id] = rest;
  }
  return { ...me, workspaces } as MeResponse;
}

/**
 * The on-disk `/me` cache, `<root>/accounts/NAME/me.json` (docs/http.md#me-cache):
 * 24 h, member lists stripped, 0600 in a 0700 directory; anything unsafe,
 * unreadable, stale or no longer matching the model is a miss (never fatal).
 * Accounts synthesised from environment variables are never cached on disk.
 */
export class MeDiskCache {
  readonly #options: MeCacheOptions;
  constructor(options: MeCacheOptions) {
    this.#options = options;
  }

  #origin(account: Account): string | null {
    return this.#options.override?.[account.region] ?? null;
  }

  #usable(account: Account): boolean {
    return account.name !== ENV_SERVICE_ACCOUNT && account.name !== ENV_OAUTH_TOKEN;
  }

  /**
   * The cached payload; null when absent, unusable or stale. `anyAge` also
   * returns a stale one (for what does not change, such as the user's id).
   */
  get(account: Account, options: { anyAge?: boolean } = {}): MeResponse | null {
    if (!this.#usable(account)) return null;
    const { store } = this.#options;
    const read = store.readMe(account.name);
    if (read === null) return null;
    if ('refused' in read) {
      this.#options.onWarning?.(
        `Ignoring the /me cache me.json of account '${account.name}': ${read.refused}.`,
      );
      return null;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(read.text);
    } catch {
      return null;
    }
    const dropShape = () => {
      this.#options.onWarning?.(
        `The /me cache of account '${account.name}' no longer matches the expected shape; it was deleted.`,
      );
      store.deleteMe(account.name);
      return null;
    };
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return dropShape();
    const record = parsed as Record<string, unknown>;
    const cachedAt = record.cached_at;
    const now = (this.#options.now ?? Date.now)() / 1000;
    if (typeof cachedAt !== 'number') return null;
    if (!options.anyAge && now - cachedAt > ME_CACHE_TTL_SECONDS) return null;
    if ((record.cached_base_url ?? null) !== this.#origin(account)) return null;
    const { cached_at: _c, cached_region: _r, cached_base_url: _b, ...payload } = record;
    try {
      return parseMeResponse(payload);
    } catch {
      return dropShape();
    }
  }

  put(account: Account, me: MeResponse): void {
    if (!this.#usable(account)) return;
    const record: Record<string, unknown> = {
      user_id: null,
      user_email: null,
      user_name: null,
      ...stripMembers(me),
      cached_at: (this.#options.now ?? Date.now)() / 1000,
      cached_region: null,
    };
    const origin = this.#origin(account);
    if (origin) record.cached_base_url = origin;
    this.#options.store.writeMe(account.name, JSON.stringify(record, null, 2));
  }
}

/**
 * The `/me` payload of a raw body (docs/http.md#the-me-call): its `results`
 * when it has that key, else the body itself; an answer that is not an
 * object or does not match the model is a ValidationError (source "response").
 */
export function parseMeBody(raw: unknown): MeResponse {
  const wrapped =
    raw !== null && typeof raw === 'object' && !Array.isArray(raw) && 'results' in raw;
  return parseMeResponse(wrapped ? (raw as { results: unknown }).results : raw);
}

/**
 * The one `/me` fetch-and-parse: `GET /api/app/me` with the client's
 * session, parsed by the model; also the raw text (the order of
 * organizations, which JSON.parse keeps only for non-numeric keys). A 403
 * says what the account lacks (`meFailure`); nothing is cached here.
 */
export async function fetchMe(
  client: MixpanelApiClient,
  options: Pick<CallOptions, 'signal'> = {},
): Promise<{ me: MeResponse; text: string }> {
  let text = '';
  let raw: unknown;
  try {
    raw = await client.app('GET', '/me', {
      ...options,
      raw: true,
      onText: (body) => (text = body),
    });
  } catch (error) {
    throw meFailure(error, client.session.account);
  }
  return { me: parseMeBody(raw), text };
}

/**
 * A 403 from /me, told in terms of the account (docs/http.md#me-service): still
 * a QueryError with status 403, as from any other call; every other error unchanged.
 */
function meFailure(error: unknown, account: Account): unknown {
  if (!QueryError.isInstance(error) || (error as QueryError).statusCode !== 403) return error;
  const { responseBody, requestMethod, requestUrl, requestParams } = error as QueryError;
  const name = account.name;
  return new QueryError(
    account.type === 'service_account'
      ? `Service account '${name}' is missing the \`user_details\` scope.\n\nRe-mint the SA in Mixpanel Settings → Service Accounts with that scope checked, or pass --project ID explicitly to skip the /me lookup.`
      : `Account '${name}' lacks /me permission (403). Pass --project explicitly, or use credentials with /me scope.`,
    {
      statusCode: 403,
      responseBody,
      ...(requestMethod === null ? {} : { requestMethod }),
      ...(requestUrl === null ? {} : { requestUrl }),
      ...(requestParams === null ? {} : { requestParams: { ...requestParams } }),
      details: { account_name: name },
    },
  );
}
