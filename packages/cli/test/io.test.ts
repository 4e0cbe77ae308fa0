/**
 * Standard output: `mp` writes to fd 1 directly (no `process.stdout` stream at
 * start-up), without losing, reordering or failing on a closed reader.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { jsonText } from '../src/format';
import { escapeControls, fdOutput } from '../src/io';

// Not from ./helpers: its secret scan expects output captured through runMp.
const MP = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'mp.cjs');

const errno = (code: string) => Object.assign(new Error(code), { code });

/** A fake `writeSync` that takes at most `step` bytes per call and fails as `plan` says. */
function fakeFd(step: number, plan: Record<number, string> = {}) {
  const written: number[] = [];
  let calls = 0;
  const write = (_fd: number, data: Uint8Array, offset: number) => {
    const failure = plan[++calls];
    if (failure) throw errno(failure);
    const part = data.subarray(offset, offset + step);
    written.push(...part);
    return part.length;
  };
  return { write, text: () => Buffer.from(written).toString('utf8') };
}

describe('fdOutput', () => {
  it('writes every byte of a chunk across partial writes, in order', () => {
    const fd = fakeFd(3);
    const output = fdOutput(1, () => ({ write: () => true }), fd.write);
    output.write('héllo → wörld\n');
    output.write(new Uint8Array([0x6f, 0x6b]));
    expect(fd.text()).toBe('héllo → wörld\nok');
  });

  it('sends the rest of a chunk and every later one to the fallback after EAGAIN', () => {
    const fd = fakeFd(4, { 2: 'EAGAIN' });
    const later: string[] = [];
    const output = fdOutput(
      1,
      () => ({ write: (chunk) => later.push(Buffer.from(chunk).toString('utf8')) }),
      fd.write,
    );
    output.write('abcdefgh');
    output.write('ij');
    expect(fd.text() + later.join('')).toBe('abcdefghij');
    expect(later).toEqual(['efgh', 'ij']);
  });

  it('drops later output quietly once the reader is gone (EPIPE)', () => {
    const fd = fakeFd(100, { 2: 'EPIPE' });
    const output = fdOutput(1, () => ({ write: () => true }), fd.write);
    output.write('first\n');
    expect(() => output.write('second\n')).not.toThrow();
    expect(() => output.write('third\n')).not.toThrow();
    expect(fd.text()).toBe('first\n');
  });

  it('rethrows any other write error', () => {
    const fd = fakeFd(100, { 1: 'EBADF' });
    const output = fdOutput(9, () => ({ write: () => true }), fd.write);
    expect(() => output.write('x')).toThrow('EBADF');
  });
});

describe('escapeControls (docs/cli.md#control-characters-in-output)', () => {
  it('shows C0 controls, DEL and C1 controls as JavaScript escapes', () => {
    expect(escapeControls('a\nb\rc\td\u0000e\u0007f\u001bg\u007fh\u0085i\u009bj')).toBe(
      'a\\nb\\rc\\td\\x00e\\x07f\\x1bg\\x7fh\\x85i\\x9bj',
    );
  });

  it('shows bidirectional controls, line separators and unpaired surrogates as \\u escapes', () => {
    expect(escapeControls('a\u202eb\u2066c\u200fd\u2028e\ud800f\udc00')).toBe(
      'a\\u202eb\\u2066c\\u200fd\\u2028e\\ud800f\\udc00',
    );
  });

  it('keeps printable text, accents, CJK and emoji; escaping twice changes nothing', () => {
    const text = 'Café · 東京 😀 [accounts.x] \\x1b';
    expect(escapeControls(text)).toBe(text);
    const once = escapeControls('x\u001b]0;T\u0007\n');
    expect(escapeControls(once)).toBe(once);
  });
});

describe('jsonText', () => {
  it('escapes what JSON.stringify leaves raw and parses back to the same value', () => {
    const value = { name: 'E\u001b[2J\u009b31m\u007f\u202e\u2028\nN\u0007', emoji: 'Café 😀' };
    const text = jsonText(value, 2);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the test looks for them
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e\u2028]/);
    expect(text).toContain('\\u009b31m\\u007f\\u202e\\u2028\\n');
    expect(text).toContain('Café 😀');
    expect(JSON.parse(text)).toEqual(value);
  });
});

describe('mp standard output', () => {
  it('exits 0 with nothing on stderr when the reader closes early', async () => {
    const home = mkdtempSync(join(tmpdir(), 'mp-io-'));
    try {
      const child = spawn(process.execPath, [MP, 'completion', 'bash'], {
        env: { PATH: process.env.PATH ?? '', HOME: home },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout.destroy(); // the reader goes away before mp writes
      let stderr = '';
      child.stderr.on('data', (chunk) => (stderr += chunk));
      const code = await new Promise((resolve) => child.on('close', resolve));
      expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('writes the same bytes to a file as to a pipe', async () => {
    const home = mkdtempSync(join(tmpdir(), 'mp-io-'));
    const env = { PATH: process.env.PATH ?? '', HOME: home };
    const file = join(home, 'out.txt');
    try {
      const fd = openSync(file, 'w');
      const toFile = spawn(process.execPath, [MP, 'completion', 'zsh'], {
        env,
        stdio: ['ignore', fd, 'inherit'],
      });
      await new Promise((resolve) => toFile.on('close', resolve));
      closeSync(fd);
      const toPipe = spawn(process.execPath, [MP, 'completion', 'zsh'], { env });
      let piped = '';
      toPipe.stdout.on('data', (chunk) => (piped += chunk));
      await new Promise((resolve) => toPipe.on('close', resolve));
      expect(piped).toContain('#compdef mp');
      expect(readFileSync(file, 'utf8')).toBe(piped);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
