#!/usr/bin/env node
// After tsup: writes the `mp` launcher next to the bundled program and warms a V8 code
// cache for it by running one local command (`mp account list`) in a throw-away HOME.
// A cache that does not fit the Node running `mp` is simply rejected by V8 and ignored.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'bin');

/** The launcher: compile main.cjs with the cached code when V8 accepts it, then run it as a CommonJS module. */
const launcher = `#!/usr/bin/env node
'use strict';
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const vm = require('node:vm');
const file = join(__dirname, 'main.cjs');
let cachedData;
try {
  cachedData = readFileSync(join(__dirname, 'main.cache'));
} catch {}
const wrapped = '(function (exports, require, module, __filename, __dirname) {' + readFileSync(file, 'utf8') + '\\n})';
const script = new vm.Script(wrapped, { filename: file, cachedData });
const module_ = { exports: {} };
script.runInThisContext()(module_.exports, require, module_, file, __dirname);
`;
writeFileSync(join(bin, 'mp.cjs'), launcher);
chmodSync(join(bin, 'mp.cjs'), 0o755);

/** Runs in a child process: compile, run one command, then save what V8 compiled. */
const warm = `
const { readFileSync, writeFileSync } = require('node:fs');
const vm = require('node:vm');
const [file, cache] = process.argv.slice(1);
const script = new vm.Script('(function (exports, require, module, __filename, __dirname) {' + readFileSync(file, 'utf8') + '\\n})', { filename: file });
process.argv = [process.argv[0], file, 'account', 'list', '-f', 'json'];
const module_ = { exports: {} };
script.runInThisContext()(module_.exports, require, module_, file, require('node:path').dirname(file));
process.on('beforeExit', () => writeFileSync(cache, script.createCachedData()));
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
