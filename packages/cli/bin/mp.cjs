#!/usr/bin/env node
// The `mp` command: starts the bundled program (dist/bin/main.cjs) quickly.
// - Node >= 22.1: Node's own compile cache (module.enableCompileCache()), kept per Node
//   version in Node's cache directory ($NODE_COMPILE_CACHE, or the system temp dir).
// - Older Node: the V8 code cache that the build warmed, but only when this exact Node
//   version and architecture made it (dist/bin/main-<version>-<arch>.cache).
// - With -v/--verbose/--debug or MP_DEBUG: Node's source-map support, so stack traces
//   name src/ files and lines (through dist/bin/main.cjs.map) instead of bundle offsets.
// Everything else lives in src/; this file only starts it.
'use strict';
const { join } = require('node:path');

const dir = join(__dirname, '..', 'dist', 'bin');
const file = join(dir, 'main.cjs');
const debugValue = (process.env.MP_DEBUG || '').trim();
const verbose =
  process.argv.some((arg) => arg === '-v' || arg === '--verbose' || arg === '--debug') ||
  (debugValue !== '' && !/^(0|false|no|off)$/i.test(debugValue));
const { enableCompileCache } = require('node:module');

function notBuilt() {
  process.stderr.write('mp is not built yet: run `pnpm build` first.\n');
  process.exit(1);
}

if (verbose || typeof enableCompileCache === 'function') {
  if (verbose) process.setSourceMapsEnabled(true);
  if (typeof enableCompileCache === 'function') enableCompileCache();
  try {
    require.resolve(file);
  } catch {
    notBuilt();
  }
  require(file);
} else {
  const { readFileSync } = require('node:fs');
  const vm = require('node:vm');
  let source;
  try {
    source = readFileSync(file, 'utf8');
  } catch {
    notBuilt();
  }
  let cachedData;
  try {
    cachedData = readFileSync(join(dir, `main-${process.version}-${process.arch}.cache`));
  } catch {}
  const wrapped = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
  const script = new vm.Script(wrapped, { filename: file, cachedData });
  const program = { exports: {} };
  script.runInThisContext()(program.exports, require, program, file, dir);
}
