#!/usr/bin/env node
// The full kill-point sweep (docs/testkit.md#kill-points): every writer of the built `mp`,
// killed with SIGKILL before each of its file-system changes in turn, then checked.
// `pnpm test` runs only the fast writers (packages/cli/test/kill-points.test.ts);
// CI (.ci/run) runs this after it. Needs a build (`pnpm build`).
// Usage: node scripts/adversarial.mjs [NAME-FILTER]   (exit 1 when any check fails)
import { startMockMixpanel } from '@mixpanel-data/testkit';
import { sweep, WRITERS } from '../test-utils/kill-points.mjs';

const filter = process.argv[2];
const writers = WRITERS.filter((writer) => !filter || writer.name.includes(filter));
if (writers.length === 0) {
  console.error(`adversarial: no writer matches '${filter}'`);
  process.exit(2);
}
const mock = await startMockMixpanel();
const started = performance.now();
let points = 0;
let failed = 0;
try {
  for (const writer of writers) {
    const began = performance.now();
    const result = await sweep(writer, { mock });
    points += result.points;
    failed += new Set(result.failures.map((failure) => failure.k)).size;
    const seconds = ((performance.now() - began) / 1000).toFixed(1);
    console.log(
      `${result.failures.length ? 'FAIL' : 'ok  '} ${writer.name}: ${result.points} kill points (${result.tracedPoints} in the traced run), ` +
        `${result.failures.length} failed, slowest next command ${Math.round(result.slowestNextMs)} ms, ${seconds} s`,
    );
    for (const { k, op, problem } of result.failures)
      console.log(`       k=${k} (${op}): ${problem}`);
  }
} finally {
  await mock.close();
}
const seconds = ((performance.now() - started) / 1000).toFixed(1);
console.log(
  `kill points: ${points - failed} passed, ${failed} failed (${writers.length} writers, ${seconds} s)`,
);
process.exit(failed > 0 ? 1 : 0);
