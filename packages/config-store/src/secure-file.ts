import {
  chmodSync,
  closeSync,
  constants,
  fstatSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, isAbsolute, relative, sep } from 'node:path';
import { ArgumentError, ConfigError } from '@mixpanel-data/auth-core';

/**
 * This thread's id, for temp-file names. Loaded on the first write rather
 * than at import: `node:worker_threads` costs about 1.3 ms of every `mp`
 * start, and most commands never write. (A built-in resolves the same from
 * any base path.)
 */
let cachedThreadId: number | undefined;
const threadId = (): number =>
  (cachedThreadId ??= (
    createRequire('/')('node:worker_threads') as typeof import('node:worker_threads')
  ).threadId);

/** Files holding secrets or personal data are refused above this size. */
export const MAX_CREDENTIAL_BYTES = 1_048_576;

const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0;
const O_NONBLOCK = constants.O_NONBLOCK ?? 0;
const O_CLOEXEC = (constants as Record<string, number>).O_CLOEXEC ?? 0;
const POSIX = process.platform !== 'win32';

export interface ReadOptions {
  /** The home directory: every directory between it and the file must be a real directory. */
  home?: string | undefined;
}

/**
 * Why a credential file was refused (docs/files.md#permissions-and-credential-reads). The message is the
 * reference's wording; callers wrap it in their own error (ConfigError,
 * OAuthError) or treat it as a cache miss.
 */
export class CredentialReadRefusal {
  constructor(
    readonly reason: string,
    readonly path: string,
    /** `mode` when the refusal is about permission bits. */
    readonly kind: 'symlink' | 'mode' | 'type' | 'size' | 'encoding' | 'io',
    /** For a `symlink` refusal: the linked directory on the way, when it is not the file itself. */
    readonly ancestor: string | null = null,
  ) {}
  get message(): string {
    return this.reason;
  }
}

/**
 * Reads a file that holds secrets or personal data under the credential-read
 * rules: no symlink at the leaf or (inside `home`) at any directory on the
 * way, a regular file only, no group/world permission bits, at most 1 MiB,
 * valid UTF-8, opened with O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC.
 *
 * Returns the text, `null` when the file does not exist, or a
 * `CredentialReadRefusal` the caller turns into its own error.
 */
export function readPrivateFile(
  path: string,
  options: ReadOptions = {},
): string | null | CredentialReadRefusal {
  const refuse = (kind: CredentialReadRefusal['kind'], reason: string) =>
    new CredentialReadRefusal(reason, path, kind);
  // lstat before anything that follows links: a dangling link must not look "missing".
  const underLink = () => {
    const ancestor = symlinkedAncestor(path, options.home);
    return ancestor
      ? new CredentialReadRefusal(
          `Refusing to read credential under symlinked directory ${ancestor}: ${path}`,
          path,
          'symlink',
          ancestor,
        )
      : null;
  };
  let leaf: ReturnType<typeof lstatSync>;
  try {
    leaf = lstatSync(path);
  } catch (error) {
    // A file missing under a linked ~/.mp is refused too: reading "nothing" there would let
    // the next write create the file through the link.
    if (isMissing(error)) return underLink();
    return refuse('io', `Could not stat credential: ${describeIo(error)}: ${path}`);
  }
  if (leaf.isSymbolicLink())
    return refuse('symlink', `Refusing to read credential at symlink: ${path}`);
  const linked = underLink();
  if (linked) return linked;
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  } catch (error) {
    if (isMissing(error)) return null;
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') {
      return refuse('symlink', `Refusing to read credential at symlink: ${path}`);
    }
    return refuse('io', `Could not open credential: ${describeIo(error)}: ${path}`);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile())
      return refuse('type', `Refusing to read credential: not a regular file: ${path}`);
    if (POSIX && (stat.mode & 0o077) !== 0) {
      return refuse(
        'mode',
        `Refusing to read credential with mode 0o${(stat.mode & 0o777).toString(8)} (group/world bits set): ${path}`,
      );
    }
    if (stat.size > MAX_CREDENTIAL_BYTES) {
      return refuse(
        'size',
        `Refusing to read credential: size ${stat.size} exceeds cap ${MAX_CREDENTIAL_BYTES}: ${path}`,
      );
    }
    const buffer = Buffer.alloc(stat.size + 1);
    let length = 0;
    for (;;) {
      const read = readSync(fd, buffer, length, buffer.length - length, null);
      if (read === 0) break;
      length += read;
      if (length > MAX_CREDENTIAL_BYTES) {
        return refuse(
          'size',
          `Refusing to read credential: size exceeds cap ${MAX_CREDENTIAL_BYTES}: ${path}`,
        );
      }
      if (length === buffer.length) break;
    }
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(buffer.subarray(0, length));
    } catch {
      return refuse('encoding', `Refusing to read credential: not valid UTF-8: ${path}`);
    }
  } finally {
    closeSync(fd);
  }
}

