/** Issued OAuth tokens, their families, expiry and revocation (docs/testkit.md#token-endpoint, docs/testkit.md#tokens-and-clock). */
import { randomBytes } from 'node:crypto';
import type { Clock } from './clock';
import type { FixtureStaticToken } from './fixture';
import type { SecretRecorder } from './secrets-log';

/** One issued token, as `mock.tokens.list()` reports it. */
export interface IssuedToken {
  type: 'access' | 'refresh';
  token: string;
  userId: number;
  clientId: string;
  /** The login (authorization code) the token descends from; reuse detection revokes a whole family. */
  family: number;
  /** ISO time on the mock clock. */
  issuedAt: string;
  /** Access tokens only (mock clock); `null` for refresh tokens. */
  expiresAt: string | null;
  /** Access tokens: past `expiresAt` on the mock clock, or expired with `tokens.expire`. */
  expired: boolean;
  revoked: boolean;
  /** Refresh tokens: replaced by a newer one (rotation); presenting it again is reuse. */
  rotated: boolean;
}

/** Which tokens `mock.tokens.revoke` revokes; fixture static tokens count as access tokens. */
export interface RevokeSelector {
  accessToken?: string;
  refreshToken?: string;
  userId?: number;
  all?: boolean;
}

/** `mock.tokens`. */
export interface MockTokens {
  /** Makes an access token (or every issued one) fail with 401 from now on; returns how many changed. */
  expire(accessToken: string): number;
  /** Revokes matching tokens (issued and fixture static ones); returns how many changed. */
  revoke(selector: RevokeSelector): number;
  /** Every issued token, oldest first. */
  list(): IssuedToken[];
}

interface TokenEntry {
  type: 'access' | 'refresh';
  token: string;
  userId: number;
  clientId: string;
  family: number;
  issuedAtMs: number;
  expiresAtMs: number | null;
  forcedExpired: boolean;
  revoked: boolean;
  rotated: boolean;
}

export type TokenLookup =
  | { ok: true; userId: number; kind: 'oauth' | 'static' }
  | { ok: false; reason: 'unknown' | 'expired' | 'revoked' };

export class TokenRegistry {
  private entries = new Map<string, TokenEntry>();
  private revokedStatic = new Set<string>();
  private expiredStatic = new Set<string>();
  private accessCount = 0;
  private refreshCount = 0;
  private familyCount = 0;

  constructor(
    private readonly clock: Clock,
    private readonly staticTokens: () => readonly FixtureStaticToken[],
    /** Told of every token issued (the secrets log). */
    private readonly recordSecret: SecretRecorder = () => {},
  ) {}

  reset(): void {
    this.entries.clear();
    this.revokedStatic.clear();
    this.expiredStatic.clear();
    this.accessCount = 0;
    this.refreshCount = 0;
    this.familyCount = 0;
  }

  newFamily(): number {
    this.familyCount += 1;
    return this.familyCount;
  }

  issueAccess(userId: number, clientId: string, family: number, ttlSeconds: number): string {
    this.accessCount += 1;
    const token = `mock-at-${this.accessCount}-${randomBytes(16).toString('base64url')}`;
    this.recordSecret('access_token', token);
    const now = this.clock.nowMs();
    this.entries.set(token, {
      type: 'access',
      token,
      userId,
      clientId,
      family,
      issuedAtMs: now,
      expiresAtMs: now + ttlSeconds * 1000,
      forcedExpired: false,
      revoked: false,
      rotated: false,
    });
    return token;
  }

  issueRefresh(userId: number, clientId: string, family: number): string {
    this.refreshCount += 1;
    const token = `mock-rt-${this.refreshCount}-${randomBytes(16).toString('base64url')}`;
    this.recordSecret('refresh_token', token);
    this.entries.set(token, {
      type: 'refresh',
      token,
      userId,
      clientId,
      family,
      issuedAtMs: this.clock.nowMs(),
      expiresAtMs: null,
      forcedExpired: false,
      revoked: false,
      rotated: false,
    });
    return token;
  }

  /** Resolves a Bearer value: an issued access token or a fixture static token. */
  lookupBearer(token: string): TokenLookup {
    const entry = this.entries.get(token);
    if (entry?.type === 'access') {
      if (entry.revoked) return { ok: false, reason: 'revoked' };
      if (this.isExpired(entry)) return { ok: false, reason: 'expired' };
      return { ok: true, userId: entry.userId, kind: 'oauth' };
    }
    const fixtureToken = this.staticTokens().find((candidate) => candidate.token === token);
    if (fixtureToken) {
      if (this.revokedStatic.has(token)) return { ok: false, reason: 'revoked' };
      if (this.expiredStatic.has(token)) return { ok: false, reason: 'expired' };
      return { ok: true, userId: fixtureToken.user_id, kind: 'static' };
    }
    return { ok: false, reason: 'unknown' };
  }

  refreshEntry(token: string): Readonly<TokenEntry> | undefined {
    const entry = this.entries.get(token);
    return entry?.type === 'refresh' ? entry : undefined;
  }

  markRotated(token: string): void {
    const entry = this.entries.get(token);
    if (entry) entry.rotated = true;
  }

  /** Revokes every access and refresh token of a login; returns how many changed. */
  revokeFamily(family: number): number {
    let count = 0;
    for (const entry of this.entries.values()) {
      if (entry.family === family && !entry.revoked) {
        entry.revoked = true;
        count += 1;
      }
    }
    return count;
  }

  expire(accessToken: string): number {
    let count = 0;
    for (const entry of this.entries.values()) {
      if (entry.type !== 'access' || entry.forcedExpired) continue;
      if (accessToken === 'all' || entry.token === accessToken) {
        entry.forcedExpired = true;
        count += 1;
      }
    }
    // Fixture static tokens never expire on their own, but can be expired like issued ones.
    for (const { token } of this.staticTokens()) {
      if ((accessToken === 'all' || token === accessToken) && !this.expiredStatic.has(token)) {
        this.expiredStatic.add(token);
        count += 1;
      }
    }
    return count;
  }

  revoke(selector: RevokeSelector): number {
    const matches = (entry: { type: string; token: string; userId: number }): boolean =>
      selector.all === true ||
      (selector.userId !== undefined && entry.userId === selector.userId) ||
      (entry.type === 'access' && entry.token === selector.accessToken) ||
      (entry.type === 'refresh' && entry.token === selector.refreshToken);
    let count = 0;
    for (const entry of this.entries.values()) {
      if (!entry.revoked && matches(entry)) {
        entry.revoked = true;
        count += 1;
      }
    }
    for (const fixtureToken of this.staticTokens()) {
      const entry = { type: 'access', token: fixtureToken.token, userId: fixtureToken.user_id };
      if (!this.revokedStatic.has(fixtureToken.token) && matches(entry)) {
        this.revokedStatic.add(fixtureToken.token);
        count += 1;
      }
    }
    return count;
  }

  list(): IssuedToken[] {
    return [...this.entries.values()].map((entry) => ({
      type: entry.type,
      token: entry.token,
      userId: entry.userId,
      clientId: entry.clientId,
      family: entry.family,
      issuedAt: new Date(entry.issuedAtMs).toISOString(),
      expiresAt: entry.expiresAtMs === null ? null : new Date(entry.expiresAtMs).toISOString(),
      expired: this.isExpired(entry),
      revoked: entry.revoked,
      rotated: entry.rotated,
    }));
  }

  private isExpired(entry: TokenEntry): boolean {
    return (
      entry.forcedExpired || (entry.expiresAtMs !== null && this.clock.nowMs() >= entry.expiresAtMs)
    );
  }
}
