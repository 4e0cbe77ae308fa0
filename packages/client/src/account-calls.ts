import {
  type Account,
  type MeResponse,
  Project,
  type Region,
  resolveBaseUrlOverride,
  Session,
  type TokenResolver,
} from '@mixpanel-data/auth-core';
import { MeDiskCache } from './me-service';
// Calls about one account outside a Workspace: the /me probe client and cache, and where a project lives.
import type { Context } from './sources';
import { MixpanelApiClient } from './transport';

/** A client for an account-level call (`/me`) with this context's options. */
export function probeClient(
  ctx: Context,
  account: Account,
  tokenResolver: TokenResolver = ctx.tokenResolver(),
): MixpanelApiClient {
  return new MixpanelApiClient({
    ...ctx.options,
    session: new Session({ account, project: new Project({ id: account.defaultProject ?? '0' }) }),
    tokenResolver,
    override: resolveBaseUrlOverride(ctx.options.baseUrl, ctx.env),
    env: () => ctx.env,
  });
}

/** The `/me` disk cache of this context. */
export function meCacheOf(ctx: Context): MeDiskCache {
  return new MeDiskCache({
    store: ctx.tokenStore,
    override: resolveBaseUrlOverride(ctx.options.baseUrl, ctx.env),
    onWarning: ctx.options.onWarning,
  });
}

/** Domain of a /me project → its region, or null when unknown (docs/oauth.md#logging-in-an-existing-account step 6). */
export function regionOfDomain(domain: string | null | undefined): Region | null {
  if (!domain) return null;
  let host = domain
    .toLowerCase()
    .replace(/^[a-z]+:\/\//, '')
    .split('/')[0]!;
  host = host.replace(/^data-/, '');
  if (host === 'data.mixpanel.com') host = 'mixpanel.com';
  return host === 'mixpanel.com'
    ? 'us'
    : host === 'eu.mixpanel.com'
      ? 'eu'
      : host === 'in.mixpanel.com'
        ? 'in'
        : null;
}

/** The user of a /me payload, when both id and email are present. */
export const userOf = (me: MeResponse) =>
  typeof me.user_id === 'number' && typeof me.user_email === 'string'
    ? { id: me.user_id, email: me.user_email }
    : null;
