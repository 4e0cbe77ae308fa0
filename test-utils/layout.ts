/**
 * Layout rules of the repository, checked by each package's test/layout.test.ts
 * (test-only code; not a package).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** Every .ts file under `dir` (tests included: a cycle through a test helper is still a cycle). */
function sourceFiles(dir: string): string[] {
  const files: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) files.push(...sourceFiles(path));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) files.push(path);
  }
  return files;
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+'(\.{1,2}\/[^']+)'/g;
const DYNAMIC = /import\(\s*'(\.{1,2}\/[^']+)'\s*\)/g;

/** The relative imports of one file, resolved to files. */
function importsOf(file: string, known: Set<string>): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const pattern of [IMPORT, DYNAMIC]) {
    for (const match of text.matchAll(pattern)) {
      const base = resolve(dirname(file), match[1]!);
      const target = [`${base}.ts`, join(base, 'index.ts'), base].find((path) => known.has(path));
      if (target) found.push(target);
    }
  }
  return found;
}

/**
 * The import cycles among a package's source files (relative imports,
 * static and dynamic), each as the list of files on it, relative to `root`.
 * Empty when the module graph is a DAG.
 */
export function importCycles(root: string, dir = 'src'): string[][] {
  const files = sourceFiles(join(root, dir));
  const known = new Set(files);
  const graph = new Map(files.map((file) => [file, importsOf(file, known)]));
  const cycles: string[][] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string) => {
    state.set(file, 'visiting');
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'visiting') {
        cycles.push(stack.slice(stack.indexOf(next)).map((path) => relative(root, path)));
      } else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of files) if (!state.has(file)) visit(file);
  return cycles;
}

/** A citation of a document that is not in the repository (the pre-repository spec set). */
const OUTSIDE =
  /\bspecs? \d{2}\b|\bspecs? §|(?<!RFC \d+ )§\s*\d|\.\.\/shared\b|shared\/spec\b|spec\/\d{2}-/i;
const SKIP = new Set(['node_modules', 'dist', '.git', '.turbo', 'coverage']);

/**
 * Every line of the repository's own text files that cites a document
 * outside the repository, as `path:line: text`. The repository explains
 * itself in docs/; references point there.
 */
export function outsideReferences(repoRoot: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      if (SKIP.has(name)) continue;
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.(ts|mts|cts|js|mjs|cjs|md|json|ya?ml|sh)$|^run$/.test(name)) {
        if (name === 'pnpm-lock.yaml' || name.startsWith('.vitest-report')) continue;
        readFileSync(path, 'utf8')
          .split('\n')
          .forEach((line, index) => {
            if (OUTSIDE.test(line))
              found.push(`${relative(repoRoot, path)}:${index + 1}: ${line.trim()}`);
          });
      }
    }
  };
  walk(repoRoot);
  return found;
}

/**
 * Paths of the repository's own files (`packages/…/src/x.ts`, `test-utils/…`,
 * `bench/…`, `scripts/…`) that docs/ and the READMEs name but that do not
 * exist: a renamed or folded file leaves such a reference behind.
 */
export function missingFileReferences(repoRoot: string): string[] {
  const documents = [
    ...readdirSync(join(repoRoot, 'docs')).map((name) => join('docs', name)),
    'README.md',
    ...readdirSync(join(repoRoot, 'packages')).map((name) => join('packages', name, 'README.md')),
  ].filter((path) => path.endsWith('.md'));
  const missing: string[] = [];
  const named =
    /\b(?:packages\/[a-z-]+\/(?:src|test|bin)|test-utils|bench|scripts)\/[\w./-]*\w\.(?:ts|mts|cts|mjs|cjs|js)\b/g;
  for (const document of documents) {
    const text = readFileSync(join(repoRoot, document), 'utf8');
    for (const match of text.matchAll(named)) {
      // A package README names its own files relative to the repository root too.
      if (!existsSync(join(repoRoot, match[0]))) missing.push(`${document}: ${match[0]}`);
    }
  }
  return [...new Set(missing)];
}

/**
 * Every identifier a README names in inline code (`name`, `name(…)`,
 * `name.x`), and every name its examples import. Fenced blocks are read for
 * their imports only.
 */
export function documentedNames(readme: string): Set<string> {
  const names = new Set<string>();
  const fences = /```[\s\S]*?```/g;
  for (const block of readme.matchAll(fences)) {
    for (const imported of block[0].matchAll(/import\s*(?:type\s*)?\{([^}]*)\}/g)) {
      for (const word of imported[1]!.matchAll(/[A-Za-z_$][\w$]*/g)) names.add(word[0]);
    }
  }
  for (const match of readme.replace(fences, '').matchAll(/`([^`]+)`/g)) {
    for (const word of match[1]!.matchAll(/[A-Za-z_$][\w$]*/g)) names.add(word[0]);
  }
  return names;
}
