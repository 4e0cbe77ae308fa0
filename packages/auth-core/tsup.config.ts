import { writeFileSync } from 'node:fs';
import { defineConfig } from 'tsup';
import { baseConfig } from '../../tsup.base';

export default defineConfig({
  ...baseConfig,
  // In Node, `import` gets this file, which re-exports the CommonJS build: `import` and
  // `require` then share one copy of every class, so `instanceof` and `equals()` hold across
  // them (docs/errors.md#error-object). Browsers and other runtimes keep the standalone ESM build.
  async onSuccess() {
    writeFileSync(
      new URL('./dist/node.js', import.meta.url),
      "// Node: re-exports the CommonJS build so ESM and CJS consumers share one copy of each class.\nexport * from './index.cjs';\n",
    );
  },
});
