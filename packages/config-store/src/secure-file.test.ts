import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { ArgumentError } from '@mixpanel-data/auth-core';
import { describe, expect, it } from 'vitest';
import { tempHome } from '../test/helpers';
import {
  CredentialReadRefusal,
  ensurePrivateDir,
  MAX_CREDENTIAL_BYTES,
  readPrivateFile,
  writePrivateFileAtomic,
} from './secure-file';

const refusal = (value: unknown) => {
  expect(value).toBeInstanceOf(CredentialReadRefusal);
  return value as CredentialReadRefusal;
};
const openFds = () => readdirSync('/proc/self/fd').length;

describe('readPrivateFile', () => {
  it.each([0o600, 0o400, 0o700])('accepts mode 0o%s', (mode) => {
    const { home } = tempHome();
    const file = join(home, 'f');
    writeFileSync(file, 'ok');
    chmodSync(file, mode);
    expect(readPrivateFile(file, { home })).toBe('ok');
  });

  it.each([0o644, 0o640, 0o604, 0o660])('refuses mode 0o%s with the reference message', (mode) => {
    const { home } = tempHome();
    const file = join(home, 'f');
    writeFileSync(file, 'x');
    chmodSync(file, mode);
    const r = refusal(readPrivateFile(file, { home }));
    expect(r.kind).toBe('mode');
    expect(r.reason).toBe(
      `Refusing to read credential with mode 0o${mode.toString(8)} (group/world bits set): ${file}`,
    );
  });

  it('a missing file is "not found", not a refusal', () => {
    const { home } = tempHome();
    expect(readPrivateFile(join(home, 'nope'), { home })).toBeNull();
  });

  it.each(['attacker', 'legit', 'dangling'])('refuses a symlink to a %s file', (kind) => {
    const { home } = tempHome();
    const target = join(home, kind === 'dangling' ? 'missing' : 'real');
    if (kind !== 'dangling') writeFileSync(target, 'secret', { mode: 0o600 });
    const link = join(home, 'link');
    symlinkSync(target, link);
    const r = refusal(readPrivateFile(link, { home }));
    expect(r.reason).toBe(`Refusing to read credential at symlink: ${link}`);
  });

  it('refuses a file under a symlinked directory inside HOME, but checks only the leaf outside HOME', () => {
    const { home } = tempHome();
    const realDir = join(home, 'real-mp');
    mkdirSync(realDir, { mode: 0o700 });
    writeFileSync(join(realDir, 'config.toml'), 'a = 1', { mode: 0o600 });
    symlinkSync(realDir, join(home, '.mp'));
    const r = refusal(readPrivateFile(join(home, '.mp', 'config.toml'), { home }));
    expect(r.kind).toBe('symlink');
    expect(r.reason).toContain('symlinked directory');
    const other = tempHome().home;
    expect(readPrivateFile(join(home, '.mp', 'config.toml'), { home: other })).toBe('a = 1');
  });

  it('refuses a FIFO without hanging, and a directory and a device', () => {
    const { home } = tempHome();
    const fifo = join(home, 'fifo');
    execFileSync('mkfifo', ['-m', '600', fifo]);
    expect(refusal(readPrivateFile(fifo, { home })).reason).toBe(
      `Refusing to read credential: not a regular file: ${fifo}`,
    );
    mkdirSync(join(home, 'd'), { mode: 0o700 });
    expect(refusal(readPrivateFile(join(home, 'd'), { home })).kind).toBe('type');
    expect(refusal(readPrivateFile('/dev/null')).kind).toMatch(/type|mode/);
  });

  it('accepts exactly 1 MiB and refuses one byte more', () => {
    const { home } = tempHome();
    const file = join(home, 'big');
    writeFileSync(file, 'a'.repeat(MAX_CREDENTIAL_BYTES), { mode: 0o600 });
    expect((readPrivateFile(file, { home }) as string).length).toBe(1_048_576);
    writeFileSync(file, 'a'.repeat(MAX_CREDENTIAL_BYTES + 1), { mode: 0o600 });
    expect(refusal(readPrivateFile(file, { home })).reason).toBe(
      `Refusing to read credential: size 1048577 exceeds cap 1048576: ${file}`,
    );
  });

  it('refuses invalid UTF-8', () => {
    const { home } = tempHome();
    const file = join(home, 'bin');
    writeFileSync(file, Buffer.from([0x61, 0xff, 0xfe]), { mode: 0o600 });
    expect(refusal(readPrivateFile(file, { home })).kind).toBe('encoding');
  });

  it('leaks no descriptor on refusal or success', () => {
    const { home } = tempHome();
    const file = join(home, 'f');
    writeFileSync(file, 'x', { mode: 0o644 });
    const before = openFds();
    for (let i = 0; i < 20; i++) readPrivateFile(file, { home });
    chmodSync(file, 0o600);
    for (let i = 0; i < 20; i++) readPrivateFile(file, { home });
    expect(openFds()).toBe(before);
  });
});

