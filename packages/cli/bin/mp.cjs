#!/usr/bin/env node
// The `mp` command. It compiles the bundled program (dist/bin/main.cjs) with the V8 code
// cache that the build warmed (dist/bin/main.cache), when this Node accepts it, and runs it
// as a CommonJS module. Everything else lives in src/; this file only starts it quickly.
'use strict';
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const vm = require('node:vm');

const dir = join(__dirname, '..', 'dist', 'bin');
const file = join(dir, 'main.cjs');
let source;
try {
  source = readFileSync(file, 'utf8');
} catch {
  process.stderr.write('mp is not built yet: run `pnpm build` first.\n');
  process.exit(1);
}
let cachedData;
try {
  cachedData = readFileSync(join(dir, 'main.cache'));
} catch {}
const wrapped = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
const script = new vm.Script(wrapped, { filename: file, cachedData });
const program = { exports: {} };
script.runInThisContext()(program.exports, require, program, file, dir);
