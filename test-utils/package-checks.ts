/**
 * Checks every package runs on its built output, shared by the packages' own
 * test/ suites (test-only code; not a package).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { transformSync } from 'esbuild';
import ts from 'typescript';

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
 * The sorted names of the values (not types) that the package's type declarations
 * export: what `import * as m` should hold at run time, on every Node version.
 */
export function declaredValueExports(root: string, declarations = 'dist/index.d.ts'): string[] {
  const file = join(root, declarations);
  const program = ts.createProgram([file], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    skipLibCheck: true,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file);
  const moduleSymbol = source && checker.getSymbolAtLocation(source);
  if (!moduleSymbol) throw new Error(`${file} is not a module`);
  return checker
    .getExportsOfModule(moduleSymbol)
    .filter((symbol) => {
      const target =
        symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
      return (target.flags & ts.SymbolFlags.Value) !== 0;
    })
    .map((symbol) => symbol.getName())
    .sort();
}

/**
 * Throws unless the built package, imported by name, has the same exports as
 * ESM and as CJS — exactly the values its type declarations name, so no extra
 * name such as `module.exports` (which `export *` from CommonJS adds on Node 23
 * and later) — including `expected`.
 */
export function checkSameApi(root: string, name: string, expected: readonly string[]): void {
  const { esm, cjs } = exportedNames(root, name);
  if (JSON.stringify(esm) !== JSON.stringify(cjs))
    throw new Error(`ESM and CJS exports of ${name} differ:\n${esm}\n${cjs}`);
  const declared = declaredValueExports(root);
  if (JSON.stringify(esm) !== JSON.stringify(declared))
    throw new Error(
      `${name} exports ${esm.filter((key) => !declared.includes(key)).join(', ') || 'no extra name'} beyond its declarations and lacks ${declared.filter((key) => !esm.includes(key)).join(', ') || 'none'}`,
    );
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

/** Where the repository lives; every package.json points there. */
export const REPOSITORY = 'https://github.com/mixpanel-data/mixpanel-data-ts';

/**
 * Throws unless the package is ready to publish: MIT LICENSE (the root one) in
 * its files, description, keywords, repository, homepage, bugs, a released-style
 * version, `engines.node` >= 20.19, and a tarball that is mostly code: every
 * source map is positions only (no `sourcesContent`) and maps are under half of
 * the packed bytes. Returns the packed file list (`pnpm pack --dry-run`).
 */
export function checkPublishable(root: string): string[] {
  const dir = root.split(/[\\/]/).at(-1)!;
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const problems: string[] = [];
  const expect = (ok: unknown, problem: string) => {
    if (!ok) problems.push(problem);
  };
  expect(pkg.license === 'MIT', 'license is not MIT');
  expect(
    readFileSync(join(root, 'LICENSE'), 'utf8') ===
      readFileSync(join(root, '..', '..', 'LICENSE'), 'utf8'),
    'LICENSE differs from the root LICENSE',
  );
  expect(typeof pkg.description === 'string' && pkg.description.length > 20, 'no description');
  expect(Array.isArray(pkg.keywords) && pkg.keywords.length >= 2, 'no keywords');
  expect(
    pkg.repository?.url === `git+${REPOSITORY}.git` &&
      pkg.repository?.directory === `packages/${dir}`,
    'repository is not this repository and folder',
  );
  expect(pkg.homepage === `${REPOSITORY}/tree/main/packages/${dir}#readme`, 'homepage');
  expect(pkg.bugs?.url === `${REPOSITORY}/issues`, 'bugs');
  expect(/^\d+\.\d+\.\d+$/.test(pkg.version) && pkg.version !== '0.0.0', 'version');
  expect(pkg.engines?.node === '>=20.19', 'engines.node is not >=20.19');
  const packed = JSON.parse(
    execFileSync('pnpm', ['pack', '--dry-run', '--json'], { cwd: root, encoding: 'utf8' }),
  ) as { files: { path: string }[] };
  const files = packed.files.map((file) => file.path);
  expect(files.includes('LICENSE'), 'LICENSE is not packed');
  let maps = 0;
  let total = 0;
  for (const file of files) {
    const text = readFileSync(join(root, file));
    total += text.length;
    if (!file.endsWith('.map')) continue;
    maps += text.length;
    expect(!('sourcesContent' in JSON.parse(text.toString('utf8'))), `${file} embeds sources`);
  }
  expect(maps < total / 2, `source maps are ${Math.round((100 * maps) / total)} % of the tarball`);
  if (problems.length) throw new Error(`${pkg.name}: ${problems.join('; ')}`);
  return files;
}
