import { lstatSync, readdirSync, type Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { inspectLock, type LockInspection } from './lock';
import type { Locations } from './paths';
import { isOrphanedTemp, ORPHANED_TEMP_MS } from './secure-file';
import { isOrphanedStaging } from './token-store';

/** What is wrong with one path (docs/files.md#permissions-and-credential-reads, docs/files.md#atomic-writes-and-locks). */
export type FileIssue =
  /** Group or world permission bits: `mode` is what it has, `expected` what mp writes (0600 files, 0700 folders). */
  | {
      readonly kind: 'mode';
      readonly path: string;
      readonly directory: boolean;
      readonly mode: number;
      readonly expected: number;
    }
  /** A symbolic link, which mp refuses to read credentials through. */
  | { readonly kind: 'link'; readonly path: string }
  /** A killed writer's temp file (`NAME.tmp.PID.XXXXXXXX`) or login staging folder (`accounts/.tmp-…`). */
  | {
      readonly kind: 'temp';
      readonly path: string;
      readonly directory: boolean;
      readonly ageMs: number;
    }
  /** A lock file (`NAME.lock`, `NAME.lock.break`) older than a minute, and what it says about its holder. */
  | {
      readonly kind: 'lock';
      readonly path: string;
      readonly ageMs: number;
      readonly holder: LockInspection | null;
    };

/** The result of `inspectFiles`: where it looked, and what it found. */
export interface FileInspection {
  readonly configPath: string;
  readonly root: string;
  readonly issues: readonly FileIssue[];
}

/** A lock older than this is reported (a healthy one lives for milliseconds). */
const OLD_LOCK_MS = ORPHANED_TEMP_MS;
const TEMP_FILE = /\.tmp\.(\d+)\.[^.]+$/;
const LOCK_FILE = /\.lock(\.break)?$/;
/** accounts/NAME/… and oauth/… are three levels below the root; nothing of ours is deeper. */
const MAX_DEPTH = 3;

const lstat = (path: string): Stats | null => {
  try {
    return lstatSync(path);
  } catch {
    return null;
  }
};

const list = (folder: string): string[] => {
  try {
    return readdirSync(folder).sort();
  } catch {
    return [];
  }
};

/**
 * Looks at `config.toml` and every file under the storage root without
 * changing anything (no lock, no chmod, no delete, no write): lax
 * permission bits, links, killed writers' temp files and login staging
 * folders, and lock files older than a minute with their holder. Links are
 * reported, never followed. The repairs that each finding calls for are
 * the caller's to suggest.
 */
export function inspectFiles(where: Locations): FileInspection {
  const issues: FileIssue[] = [];
  const checkModes = process.platform !== 'win32';
  const now = Date.now();
  const seen = new Set<string>();

  const visit = (path: string, stat: Stats, options: { depth: number; staging: boolean }) => {
    if (seen.has(path)) return;
    seen.add(path);
    const name = basename(path);
    if (stat.isSymbolicLink()) {
      issues.push({ kind: 'link', path });
      return;
    }
    if (stat.isDirectory()) {
      if (options.staging && name.startsWith('.tmp-')) {
        if (isOrphanedStaging(name, stat.mtimeMs))
          issues.push({ kind: 'temp', path, directory: true, ageMs: now - stat.mtimeMs });
        return;
      }
      if (checkModes && stat.mode & 0o077)
        issues.push({
          kind: 'mode',
          path,
          directory: true,
          mode: stat.mode & 0o777,
          expected: 0o700,
        });
      if (options.depth >= MAX_DEPTH) return;
      for (const child of list(path)) {
        const childPath = join(path, child);
        const childStat = lstat(childPath);
        if (childStat)
          visit(childPath, childStat, {
            depth: options.depth + 1,
            staging: name === 'accounts' && options.depth === 1,
          });
      }
      return;
    }
    if (!stat.isFile()) return;
    const temp = TEMP_FILE.exec(name);
    if (temp) {
      if (isOrphanedTemp(Number(temp[1]), stat.mtimeMs))
        issues.push({ kind: 'temp', path, directory: false, ageMs: now - stat.mtimeMs });
      return;
    }
    if (LOCK_FILE.test(name)) {
      if (now - stat.mtimeMs > OLD_LOCK_MS)
        issues.push({ kind: 'lock', path, ageMs: now - stat.mtimeMs, holder: inspectLock(path) });
      return;
    }
    if (checkModes && stat.mode & 0o077)
      issues.push({
        kind: 'mode',
        path,
        directory: false,
        mode: stat.mode & 0o777,
        expected: 0o600,
      });
  };

  const configPath = where.configPath;
  const configDir = dirname(configPath);
  const defaultDir = join(where.home, '.mp');
  // config.toml's folder is ~/.mp (checked whole below when it is the root too), or a folder of
  // the user's choice: there only config.toml and its own temp and lock files are ours.
  if (configDir !== where.root) {
    const dirStat = configDir === defaultDir ? lstat(configDir) : null;
    if (dirStat?.isSymbolicLink()) issues.push({ kind: 'link', path: configDir });
    else if (dirStat?.isDirectory() && checkModes && dirStat.mode & 0o077)
      issues.push({
        kind: 'mode',
        path: configDir,
        directory: true,
        mode: dirStat.mode & 0o777,
        expected: 0o700,
      });
    const prefix = basename(configPath);
    for (const name of list(configDir)) {
      if (name !== prefix && !name.startsWith(`${prefix}.`)) continue;
      const path = join(configDir, name);
      const stat = lstat(path);
      if (stat) visit(path, stat, { depth: MAX_DEPTH, staging: false });
    }
  }
  const rootStat = lstat(where.root);
  if (rootStat?.isSymbolicLink()) issues.push({ kind: 'link', path: where.root });
  else if (rootStat?.isDirectory()) {
    // A storage folder chosen with MP_OAUTH_STORAGE_DIR keeps its mode (docs/files.md#per-account-state).
    if (where.defaultRoot && checkModes && rootStat.mode & 0o077)
      issues.push({
        kind: 'mode',
        path: where.root,
        directory: true,
        mode: rootStat.mode & 0o777,
        expected: 0o700,
      });
    seen.add(where.root);
    for (const name of list(where.root)) {
      const path = join(where.root, name);
      const stat = lstat(path);
      if (stat) visit(path, stat, { depth: 1, staging: false });
    }
  }
  return { configPath, root: where.root, issues };
}
