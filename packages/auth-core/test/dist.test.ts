/**
 * Tests of the built package as users get it: imported by name through its
 * exports map (ESM and CJS, in real Node processes), free of Node built-ins,
 * and bundled for the browser. Run after `pnpm build` (turbo does that).
 */
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import {
  checkPublishable,
  declaredValueExports,
  exportedNames,
  nodeIn,
} from '../../../test-utils/package-checks';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const node = (args: string[]) => nodeIn(root, args);

/** Budgets for the browser bundle (min+gzip bytes). See README "Size" for the figures. */
/**
 * The whole API grows with each feature (header checks, URL redaction, the body readers); what a
 * browser program that only resolves pays is held by the two budgets below.
 */
const FULL_BUDGET = 17_000;
const RESOLVER_PATH_BUDGET = 9_700;
/** The 8 kB, which a consumer of the resolver alone meets (README "Size"). */
const RESOLVE_SESSION_BUDGET = 8_000;

describe('built package', () => {
  it('imports by name as ESM and as CJS, with the same public API', () => {
    const { esm, cjs } = exportedNames(root, '@mixpanel-data/auth-core');
    expect(esm).toEqual(cjs);
    expect(esm).toEqual(
      expect.arrayContaining(['resolveSession', 'Session', 'ConfigError', 'Secret']),
    );
  });

  it('exports exactly the values its type declarations name, on this Node version too', () => {
    // `export *` from the CommonJS build added a name `module.exports` on Node 23+.
    const declared = declaredValueExports(root);
    expect(declared.length).toBeGreaterThan(50);
    const { esm, cjs } = exportedNames(root, '@mixpanel-data/auth-core');
    expect(esm).toEqual(declared);
    expect(cjs).toEqual(declared);
    // The standalone ESM build (browsers, bundlers) has the same names.
    const browser = node([
      '--input-type=module',
      '-e',
      `import * as m from ${JSON.stringify(join(root, 'dist', 'index.js'))}; console.log(JSON.stringify(Object.keys(m).sort()))`,
    ]);
    expect(JSON.parse(browser)).toEqual(declared);
  }, 60_000);

  it('gives `import` and `require` the same classes in Node, so instanceof and equals() hold across them', () => {
    const out = node([
      '--input-type=module',
      '-e',
      [
        "import { createRequire } from 'node:module';",
        "import * as esm from '@mixpanel-data/auth-core';",
        'const cjs = createRequire(import.meta.url)("@mixpanel-data/auth-core");',
        'let caught; try { cjs.resolveSession({}); } catch (e) { caught = e; }',
        "const account = (m) => new m.OAuthBrowserAccount({ name: 'n', region: 'us' });",
        'console.log(JSON.stringify([esm.ConfigError === cjs.ConfigError, caught instanceof esm.ConfigError,',
        ' account(esm).equals(account(cjs)), esm.isAccount(account(cjs))]));',
      ].join('\n'),
    ]);
    expect(JSON.parse(out)).toEqual([true, true, true, true]);
  });

  it('recognises an error thrown by another copy of the package through isInstance', () => {
    // The standalone ESM build (what browsers get) next to the CommonJS build: two copies.
    const out = node([
      '--input-type=module',
      '-e',
      [
        "import { createRequire } from 'node:module';",
        `import * as other from ${JSON.stringify(join(root, 'dist', 'index.js'))};`,
        'const cjs = createRequire(import.meta.url)("@mixpanel-data/auth-core");',
        'let caught; try { cjs.resolveSession({}); } catch (e) { caught = e; }',
        'console.log(JSON.stringify([caught instanceof other.ConfigError, other.ConfigError.isInstance(caught),',
        ' other.MixpanelDataError.isInstance(caught), other.OAuthError.isInstance(caught), caught.name, caught.code]));',
      ].join('\n'),
    ]);
    expect(JSON.parse(out)).toEqual([false, true, true, false, 'ConfigError', 'CONFIG_ERROR']);
  });

  it('has no import of a Node built-in in either build', () => {
    const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
    for (const file of ['dist/index.js', 'dist/index.cjs']) {
      const text = readFileSync(join(root, file), 'utf8');
      const specifiers = [
        ...text.matchAll(/(?:from\s*|import\s*\(\s*|require\s*\(\s*)["']([^"']+)["']/g),
      ].map((match) => match[1]!);
      expect(specifiers.filter((s) => builtins.has(s) || s.startsWith('node:'))).toEqual([]);
      expect(text).not.toMatch(/\bprocess\.|\bBuffer\b/);
    }
  });

  /** min+gzip bytes of a browser bundle of `contents`, built as a consumer's esbuild would. */
  const size = async (contents: string) => {
    const result = await build({
      stdin: { contents, resolveDir: root, loader: 'js' },
      bundle: true,
      minify: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      logLevel: 'silent',
    });
    return gzipSync(result.outputFiles[0]!.contents, { level: 9 }).length;
  };
  const only = (names: string) => `export { ${names} } from '@mixpanel-data/auth-core';`;

  it('bundles for the browser platform within its size budget', async () => {
    const full = await size("export * from '@mixpanel-data/auth-core';");
    const path = await size(only('resolveSession, ConfigView, parseBridge, Session'));
    const resolver = await size(only('resolveSession'));
    console.log(
      `auth-core browser bundle (min+gzip): whole API ${full} B, resolver path ${path} B, resolveSession alone ${resolver} B`,
    );
    expect(full).toBeLessThanOrEqual(FULL_BUDGET);
    expect(path).toBeLessThanOrEqual(RESOLVER_PATH_BUDGET);
    expect(resolver).toBeLessThanOrEqual(RESOLVE_SESSION_BUDGET);
    expect(resolver).toBeLessThan(path);
    expect(path).toBeLessThan(full);
  });

  it('lets a bundler drop the schemas a consumer does not import', async () => {
    // Each valibot schema is built inside a /* @__PURE__ */ call. Without that,
    // importing ConfigError alone pulled every schema and most of valibot (4.4 kB).
    const errorOnly = await size(only('ConfigError'));
    // The body readers bring their two error classes and nothing else (no valibot).
    const readerOnly = await size(only('readResponseText, streamResponseBody'));
    expect(readerOnly).toBeLessThanOrEqual(1_900);
    const sessionOnly = await size(only('Session'));
    const tokensSchema = await size(only('tokensFileSchema'));
    const twoSchemas = await size(only('tokensFileSchema, meResponseSchema'));
    console.log(
      `auth-core tree-shaken (min+gzip): ConfigError ${errorOnly} B, Session ${sessionOnly} B, tokensFileSchema ${tokensSchema} B, body readers ${readerOnly} B`,
    );
    expect(errorOnly).toBeLessThanOrEqual(1_024);
    expect(sessionOnly).toBeLessThanOrEqual(1_600);
    expect(twoSchemas - tokensSchema).toBeGreaterThan(200);
  });
});

it('is ready to publish: LICENSE, metadata, engines, and source maps without embedded sources', () => {
  const files = checkPublishable(join(dirname(fileURLToPath(import.meta.url)), '..'));
  expect(files).toEqual(expect.arrayContaining(['LICENSE', 'package.json', 'README.md']));
}, 60_000);
