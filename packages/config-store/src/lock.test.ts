import { spawn } from 'node:child_process';
import { existsSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '@mixpanel-data/auth-core';
import { describe, expect, it } from 'vitest';
import { tempHome } from '../test/helpers';
import { withLock, withLockAsync } from './lock';

/** A pid that belonged to a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid!;
}

describe('withLock', () => {
  it('holds <target>.lock with pid and time while the task runs, then removes it', () => {
    const { home } = tempHome();
    const target = join(home, 'config.toml');
    const inside = withLock(target, () => JSON.parse(readFileSync(`${target}.lock`, 'utf8')));
    expect(inside.pid).toBe(process.pid);
    expect(Math.abs(inside.time - Date.now())).toBeLessThan(5_000);
    expect(existsSync(`${target}.lock`)).toBe(false);
  });

  it('releases the lock when the task throws', () => {
    const { home } = tempHome();
    const target = join(home, 'x');
    expect(() =>
      withLock(target, () => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(existsSync(`${target}.lock`)).toBe(false);
  });

  it('breaks the lock of a holder that no longer runs, at once', async () => {
    const { home } = tempHome();
    const target = join(home, 'x');
    writeFileSync(
      `${target}.lock`,
      JSON.stringify({ pid: await deadPid(), time: Date.now(), nonce: 'old' }),
    );
    const started = Date.now();
    expect(withLock(target, () => 'ran', { timeoutMs: 5_000 })).toBe('ran');
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('breaks a live holder only after the staleness bound', () => {
    const { home } = tempHome();
    const target = join(home, 'x');
    writeFileSync(
      `${target}.lock`,
      JSON.stringify({ pid: process.ppid, time: Date.now() - 60_000, nonce: 'old' }),
    );
    expect(withLock(target, () => 'ran', { timeoutMs: 2_000, staleMs: 30_000 })).toBe('ran');
  });

  it('breaks an empty lock file left by a crash once it is a few seconds old', () => {
    const { home } = tempHome();
    const target = join(home, 'x');
    writeFileSync(`${target}.lock`, '');
    const old = (Date.now() - 10_000) / 1000;
    utimesSync(`${target}.lock`, old, old);
    expect(withLock(target, () => 'ran', { timeoutMs: 2_000 })).toBe('ran');
  });

  it('waits for a live holder and fails with a clear error after the timeout', () => {
    const { home } = tempHome();
    const target = join(home, 'config.toml');
    writeFileSync(
      `${target}.lock`,
      JSON.stringify({ pid: process.ppid, time: Date.now(), nonce: 'live' }),
    );
    const started = Date.now();
    try {
      withLock(target, () => 'never', { timeoutMs: 300 });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).message).toBe(
        `Timed out waiting for lock ${target}.lock after 300 ms; another mp process is writing. Retry, or delete the .lock file if no mp process is running.`,
      );
    }
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(JSON.parse(readFileSync(`${target}.lock`, 'utf8')).nonce).toBe('live');
  });
});

/** Linux's view of a process: its start time (clock ticks since boot) and the boot id. */
const startOf = (pid: number) =>
  Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[19]);
const bootId = () => readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();

describe('withLock: is the holder still the process that took the lock?', () => {
  const lockOf = (target: string, holder: Record<string, unknown>) =>
    writeFileSync(`${target}.lock`, JSON.stringify({ time: Date.now(), nonce: 'old', ...holder }));

  it('records its start time and the boot id besides pid, time and nonce', () => {
    const { home } = tempHome();
    const target = join(home, 'x');
    const holder = withLock(target, () => JSON.parse(readFileSync(`${target}.lock`, 'utf8')));
    expect(holder).toMatchObject({ pid: process.pid, start: startOf(process.pid), boot: bootId() });
  });

  it('breaks at once a fresh lock whose pid runs but started at another time (pid 1 of the next container)', () => {
    const { home } = tempHome();
    const target = join(home, 'x');
    lockOf(target, { pid: 1, start: startOf(1) + 1, boot: bootId() });
    const started = Date.now();
    expect(withLock(target, () => 'ran', { timeoutMs: 3_000 })).toBe('ran');
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('breaks at once a lock naming our own pid with another start time (we are pid 1 again)', () => {
    const { home } = tempHome();
    const target = join(home, 'x');
    lockOf(target, { pid: process.pid, start: startOf(process.pid) - 1, boot: bootId() });
    expect(withLock(target, () => 'ran', { timeoutMs: 3_000 })).toBe('ran');
  });

  it('breaks at once a lock taken before a reboot, even if its pid runs now', () => {
    const { home } = tempHome();
    const target = join(home, 'x');
    lockOf(target, { pid: process.ppid, start: startOf(process.ppid), boot: 'another-boot' });
    expect(withLock(target, () => 'ran', { timeoutMs: 3_000 })).toBe('ran');
  });

  it('keeps the lock of a live holder whose start time and boot match, until the timeout', () => {
    const { home } = tempHome();
    const target = join(home, 'x');
    lockOf(target, { pid: process.ppid, start: startOf(process.ppid), boot: bootId() });
    expect(() => withLock(target, () => 'never', { timeoutMs: 300 })).toThrow(/Timed out/);
    expect(JSON.parse(readFileSync(`${target}.lock`, 'utf8')).nonce).toBe('old');
  });
});

describe('withLockAsync', () => {
  it('serialises async tasks of one process on the same file', async () => {
    const { home } = tempHome();
    const target = join(home, 'tokens.json');
    const events: string[] = [];
    const task = (label: string) => async () => {
      events.push(`${label}:start`);
      await new Promise((resolve) => setTimeout(resolve, 50));
      events.push(`${label}:end`);
    };
    await Promise.all([withLockAsync(target, task('a')), withLockAsync(target, task('b'))]);
    expect(events).toHaveLength(4);
    expect(events[0]!.split(':')[0]).toBe(events[1]!.split(':')[0]);
    expect(existsSync(`${target}.lock`)).toBe(false);
  });
});
