import { chmodSync, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { type ConfigDocument, ConfigError, ConfigView } from '@mixpanel-data/auth-core';
import { type LockOptions, withLock } from './lock';
import type { Locations } from './paths';
import {
  ensurePrivateDir,
  LINKED_DIRECTORY_FIX,
  readPrivateFile,
  refuseLinkedAncestor,
  unwritableFolderError,
  writePrivateFileAtomic,
} from './secure-file';
import { parseToml, stringifyToml } from './toml';

/** How to bring config.toml back under the size cap (docs/files.md#size-cap). */
const CONFIG_TOO_LARGE_FIX =
  'Remove targets or accounts you no longer need (`mp target remove NAME`, `mp account remove NAME`), or edit the file.';

/** How to get out of a folder mp may not write in. */
const CONFIG_UNWRITABLE_FIX =
  "Fix the folder's permissions, or set MP_CONFIG_PATH to a file in a writable folder.";

/** Reads config.toml under the credential-read rules; a missing file is empty. */
export function readConfigText(where: Locations): string | null {
  const path = where.configPath;
  const text = readPrivateFile(path, { home: where.home });
  if (text !== null && typeof text !== 'string') {
    const fix =
      text.kind === 'mode'
        ? ` Run \`chmod 600 ${path}\`.`
        : text.kind === 'symlink'
          ? text.ancestor
            ? ` ${LINKED_DIRECTORY_FIX}`
            : ' Replace the link with the file itself (mp refuses to follow symlinks to credentials).'
          : text.kind === 'size'
            ? ` ${CONFIG_TOO_LARGE_FIX}`
            : '';
    throw new ConfigError(`Could not parse config at ${path}: ${text.reason}.${fix}`, {
      details: { path, refusal: text.kind },
    });
  }
  return text;
}

/** The parsed, lazily validated config (docs/files.md#reading-configtoml): every call reads the file again. */
export function readConfig(where: Locations): ConfigView {
  const text = readConfigText(where);
  return new ConfigView(text ? parseToml(text, where.configPath) : {}, where.configPath);
}

/** A comparable text of a document part (bigint-safe: TOML integers beyond 2^53 parse as bigint). */
const snapshot = (value: unknown) =>
  JSON.stringify(value, (_key, item) => (typeof item === 'bigint' ? `${item}n` : item));

/**
 * One read-modify-write transaction (docs/files.md#writing-configtoml): take the lock, read and
 * parse the file, let `mutate` change a copy of the document, validate the
 * whole file, then write it atomically — exactly once, and only if it
 * changed. Any error leaves the file byte-for-byte as it was.
 */
export function transactConfig<T>(
  where: Locations,
  mutate: (document: ConfigDocument, view: ConfigView) => T,
  lock: LockOptions = {},
): T {
  const path = where.configPath;
  const parent = dirname(path);
  // Before any mkdir/chmod: both would follow a linked ~/.mp.
  refuseLinkedAncestor(path, where.home);
  try {
    if (!existsSync(parent)) ensurePrivateDir(parent);
    else if (where.defaultRoot && parent === where.root) {
      try {
        chmodSync(parent, 0o700); // best effort (docs/files.md#atomic-writes step 1): a failure here is not fatal
      } catch {}
    }
    return withLock(path, () => transact(where, mutate), lock);
  } catch (error) {
    throw unwritableFolderError(error, parent, CONFIG_UNWRITABLE_FIX);
  }
}

/** The locked part of `transactConfig`: read, mutate, validate, write once if changed. */
function transact<T>(
  where: Locations,
  mutate: (document: ConfigDocument, view: ConfigView) => T,
): T {
  const path = where.configPath;
  const before = readConfigText(where);
  const document = before ? parseToml(before, path) : {};
  const activeBefore = snapshot(document.active);
  const result = mutate(document, new ConfigView(document, path));
  new ConfigView(document, path).assertWritable({
    activeChanged: snapshot(document.active) !== activeBefore,
  });
  const after = stringifyToml(document);
  if (after !== before) {
    try {
      writePrivateFileAtomic(path, after, { home: where.home, tooLargeFix: CONFIG_TOO_LARGE_FIX });
    } catch (error) {
      const classified = unwritableFolderError(error, dirname(path), CONFIG_UNWRITABLE_FIX);
      if (ConfigError.isInstance(classified)) throw classified;
      throw new ConfigError(`Could not write config at ${path}: ${(error as Error).message}`, {
        details: { path },
        cause: error,
      });
    }
  }
  return result;
}
