import * as v from 'valibot';
import { OAuthTokenError, ValidationError } from './errors';
import { headerValueSchema } from './header-value';
import { firstProblem, problemText } from './issues';
import { type Region, regionSchema } from './scalars';
import { isSecret, type Secret, toSecret } from './secret';

/** A token that expires within this many milliseconds counts as expired. */
export const TOKEN_EXPIRY_MARGIN_MS = 30_000;

const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(Z|[+-]\d{2}:\d{2})$/i;

/**
 * Parses an ISO-8601 timestamp that carries a zone (`Z` or `±HH:MM`, 0–6
 * fractional digits). A naive timestamp, or an impossible date, gives `null`.
 */
export function parseTimestamp(text: unknown): Date | null {
  const match = typeof text === 'string' ? TIMESTAMP.exec(text) : null;
  if (!match) return null;
  const [, y, mo, d, h, mi, s, fraction = '', zone = 'Z'] = match;
  const ms = Number(fraction.padEnd(3, '0').slice(0, 3));
  const local = Date.UTC(+y!, +mo! - 1, +d!, +h!, +mi!, +s!, ms);
  const check = new Date(local);
  const zoneMinutes = zone.length === 6 ? +zone.slice(4) : 0;
  const zoneHours = zone.length === 6 ? +zone.slice(1, 3) : 0;
  if (
    check.getUTCMonth() !== +mo! - 1 ||
    check.getUTCDate() !== +d! ||
    +h! > 23 ||
    +mi! > 59 ||
    +s! > 59 ||
    zoneHours > 23 ||
    zoneMinutes > 59
  ) {
    return null;
  }
  const offset =
    zone.toUpperCase() === 'Z'
      ? 0
      : (zone[0] === '-' ? -1 : 1) * (+zone.slice(1, 3) * 60 + +zone.slice(4)) * 60_000;
  return new Date(local - offset);
}

/** `2026-05-01T10:00:00.123000+00:00`: the reference's form (readers on Python 3.10 reject `Z`). */
export function formatTimestamp(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000+00:00');
}

const zoned = /* @__PURE__ */ (() =>
  v.pipe(
    v.string(),
    v.check(
      (text) => parseTimestamp(text) !== null,
      'Input should be a timestamp with a time zone',
    ),
  ))();

/** tokens.json and the bridge's `tokens` object; unknown keys are ignored. The access token is sent as a header, so it must be one. */
export const tokensFileSchema = /* @__PURE__ */ (() =>
  v.looseObject({
    access_token: headerValueSchema,
    expires_at: zoned,
    token_type: v.string(),
    scope: v.string(),
    refresh_token: v.nullish(v.string()),
  }))();

export interface OAuthTokensInit {
  accessToken: string | Secret;
  refreshToken?: string | Secret | undefined;
  expiresAt: Date;
  scope: string;
  tokenType: string;
}

/** Browser-login tokens (docs/files.md#tokensjson, docs/files.md#tokensjson). Immutable; secrets redacted everywhere. */
export class OAuthTokens {
  readonly accessToken: Secret;
  declare readonly refreshToken?: Secret;
  readonly expiresAt: Date;
  readonly scope: string;
  readonly tokenType: string;

  constructor(init: OAuthTokensInit) {
    const invalid = (message: string, path: string) =>
      new ValidationError(`OAuthTokens.${path} ${message}.`, { details: { path } });
    if (!(init.expiresAt instanceof Date) || Number.isNaN(init.expiresAt.getTime())) {
      throw invalid('must be a valid Date', 'expiresAt');
    }
    if (
      !isSecret(init.accessToken) &&
      (typeof init.accessToken !== 'string' || !init.accessToken)
    ) {
      throw invalid('must be a non-empty string or Secret', 'accessToken');
    }
    if (
      init.refreshToken != null &&
      !isSecret(init.refreshToken) &&
      typeof init.refreshToken !== 'string'
    ) {
      throw invalid('must be a string, a Secret or absent', 'refreshToken');
    }
    if (typeof init.scope !== 'string') throw invalid('must be a string', 'scope');
    if (typeof init.tokenType !== 'string') throw invalid('must be a string', 'tokenType');
    this.accessToken = toSecret(init.accessToken);
    if (init.refreshToken != null) this.refreshToken = toSecret(init.refreshToken);
    this.expiresAt = new Date(init.expiresAt.getTime());
    this.scope = init.scope;
    this.tokenType = init.tokenType;
    Object.freeze(this);
  }

  /** From a token-endpoint answer: `expiresAt = now + expires_in` (fractions allowed). */
  static fromResponse(
    response: {
      access_token: string;
      expires_in: number;
      refresh_token?: string | null | undefined;
      scope?: string | undefined;
      token_type?: string | undefined;
    },
    now: number = Date.now(),
  ): OAuthTokens {
    return new OAuthTokens({
      accessToken: response.access_token,
      refreshToken: response.refresh_token ?? undefined,
      expiresAt: new Date(now + response.expires_in * 1000),
      scope: response.scope ?? '',
      tokenType: response.token_type ?? 'Bearer',
    });
  }

