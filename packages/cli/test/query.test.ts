/** `mp inspect events`, `mp query segmentation`, and API errors at the terminal (docs/http.md#status-to-error-mapping, docs/errors.md#exit-codes). */
import { readFileSync } from 'node:fs';
import { fnv1a32 } from '@mixpanel-data/testkit';
import { describe, expect, it } from 'vitest';
import { setup } from './helpers';

describe('mp inspect events', () => {
  it('prints the event names of the resolved project, one per line or as JSON', async () => {
    const t = await setup();
    await t.withTeam();
    expect((await t.mp(['inspect', 'events'])).stdout).toBe(
      'Login\nPage View\nPurchase\nSign Up\n',
    );
    expect(
      JSON.parse((await t.mp(['-p', '3018488', 'inspect', 'events', '-f', 'json'])).stdout),
    ).toEqual(['Add to Cart', 'Checkout']);
  });

  it('works with only environment credentials (no config file)', async () => {
    const t = await setup(
      {},
      { MP_OAUTH_TOKEN: 'static-token-abc', MP_PROJECT_ID: '3713224', MP_REGION: 'us' },
    );
    const result = await t.mp(['inspect', 'events', '-f', 'json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toHaveLength(4);
  });

  it.each([
    [429, { retryAfter: '120' }, 5, 'Rate limited:', 'wait 120 seconds'],
    [
      500,
      { json: { error: 'kaboom' } },
      1,
      'Server error (500): Server error: kaboom',
      'probably transient',
    ],
    [403, { json: { error: 'no access' } }, 3, 'Query error: no access', 'permission'],
    [401, { json: { error: 'bad' } }, 2, 'Authentication error:', 'Endpoint: names'],
  ])(
    'a %i from Mixpanel exits %j with one labelled line and a hint',
    async (status, options, code, label, hint) => {
      const t = await setup();
      await t.withTeam();
      if (status === 429)
        t.mock.rateLimit('/api/query/events/names', {
          times: 1,
          retryAfter: (options as { retryAfter: string }).retryAfter,
        });
      else
        t.mock.failWith('/api/query/events/names', status, {
          times: 1,
          ...(options as { json: unknown }),
        });
      const result = await t.mp(['inspect', 'events']);
      expect(result.code).toBe(code);
      expect(result.stderr).toContain(label);
      expect(result.stderr).toContain(hint);
      expect(result.stderr).not.toMatch(/\n\s+at |Authorization|Basic /);
    },
  );

  it('no account at all prints the resolver advice and exits 1', async () => {
    const t = await setup();
    const result = await t.mp(['inspect', 'events']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Configuration error: No account configured.');
    expect(result.stderr).toContain('  - Run `mp login` for guided setup');
  });
});

describe('mp query segmentation', () => {
  it('prints the SegmentationResult as JSON, segmented by a property', async () => {
    const t = await setup();
    await t.withTeam();
    const result = await t.mp([
      'query',
      'segmentation',
      '-e',
      'Sign Up',
      '--from',
      '2024-01-01',
      '--to',
      '2024-01-02',
      '--on',
      'country',
      '-f',
      'json',
    ]);
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(Object.keys(json)).toEqual([
      'event',
      'from_date',
      'to_date',
      'unit',
      'segment_property',
      'total',
      'series',
    ]);
    let total = 0;
    for (const segment of ['US', 'CA'])
      for (const day of ['2024-01-01', '2024-01-02'])
        total += fnv1a32(`Sign Up|${segment}|${day}`) % 1000;
    expect(json).toMatchObject({
      event: 'Sign Up',
      unit: 'day',
      segment_property: 'country',
      total,
    });
    const table = await t.mp([
      'query',
      'segmentation',
      '-e',
      'Sign Up',
      '--from',
      '2024-01-01',
      '--to',
      '2024-01-02',
      '--on',
      'country',
    ]);
    expect(table.stdout.split('\n')[0]).toMatch(/^DATE +CA +US$/);
    expect(table.stdout).toContain(`total: ${total}`);
  });

  it('a missing option is a usage error (exit 2), a bad date exit 3, both before any request', async () => {
    const t = await setup();
    await t.withTeam();
    const noEvent = await t.mp([
      'query',
      'segmentation',
      '--from',
      '2024-01-01',
      '--to',
      '2024-01-02',
    ]);
    expect(noEvent.code).toBe(2);
    expect(noEvent.stderr).toContain("Usage error: Missing option '--event' / '-e'.");
    const noTo = await t.mp(['query', 'segmentation', '-e', 'x', '--from', '2024-01-01']);
    expect(noTo.code).toBe(2);
    expect(noTo.stderr).toContain("Usage error: Missing option '--to'.");
    expect(
      (
        await t.mp([
          'query',
          'segmentation',
          '-e',
          'x',
          '--from',
          '01/01/2024',
          '--to',
          '2024-01-02',
        ])
      ).code,
    ).toBe(3);
    expect(t.mock.countRequests({ path: '/api/query/segmentation' })).toBe(0);
  });
});

describe('mp query segmentation: bad values', () => {
  it('an impossible date or a reversed range is exit 3 with one line naming the value, no request', async () => {
    const t = await setup();
    await t.withTeam();
    const feb30 = await t.mp([
      'query',
      'segmentation',
      '-e',
      'x',
      '--from',
      '2024-02-30',
      '--to',
      '2024-03-01',
    ]);
    expect(feb30.code).toBe(3);
    expect(feb30.stderr).toBe(
      "Invalid argument: Invalid from date '2024-02-30': use a calendar date written YYYY-MM-DD.\n",
    );
    const reversed = await t.mp([
      'query',
      'segmentation',
      '-e',
      'x',
      '--from',
      '2024-03-02',
      '--to',
      '2024-03-01',
    ]);
    expect(reversed.code).toBe(3);
    expect(reversed.stderr).toContain('The from date 2024-03-02 is after the to date 2024-03-01');
    expect(t.mock.countRequests({ path: '/api/query/segmentation' })).toBe(0);
  });
});

describe('many mp processes at once', () => {
  it('20 parallel `mp target add` give 20 targets', async () => {
    const t = await setup();
    await t.withTeam();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        t.mp(['target', 'add', `t${i}`, '-a', 'team', '-p', String(100 + i), '--no-verify']),
      ),
    );
    expect(results.map((r) => r.code)).toEqual(Array(20).fill(0));
    const list = JSON.parse((await t.mp(['target', 'list', '-f', 'json'])).stdout) as {
      name: string;
    }[];
    expect(list.map((target) => target.name).sort()).toEqual(
      Array.from({ length: 20 }, (_, i) => `t${i}`).sort(),
    );
    expect(readFileSync(t.config, 'utf8').match(/^\[targets\./gm)).toHaveLength(20);
  });
});
