import { existsSync, lstatSync, unlinkSync } from 'node:fs';
import { dirname } from 'node:path';
import { accountToRecord, type Bridge, ConfigError } from '@mixpanel-data/auth-core';
import {
  ensurePrivateDir,
  isMissing,
  refuseLinkedAncestor,
  unwritableFolderError,
  writePrivateFileAtomic,
} from '@mixpanel-data/config-store';
import { type BridgeLocationOptions, bridgeCandidates, bridgeHome } from './locate';

/** How to get out of a folder a bridge file may not be written in. */
const BRIDGE_UNWRITABLE_FIX = "Fix the folder's permissions, or write the bridge file elsewhere.";

/** What a bridge file holds (the version is always 2). */
export type BridgeContent = Omit<Bridge, 'version'>;

/**
 * The bridge file's JSON text (docs/files.md#bridge-file-bytes): keys sorted at every level,
 * 2-space indent, absent pins and a missing refresh token omitted, `headers`
 * and `version` always present, `expires_at` in the `Z` form the reference
 * writes. Two exports of the same state are byte-identical.
 */
/** A bridge timestamp: UTC with `Z`, milliseconds only when not zero (docs/files.md#bridge-file-bytes). */
export function bridgeTimestamp(date: Date): string {
  return date.toISOString().replace(/\.000Z$/, 'Z');
}

export function serializeBridge(content: BridgeContent): string {
  const document: Record<string, unknown> = {
    version: 2,
    account: accountToRecord(content.account, true),
    headers: { ...content.headers },
  };
  if (content.account.type === 'oauth_browser' && content.tokens) {
    const tokens = content.tokens.toRecord();
    tokens.expires_at = bridgeTimestamp(content.tokens.expiresAt);
    document.tokens = tokens;
  }
  if (content.project != null) document.project = content.project;
  if (content.workspace != null) document.workspace = content.workspace;
  return JSON.stringify(sortKeys(document), null, 2);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
  );
}

/**
 * Writes a bridge file: 0600, atomically (a symlink at the destination is
 * replaced, not followed); a missing parent directory is created 0700, an
 * existing one is left as it is. Returns the path.
 */
export function writeBridge(path: string, content: BridgeContent): string {
  if (content.account.type === 'oauth_browser' && !content.tokens) {
    throw new ConfigError(
      `A bridge with an oauth_browser account needs its tokens; log in first.`,
      { details: { path } },
    );
  }
  const parent = dirname(path);
  try {
    if (!existsSync(parent)) ensurePrivateDir(parent);
    writePrivateFileAtomic(path, serializeBridge(content));
  } catch (error) {
    const classified = unwritableFolderError(error, parent, BRIDGE_UNWRITABLE_FIX);
    if (ConfigError.isInstance(classified)) throw classified; // over the size cap, or not writable
    throw new ConfigError(
      `Could not write bridge file at ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`,
      { details: { path }, cause: error },
    );
  }
  return path;
}

/**
 * Removes the bridge file (docs/files.md#bridge-removal): `at`, else `MP_AUTH_FILE` (no
 * fallback), else the first default location that exists. A dangling symlink
 * is removed too; the parent directory never is. Returns whether anything
 * was removed.
 */
export function removeBridge(at?: string, options: BridgeLocationOptions = {}): boolean {
  const home = bridgeHome(options);
  for (const candidate of bridgeCandidates(at, options)) {
    try {
      lstatSync(candidate);
    } catch (error) {
      if (isMissing(error)) continue;
      throw new ConfigError(
        `Could not remove bridge file at ${candidate}: ${(error as NodeJS.ErrnoException).code}.`,
        { details: { path: candidate } },
      );
    }
    // The link itself may go (unlink never follows it), but not a file reached through a linked directory.
    refuseLinkedAncestor(candidate, home, 'delete');
    try {
      unlinkSync(candidate);
    } catch (error) {
      throw new ConfigError(
        `Could not remove bridge file at ${candidate}: ${(error as NodeJS.ErrnoException).code}.`,
        { details: { path: candidate }, cause: error },
      );
    }
    return true;
  }
  return false;
}
