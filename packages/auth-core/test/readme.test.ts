/** Runs the README's example against the built package and checks its `// →` lines. */
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transformSync } from 'esbuild';
import { expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

it('the README example prints what the README says', () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const example = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(example).toBeDefined();
  const expected = [...example!.matchAll(/^\/\/ → (.*)$/gm)].map((match) => match[1]);
  expect(expected.length).toBeGreaterThan(3);
  const file = join(root, '.readme-example.mjs');
  writeFileSync(file, transformSync(example!, { loader: 'ts', format: 'esm' }).code);
  try {
    const output = execFileSync(process.execPath, [file], { cwd: root, encoding: 'utf8' });
    expect(output.trimEnd().split('\n')).toEqual(expected);
  } finally {
    rmSync(file, { force: true });
  }
});