describe('writePrivateFileAtomic', () => {
  it('writes 0600 by default even under a loose umask, and honours 0400', () => {
    const { home } = tempHome();
    const old = process.umask(0o022);
    try {
      writePrivateFileAtomic(join(home, 'a'), 'x');
      writePrivateFileAtomic(join(home, 'b'), 'y', { mode: 0o400 });
    } finally {
      process.umask(old);
    }
    expect(statSync(join(home, 'a')).mode & 0o777).toBe(0o600);
    expect(statSync(join(home, 'b')).mode & 0o777).toBe(0o400);
  });

  it('refuses group/world modes', () => {
    const { home } = tempHome();
    expect(() => writePrivateFileAtomic(join(home, 'a'), 'x', { mode: 0o644 })).toThrow(
      ArgumentError,
    );
    expect(existsSync(join(home, 'a'))).toBe(false);
  });

  it('replaces a 0644 file with a 0600 one and leaves no temp file', () => {
    const { home } = tempHome();
    const file = join(home, 'c');
    writeFileSync(file, 'old', { mode: 0o644 });
    writePrivateFileAtomic(file, 'new');
    expect(readFileSync(file, 'utf8')).toBe('new');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(home)).toEqual(['c']);
  });

  it('a stale temp with the same name blocks the write without touching the target', () => {
    const { home } = tempHome();
    const file = join(home, 'c');
    writeFileSync(file, 'old', { mode: 0o600 });
    writeFileSync(`${file}.tmp.${process.pid}.${threadId}`, 'stale');
    expect(() => writePrivateFileAtomic(file, 'new')).toThrow(/EEXIST/);
    expect(readFileSync(file, 'utf8')).toBe('old');
  });

  it('a failed rename keeps the old content and removes the temp file', () => {
    const { home } = tempHome();
    const dir = join(home, 'target-is-dir');
    mkdirSync(join(dir, 'child'), { recursive: true });
    expect(() => writePrivateFileAtomic(dir, 'x')).toThrow();
    expect(readdirSync(home)).toEqual(['target-is-dir']);
  });

  it('creates an empty file for zero bytes; a missing parent is an error', () => {
    const { home } = tempHome();
    writePrivateFileAtomic(join(home, 'empty'), '');
    expect(readFileSync(join(home, 'empty'), 'utf8')).toBe('');
    expect(() => writePrivateFileAtomic(join(home, 'no', 'such', 'file'), 'x')).toThrow(/ENOENT/);
  });

  it('replaces a symlink at the destination with a regular file (rename does not follow it)', () => {
    const { home } = tempHome();
    writeFileSync(join(home, 'elsewhere'), 'untouched', { mode: 0o600 });
    symlinkSync(join(home, 'elsewhere'), join(home, 'dest'));
    writePrivateFileAtomic(join(home, 'dest'), 'mine');
    expect(readFileSync(join(home, 'elsewhere'), 'utf8')).toBe('untouched');
    expect(readFileSync(join(home, 'dest'), 'utf8')).toBe('mine');
  });
});

describe('ensurePrivateDir', () => {
  it('creates 0700 directories, tightens an existing one, and is idempotent', () => {
    const { home } = tempHome();
    const dir = join(home, 'a', 'b');
    ensurePrivateDir(dir);
    ensurePrivateDir(dir);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(home, 'a')).mode & 0o777).toBe(0o700);
    chmodSync(dir, 0o755);
    ensurePrivateDir(dir);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });
});
