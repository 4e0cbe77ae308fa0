#!/usr/bin/env node
// After tsup: warms a V8 code cache for the bundled program (dist/bin/main.cjs) by running
// a few local commands in a throw-away HOME; bin/mp.cjs loads it. A cache that does not
// fit the Node running `mp` is simply rejected by V8 and ignored.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Local commands whose start-up path the cache covers (a throw-away HOME; no network). */
const WARM_COMMANDS = [
  ['account', 'add', 'team', '--type', 'oauth_browser', '--region', 'us'],
  ['account', 'list', '-f', 'json'],
  ['account', 'list'],
  ['session', '-f', 'json'],
  ['session'],
  ['target', 'list'],
  ['account', 'show', 'team', '-f', 'json'],
  ['--version'],
];

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'bin');

/**
 * Runs in a child process: compile once, run a few local commands one after
 * another (each re-runs the program's top level; V8 keeps what it compiled for
 * the script), then save what V8 compiled. Commands that reach the network are
 * left out: the cache only has to cover what every start-up runs.
 */
const warm = `
const { readFileSync, writeFileSync } = require('node:fs');
const { dirname } = require('node:path');
const vm = require('node:vm');
const [file, cache] = process.argv.slice(1);
const script = new vm.Script('(function (exports, require, module, __filename, __dirname) {' + readFileSync(file, 'utf8') + '\\n})', { filename: file });
const program = script.runInThisContext();
const commands = ${JSON.stringify(WARM_COMMANDS)};
let last;
const runNext = () => {
  if (process.exitCode) {
    process.stderr.write('mp ' + last.join(' ') + ' exited ' + process.exitCode + '\\n');
    process.exit(1);
  }
  const args = (last = commands.shift());
  if (!args) return writeFileSync(cache, script.createCachedData());
  process.argv = [process.argv[0], file, ...args];
  const module_ = { exports: {} };
  program(module_.exports, require, module_, file, dirname(file));
  setTimeout(runNext, 150);
};
runNext();
`;
const home = mkdtempSync(join(tmpdir(), 'mp-warm-'));
try {
  const result = spawnSync(
    process.execPath,
    ['-e', warm, join(bin, 'main.cjs'), join(bin, 'main.cache')],
    {
      env: { PATH: process.env.PATH, HOME: home },
      encoding: 'utf8',
    },
  );
  if (result.status !== 0) throw new Error(`warming the code cache failed: ${result.stderr}`);
  readFileSync(join(bin, 'main.cache'));
} finally {
  rmSync(home, { recursive: true, force: true });
}
