import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { checkPublishable, checkSameApi } from '../../../test-utils/package-checks';

it('imports by name as ESM and as CJS, with the same public API', () => {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  expect(() =>
    checkSameApi(root, '@mixpanel-data/oauth-pkce', [
      'OAuthFlow',
      'OnDiskTokenResolver',
      'createPkce',
      'parsePastedRedirect',
    ]),
  ).not.toThrow();
});

it('is ready to publish: LICENSE, metadata, engines, and source maps without embedded sources', () => {
  const files = checkPublishable(join(dirname(fileURLToPath(import.meta.url)), '..'));
  expect(files).toEqual(expect.arrayContaining(['LICENSE', 'package.json', 'README.md']));
}, 60_000);
