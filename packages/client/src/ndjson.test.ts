import { InvalidResponseError } from '@mixpanel-data/auth-core';
import { describe, expect, it } from 'vitest';
import { parseNdjson } from './ndjson';

const SOURCE = { requestMethod: 'GET', requestUrl: 'http://x/api/2.0/export?a=1', statusCode: 200 };

async function* chunksOf(...parts: (string | Uint8Array)[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield typeof part === 'string' ? new TextEncoder().encode(part) : part;
}

async function collect(parts: (string | Uint8Array)[]): Promise<unknown[]> {
  const values: unknown[] = [];
  for await (const value of parseNdjson(chunksOf(...parts), SOURCE)) values.push(value);
  return values;
}

describe('parseNdjson', () => {
  it('parses lines split anywhere across chunks, a multi-byte character included', async () => {
    const text = '{"a":1}\n{"b":"é€😀"}\n\n{"c":[1,2]}\n';
    const bytes = new TextEncoder().encode(text);
    const expected = [{ a: 1 }, { b: 'é€😀' }, { c: [1, 2] }];
    for (let size = 1; size <= bytes.length; size++) {
      const parts: Uint8Array[] = [];
      for (let at = 0; at < bytes.length; at += size) parts.push(bytes.subarray(at, at + size));
      expect(await collect(parts)).toEqual(expected);
    }
  });

  it('accepts a last line without its newline when it is whole JSON', async () => {
    expect(await collect(['{"a":1}\n{"b', '":2}'])).toEqual([{ a: 1 }, { b: 2 }]);
  });

  it('throws INVALID_RESPONSE naming the line number for a truncated last line', async () => {
    const error = await collect(['{"a":1}\n{"a":2}\n{"a":', '3']).catch((caught) => caught);
    expect(InvalidResponseError.isInstance(error)).toBe(true);
    expect(error.code).toBe('INVALID_RESPONSE');
    expect(error.details.line).toBe(3);
    expect(error.message).toContain(
      'Line 3 of the response to GET http://x/api/2.0/export is not JSON: "{\\"a\\":3"',
    );
  });

  it('quotes at most 40 characters of a bad line, its control characters escaped', async () => {
    const bad = `<html>\u001b[31m${'x'.repeat(100)}secret-tail</html>`;
    const error = await collect(['{"a":1}\n', `${bad}\n`]).catch((caught) => caught);
    expect(error.details.line).toBe(2);
    expect(error.message).not.toContain('secret-tail');
    expect(error.message).not.toContain('\u001b');
    expect(error.message).toContain('\\u001b');
  });

  it('reads no chunk ahead of its consumer', async () => {
    let pulled = 0;
    async function* counted() {
      for (const part of ['{"n":1}\n{"n":2}\n', '{"n":3}\n', '{"n":4}\n']) {
        pulled += 1;
        yield new TextEncoder().encode(part);
      }
    }
    const values = parseNdjson(counted(), SOURCE);
    await values.next();
    await values.next();
    expect(pulled).toBe(1);
    await values.next();
    expect(pulled).toBe(2);
    await values.return?.(undefined);
    expect(values.return).toBeTypeOf('function');
  });

  it('hands out values in order to next() calls made before the first resolves', async () => {
    const values = parseNdjson(chunksOf('{"n":1}\n', '{"n":2}\n{"n":3}\n'), SOURCE);
    const results = await Promise.all([values.next(), values.next(), values.next(), values.next()]);
    expect(results).toEqual([
      { value: { n: 1 }, done: false },
      { value: { n: 2 }, done: false },
      { value: { n: 3 }, done: false },
      { value: undefined, done: true },
    ]);
  });

  it('ends its chunk source when the consumer leaves early or a line is bad', async () => {
    let finished = 0;
    async function* source(parts: string[]) {
      try {
        for (const part of parts) yield new TextEncoder().encode(part);
      } finally {
        finished += 1;
      }
    }
    for await (const _ of parseNdjson(source(['{"n":1}\n', '{"n":2}\n', '{"n":3}\n']), SOURCE))
      break;
    expect(finished).toBe(1);
    await expect(
      collectFrom(parseNdjson(source(['{"n":1}\nnot json\n', '{"n":3}\n']), SOURCE)),
    ).rejects.toMatchObject({ code: 'INVALID_RESPONSE', details: { line: 2 } });
    expect(finished).toBe(2);
  });
});

async function collectFrom(values: AsyncIterable<unknown>): Promise<unknown[]> {
  const all: unknown[] = [];
  for await (const value of values) all.push(value);
  return all;
}