  /** True when the token expires within 30 s (inclusive) of `now`. */
  isExpired(now: number | Date = Date.now()): boolean {
    return +now + TOKEN_EXPIRY_MARGIN_MS >= this.expiresAt.getTime();
  }

  /** A copy with some fields replaced (e.g. keep the old refresh token after a refresh). */
  with(patch: Partial<OAuthTokensInit>): OAuthTokens {
    return new OAuthTokens({ ...this.#init(), ...patch });
  }

  /** The snake_case record with plaintext secrets, keys in the reference's order. */
  toRecord(): Record<string, string> {
    const record: Record<string, string> = {
      access_token: this.accessToken.reveal(),
      expires_at: formatTimestamp(this.expiresAt),
      token_type: this.tokenType,
      scope: this.scope,
    };
    if (this.refreshToken) record.refresh_token = this.refreshToken.reveal();
    return record;
  }

  /** Redacted snake_case form. */
  toJSON(): Record<string, string> {
    const record: Record<string, string> = {
      ...this.toRecord(),
      access_token: this.accessToken.toJSON(),
    };
    if (this.refreshToken) record.refresh_token = this.refreshToken.toJSON();
    return record;
  }

  equals(other: unknown): boolean {
    return (
      other instanceof OAuthTokens &&
      JSON.stringify(this.toRecord()) === JSON.stringify(other.toRecord())
    );
  }

  #init(): OAuthTokensInit {
    return {
      accessToken: this.accessToken,
      refreshToken: this.refreshToken,
      expiresAt: this.expiresAt,
      scope: this.scope,
      tokenType: this.tokenType,
    };
  }
}

/** tokens.json text or object → OAuthTokens, or `{problem}` with a message that holds no token value. */
export function checkTokensRecord(record: unknown): { tokens: OAuthTokens } | { problem: string } {
  const result = v.safeParse(tokensFileSchema, record);
  if (!result.success) return { problem: problemText(firstProblem(result.issues)) };
  const data = result.output;
  return {
    tokens: new OAuthTokens({
      accessToken: data.access_token,
      refreshToken: data.refresh_token ?? undefined,
      expiresAt: parseTimestamp(data.expires_at)!,
      scope: data.scope,
      tokenType: data.token_type,
    }),
  };
}

/**
 * Parses the contents of `<root>/accounts/NAME/tokens.json`. Any problem is
 * OAuthTokenError (OAUTH_TOKEN_ERROR) naming the account and the fix; the message
 * and details never contain a token.
 */
export function parseTokensFile(
  text: string,
  accountName: string,
  path: string,
  defaults: Readonly<Record<string, unknown>> = {},
): OAuthTokens {
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch {
    record = undefined;
  }
  if (record !== null && typeof record === 'object' && !Array.isArray(record)) {
    record = { ...defaults, ...record };
  }
  const outcome = record === undefined ? { problem: 'not valid JSON' } : checkTokensRecord(record);
  if ('tokens' in outcome) return outcome.tokens;
  throw new OAuthTokenError(
    `OAuth tokens for account '${accountName}' in ${path} are malformed or missing required fields (${outcome.problem}). Run \`mp account login ${accountName}\`.`,
    { details: { account_name: accountName, path, validation_error: outcome.problem } },
  );
}

/** The dynamic-client-registration record (`oauth/client_REGION.json`, docs/oauth.md#client-records-and-which-one-wins). */
export interface OAuthClientInfo {
  readonly clientId: string;
  readonly region: Region;
  readonly redirectUri: string;
  readonly scope: string;
  readonly createdAt: Date;
  /** OUR ADDITION: the OAuth base the client was registered at, when MP_BASE_URL was set. */
  readonly oauthBaseUrl?: string;
}

export const clientRecordSchema = /* @__PURE__ */ (() =>
  v.looseObject({
    client_id: v.pipe(v.string(), v.minLength(1)),
    region: regionSchema,
    redirect_uri: v.string(),
    scope: v.string(),
    created_at: zoned,
    oauth_base_url: v.optional(v.string()),
  }))();

/** A client record object → OAuthClientInfo, or `null` when it is unusable (treated as absent). */
export function parseClientRecord(record: unknown): OAuthClientInfo | null {
  const result = v.safeParse(clientRecordSchema, record);
  if (!result.success) return null;
  const data = result.output;
  const info: OAuthClientInfo = {
    clientId: data.client_id,
    region: data.region,
    redirectUri: data.redirect_uri,
    scope: data.scope,
    createdAt: parseTimestamp(data.created_at)!,
    ...(data.oauth_base_url === undefined ? {} : { oauthBaseUrl: data.oauth_base_url }),
  };
  return Object.freeze(info);
}
