/**
 * The `mp` launcher (bin/mp.cjs): which start-up cache it uses on this Node
 * version, and stack traces with source positions under -v.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import module from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const MP = join(root, 'bin', 'mp.cjs');
const work = mkdtempSync(join(tmpdir(), 'mp-launcher-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
// Node >= 22.1 (not in the Node 20 types this repository builds with).
const hasCompileCache =
  typeof (module as { enableCompileCache?: unknown }).enableCompileCache === 'function';
const ownCache = `main-${process.version}-${process.arch}.cache`;

/** A copy of the launcher and the built program, plus a cache file made by another Node. */
function copyOfMp(): string {
  const dir = mkdtempSync(join(work, 'copy-'));
  cpSync(join(root, 'bin'), join(dir, 'bin'), { recursive: true });
  mkdirSync(join(dir, 'dist'));
  cpSync(join(root, 'dist', 'bin'), join(dir, 'dist', 'bin'), { recursive: true });
  writeFileSync(join(dir, 'dist', 'bin', 'main-v0.0.1-x64.cache'), 'made by another Node');
  return join(dir, 'bin', 'mp.cjs');
}

/** Runs `mp ARGS` with a preload that reports every file the launcher reads and the compile-cache state. */
function traced(mp: string, args: string[]) {
  const preload = join(work, 'trace.cjs');
  writeFileSync(
    preload,
    `const fs = require('node:fs'); const read = fs.readFileSync; const seen = [];
fs.readFileSync = function (path, ...rest) { seen.push(String(path)); return read.call(this, path, ...rest); };
process.on('exit', () => fs.writeSync(2, '\\nTRACE ' + JSON.stringify({ seen,
  compileCacheDir: require('node:module').getCompileCacheDir?.() ?? null }) + '\\n'));`,
  );
  const home = mkdtempSync(join(work, 'home-'));
  const result = spawnSync(process.execPath, ['--require', preload, mp, ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: home, NODE_COMPILE_CACHE: join(home, 'cache') },
    encoding: 'utf8',
  });
  const trace = JSON.parse(/TRACE (.*)\n/.exec(result.stderr)?.[1] ?? 'null') as {
    seen: string[];
    compileCacheDir: string | null;
  };
  return { ...result, trace };
}

it('uses the start-up cache of this Node version only, never one made by another', () => {
  const mp = copyOfMp();
  const { status, stdout, trace } = traced(mp, ['--version']);
  expect(status).toBe(0);
  expect(stdout).toMatch(/^mp version \d+\.\d+\.\d+/);
  const caches = trace.seen.filter((path) => path.endsWith('.cache'));
  if (hasCompileCache) {
    // Node >= 22.1: Node's own compile cache, kept per Node version; no V8 cache file read.
    expect(trace.compileCacheDir).toContain('cache');
    expect(caches).toEqual([]);
  } else {
    expect(trace.compileCacheDir).toBeNull();
    expect(caches.map((path) => path.split(/[\\/]/).at(-1))).toEqual([ownCache]);
  }
});

it('builds a V8 code cache only where Node has no compile cache, named after this Node', () => {
  const caches = readdirSync(join(root, 'dist', 'bin')).filter((name) => name.endsWith('.cache'));
  if (hasCompileCache) expect(caches).not.toContain(ownCache);
  else expect(caches).toContain(ownCache);
  expect(caches.every((name) => /^main-v\d+\.\d+\.\d+-[a-z0-9]+\.cache$/.test(name))).toBe(true);
});

it('-v prints stack traces with src/ files and lines, not offsets in the bundle', () => {
  const home = mkdtempSync(join(work, 'home-'));
  let stderr = '';
  try {
    execFileSync(process.execPath, [MP, '-v', 'account', 'use', 'ghost'], {
      env: { PATH: process.env.PATH ?? '', HOME: home },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    stderr = (error as { stderr: string }).stderr;
  }
  expect(stderr).toMatch(/^Configuration error: Cannot set active account: 'ghost'/);
  const frames = stderr.split('\n').filter((line) => line.trimStart().startsWith('at '));
  expect(frames.length).toBeGreaterThan(3);
  expect(frames.join('\n')).toMatch(/[\\/]src[\\/][\w/\\-]+\.ts:\d+:\d+\)?$/m);
  expect(frames.join('\n')).not.toMatch(/main\.cjs:\d+:\d+/);
});

it('without -v an error is one line and a hint, no stack', () => {
  const home = mkdtempSync(join(work, 'home-'));
  const result = spawnSync(process.execPath, [MP, 'account', 'use', 'ghost'], {
    env: { PATH: process.env.PATH ?? '', HOME: home },
    encoding: 'utf8',
  });
  expect(result.status).toBe(1);
  expect(result.stderr).not.toMatch(/^\s+at /m);
});
