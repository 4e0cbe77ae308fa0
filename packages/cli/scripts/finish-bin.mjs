#!/usr/bin/env node
// After tsup: warms a V8 code cache for the bundled program (dist/bin/main.cjs) by running
// one local command (`mp account list`) in a throw-away HOME; bin/mp.cjs loads it. A cache
// that does not fit the Node running `mp` is simply rejected by V8 and ignored.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'bin');

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
