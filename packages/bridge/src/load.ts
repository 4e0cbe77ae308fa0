import { lstatSync } from 'node:fs';
import { type Bridge, ConfigError, parseBridge } from '@mixpanel-data/auth-core';
import { isMissing, readPrivateFile } from '@mixpanel-data/config-store';
import { type BridgeLocationOptions, bridgeCandidates, bridgeHome } from './locate';

/** A loaded bridge and the file it came from. */
export interface LoadedBridge {
  readonly bridge: Bridge;
  readonly path: string;
}

/**
 * Finds and loads the bridge file (docs/files.md#bridge-search-order). Candidates are tried in order;
 * a missing one is skipped, but a symlink, an unreadable or malformed one is
 * a ConfigError naming the file — it never falls through to the next.
 * Returns null when no candidate exists.
 */
export function loadBridge(
  path?: string,
  options: BridgeLocationOptions = {},
): LoadedBridge | null {
  const home = bridgeHome(options);
  for (const candidate of bridgeCandidates(path, options)) {
    const cannotRead = (reason: string, fix = '') =>
      new ConfigError(`Could not read bridge file at ${candidate}: ${reason}.${fix}`, {
        details: { path: candidate },
      });
    try {
      if (lstatSync(candidate).isSymbolicLink()) {
        throw cannotRead(
          `Refusing to read credential at symlink: ${candidate}`,
          ' Replace the link with the file itself.',
        );
      }
    } catch (error) {
      if (ConfigError.isInstance(error)) throw error;
      if (isMissing(error)) continue;
      throw cannotRead((error as NodeJS.ErrnoException).code ?? String(error));
    }
    const text = readPrivateFile(candidate, { home });
    if (text === null) continue; // removed in between
    if (typeof text !== 'string') {
      throw cannotRead(text.reason, text.kind === 'mode' ? ` Run \`chmod 600 ${candidate}\`.` : '');
    }
    let document: unknown;
    try {
      document = JSON.parse(text);
    } catch {
      // Not the parser's message: it quotes the text around the fault, which may be a secret.
      throw cannotRead('not valid JSON', ' Export it again with `mp account export-bridge`.');
    }
    return Object.freeze({ bridge: parseBridge(document, candidate), path: candidate });
  }
  return null;
}

/** The first existing candidate, without reading it (for `mp session --bridge` and notices). */
export function findBridgePath(path?: string, options: BridgeLocationOptions = {}): string | null {
  for (const candidate of bridgeCandidates(path, options)) {
    try {
      lstatSync(candidate);
      return candidate;
    } catch {
      // next
    }
  }
  return null;
}
