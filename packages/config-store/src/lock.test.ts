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
