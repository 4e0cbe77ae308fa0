import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import {
  checkPublishable,
  declaredValueExports,
  exportedNames,
} from '../../../test-utils/package-checks';

it('imports by name as ESM and as CJS, with the same public API', () => {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  const { esm, cjs } = exportedNames(root, '@mixpanel-data/testkit');
  expect(esm).toEqual(cjs);
  expect(esm).toEqual(declaredValueExports(root));
  expect(esm).toEqual([
    'defaultFixture',
    'exportLine',
    'fnv1a32',
    'redirectFor',
    'simulateBrowser',
    'startMockMixpanel',
  ]);
});

it('is ready to publish: LICENSE, metadata, engines, and source maps without embedded sources', () => {
  const files = checkPublishable(join(dirname(fileURLToPath(import.meta.url)), '..'));
  expect(files).toEqual(expect.arrayContaining(['LICENSE', 'package.json', 'README.md']));
}, 60_000);
