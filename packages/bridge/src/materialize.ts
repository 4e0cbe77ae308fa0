import type { Bridge } from '@mixpanel-data/auth-core';
import type { FileTokenStore } from '@mixpanel-data/config-store';

/**
 * Copies a bridged oauth_browser account's tokens to its local tokens.json
 * (see docs/files.md#bridge-file): only when the local file is missing,
 * unreadable or malformed, or expires earlier than the bridge's tokens, so a
 * host that re-exports fresher tokens wins but tokens refreshed locally after
 * the export are kept. An empty scope becomes "read". Synchronous (it runs
 * inside `new Workspace()`); the store takes the account's token lock and
 * refuses linked directories before it creates anything. Returns whether it
 * wrote. Never writes to the bridge file.
 */
export function materializeBridgeTokens(
  bridge: Bridge,
  store: Pick<FileTokenStore, 'updateTokensSync'>,
): boolean {
  const { account, tokens } = bridge;
  if (account.type !== 'oauth_browser' || !tokens) return false;
  const incoming = tokens.scope === '' ? tokens.with({ scope: 'read' }) : tokens;
  let wrote = false;
  store.updateTokensSync(
    account.name,
    (local) => {
      if (local && local.expiresAt.getTime() >= incoming.expiresAt.getTime()) return undefined;
      wrote = true;
      return incoming;
    },
    { replaceUnreadable: true },
  );
  return wrote;
}
