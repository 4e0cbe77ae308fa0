/**
 * Checks on the access-only bridge file (docs/files.md#access-only-bridge),
 * shared by the cli tests (`mp account export-bridge --access-only`) and the
 * client tests (`accounts.exportBridge({ accessOnly: true })`), which must
 * write the same file (test-only code; not a package).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { expect } from 'vitest';

/** The tokens of a bridge file, as JSON. */
export interface BridgeTokens {
  access_token: string;
  expires_at: string;
  refresh_token?: string;
}

/** The tokens.json of the account the bridge came from. */
export interface LocalTokens {
  access_token: string;
  refresh_token: string;
}

function readBridge(path: string): { text: string; tokens: BridgeTokens } {
  const text = readFileSync(path, 'utf8');
  return { text, tokens: JSON.parse(text).tokens };
}

/**
 * The bridge at `path` carries the access token of `local` and only what
 * goes with it: no refresh token. Returns its tokens.
 */
export function expectAccessOnlyBridge(path: string, local: LocalTokens): BridgeTokens {
  const { text, tokens } = readBridge(path);
  expect(Object.keys(tokens).sort()).toEqual(['access_token', 'expires_at', 'scope', 'token_type']);
  expect(tokens.access_token).toBe(local.access_token);
  expect(text).not.toContain(local.refresh_token);
  return tokens;
}

/**
 * The bridge at `path` carries the access token `local` was refreshed to from
 * `old`, with more than 50 minutes left, and neither refresh token.
 */
export function expectRefreshedBridge(path: string, local: LocalTokens, old: LocalTokens): void {
  const { text, tokens } = readBridge(path);
  expect(tokens.access_token).toBe(local.access_token);
  expect(tokens.access_token).not.toBe(old.access_token);
  expect(Date.parse(tokens.expires_at) - Date.now()).toBeGreaterThan(50 * 60_000);
  expect(text).not.toContain(local.refresh_token);
  expect(text).not.toContain(old.refresh_token);
}

/** Writes to `to` (mode 600) a copy of the bridge at `from` whose access token expires at `expiresAt`. */
export function copyBridgeExpiringAt(from: string, to: string, expiresAt: string): void {
  const document = JSON.parse(readFileSync(from, 'utf8'));
  document.tokens.expires_at = expiresAt;
  writeFileSync(to, JSON.stringify(document), { mode: 0o600 });
}
