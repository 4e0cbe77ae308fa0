import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { exportedNames } from '../../../test-utils/package-checks';

it('imports by name as ESM and as CJS, with the same public API', () => {
  const { esm, cjs } = exportedNames(
    join(dirname(fileURLToPath(import.meta.url)), '..'),
    '@mixpanel-data/cli',
  );
  expect(esm).toEqual(cjs);
  expect(esm).toEqual(expect.arrayContaining(['run', 'COMMANDS', 'classify', 'EXIT']));
});
