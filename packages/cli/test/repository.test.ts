/**
 * The repository's layout rules, checked once for every package: no import
 * cycle, a public surface that is exactly what each README documents, and no
 * citation of a document outside the repository.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  documentedNames,
  importCycles,
  missingFileReferences,
  outsideReferences,
} from '../../../test-utils/layout';
import { exportedNames } from '../../../test-utils/package-checks';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const PACKAGES = ['auth-core', 'config-store', 'oauth-pkce', 'bridge', 'client', 'cli', 'testkit'];

describe.each(PACKAGES)('%s', (name) => {
  const root = join(repo, 'packages', name);

  it('has no import cycle among its source files', () => {
    expect(importCycles(root)).toEqual([]);
  });

  it('exports only what its README documents', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    // client re-exports auth-core whole, as its README says: those names are documented there.
    const documented = documentedNames(
      name === 'client'
        ? `${readme}\n${readFileSync(join(repo, 'packages', 'auth-core', 'README.md'), 'utf8')}`
        : readme,
    );
    const { esm } = exportedNames(root, `@mixpanel-data/${name}`);
    expect(esm.filter((exported) => !documented.has(exported))).toEqual([]);
  });
});

describe('the repository explains itself', () => {
  it('cites no document outside the repository (references point into docs/)', () => {
    expect(outsideReferences(repo)).toEqual([]);
  });

  it('names only files that exist when docs/ and the READMEs point at source files', () => {
    expect(missingFileReferences(repo)).toEqual([]);
  });
});
