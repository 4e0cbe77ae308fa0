import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { basename, join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { ArgumentError, ConfigError } from '@mixpanel-data/auth-core';
import { describe, expect, it } from 'vitest';
import { tempHome } from '../test/helpers';
import {
  CredentialReadRefusal,
  ensurePrivateDir,
  MAX_CREDENTIAL_BYTES,
  ORPHANED_TEMP_MS,
  readPrivateFile,
  removePrivatePath,
  unwritableFolderError,
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

  it('a leftover temp file never blocks a write, whatever its name (another container wrote it)', () => {
    const { home } = tempHome();
    const file = join(home, 'c');
    writeFileSync(file, 'old', { mode: 0o600 });
    // The old fixed names: this thread's, and pid 1's of a container killed mid-write.
    const leftovers = [`${file}.tmp.${process.pid}.${threadId}`, `${file}.tmp.1.0`];
    for (const leftover of leftovers) writeFileSync(leftover, 'stale', { mode: 0o600 });
    writePrivateFileAtomic(file, 'new');
    expect(readFileSync(file, 'utf8')).toBe('new');
    // Young and named after a running pid: possibly a writer at work, so kept for now.
    expect(readdirSync(home).sort()).toEqual(
      ['c', ...leftovers.map((path) => basename(path))].sort(),
    );
  });

  it('removes a leftover temp file older than a minute even when its pid runs', () => {
    const { home } = tempHome();
    const file = join(home, 'c');
    const young = `${file}.tmp.1.young`;
    const old = `${file}.tmp.1.old`;
    const unrelated = join(home, 'c.tmpx');
    for (const path of [young, old, unrelated]) writeFileSync(path, 'stale', { mode: 0o600 });
    const past = (Date.now() - ORPHANED_TEMP_MS - 5_000) / 1000;
    utimesSync(old, past, past);
    writePrivateFileAtomic(file, 'new');
    expect(existsSync(old)).toBe(false);
    expect(existsSync(young)).toBe(true);
    expect(existsSync(unrelated)).toBe(true);
  });

  it('refuses data above the size cap before creating anything; exactly the cap is written and readable', () => {
    const { home } = tempHome();
    const file = join(home, 'c');
    writeFileSync(file, 'old', { mode: 0o600 });
    let thrown: unknown;
    try {
      writePrivateFileAtomic(file, 'a'.repeat(MAX_CREDENTIAL_BYTES + 1), {
        tooLargeFix: 'Trim it.',
      });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).message).toBe(
      `Refusing to write ${file}: it would be 1048577 bytes, above the 1048576-byte cap every reader enforces; nothing was written. Trim it.`,
    );
    expect((thrown as ConfigError).details).toMatchObject({
      path: file,
      size: 1048577,
      cap: 1048576,
    });
    expect(readdirSync(home)).toEqual(['c']);
    expect(readFileSync(file, 'utf8')).toBe('old');
    // Multi-byte characters count as bytes, as the reader counts them.
    expect(() => writePrivateFileAtomic(file, 'é'.repeat(MAX_CREDENTIAL_BYTES / 2 + 1))).toThrow(
      'it would be 1048578 bytes',
    );
    writePrivateFileAtomic(file, 'a'.repeat(MAX_CREDENTIAL_BYTES));
    expect((readPrivateFile(file, { home }) as string).length).toBe(MAX_CREDENTIAL_BYTES);
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

describe('unwritableFolderError', () => {
  const failure = (code: string, syscall: string, path?: string) =>
    Object.assign(new Error(`${code}: ${syscall}`), { code, syscall, ...(path ? { path } : {}) });

  it.each([
    ['EACCES', 'permission denied'],
    ['EPERM', 'operation not permitted'],
    ['EROFS', 'read-only file system'],
  ])(
    'turns %s while creating a file into a ConfigError naming the folder and the fix',
    (code, reason) => {
      const error = unwritableFolderError(
        failure(code, 'open', '/srv/ro/config.toml.lock'),
        '/fallback',
        'Fix it.',
      );
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).message).toBe(
        `Cannot write in /srv/ro: ${reason} (${code}). Fix it.`,
      );
      expect((error as ConfigError).details).toEqual({ path: '/srv/ro', errno: code });
    },
  );

  it('names the directory itself for chmod, the fallback when the error names no path', () => {
    const chmod = unwritableFolderError(failure('EPERM', 'chmod', '/srv/dir'), '/x', 'Fix it.');
    expect((chmod as ConfigError).details.path).toBe('/srv/dir');
    const bare = unwritableFolderError(failure('EACCES', 'open'), '/fallback', 'Fix it.');
    expect((bare as ConfigError).details.path).toBe('/fallback');
  });

  it('returns any other error as it is', () => {
    const other = failure('ENOSPC', 'write', '/srv/x');
    expect(unwritableFolderError(other, '/x', 'Fix it.')).toBe(other);
    const config = new ConfigError('already classified');
    expect(unwritableFolderError(config, '/x', 'Fix it.')).toBe(config);
  });
});

describe('removePrivatePath', () => {
  it('removes a directory tree; a missing one is fine', () => {
    const { home } = tempHome();
    const dir = join(home, '.mp', 'accounts', 'a');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'tokens.json'), '{}');
    removePrivatePath(dir, home);
    expect(existsSync(dir)).toBe(false);
    expect(() => removePrivatePath(dir, home)).not.toThrow();
  });

  it('refuses a symlink at the path and under a linked directory, deleting nothing', () => {
    const { home } = tempHome();
    const elsewhere = join(home, 'elsewhere');
    mkdirSync(join(elsewhere, 'a'), { recursive: true });
    writeFileSync(join(elsewhere, 'a', 'tokens.json'), 'keep');
    mkdirSync(join(home, '.mp', 'accounts'), { recursive: true });
    symlinkSync(join(elsewhere, 'a'), join(home, '.mp', 'accounts', 'a'));
    expect(() => removePrivatePath(join(home, '.mp', 'accounts', 'a'), home)).toThrow(
      /it is a symlink/,
    );
    rmSync(join(home, '.mp', 'accounts'), { recursive: true });
    symlinkSync(elsewhere, join(home, '.mp', 'accounts'));
    expect(() => removePrivatePath(join(home, '.mp', 'accounts', 'a'), home)).toThrow(
      'Refusing to delete credential under symlinked directory',
    );
    expect(readFileSync(join(elsewhere, 'a', 'tokens.json'), 'utf8')).toBe('keep');
  });
});
