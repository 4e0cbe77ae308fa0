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
  rmSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, isAbsolute, relative, sep } from 'node:path';
import { ArgumentError, ConfigError } from '@mixpanel-data/auth-core';

/**
 * The size cap of every file mp reads and writes under the credential rules
 * (config.toml, tokens.json, me.json, client records, bridge files): readers
 * refuse a larger file, and writers refuse to produce one
 * (docs/files.md#size-cap).
 */
export const MAX_CREDENTIAL_BYTES = 1_048_576;

/**
 * A temp file this old is an orphan whatever its name says: no write takes
 * this long, and the pid in its name may belong to another process (another
 * pid namespace, or a pid reused).
 */
export const ORPHANED_TEMP_MS = 60_000;

const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0;
const O_NONBLOCK = constants.O_NONBLOCK ?? 0;
const O_CLOEXEC = (constants as Record<string, number>).O_CLOEXEC ?? 0;
const POSIX = process.platform !== 'win32';

export interface ReadOptions {
  /** The home directory: every directory between it and the file must be a real directory. */
  home?: string | undefined;
  /** Accept group/world permission bits, for a file that holds nothing secret. Default false. */
  anyMode?: boolean | undefined;
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
    if (POSIX && !options.anyMode && (stat.mode & 0o077) !== 0) {
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

/**
 * Throws a ConfigError when a directory between `home` and `path` is a
 * symlink, before anything is written (`action` `'write'`) or deleted
 * (`'delete'`).
 */
export function refuseLinkedAncestor(
  path: string,
  home: string | undefined,
  action: 'write' | 'delete' = 'write',
): void {
  const ancestor = symlinkedAncestor(path, home);
  if (ancestor) {
    throw new ConfigError(
      `Refusing to ${action} credential under symlinked directory ${ancestor}: ${path}. ${LINKED_DIRECTORY_FIX}`,
      { details: { path, ancestor } },
    );
  }
}

export interface WriteOptions {
  /** Final mode of the file; group/world bits are refused. Default 0o600. */
  mode?: number;
  /** The home directory: refuse to write when a directory between it and the file is a symlink. */
  home?: string | undefined;
  /** How to recover when the data is above the size cap (appended to the refusal). */
  tooLargeFix?: string | undefined;
}

/**
 * Refuses (ConfigError, nothing written) data that the readers would refuse:
 * more than `MAX_CREDENTIAL_BYTES`. `fix` tells the user how to recover.
 */
export function checkWriteSize(path: string, size: number, fix?: string): void {
  if (size <= MAX_CREDENTIAL_BYTES) return;
  throw new ConfigError(
    `Refusing to write ${path}: it would be ${size} bytes, above the ${MAX_CREDENTIAL_BYTES}-byte cap every reader enforces; nothing was written.${fix ? ` ${fix}` : ''}`,
    { details: { path, size, cap: MAX_CREDENTIAL_BYTES } },
  );
}

/** A temp name no other writer uses: random, so a leftover (even from another pid namespace) never collides. */
const tempName = (path: string) =>
  `${path}.tmp.${process.pid}.${Math.random().toString(36).slice(2, 10) || '0'}`;

/** Creates a new temp file for `path` (O_EXCL); a name taken already (a leftover) is replaced by a new draw. */
function createTemp(path: string, mode: number): { temp: string; fd: number } {
  for (let attempt = 1; ; attempt++) {
    const temp = tempName(path);
    try {
      const flags = constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY | O_CLOEXEC;
      return { temp, fd: openSync(temp, flags, mode) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 10) throw error;
    }
  }
}

/**
 * Writes `data` to `path` atomically (docs/files.md#atomic-writes): a sibling temp file
 * `<name>.tmp.<pid>.<random>` created with O_CREAT|O_EXCL and the final
 * mode (a name taken already is replaced by a new one), every byte written,
 * fsync, close, rename over `path`. On any failure the temp file is removed
 * and the previous file is left as it was. Data above the size cap is refused
 * before anything is created. The parent directory must exist (see
 * `ensurePrivateDir`).
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
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  checkWriteSize(path, bytes.length, options.tooLargeFix);
  refuseLinkedAncestor(path, options.home);
  const { temp, fd } = createTemp(path, mode);
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

/** True while process `pid` runs (in this pid namespace). */
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
 * Whether a temp file `<name>.tmp.<pid>.<suffix>` last written at `mtimeMs`
 * is a killed writer's leftover (docs/files.md#atomic-writes step 6): older
 * than `ORPHANED_TEMP_MS`, or named after a pid that runs no process here.
 */
export function isOrphanedTemp(pid: number, mtimeMs: number): boolean {
  return (
    Date.now() - mtimeMs > ORPHANED_TEMP_MS ||
    (Number.isInteger(pid) && pid > 0 && !isProcessAlive(pid))
  );
}

/**
 * Removes temp files `<name>.tmp.<pid>.<suffix>` next to `path` left by a
 * writer killed mid-write (they may hold secrets): those older than
 * `ORPHANED_TEMP_MS`, and younger ones whose pid runs no process here.
 */
function removeOrphanedTemps(path: string): void {
  const prefix = `${basename(path)}.tmp.`;
  const folder = dirname(path);
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const temp = `${folder}${sep}${name}`;
    const pid = Number(name.slice(prefix.length).split('.')[0]);
    try {
      const stat = lstatSync(temp);
      if (isOrphanedTemp(pid, stat.mtimeMs) && stat.isFile()) unlinkSync(temp);
    } catch {
      // someone else removed it
    }
  }
}

/** Error codes that mean "this folder may not be written" (classified by code, never by message). */
const UNWRITABLE: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
};

/**
 * Turns a file-system error that means "mp may not write here" (EACCES,
 * EPERM, EROFS while creating a lock, temp file or directory) into a
 * ConfigError naming the folder and `fix`; any other error is returned as it
 * is. `folder` is used when the error does not name a path.
 */
export function unwritableFolderError(error: unknown, folder: string, fix: string): unknown {
  const { code, path, syscall } = (error ?? {}) as NodeJS.ErrnoException;
  const reason = code === undefined ? undefined : UNWRITABLE[code];
  if (reason === undefined || ConfigError.isInstance(error)) return error;
  // chmod names the folder itself; open, mkdir, rename, unlink name an entry in it.
  const where = path === undefined ? folder : syscall === 'chmod' ? path : dirname(path);
  return new ConfigError(`Cannot write in ${where}: ${reason} (${code}). ${fix}`, {
    details: { path: where, errno: code },
    cause: error,
  });
}

/** Refuses a path (or a directory on its way below HOME) that is a symlink, before anything is deleted. */
export function refuseLink(path: string, home: string | undefined): void {
  refuseLinkedAncestor(path, home, 'delete');
  try {
    if (lstatSync(path).isSymbolicLink()) {
      throw new ConfigError(
        `Refusing to change ${path}: it is a symlink. Remove the link (mp never follows links to credentials).`,
        { details: { path } },
      );
    }
  } catch (error) {
    if (!isMissing(error)) throw error;
  }
}

/**
 * Deletes the file or directory tree at `path` without following a link:
 * a symlink at `path`, or (inside `home`) at any directory on the way, is
 * refused with a ConfigError and nothing is deleted (see `refuseLink`).
 * A missing path is fine.
 */
export function removePrivatePath(path: string, home: string | undefined): void {
  refuseLink(path, home);
  rmSync(path, { recursive: true, force: true });
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
