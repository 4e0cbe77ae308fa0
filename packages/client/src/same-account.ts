import type { Account, MeResponse, Region } from '@mixpanel-data/auth-core';

/**
 * Who a login without a name is for (docs/cli.md#re-login): a service
 * account by its username and region; a browser login by the user `/me`
 * reports for the new token (`user_id`, else `user_email`) and its region.
 */
export type LoginIdentity =
  | { readonly type: 'service_account'; readonly username: string; readonly region: Region }
  | { readonly type: 'oauth_browser'; readonly region: Region; readonly me: MeResponse };

/** The user a `/me` payload names: `id:N`, else `email:E`, else null. */
export function userKey(me: MeResponse | null): string | null {
  if (!me) return null;
  if (typeof me.user_id === 'number') return `id:${me.user_id}`;
  if (typeof me.user_email === 'string' && me.user_email) return `email:${me.user_email}`;
  return null;
}

/**
 * The configured account a login for `identity` re-authenticates, or null
 * for a new one: an account of the same type and region whose username is
 * the same (service account) or whose last `/me` (`cachedMe`, at any age)
 * named the same user (browser). With several, the active one, else the
 * first by name.
 */
export function findSameAccount(
  accounts: readonly Account[],
  identity: LoginIdentity,
  options: { active?: string | undefined; cachedMe: (account: Account) => MeResponse | null },
): Account | null {
  const user = identity.type === 'oauth_browser' ? userKey(identity.me) : null;
  const matches = accounts
    .filter((account) => {
      if (account.type !== identity.type || account.region !== identity.region) return false;
      if (account.type === 'service_account' && identity.type === 'service_account')
        return account.username === identity.username;
      return user !== null && userKey(options.cachedMe(account)) === user;
    })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return matches.find((account) => account.name === options.active) ?? matches[0] ?? null;
}
