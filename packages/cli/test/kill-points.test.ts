/**
 * Kill points, the fast writers (docs/testkit.md#kill-points): the built `mp`
 * is killed with SIGKILL before each of its file-system changes in turn; after
 * every kill each file is its old or its new content, the next command
 * succeeds promptly, and it leaves no temp file or lock behind.
 * `node scripts/adversarial.mjs` sweeps every writer.
 */
import { type MockMixpanel, startMockMixpanel } from '@mixpanel-data/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sweep, WRITERS } from '../../../test-utils/kill-points.mjs';

let mock: MockMixpanel;
beforeAll(async () => {
  mock = await startMockMixpanel();
});
afterAll(() => mock.close());

const fast = WRITERS.filter((writer) => writer.fast);

it('runs at least two writers here', () => {
  expect(fast.map((writer) => writer.name)).toEqual([
    'config.toml (mp project use)',
    'bridge file (mp account export-bridge)',
  ]);
});

it.each(fast.map((writer) => [writer.name, writer] as const))(
  '%s: a kill before any file-system change leaves old-or-new files that the next command can use',
  async (_name, writer) => {
    const result = await sweep(writer, { mock });
    expect(result.failures).toEqual([]);
    // every change was a kill point, and the unkilled run made as many as the sweep found
    expect(result.points).toBeGreaterThanOrEqual(5);
    expect(result.points).toBe(result.tracedPoints);
  },
);
