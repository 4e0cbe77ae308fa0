import { dirname } from 'node:path';
import type { Bridge, TokenStore } from '@mixpanel-data/auth-core';
import { ensurePrivateDir, withLock } from '@mixpanel-data/config-store';

/**
 * Copies a bridged oauth_browser account's tokens to its local tokens.json
 * (spec 04 §6, the recommended rule): only when the local file is missing,
 * unreadable or malformed, or expires earlier than the bridge's tokens, so a
 * host that re-exports fresher tokens wins but tokens refreshed locally after
 * the export are kept. An empty scope becomes "read". Synchronous (it runs
 * inside `new Workspace()`), under the account's token lock; returns whether
 * it wrote. Never writes to the bridge file.
 */
export function materializeBridgeTokens(bridge: Bridge, store: TokenStore): boolean {
  const { account, tokens } = bridge;
  if (account.type !== 'oauth_browser' || !tokens) return false;
  const incoming = tokens.scope === '' ? tokens.with({ scope: 'read' }) : tokens;
  const path = store.tokensPath(account.name);
  ensurePrivateDir(dirname(path));
  return withLock(path, () => {
    let local = null;
    try {
      local = store.readTokens(account.name);
    } catch {
      local = null; // unreadable or malformed: replace it
    }
    if (local && local.expiresAt.getTime() >= incoming.expiresAt.getTime()) return false;
    store.writeTokens(account.name, incoming);
    return true;
  });
}
