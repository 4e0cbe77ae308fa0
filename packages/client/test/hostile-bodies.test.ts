/**
 * Answers that drip, or are huge, or are compression bombs: one deadline for
 * headers and body, a cap on decoded bytes (docs/http.md#response-size-and-deadline).
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, NetworkError, ResponseTooLargeError } from '../src/index';
import { errorOf, setup } from './helpers';

const NAMES = '/api/query/events/names';
const MiB = 1024 * 1024;

describe('the deadline covers the body', () => {
  it('a body dripping after prompt headers fails at the deadline as HTTP_ERROR, saying what to do', async () => {
    const t = await setup();
    t.mock.drip(NAMES, { chunkBytes: 1, intervalMs: 1000 });
    const error = await errorOf(t.workspace({ timeoutMs: 300 }).events());
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({
      code: 'HTTP_ERROR',
      reason: 'the request timed out after 300 ms',
      message: `HTTP error: the request timed out after 300 ms (GET ${t.mock.origin}${NAMES}). The deadline covers the headers and the whole body: retry, or allow more time with MP_HTTP_TIMEOUT=SECONDS (the timeoutMs option in code).`,
    });
  });

  it('also on an answer that would be retried (a dripping 503)', async () => {
    const t = await setup();
    t.mock.inject({
      match: { path: NAMES },
      action: 'drip',
      response: { status: 503, json: { error: 'busy' } },
    });
    const error = await errorOf(t.workspace({ timeoutMs: 300 }).events());
    expect(error).toMatchObject({
      code: 'HTTP_ERROR',
      reason: 'the request timed out after 300 ms',
    });
    expect(t.mock.countRequests({ path: NAMES })).toBe(1);
  });

  it('MP_HTTP_TIMEOUT (seconds) sets the default deadline; a bad value is a ConfigError naming it', async () => {
    const t = await setup();
    t.mock.drip(NAMES, { intervalMs: 1000 });
    const env = { ...t.env, MP_HTTP_TIMEOUT: '0.25' };
    const error = await errorOf(t.workspace({ env }).events());
    expect(error).toMatchObject({ reason: 'the request timed out after 250 ms' });
    for (const value of ['soon', '0', '-1', '1e3']) {
      let thrown: unknown;
      try {
        t.workspace({ env: { ...t.env, MP_HTTP_TIMEOUT: value } });
      } catch (caught) {
        thrown = caught;
      }
      expect(thrown).toBeInstanceOf(ConfigError);
      expect(thrown).toMatchObject({
        message: `MP_HTTP_TIMEOUT='${value}' is not a number of seconds; set it to a positive number such as 30, or unset it for the default of 120.`,
        details: { env_var: 'MP_HTTP_TIMEOUT', value },
      });
    }
    // The option wins over the variable.
    t.mock.drip(NAMES, { chunkBytes: 1000, intervalMs: 400 });
    expect(await t.workspace({ env, timeoutMs: 5000 }).events()).toHaveLength(4);
  });

  it("a caller's abort while the body drips is the platform's AbortError, unchanged", async () => {
    const t = await setup();
    t.mock.drip(NAMES, { intervalMs: 1000 });
    const controller = new AbortController();
    const pending = t.workspace().events({ signal: controller.signal });
    setTimeout(() => controller.abort(), 200);
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('the size cap', () => {
  it('a huge body is ResponseTooLargeError at the cap, naming the request and what to do', async () => {
    const t = await setup();
    t.mock.hugeBody(NAMES, 10 * MiB);
    const error = await errorOf(t.workspace({ maxResponseBytes: MiB }).events());
    expect(error).toBeInstanceOf(ResponseTooLargeError);
    expect(error).toMatchObject({
      code: 'RESPONSE_TOO_LARGE',
      maxBytes: MiB,
      statusCode: 200,
      message: `The response to GET ${t.mock.origin}${NAMES} is over the 1 MiB limit for a response read whole; reading stopped there. Narrow the request (for example a shorter date range); programs can raise the maxResponseBytes option.`,
    });
    expect(error.details).toMatchObject({ max_bytes: MiB, request_method: 'GET' });
  });

  it('a 1 GB gzip bomb is stopped at the default 64 MiB, counted after decoding', async () => {
    const t = await setup();
    t.mock.hugeBody(NAMES, 1024 ** 3, { contentEncoding: 'gzip' });
    const error = await errorOf(t.workspace().events());
    expect(error).toMatchObject({ code: 'RESPONSE_TOO_LARGE', maxBytes: 64 * MiB });
  });

  it('applies to error answers and to /me too', async () => {
    const t = await setup();
    t.mock.hugeBody(NAMES, 2 * MiB, { status: 500 });
    const failed = await errorOf(t.workspace({ maxResponseBytes: MiB }).events());
    expect(failed).toMatchObject({ code: 'RESPONSE_TOO_LARGE', statusCode: 500 });
    t.mock.hugeBody('/api/app/me', 2 * MiB, { contentEncoding: 'br' });
    const me = await errorOf(t.workspace({ maxResponseBytes: MiB }).me({ forceRefresh: true }));
    expect(me).toMatchObject({
      code: 'RESPONSE_TOO_LARGE',
      requestUrl: `${t.mock.origin}/api/app/me`,
    });
  });

  it('a compressed answer within the cap reads as before', async () => {
    const t = await setup();
    t.mock.inject({
      match: { path: NAMES },
      response: { status: 200, json: ['Signed Up'], content_encoding: 'gzip' },
    });
    expect(await t.workspace({ maxResponseBytes: 100 }).events()).toEqual(['Signed Up']);
  });
});
