import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Env } from '@mixpanel-data/auth-core';

/** Where bridge files are looked for (docs/files.md#bridge-search-order); every value is read at call time. */
export interface BridgeLocationOptions {
  /** Default `process.env` (MP_AUTH_FILE, HOME). */
  env?: Env | undefined;
  /** Default `os.homedir()`. */
  home?: string | undefined;
  /** Default `process.cwd()`. */
  cwd?: string | undefined;
}

export function bridgeHome(options: BridgeLocationOptions): string {
  const env = options.env ?? process.env;
  return (
    options.home ?? (env === process.env ? homedir() : (env.HOME ?? env.USERPROFILE ?? homedir()))
  );
}

/** The default locations, in search order: `~/.claude/mixpanel/auth.json`, then `./mixpanel_auth.json`. */
export function defaultBridgePaths(options: BridgeLocationOptions = {}): string[] {
  return [
    join(bridgeHome(options), '.claude', 'mixpanel', 'auth.json'),
    resolve(options.cwd ?? process.cwd(), 'mixpanel_auth.json'),
  ];
}

/**
 * The candidates in search order: an explicit path alone; else a non-empty
 * `MP_AUTH_FILE` alone (no fallback to the defaults); else the defaults.
 */
export function bridgeCandidates(
  path: string | undefined,
  options: BridgeLocationOptions = {},
): string[] {
  if (path) return [path];
  const explicit = (options.env ?? process.env).MP_AUTH_FILE;
  return explicit ? [explicit] : defaultBridgePaths(options);
}
