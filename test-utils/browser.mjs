// Finds the Chrome or Chromium that the real-browser tests drive. Shared by
// scripts/ensure-browser.mjs (run first by `pnpm test`) and
// packages/cli/test/browser.test.ts, so both pick the same executable.
import { accessSync, constants, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

/** Executable names looked up on PATH, in order. */
const NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable', 'chrome'];

/** Where Chrome and Chromium usually live, by platform, after PATH. */
function usualPaths(platform, env) {
  if (platform === 'darwin') {
    const apps = ['/Applications', join(homedir(), 'Applications')];
    return apps.flatMap((dir) => [
      join(dir, 'Google Chrome.app', 'Contents', 'MacOS', 'Google Chrome'),
      join(dir, 'Chromium.app', 'Contents', 'MacOS', 'Chromium'),
    ]);
  }
  if (platform === 'win32') {
    return [env.PROGRAMFILES, env['PROGRAMFILES(X86)'], env.LOCALAPPDATA]
      .filter(Boolean)
      .map((dir) => join(dir, 'Google', 'Chrome', 'Application', 'chrome.exe'));
  }
  return [
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
    '/usr/bin/google-chrome-stable',
    '/opt/google/chrome/chrome',
    '/snap/bin/chromium',
  ];
}

/** True for an existing regular file this user may execute. */
export function isExecutableFile(path) {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The one line printed when no browser can be used (or installed). */
export const NO_BROWSER_MESSAGE =
  'The browser tests need Chrome or Chromium and none was found: install one (Debian/Ubuntu: sudo apt-get install -y chromium) or set CHROME_PATH to its executable.';

/**
 * The browser to use: `CHROME_PATH` when set (it must be an executable file),
 * else the first Chrome/Chromium on PATH or in the usual places.
 * Returns `{ path }`, or `{ error }` with one line naming the fix.
 */
export function findBrowser(env = process.env, platform = process.platform) {
  if (env.CHROME_PATH) {
    return isExecutableFile(env.CHROME_PATH)
      ? { path: env.CHROME_PATH }
      : {
          error: `CHROME_PATH=${env.CHROME_PATH} is not an executable file: point it at Chrome or Chromium, or unset it.`,
        };
  }
  const suffix = platform === 'win32' ? '.exe' : '';
  const onPath = (env.PATH ?? '')
    .split(delimiter)
    .filter(Boolean)
    .flatMap((dir) => NAMES.map((name) => join(dir, name + suffix)));
  for (const path of [...onPath, ...usualPaths(platform, env)])
    if (isExecutableFile(path)) return { path };
  return { error: NO_BROWSER_MESSAGE };
}
