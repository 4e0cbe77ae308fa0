import {
  closeSync,
  constants,
  openSync,
  readFileSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { LockTimeoutError } from '@mixpanel-data/auth-core';
import { isProcessAlive } from './secure-file';

export interface LockOptions {
  /** How long to wait for another holder before failing. Default 10 000 ms. */
  timeoutMs?: number;
  /** A lock older than this is broken even if its holder still runs (hung or pid reused). Default 30 000 ms. */
  staleMs?: number;
  /** Pause between attempts. Default 25 ms. */
  retryMs?: number;
}

export const LOCK_DEFAULTS = { timeoutMs: 10_000, staleMs: 30_000, retryMs: 25 } as const;

/**
 * A lock file's content: who holds it, since when, and a nonce that makes
 * each holding unique. Where Linux tells them, also the holder's start time
 * (`/proc/<pid>/stat`, clock ticks since boot) and the boot id: a pid alone
 * says nothing once the process is gone and the pid belongs to another
 * process (pid reuse, or pid 1 of the next container).
 */
interface Holder {
  pid: number;
  time: number;
  nonce: string;
  start?: number | undefined;
  boot?: string | undefined;
}

/** `/proc` text, or undefined where there is none (not Linux, or not readable). */
function readProc(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** The start time of process `pid` in clock ticks since boot (field 22 of `/proc/<pid>/stat`), or undefined. */
function processStart(pid: number): number | undefined {
  const stat = readProc(`/proc/${pid}/stat`);
  // The command name (field 2) may hold spaces and parentheses: count fields after the last ')'.
  const start = stat?.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  return start === undefined || !/^\d+$/.test(start) ? undefined : Number(start);
}

let ownIdentity: { start: number | undefined; boot: string | undefined } | undefined;
/** This process's start time and the boot id, read once. */
function identity() {
  ownIdentity ??= {
    start: processStart(process.pid),
    boot: readProc('/proc/sys/kernel/random/boot_id')?.trim() || undefined,
  };
  return ownIdentity;
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));
const sleepSync = (ms: number) => Atomics.wait(sleeper, 0, 0, ms);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Tries once to take the lock `<target>.lock`. Returns the nonce on success,
 * `null` when another live holder has it. A lock whose holder process is gone
 * (crashed, killed) or that is older than `staleMs` is broken first.
 */
function tryAcquire(lockPath: string, staleMs: number): string | null {
  // Unique per holding (not a secret): pid, time and randomness are enough, and node:crypto stays unloaded.
  const nonce = `${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
  try {
    const fd = openSync(lockPath, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o600);
    try {
      const { start, boot } = identity();
      const holder: Holder = { pid: process.pid, time: Date.now(), nonce, start, boot };
      writeSync(fd, JSON.stringify(holder));
    } finally {
      closeSync(fd);
    }
    return nonce;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const seen = readHolder(lockPath);
  if (seen === undefined) return null; // released in between: try again at once next round
  if (isStale(seen, lockPath, staleMs)) breakLock(lockPath, seen);
  return null;
}

/** `undefined` when there is no lock file; `null` when it exists but is not (yet) readable. */
function readHolder(lockPath: string): Holder | null | undefined {
  let text: string;
  try {
    text = readFileSync(lockPath, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const holder = JSON.parse(text) as Holder;
    if (!(Number.isInteger(holder.pid) && typeof holder.nonce === 'string')) return null;
    return {
      ...holder,
      start: Number.isSafeInteger(holder.start) ? holder.start : undefined,
      boot: typeof holder.boot === 'string' ? holder.boot : undefined,
    };
  } catch {
    return null;
  }
}

function isStale(holder: Holder | null, lockPath: string, staleMs: number): boolean {
  if (holder === null) {
    // Created but not yet written by its holder — or written by a crashed one. Go by the file's age.
    try {
      return Date.now() - statSync(lockPath).mtimeMs > Math.min(staleMs, 2_000);
    } catch {
      return false;
    }
  }
  if (Date.now() - holder.time > staleMs) return true;
  return holderGone(holder);
}

/** Whether the process that wrote `holder` no longer runs here (gone, rebooted since, or its pid reused). */
function holderGone(holder: Holder): boolean {
  const own = identity();
  // Taken before a reboot: its process is gone, whatever now runs under its pid.
  if (holder.boot !== undefined && own.boot !== undefined && holder.boot !== own.boot) return true;
  if (!isProcessAlive(holder.pid)) return true;
  // The pid runs, but is it the holder? Not if it started at another time (a reused pid,
  // or pid 1 of a fresh container where the holder was pid 1 of a killed one).
  if (holder.start === undefined) return false;
  const start = holder.pid === process.pid ? own.start : processStart(holder.pid);
  return start !== undefined && start !== holder.start;
}

/**
 * Removes a stale lock, but only the exact holding that was judged stale:
 * breakers take a short second lock, re-read, and unlink only if the nonce is
 * unchanged, so a fresh lock taken meanwhile by someone else survives.
 */
function breakLock(lockPath: string, seen: Holder | null): void {
  const guard = `${lockPath}.break`;
  let fd: number;
  try {
    fd = openSync(guard, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o600);
  } catch {
    // Another process is breaking it; a guard left by a crashed breaker expires quickly.
    try {
      if (Date.now() - statSync(guard).mtimeMs > 2_000) unlinkSync(guard);
    } catch {
      // gone already
    }
    return;
  }
  try {
    const current = readHolder(lockPath);
    const same = seen === null ? current === null : current?.nonce === seen.nonce;
    if (same) unlinkSync(lockPath);
  } catch {
    // vanished: nothing to break
  } finally {
    closeSync(fd);
    try {
      unlinkSync(guard);
    } catch {
      // ignore
    }
  }
}

function release(lockPath: string, nonce: string): void {
  // Only remove our own holding (a holder that overran staleMs may have been broken and replaced).
  if (readHolder(lockPath)?.nonce === nonce) {
    try {
      unlinkSync(lockPath);
    } catch {
      // already gone
    }
  }
}

function timeoutError(target: string, timeoutMs: number): LockTimeoutError {
  return LockTimeoutError.forTarget(target, timeoutMs);
}

/**
 * Runs `task` while holding the cross-process lock of `target` (the file
 * `<target>.lock`, docs/files.md#locks). Synchronous: waits in short sleeps up to
 * `timeoutMs`, then throws LockTimeoutError. A crashed holder's lock is broken at
 * once; a live holder's only after `staleMs`.
 */
export function withLock<T>(target: string, task: () => T, options: LockOptions = {}): T {
  const { timeoutMs, staleMs, retryMs } = { ...LOCK_DEFAULTS, ...options };
  const lockPath = `${target}.lock`;
  const deadline = Date.now() + timeoutMs;
  let nonce = tryAcquire(lockPath, staleMs);
  while (nonce === null) {
    if (Date.now() >= deadline) throw timeoutError(target, timeoutMs);
    sleepSync(retryMs * (0.5 + Math.random()));
    nonce = tryAcquire(lockPath, staleMs);
  }
  try {
    return task();
  } finally {
    release(lockPath, nonce);
  }
}

/** `withLock` for asynchronous work (a token refresh over the network): waits without blocking the event loop. */
export async function withLockAsync<T>(
  target: string,
  task: () => T | Promise<T>,
  options: LockOptions = {},
): Promise<T> {
  const { timeoutMs, staleMs, retryMs } = { ...LOCK_DEFAULTS, ...options };
  const lockPath = `${target}.lock`;
  const deadline = Date.now() + timeoutMs;
  let nonce = tryAcquire(lockPath, staleMs);
  while (nonce === null) {
    if (Date.now() >= deadline) throw timeoutError(target, timeoutMs);
    await sleep(retryMs * (0.5 + Math.random()));
    nonce = tryAcquire(lockPath, staleMs);
  }
  try {
    return await task();
  } finally {
    release(lockPath, nonce);
  }
}

/** What a lock file says about its holder (docs/files.md#locks), read without taking or breaking it. */
export interface LockInspection {
  /** The holder's pid, or null when the file cannot be parsed (created, not yet written, or garbage). */
  readonly pid: number | null;
  /** When the holder took it (epoch ms), or null when unreadable. */
  readonly since: number | null;
  /** Whether the holder process still runs here (same pid, start time and boot). */
  readonly holderRuns: boolean;
}

/** Reads the lock file `lockPath` (the `.lock` itself) without changing it; null when there is none. */
export function inspectLock(lockPath: string): LockInspection | null {
  const holder = readHolder(lockPath);
  if (holder === undefined) return null;
  if (holder === null) return { pid: null, since: null, holderRuns: false };
  return { pid: holder.pid, since: holder.time, holderRuns: !holderGone(holder) };
}