/** The first directory between `home` and `path` that is a symlink, if `path` is inside `home`. */
export function symlinkedAncestor(path: string, home: string | undefined): string | null {
  if (!home || !POSIX) return null;
  const rel = relative(home, dirname(path));
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return null;
  let current = home;
  for (const part of rel.split(sep)) {
    current = `${current}${sep}${part}`;
    try {
      if (lstatSync(current).isSymbolicLink()) return current;
    } catch {
      return null; // a missing directory: nothing further down exists either
    }
  }
  return null;
}

/** The fix named by every refusal of a linked directory. */
export const LINKED_DIRECTORY_FIX =
  'Replace the linked directory with a real one (mp refuses to follow symlinks to credentials).';

/** Throws a ConfigError when a directory between `home` and `path` is a symlink (nothing is written). */
export function refuseLinkedAncestor(path: string, home: string | undefined): void {
  const ancestor = symlinkedAncestor(path, home);
  if (ancestor) {
    throw new ConfigError(
      `Refusing to write credential under symlinked directory ${ancestor}: ${path}. ${LINKED_DIRECTORY_FIX}`,
      { details: { path, ancestor } },
    );
  }
}

export interface WriteOptions {
  /** Final mode of the file; group/world bits are refused. Default 0o600. */
  mode?: number;
  /** The home directory: refuse to write when a directory between it and the file is a symlink. */
  home?: string | undefined;
}

/**
 * Writes `data` to `path` atomically (docs/files.md#atomic-writes): a sibling temp file
 * `<name>.tmp.<pid>.<threadId>` created with O_CREAT|O_EXCL and the final
 * mode, every byte written, fsync, close, rename over `path`. On any failure
 * the temp file is removed and the previous file is left as it was. The parent
 * directory must exist (see `ensurePrivateDir`).
 */
export function writePrivateFileAtomic(
  path: string,
  data: string | Uint8Array,
  options: WriteOptions = {},
): void {
  const mode = options.mode ?? 0o600;
  if ((mode & 0o077) !== 0) {
    throw new ArgumentError(
      `Refusing to write ${path} with mode 0o${mode.toString(8)}: group/world bits are not allowed.`,
      { argumentNames: ['mode'] },
    );
  }
  refuseLinkedAncestor(path, options.home);
  const temp = `${path}.tmp.${process.pid}.${threadId()}`;
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const fd = openSync(
    temp,
    constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY | O_CLOEXEC,
    mode,
  );
  let renamed = false;
  try {
    try {
      if (POSIX) chmodSync(temp, mode); // the umask may have removed bits we asked for
      let offset = 0;
      while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
    renamed = true;
    removeOrphanedTemps(path);
  } finally {
    if (!renamed) {
      try {
        unlinkSync(temp);
      } catch {
        // already gone
      }
    }
  }
}

/** True while process `pid` runs (on this machine). */
export function isProcessAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes temp files `<name>.tmp.<pid>.<thread>` next to `path` whose writer
 * process no longer runs (it was killed mid-write): they may hold secrets.
 */
function removeOrphanedTemps(path: string): void {
  const prefix = `${basename(path)}.tmp.`;
  let names: string[];
  try {
    names = readdirSync(dirname(path));
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length).split('.')[0]);
    if (Number.isInteger(pid) && pid > 0 && !isProcessAlive(pid)) {
      try {
        unlinkSync(`${dirname(path)}${sep}${name}`);
      } catch {
        // someone else removed it
      }
    }
  }
}

/**
 * Creates `path` (and missing parents) as 0700 directories and tightens `path`
 * itself to 0700 even when it already existed.
 */
export function ensurePrivateDir(path: string): void {
  mkdirSync(path, { recursive: true, mode: 0o700 });
  if (POSIX) chmodSync(path, 0o700);
}

export function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

export function describeIo(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  return e?.code ?? (e instanceof Error ? e.message : String(error));
}
