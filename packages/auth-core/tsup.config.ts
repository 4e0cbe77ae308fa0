import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { defineConfig } from 'tsup';
import { baseConfig } from '../../tsup.base';

export default defineConfig({
  ...baseConfig,
  // In Node, `import` gets this file, which re-exports the CommonJS build: `import` and
  // `require` then share one copy of every class, so `instanceof` and `equals()` hold across
  // them (docs/errors.md#error-object). Browsers and other runtimes keep the standalone ESM build.
  // The names are listed one by one: `export *` from a CommonJS file also exports a name
  // `module.exports` on Node 23 and later, which the ESM build does not have.
  async onSuccess() {
    const require = createRequire(import.meta.url);
    const file = require.resolve('./dist/index.cjs');
    delete require.cache[file];
    const names = Object.keys(require(file)).sort();
    writeFileSync(
      new URL('./dist/node.js', import.meta.url),
      `// Node: re-exports the CommonJS build so ESM and CJS consumers share one copy of each class.\nexport {\n${names.map((name) => `  ${name},`).join('\n')}\n} from './index.cjs';\n`,
    );
  },
});
