import type { Options } from 'tsup';

/**
 * The one build shape every package shares: ESM + CJS + .d.ts/.d.cts for Node 20.
 * Source maps map stack traces back to src/ but carry no copy of the sources, so a
 * published tarball is mostly code.
 */
export const baseConfig: Options = {
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  treeshake: true,
  esbuildOptions(options) {
    options.sourcesContent = false;
  },
};

export default baseConfig;
