import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { checkPublishable, checkSameApi } from '../../../test-utils/package-checks';

it('imports by name as ESM and as CJS, with the same public API', () => {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  expect(() =>
    checkSameApi(root, '@mixpanel-data/cli', ['run', 'COMMANDS', 'classify', 'EXIT']),
  ).not.toThrow();
});

it('is ready to publish: LICENSE, metadata, engines, and source maps without embedded sources', () => {
  const files = checkPublishable(join(dirname(fileURLToPath(import.meta.url)), '..'));
  expect(files).toEqual(expect.arrayContaining(['LICENSE', 'package.json', 'README.md']));
}, 60_000);

it('publishes no dependency: the `mp` bundle needs nothing but Node built-ins at run time', () => {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  expect(pkg.dependencies ?? {}).toEqual({});
  const bundle = readFileSync(join(root, 'dist', 'bin', 'main.cjs'), 'utf8');
  const required = new Set(
    [...bundle.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)].map((match) => match[1]!),
  );
  expect(required.size).toBeGreaterThan(3);
  const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
  expect([...required].filter((name) => !builtins.has(name))).toEqual([]);
});
