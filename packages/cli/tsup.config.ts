import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';
import { baseConfig } from '../../tsup.base';

const { version } = JSON.parse(
  readFileSync(new URL('./package.json', import.meta.url), 'utf8'),
) as { version: string };
const define = { __MP_VERSION__: JSON.stringify(version) };

export default defineConfig([
  // The library entry (`run`), like every package: ESM + CJS + types. No source maps here:
  // the program's map below (for `mp -v`) is the one worth its size in the tarball.
  { ...baseConfig, define, clean: ['!bin/**'], sourcemap: false },
  // The `mp` program: one self-contained CommonJS file (`dist/bin/main.cjs`), started by the
  // committed launcher `bin/mp.cjs` with Node's compile cache (Node >= 22.1) or the V8 code
  // cache that scripts/finish-bin.mjs warms (older Node). Measured against the ESM build with
  // split chunks it starts about 13 ms faster; the network and OAuth code inside stays
  // unevaluated until a command needs it. Its source map (positions only, no sources) is
  // read only by `mp -v`, for stack traces that name src/ files. What scripts/finish-bin.mjs
  // adds depends on the Node that builds, so turbo.json here keys the build cache on it
  // (pnpm's npm_config_user_agent names the Node version).
  {
    entry: { main: 'src/bin.ts' },
    format: ['cjs'],
    target: 'node20',
    platform: 'node',
    bundle: true,
    splitting: false,
    noExternal: [/.*/],
    minify: true,
    sourcemap: true,
    clean: true,
    define,
    outDir: 'dist/bin',
    // Lazy `import('node:…')` becomes a lazy require: the launcher compiles main.cjs with
    // vm.Script, which has no dynamic-import hook on Node 20.
    esbuildOptions(options) {
      options.supported = { ...options.supported, 'dynamic-import': false };
      options.sourcesContent = false;
    },
  },
]);
