/** Authentication of App and Query requests (docs/testkit.md#authentication, docs/testkit.md#fixture). */
import type { FixtureProject, FixtureServiceAccount, FixtureUser } from './fixture';
import type { ParsedRequest } from './http-io';
import type { MockState } from './state';

export interface Principal {
  kind: 'service_account' | 'oauth' | 'static';
  user: FixtureUser;
  projects: FixtureProject[];
  /** Set for `kind: "service_account"`. */
  serviceAccount?: FixtureServiceAccount;
}

export type Authentication = { ok: true; principal: Principal } | { ok: false; error: string };

// Mock choice wording (docs/testkit.md#common-behaviour); clients only read the `error` member.
export const AUTH_ERRORS = {
  missing: 'missing credentials: send Basic service-account credentials or a Bearer token',
  serviceAccount: 'unknown service account or wrong secret',
  invalidToken: 'invalid or expired access token',
  revokedToken: 'access token has been revoked',
} as const;

function principalFor(
  state: MockState,
  kind: Principal['kind'],
  userId: number,
  serviceAccount?: FixtureServiceAccount,
): Authentication {
  const user = state.user(userId);
  if (!user) return { ok: false, error: AUTH_ERRORS.invalidToken };
  const principal: Principal = { kind, user, projects: state.visibleProjects(user) };
  if (serviceAccount) principal.serviceAccount = serviceAccount;
  return { ok: true, principal };
}

export function authenticate(state: MockState, request: ParsedRequest): Authentication {
  const header = request.headers.authorization;
  if (header === undefined || header.trim() === '')
    return { ok: false, error: AUTH_ERRORS.missing };
  const [scheme = '', ...rest] = header.trim().split(/\s+/);
  const credential = rest.join(' ');
  if (scheme.toLowerCase() === 'basic') {
    const decoded = Buffer.from(credential, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const username = colon === -1 ? decoded : decoded.slice(0, colon);
    const secret = colon === -1 ? undefined : decoded.slice(colon + 1);
    const account = state.fixture.service_accounts.find(
      (candidate) => candidate.username === username && candidate.secret === secret,
    );
    if (!account) return { ok: false, error: AUTH_ERRORS.serviceAccount };
    return principalFor(state, 'service_account', account.user_id, account);
  }
  if (scheme.toLowerCase() === 'bearer' && credential !== '') {
    const lookup = state.tokens.lookupBearer(credential);
    if (lookup.ok) return principalFor(state, lookup.kind, lookup.userId);
    return {
      ok: false,
      error: lookup.reason === 'revoked' ? AUTH_ERRORS.revokedToken : AUTH_ERRORS.invalidToken,
    };
  }
  return { ok: false, error: AUTH_ERRORS.missing };
}
