/**
 * `mp` against a server that drips its body, or answers a huge body or a
 * gzip bomb: a clear one-line error instead of a long wait or gigabytes of
 * memory (docs/http.md#response-size-and-deadline).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { setup } from './helpers';

const NAMES = '/api/query/events/names';

describe('mp inspect events against hostile answers', () => {
  it('a body dripping after prompt headers fails at the deadline (MP_HTTP_TIMEOUT), saying what to do', async () => {
    const t = await setup();
    await t.withTeam();
    const config = readFileSync(t.config);
    // The normal answer, one byte a second: about 40 s without a deadline on the body.
    t.mock.drip(NAMES);
    const result = await t.mp(['-a', 'team', 'inspect', 'events'], {
      env: { MP_HTTP_TIMEOUT: '1' },
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(
      `\nError: HTTP error: the request timed out after 1000 ms (GET ${t.mock.origin}${NAMES}). The deadline covers the headers and the whole body: retry, or allow more time with MP_HTTP_TIMEOUT=SECONDS (the timeoutMs option in code).\n`,
    );
    expect(readFileSync(t.config)).toEqual(config);
  });

  it.each([
    ['a 100 MB body', 100_000_000, undefined],
    ['a 1 GB gzip bomb', 1_000_000_000, 'gzip' as const],
  ])('%s stops at the 64 MiB cap with one clear line, exit 1', async (_name, bytes, encoding) => {
    const t = await setup();
    await t.withTeam();
    t.mock.hugeBody(NAMES, bytes, encoding ? { contentEncoding: encoding } : {});
    const result = await t.mp(['-a', 'team', 'inspect', 'events']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(
      `\nError: The response to GET ${t.mock.origin}${NAMES} is over the 64 MiB limit for a response read whole; reading stopped there. Narrow the request (for example a shorter date range); programs can raise the maxResponseBytes option.\n`,
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('a bad MP_HTTP_TIMEOUT is a configuration error naming the variable', async () => {
    const t = await setup();
    await t.withTeam();
    const result = await t.mp(['inspect', 'events'], { env: { MP_HTTP_TIMEOUT: 'soon' } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      "Configuration error: MP_HTTP_TIMEOUT='soon' is not a number of seconds; set it to a positive number such as 30, or unset it for the default of 120.",
    );
    expect(t.mock.countRequests({ path: NAMES })).toBe(0);
  });
});
