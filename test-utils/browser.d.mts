/** True for an existing regular file this user may execute. */
export function isExecutableFile(path: string): boolean;

/** The one line printed when no browser can be used (or installed). */
export const NO_BROWSER_MESSAGE: string;

/**
 * The browser to use: `CHROME_PATH` when set (it must be an executable file),
 * else the first Chrome/Chromium on PATH or in the usual places.
 */
export function findBrowser(
  env?: Record<string, string | undefined>,
  platform?: NodeJS.Platform,
): { path: string; error?: undefined } | { path?: undefined; error: string };
