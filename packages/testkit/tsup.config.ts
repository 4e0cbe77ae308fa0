import { defineConfig } from 'tsup';
import { baseConfig } from '../../tsup.base';

export default defineConfig([
  // The library; `dist/bin` belongs to the second build, so this clean keeps it.
  { ...baseConfig, clean: ['!bin/**'] },
  {
    entry: {
      'mp-mock-mixpanel': 'src/bin/mp-mock-mixpanel.ts',
      'mock-browser': 'src/bin/mock-browser.ts',
    },
    outDir: 'dist/bin',
    format: ['esm'],
    banner: { js: '#!/usr/bin/env node' },
    dts: false,
    sourcemap: true,
    clean: true,
    splitting: false,
    target: 'node20',
    treeshake: true,
    esbuildOptions(options) {
      options.sourcesContent = false;
    },
  },
]);
