import { InvalidResponseError } from '@mixpanel-data/auth-core';

const NEWLINE = 0x0a;
/** At most this many characters of a bad line are quoted in the error. */
const EXCERPT_LENGTH = 40;

/** Where the lines come from, named in errors. */
export interface NdjsonSource {
  requestMethod: string;
  requestUrl: string;
  statusCode: number;
}

/** `bytes` joined into one array (the rare line that spans chunks). */
function concat(parts: readonly Uint8Array[], length: number): Uint8Array {
  const joined = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    joined.set(part, at);
    at += part.byteLength;
  }
  return joined;
}

/**
 * The values of a newline-delimited JSON body, one per line, parsed as the
 * chunks arrive (docs/http.md#export-events). Each chunk is split at its last
 * newline byte (0x0A never occurs inside a UTF-8 sequence), the complete lines
 * are decoded in one go and parsed; the bytes after the last newline wait for
 * the next chunk. Nothing is read ahead of the consumer beyond the chunk
 * being handed out. Blank lines are skipped. A line that is not JSON — the
 * last one included, cut short without its newline — throws InvalidResponseError
 * naming its line number, with a short escaped excerpt. `source` is read when
 * an error is built, so a caller may fill it in once its request has answered.
 * Leaving early (`break`, `return()`) ends `chunks` too.
 */
export function parseNdjson(
  chunks: AsyncIterable<Uint8Array>,
  source: NdjsonSource,
): AsyncIterableIterator<unknown> {
  return new NdjsonValues(chunks[Symbol.asyncIterator](), source);
}

/**
 * The iterator of `parseNdjson`: a hand-written one, because an async
 * generator costs several promise turns per value and a `for await` over it
 * half the speed of `JSON.parse`; here a value already parsed is handed out in
 * one resolved promise.
 */
class NdjsonValues implements AsyncIterableIterator<unknown> {
  readonly #chunks: AsyncIterator<Uint8Array>;
  readonly #source: NdjsonSource;
  readonly #decoder = new TextDecoder();
  #values: unknown[] = [];
  #index = 0;
  #carry: Uint8Array[] = [];
  #carried = 0;
  #lineNumber = 0;
  #done = false;
  /** The read under way: later `next()` calls wait for it, so no value is lost or reordered. */
  #pending: Promise<IteratorResult<unknown>> | null = null;

  constructor(chunks: AsyncIterator<Uint8Array>, source: NdjsonSource) {
    this.#chunks = chunks;
    this.#source = source;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<unknown>> {
    if (this.#pending) return this.#pending.then(() => this.next());
    if (this.#index < this.#values.length)
      return Promise.resolve({ value: this.#values[this.#index++], done: false });
    if (this.#done) return Promise.resolve({ value: undefined, done: true });
    const read = this.#read().finally(() => {
      this.#pending = null;
    });
    this.#pending = read;
    return read;
  }

  async return(): Promise<IteratorResult<unknown>> {
    this.#finish();
    await this.#chunks.return?.();
    return { value: undefined, done: true };
  }

  #finish(): void {
    this.#done = true;
    this.#values = [];
    this.#index = 0;
  }

  /** Reads chunks until one holds a complete line with a value, or the body ends. */
  async #read(): Promise<IteratorResult<unknown>> {
    try {
      for (;;) {
        const { done, value: chunk } = await this.#chunks.next();
        if (done) {
          this.#done = true;
          if (this.#carried) this.#parse(this.#decoder.decode(concat(this.#carry, this.#carried)));
          this.#carried = 0;
          this.#carry = [];
        } else {
          const last = chunk.lastIndexOf(NEWLINE);
          if (last < 0) {
            this.#carry.push(chunk);
            this.#carried += chunk.byteLength;
            continue;
          }
          const head = chunk.subarray(0, last);
          const bytes = this.#carried
            ? concat([...this.#carry, head], this.#carried + head.byteLength)
            : head;
          this.#carry = last + 1 < chunk.byteLength ? [chunk.subarray(last + 1)] : [];
          this.#carried = chunk.byteLength - last - 1;
          this.#parse(this.#decoder.decode(bytes));
        }
        if (this.#index < this.#values.length)
          return { value: this.#values[this.#index++], done: false };
        if (this.#done) return { value: undefined, done: true };
      }
    } catch (error) {
      // A bad line or a failed body ends the iteration; the body is let go.
      this.#finish();
      await this.#chunks.return?.().catch(() => {});
      throw error;
    }
  }

  /** Parses the complete lines of `text` into the values to hand out. */
  #parse(text: string): void {
    const values: unknown[] = [];
    let start = 0;
    for (;;) {
      const end = text.indexOf('\n', start);
      const line = end < 0 ? text.slice(start) : text.slice(start, end);
      this.#lineNumber += 1;
      if (line.length && (line.charCodeAt(0) === 0x7b || line.trim() !== '')) {
        try {
          values.push(JSON.parse(line));
        } catch {
          throw badLine(line, this.#lineNumber, this.#source);
        }
      }
      if (end < 0) break;
      start = end + 1;
    }
    this.#values = values;
    this.#index = 0;
  }
}

function badLine(line: string, lineNumber: number, source: NdjsonSource): InvalidResponseError {
  const excerpt = JSON.stringify(line.slice(0, EXCERPT_LENGTH)).replace(
    /[\u007f-\u009f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return new InvalidResponseError(
    `Line ${lineNumber} of the response to ${source.requestMethod} ${source.requestUrl.split('?')[0]} is not JSON: ${excerpt}${line.length > EXCERPT_LENGTH ? '…' : ''}. Retry; if it persists, the export is damaged on the server.`,
    { ...source, details: { line: lineNumber } },
  );
}
