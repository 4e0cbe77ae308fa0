import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { expect, it } from 'vitest';
import { checkPublishable, checkSameApi } from '../../../test-utils/package-checks';
import { tempHome } from './helpers';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

it('imports by name as ESM and as CJS, with the same public API', () => {
  expect(() =>
    checkSameApi(root, '@mixpanel-data/config-store', [
      'createConfigStore',
      'createTokenStore',
      'withLock',
      'readPrivateFile',
    ]),
  ).not.toThrow();
});

it('a worker thread writes past a leftover temp file of its old fixed name', async () => {
  const { home } = tempHome();
  const file = join(home, 'config.toml');
  // Temp names were `<name>.tmp.<pid>.<threadId>`: a leftover of that name used to fail every write (EEXIST).
  const worker = new Worker(
    `const { parentPort, threadId } = require('node:worker_threads');
     const { writeFileSync } = require('node:fs');
     const { writePrivateFileAtomic } = require(${JSON.stringify(join(root, 'dist', 'index.cjs'))});
     const file = ${JSON.stringify(file)};
     writeFileSync(file + '.tmp.' + process.pid + '.' + threadId, 'stale');
     let first = 'written';
     try { writePrivateFileAtomic(file, 'from worker ' + threadId); } catch (error) { first = error.code; }
     parentPort.postMessage({ first, threadId });`,
    { eval: true },
  );
  const result = await new Promise<{ first: string; threadId: number }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  await worker.terminate();
  expect(result.threadId).toBeGreaterThan(0);
  expect(result.first).toBe('written');
  expect(readFileSync(file, 'utf8')).toBe(`from worker ${result.threadId}`);
});

it('is ready to publish: LICENSE, metadata, engines, and source maps without embedded sources', () => {
  const files = checkPublishable(join(dirname(fileURLToPath(import.meta.url)), '..'));
  expect(files).toEqual(expect.arrayContaining(['LICENSE', 'package.json', 'README.md']));
}, 60_000);
