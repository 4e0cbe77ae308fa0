import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { NetworkError, ResponseTooLargeError } from './errors';
import { readResponseText, streamResponseBody } from './response-body';

const MiB = 1024 * 1024;

/** A body that serves `chunks` (then ends, or stalls when `stall`), recording how much was pulled and whether it was cancelled. */
function body(chunks: Iterable<Uint8Array>, { stall = false } = {}) {
  const seen = { pulled: 0, cancelled: false };
  const iterator = chunks[Symbol.iterator]();
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = iterator.next();
      if (next.done) {
        if (stall) return new Promise<void>(() => {});
        controller.close();
        return;
      }
      seen.pulled += next.value.byteLength;
      controller.enqueue(next.value);
    },
    cancel() {
      seen.cancelled = true;
    },
  });
  return { response: new Response(stream), seen };
}

function* endless(chunkBytes: number) {
  const chunk = new Uint8Array(chunkBytes).fill(0x78);
  for (;;) yield chunk;
}

const bytes = (text: string) => new TextEncoder().encode(text);

describe('readResponseText (docs/http.md#response-size-and-deadline)', () => {
  it('returns the whole text, decoding UTF-8 split across chunks', async () => {
    const euro = bytes('["€"]');
    const { response } = body([euro.subarray(0, 3), euro.subarray(3)]);
    expect(await readResponseText(response, { maxBytes: 100 })).toBe('["€"]');
  });

  it('accepts a body of exactly maxBytes and reads an absent body as ""', async () => {
    expect(await readResponseText(body([bytes('12345')]).response, { maxBytes: 5 })).toBe('12345');
    expect(await readResponseText(new Response(null), { maxBytes: 5 })).toBe('');
  });

  it('stops at the cap and cancels the body: ResponseTooLargeError naming the request and the limit', async () => {
    const { response, seen } = body(endless(64 * 1024));
    const error = await readResponseText(response, {
      maxBytes: MiB,
      requestMethod: 'GET',
      requestUrl: 'https://mixpanel.com/api/query/events/names?project_id=1',
      statusCode: 200,
      fix: 'Narrow the request (a shorter date range).',
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ResponseTooLargeError);
    expect(error).toMatchObject({
      code: 'RESPONSE_TOO_LARGE',
      maxBytes: MiB,
      statusCode: 200,
      reason: 'the response body is over the 1 MiB limit',
      message:
        'The response to GET https://mixpanel.com/api/query/events/names is over the 1 MiB limit for a response read whole; reading stopped there. Narrow the request (a shorter date range).',
      details: {
        max_bytes: MiB,
        status_code: 200,
        request_method: 'GET',
        request_url: 'https://mixpanel.com/api/query/events/names?project_id=1',
      },
    });
    expect(seen.cancelled).toBe(true);
    expect(seen.pulled).toBeLessThanOrEqual(MiB + 3 * 64 * 1024);
  });

  it('counts decoded bytes, so a small gzip that inflates to 64 MiB stops at the cap', async () => {
    const bomb = gzipSync(new Uint8Array(64 * MiB));
    expect(bomb.length).toBeLessThan(MiB);
    const { response, seen } = body([bomb]);
    const inflated = new Response(response.body!.pipeThrough(new DecompressionStream('gzip')));
    const error = await readResponseText(inflated, { maxBytes: 4 * MiB }).catch(
      (caught: unknown) => caught,
    );
    expect(ResponseTooLargeError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/^The response is over the 4 MiB limit/);
    expect((error as Error).message).toMatch(/Narrow the request\.$/);
    expect(seen.pulled).toBe(bomb.length);
  });

  it('ends a dripping body when the signal aborts, with the signal reason, and cancels it', async () => {
    const { response, seen } = body([bytes('[')], { stall: true });
    const controller = new AbortController();
    const reading = readResponseText(response, { maxBytes: MiB, signal: controller.signal });
    setTimeout(() => controller.abort(new DOMException('deadline', 'TimeoutError')), 20);
    await expect(reading).rejects.toMatchObject({ name: 'TimeoutError', message: 'deadline' });
    expect(seen.cancelled).toBe(true);
    const late = readResponseText(body([bytes('[]')]).response, {
      maxBytes: MiB,
      signal: AbortSignal.abort(new Error('already')),
    });
    await expect(late).rejects.toThrow('already');
  });
});

describe('streamResponseBody', () => {
  const request = { requestMethod: 'GET', requestUrl: 'https://data.mixpanel.com/api/2.0/export' };

  it('yields every chunk with no size cap', async () => {
    let total = 0;
    const chunks = Array.from({ length: 40 }, () => new Uint8Array(MiB));
    for await (const chunk of streamResponseBody(body(chunks).response, {
      idleMs: 5000,
      ...request,
    })) {
      total += chunk.byteLength;
    }
    expect(total).toBe(40 * MiB);
  });

  it('fails with NetworkError when no chunk arrives within idleMs, and cancels the body', async () => {
    const { response, seen } = body([bytes('{"event":1}\n')], { stall: true });
    const received: string[] = [];
    const error = await (async () => {
      for await (const chunk of streamResponseBody(response, {
        idleMs: 50,
        requestMethod: 'GET',
        requestUrl: 'https://data.mixpanel.com/api/2.0/export?from_date=2024-01-01',
      })) {
        received.push(new TextDecoder().decode(chunk));
      }
    })().catch((caught: unknown) => caught);
    expect(received).toEqual(['{"event":1}\n']);
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({
      code: 'HTTP_ERROR',
      reason: 'the response stalled: no data for 50 ms',
      message:
        'HTTP error: the response stalled: no data for 50 ms (GET https://data.mixpanel.com/api/2.0/export). Retry; the server or the network stopped sending.',
    });
    expect(seen.cancelled).toBe(true);
  });

  it('cancels the body when the consumer stops early', async () => {
    const { response, seen } = body(endless(1024));
    for await (const _chunk of streamResponseBody(response, { idleMs: 5000, ...request })) break;
    expect(seen.cancelled).toBe(true);
  });
});
