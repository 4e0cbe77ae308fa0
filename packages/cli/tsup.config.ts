import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';
import { baseConfig } from '../../tsup.base';

const { version } = JSON.parse(
  readFileSync(new URL('./package.json', import.meta.url), 'utf8'),
) as { version: string };
const define = { __MP_VERSION__: JSON.stringify(version) };

export default defineConfig([
  // The library entry (`run`), like every package: ESM + CJS + types.
  { ...baseConfig, define, clean: ['!bin/**'] },
  // The `mp` binary: one bundled ESM file plus lazily loaded command chunks, for a fast cold start.
  {
    entry: { mp: 'src/bin.ts' },
    format: ['esm'],
    target: 'node20',
    platform: 'node',
    bundle: true,
    splitting: true,
    noExternal: [/.*/],
    minify: true,
    sourcemap: false,
    clean: true,
    define,
    outDir: 'dist/bin',
    banner: {
      js: "#!/usr/bin/env node\nimport { createRequire as __mpRequire } from 'node:module'; const require = __mpRequire(import.meta.url);",
    },
  },
]);
