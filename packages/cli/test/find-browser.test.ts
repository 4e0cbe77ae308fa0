/**
 * How `pnpm test` and the browser tests pick their Chrome or Chromium
 * (test-utils/browser.mjs): CHROME_PATH first, then PATH, then the usual places.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { findBrowser, NO_BROWSER_MESSAGE } from '../../../test-utils/browser.mjs';

const dir = mkdtempSync(join(tmpdir(), 'mp-find-browser-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, mode: number): string {
  const path = join(dir, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, '#!/bin/sh\n');
  chmodSync(path, mode);
  return path;
}

it('uses CHROME_PATH when it is an executable file', () => {
  const chrome = file('custom/chrome', 0o755);
  expect(findBrowser({ CHROME_PATH: chrome, PATH: '' }, 'linux')).toEqual({ path: chrome });
});

it('fails with one line naming the fix when CHROME_PATH is not executable or missing', () => {
  const plain = file('plain/chrome', 0o644);
  for (const value of [plain, join(dir, 'nowhere', 'chrome'), dir]) {
    const result = findBrowser({ CHROME_PATH: value, PATH: '' }, 'linux');
    expect(result.path).toBeUndefined();
    expect(result.error).toBe(
      `CHROME_PATH=${value} is not an executable file: point it at Chrome or Chromium, or unset it.`,
    );
    expect(result.error).not.toContain('\n');
  }
});

it('finds chromium or google-chrome on PATH before the usual places', () => {
  const onPath = file('bin/google-chrome', 0o755);
  file('bin/chromium', 0o644); // not executable: skipped
  expect(findBrowser({ PATH: join(dir, 'bin') }, 'linux')).toEqual({ path: onPath });
});

it('names the fix in one line when nothing is found', () => {
  // Windows places under a folder that has no Chrome: nothing on PATH, nothing there.
  const result = findBrowser({ PATH: '', PROGRAMFILES: join(dir, 'empty') }, 'win32');
  expect(result).toEqual({ error: NO_BROWSER_MESSAGE });
  expect(NO_BROWSER_MESSAGE).toMatch(/apt-get install -y chromium.*CHROME_PATH/);
  expect(NO_BROWSER_MESSAGE).not.toContain('\n');
});
