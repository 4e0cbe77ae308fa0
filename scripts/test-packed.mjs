#!/usr/bin/env node
// The install a user gets from npm, tried before publishing: `pnpm pack` every
// package, `npm install` the tarballs into an empty folder outside the
// workspace, run `mp --version`, `mp account list` and `mp --help` there (in a
// throw-away HOME), and import each library package from an ESM and a CJS
// file. Run after `pnpm build`. Needs the npm registry for the third-party
// dependencies (ky, valibot, smol-toml, jose).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'mp-packed-'));
const tarballs = join(work, 'tarballs');
const app = join(work, 'app');
const home = join(work, 'home');
mkdirSync(tarballs);
mkdirSync(app);
mkdirSync(home);

/** Library packages and one export each that must be a function or class. */
const LIBRARIES = {
  '@mixpanel-data/auth-core': 'resolveSession',
  '@mixpanel-data/config-store': 'createConfigStore',
  '@mixpanel-data/oauth-pkce': 'OAuthFlow',
  '@mixpanel-data/bridge': 'loadBridge',
  '@mixpanel-data/client': 'Workspace',
  '@mixpanel-data/testkit': 'startMockMixpanel',
};

let checks = 0;
let failures = 0;
function check(label, ok, detail = '') {
  checks += 1;
  if (!ok) failures += 1;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${label}${!ok && detail ? `\n${detail}` : ''}`);
}

try {
  for (const name of readdirSync(join(root, 'packages'))) {
    execFileSync('pnpm', ['pack', '--pack-destination', tarballs], {
      cwd: join(root, 'packages', name),
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
  const files = readdirSync(tarballs).filter((file) => file.endsWith('.tgz'));
  for (const file of files) {
    const bytes = readFileSync(join(tarballs, file)).length;
    console.log(`packed ${file} (${(bytes / 1024).toFixed(1)} kB)`);
  }
  writeFileSync(
    join(app, 'package.json'),
    `${JSON.stringify({ name: 'packed-install-check', private: true }, null, 2)}\n`,
  );
  // The workspace's own .npmrc and node_modules are out of reach here: a user's install.
  execFileSync(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
      ...files.map((file) => join(tarballs, file)),
    ],
    { cwd: app, stdio: ['ignore', 'inherit', 'inherit'] },
  );

  const cliPackage = JSON.parse(
    readFileSync(join(app, 'node_modules', '@mixpanel-data', 'cli', 'package.json'), 'utf8'),
  );
  const mp = (args) =>
    spawnSync(join(app, 'node_modules', '.bin', 'mp'), args, {
      cwd: app,
      env: { PATH: process.env.PATH, HOME: home },
      encoding: 'utf8',
    });
  const version = mp(['--version']);
  check(
    `mp --version prints ${cliPackage.version}`,
    version.status === 0 && version.stdout.trim() === `mp version ${cliPackage.version}`,
    version.stdout + version.stderr,
  );
  const list = mp(['account', 'list']);
  check(
    'mp account list runs in an empty HOME',
    list.status === 0 && /no accounts configured/i.test(list.stdout + list.stderr),
    list.stdout + list.stderr,
  );
  const help = mp(['--help']);
  check(
    'mp --help lists the commands',
    help.status === 0 && help.stdout.includes('Usage: mp') && help.stdout.includes('account list'),
    help.stdout + help.stderr,
  );

  for (const [name, symbol] of Object.entries(LIBRARIES)) {
    const esm = join(app, 'check.mjs');
    const cjs = join(app, 'check.cjs');
    writeFileSync(
      esm,
      `import * as m from '${name}';\nconsole.log(typeof m.${symbol}, Object.keys(m).length);\n`,
    );
    writeFileSync(
      cjs,
      `const m = require('${name}');\nconsole.log(typeof m.${symbol}, Object.keys(m).length);\n`,
    );
    const fromEsm = spawnSync(process.execPath, [esm], { cwd: app, encoding: 'utf8' });
    const fromCjs = spawnSync(process.execPath, [cjs], { cwd: app, encoding: 'utf8' });
    check(
      `${name}: import (ESM) and require (CJS) give the same ${symbol}`,
      fromEsm.status === 0 &&
        fromEsm.stdout.startsWith('function ') &&
        fromEsm.stdout === fromCjs.stdout,
      `ESM: ${fromEsm.stdout}${fromEsm.stderr}\nCJS: ${fromCjs.stdout}${fromCjs.stderr}`,
    );
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
console.log(`packed install: ${checks - failures} passed, ${failures} failed`);
process.exit(failures || !checks ? 1 : 0);
