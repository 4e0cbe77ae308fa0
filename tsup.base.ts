import type { Options } from 'tsup';

/** The one build shape every package shares: ESM + CJS + .d.ts/.d.cts for Node 20. */
export const baseConfig: Options = {
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  treeshake: true,
};

export default baseConfig;
