#!/usr/bin/env node
// First step of `pnpm test`: makes sure the real-browser tests have a Chrome or
// Chromium. It uses CHROME_PATH, or one found on PATH or in the usual places;
// on Debian or Ubuntu, as root (or with password-less sudo), it installs
// Debian's Chromium with apt-get. Otherwise it fails with one line naming the
// fix: no browser test is ever skipped.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { findBrowser, NO_BROWSER_MESSAGE } from '../test-utils/browser.mjs';

const found = findBrowser();
if (found.path) process.exit(0);
if (process.env.CHROME_PATH) fail(found.error);

/** How to run apt-get here, or null when this machine cannot install with it. */
function aptRunner() {
  if (process.platform !== 'linux' || !existsSync('/etc/debian_version')) return null;
  if (spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status !== 0) return null;
  if (process.getuid?.() === 0) return [];
  const sudo = spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' });
  return sudo.status === 0 ? ['sudo', '-n'] : null;
}

function fail(message) {
  console.error(message);
  process.exit(1);
}

const prefix = aptRunner();
if (!prefix) fail(NO_BROWSER_MESSAGE);

console.log('No Chrome or Chromium found: installing Debian’s chromium for the browser tests…');
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
for (const args of [
  ['apt-get', 'update', '-qq'],
  ['apt-get', 'install', '-y', '-qq', '--no-install-recommends', 'chromium'],
]) {
  const [command, ...rest] = [...prefix, ...args];
  const result = spawnSync(command, rest, { env, stdio: ['ignore', 'ignore', 'inherit'] });
  if (result.status !== 0)
    fail(
      `\`${[...prefix, ...args].join(' ')}\` failed (exit ${result.status}): ${NO_BROWSER_MESSAGE}`,
    );
}
const installed = findBrowser();
if (!installed.path) fail(NO_BROWSER_MESSAGE);
console.log(`Installed ${installed.path}.`);
