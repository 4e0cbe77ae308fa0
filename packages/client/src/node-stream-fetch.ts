import type { IncomingMessage } from 'node:http';
import { pipeline, type Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { BodyReader } from '@mixpanel-data/auth-core';

/** Response headers as the streamed path reads them; a fetch `Headers` fits. */
export interface ResponseHeaders extends Iterable<[string, string]> {
  /** The value of `name` (any case), repeated values joined with ", "; null when absent. */
  get(name: string): string | null;
  has(name: string): boolean;
}

/** A response whose body is unread, as the streamed path reads it; a fetch `Response` fits. */
export interface StreamAnswer {
  readonly status: number;
  readonly statusText: string;
  readonly headers: ResponseHeaders;
  readonly body: { getReader(): BodyReader; cancel(): Promise<void> } | null;
}

/** What a streamed request sends. */
export interface StreamInit {
  method: string;
  headers: Record<string, string>;
  body?: string | Uint8Array | URLSearchParams;
  signal: AbortSignal;
}

/** Sends one request and resolves when its headers arrive (redirects are never followed). */
export type StreamFetch = (url: string, init: StreamInit) => Promise<StreamAnswer>;

/** The headers of a Node response: names in lower case, sorted (as fetch's `Headers` iterates). */
class MessageHeaders implements ResponseHeaders {
  readonly #values: Map<string, string[]>;
  constructor(message: IncomingMessage) {
    this.#values = new Map(
      Object.entries(message.headersDistinct)
        .filter((entry): entry is [string, string[]] => entry[1] !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    );
  }
  get(name: string): string | null {
    return this.#values.get(name.toLowerCase())?.join(', ') ?? null;
  }
  has(name: string): boolean {
    return this.#values.has(name.toLowerCase());
  }
  *[Symbol.iterator](): Iterator<[string, string]> {
    for (const [name, values] of this.#values) {
      if (name === 'set-cookie') for (const value of values) yield [name, value];
      else yield [name, values.join(', ')];
    }
  }
}

/** A failure of the connection, shaped like fetch's (its cause carries the code and message). */
const connectionError = (message: string, cause: unknown) => new TypeError(message, { cause });

/**
 * The reader of a Node response body: its chunks (Buffers, as they are, never
 * copied), at most one read ahead of the consumer; `cancel()` ends a pending
 * read as done and drops the connection, as a fetch body's reader does.
 */
class MessageReader implements BodyReader {
  readonly #stream: Readable;
  readonly #queue: Uint8Array[] = [];
  #ended = false;
  #error: unknown = null;
  #wake: (() => void) | null = null;

  constructor(stream: Readable) {
    this.#stream = stream;
    const wake = () => {
      const resolve = this.#wake;
      this.#wake = null;
      resolve?.();
    };
    stream.on('data', (chunk: Uint8Array) => {
      this.#queue.push(chunk);
      stream.pause();
      wake();
    });
    stream.on('end', () => {
      this.#ended = true;
      wake();
    });
    stream.on('error', (error) => {
      this.#error ??= connectionError('terminated', error);
      wake();
    });
    stream.on('close', () => {
      if (!this.#ended)
        this.#error ??= connectionError(
          'terminated',
          Object.assign(new Error('the connection closed before the response ended'), {
            code: 'ECONNRESET',
          }),
        );
      wake();
    });
    stream.pause();
  }

  async read(): Promise<{ done: boolean; value?: Uint8Array | undefined }> {
    for (;;) {
      const value = this.#queue.shift();
      if (value) {
        if (!this.#queue.length && !this.#ended) this.#stream.resume();
        return { done: false, value };
      }
      if (this.#ended) return { done: true, value: undefined };
      if (this.#error) throw this.#error;
      this.#stream.resume();
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    }
  }

  async cancel(): Promise<void> {
    this.#queue.length = 0;
    if (!this.#ended) {
      this.#ended = true;
      this.#stream.destroy();
    }
    const resolve = this.#wake;
    this.#wake = null;
    resolve?.();
  }
}

/** Sets `name: value` unless `headers` has `name` in any case. */
function setDefault(headers: Record<string, string>, name: string, value: string): void {
  const lower = name.toLowerCase();
  if (!Object.keys(headers).some((key) => key.toLowerCase() === lower)) headers[name] = value;
}

/** The decoder of a `Content-Encoding` fetch would undo, else null (the bytes pass as they are). */
function decoderFor(encoding: string | undefined) {
  switch (encoding?.trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return createGunzip();
    case 'deflate':
      return createInflate();
    case 'br':
      return createBrotliDecompress();
    default:
      return null;
  }
}

/**
 * A streamed request with `node:http`/`node:https` (docs/http.md#streamed-responses),
 * used when the caller gave no `fetch` of its own: the body arrives as Node
 * Buffers, without the web streams and buffer churn of the platform's fetch
 * (and without loading it). It behaves as `fetch(url, {redirect: 'manual'})`
 * does: the same default `Accept` and `Accept-Encoding` (a compressed body is
 * decoded), a failed connection rejects with a `TypeError` whose `cause` is
 * Node's error, the signal's abort rejects (or ends the body) with its reason.
 */
export const nodeStreamFetch: StreamFetch = (url, init) =>
  new Promise<StreamAnswer>((resolve, reject) => {
    const { signal } = init;
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const headers = { ...init.headers };
    let body = init.body;
    if (body instanceof URLSearchParams) {
      setDefault(headers, 'Content-Type', 'application/x-www-form-urlencoded;charset=UTF-8');
      body = body.toString();
    }
    if (body !== undefined)
      headers['Content-Length'] = String(
        typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength,
      );
    setDefault(headers, 'Accept', '*/*');
    setDefault(headers, 'Accept-Encoding', 'gzip, deflate, br');
    const target = new URL(url);
    // From the built-in module itself, not an ESM import: importing `node:http` as a module
    // reads every export, and on Node 22 and later that loads undici (its WebSocket), the
    // memory this path exists to avoid.
    const send =
      target.protocol === 'https:'
        ? process.getBuiltinModule('node:https').request
        : process.getBuiltinModule('node:http').request;
    const request = send(target, { method: init.method, headers });
    let settled = false;
    const onAbort = () => request.destroy(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    const release = () => signal.removeEventListener('abort', onAbort);
    request.on('error', (error) => {
      release();
      if (settled) return;
      settled = true;
      reject(signal.aborted ? signal.reason : connectionError('request failed', error));
    });
    request.on('response', (message) => {
      settled = true;
      message.on('close', release);
      const decoder = decoderFor(message.headers['content-encoding']);
      const stream: Readable = decoder ? pipeline(message, decoder, () => {}) : message;
      // Listening from the start: a failure of a body not yet read waits for its reader.
      const reader = new MessageReader(stream);
      resolve({
        status: message.statusCode ?? 0,
        statusText: message.statusMessage ?? '',
        headers: new MessageHeaders(message),
        body: { getReader: () => reader, cancel: () => reader.cancel() },
      });
    });
    request.end(body);
  });
