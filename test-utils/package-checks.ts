/**
 * Checks every package runs on its built output, shared by the packages' own
 * test/ suites (test-only code; not a package).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { transformSync } from 'esbuild';

/** Runs `node` in the package root, so the package can import itself by name through its exports map. */
export function nodeIn(root: string, args: string[], env: NodeJS.ProcessEnv = process.env): string {
  return execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8', env });
}

/** The sorted export names of the built package, loaded by name as ESM and as CJS in real Node processes. */
export function exportedNames(root: string, name: string): { esm: string[]; cjs: string[] } {
  const esm = nodeIn(root, [
    '--input-type=module',
    '-e',
    `import * as m from '${name}'; console.log(JSON.stringify(Object.keys(m).sort()))`,
  ]);
  const cjs = nodeIn(root, [
    '-e',
    `console.log(JSON.stringify(Object.keys(require('${name}')).sort()))`,
  ]);
  return { esm: JSON.parse(esm), cjs: JSON.parse(cjs) };
}

/**
 * Throws unless the built package, imported by name, has the same exports as
 * ESM and as CJS, including `expected`.
 */
export function checkSameApi(root: string, name: string, expected: readonly string[]): void {
  const { esm, cjs } = exportedNames(root, name);
  if (JSON.stringify(esm) !== JSON.stringify(cjs))
    throw new Error(`ESM and CJS exports of ${name} differ:\n${esm}\n${cjs}`);
  const missing = expected.filter((key) => !esm.includes(key));
  if (missing.length) throw new Error(`${name} does not export ${missing.join(', ')}`);
}

/**
 * Runs the first ```ts block of the package README (types stripped) against
 * the built package and returns its output lines next to the `// → …` lines
 * the README promises.
 */
export function runReadmeExample(
  root: string,
  env: NodeJS.ProcessEnv = process.env,
): { expected: string[]; actual: string[] } {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const example = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!example) throw new Error(`${root}/README.md has no ts example`);
  const expected = [...example.matchAll(/^\/\/ → (.*)$/gm)].map((match) => match[1]!);
  const file = join(root, '.readme-example.mjs');
  writeFileSync(file, transformSync(example, { loader: 'ts', format: 'esm' }).code);
  try {
    return { expected, actual: nodeIn(root, [file], env).trimEnd().split('\n') };
  } finally {
    rmSync(file, { force: true });
  }
}
