#!/usr/bin/env node
// After tsup, on a Node without `module.enableCompileCache()` (before 22.1): warms a V8 code
// cache for the bundled program (dist/bin/main.cjs) by running a few local commands in a
// throw-away HOME. bin/mp.cjs loads it only under the same Node version and architecture
// (the file is named after them); Node 22.1 and later use Node's own compile cache instead.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import module from 'node:module';
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
if (typeof module.enableCompileCache === 'function') process.exit(0);
const cacheFile = join(bin, `main-${process.version}-${process.arch}.cache`);

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
  const result = spawnSync(process.execPath, ['-e', warm, join(bin, 'main.cjs'), cacheFile], {
    env: { PATH: process.env.PATH, HOME: home },
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`warming the code cache failed: ${result.stderr}`);
  readFileSync(cacheFile);
} finally {
  rmSync(home, { recursive: true, force: true });
}
