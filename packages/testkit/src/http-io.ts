/** Request parsing and reply building shared by every route (docs/testkit.md#common-behaviour). */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { createBrotliCompress, createDeflate, createGzip } from 'node:zlib';

/** A request as the routes see it: everything read and parsed up front. */
export interface ParsedRequest {
  method: string;
  path: string;
  /** The query string without `?`, as received. */
  rawQuery: string;
  /** Form-urlencoded rules; the first value wins for repeated keys. */
  query: Record<string, string>;
  /** Lower-cased names; repeated headers joined with `, `. */
  headers: Record<string, string>;
  /** The `Content-Type` without parameters, lower-cased; `""` when absent. */
  mediaType: string;
  rawBody: string;
  /** Parsed JSON, a parsed form object, the text, or `null` when there is no body. */
  body: unknown;
  /** The body's fields when it is `application/x-www-form-urlencoded`, else `null`. */
  form: Record<string, string> | null;
}

/** What a route answers: a response, or `"hang"` (never answer). */
export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Hostile bodies from fault rules (docs/testkit.md#hostile-bodies); absent for every route. */
  stream?: StreamOptions;
}

/** How a fault rule's body is streamed instead of sent in one piece. */
export interface StreamOptions {
  /** Replace `body` with a generated `{"padding":"xx…x"}` of exactly this many bytes. */
  generatedBytes?: number | undefined;
  /** Compress the body and send `Content-Encoding`. */
  encoding?: 'gzip' | 'deflate' | 'br' | undefined;
  /** Send the (compressed) body `chunk_bytes` at a time, pausing `interval_ms` before each chunk. */
  drip?: { chunk_bytes: number; interval_ms: number } | undefined;
  /** Replace `body` with these chunks, generated as they are sent (a route's streamed answer, chunked). */
  source?: (() => Iterable<Buffer>) | undefined;
  /** After this many body bytes, destroy the connection (`reset`) or send nothing more (`hang`). */
  cut?: { after_bytes: number; action: 'reset' | 'hang' } | undefined;
}

export type Outcome = Reply | 'hang';

/** Sets a key as an own property (so `__proto__` from a request cannot touch a prototype). */
function define(target: Record<string, string>, key: string, value: string): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

/** Form-urlencoded text → object; the first value wins for repeated keys. */
export function parseForm(text: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(text)) {
    if (!Object.hasOwn(result, key)) define(result, key, value);
  }
  return result;
}

export async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Parses an incoming request whose body has been read. */
export function parseRequest(request: IncomingMessage, rawBody: string): ParsedRequest {
  const target = request.url ?? '/';
  const queryStart = target.indexOf('?');
  const path = queryStart === -1 ? target : target.slice(0, queryStart);
  const rawQuery = queryStart === -1 ? '' : target.slice(queryStart + 1);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) define(headers, name, Array.isArray(value) ? value.join(', ') : value);
  }
  const mediaType = (headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  let body: unknown = rawBody === '' ? null : rawBody;
  let form: Record<string, string> | null = null;
  if (mediaType === 'application/x-www-form-urlencoded') {
    form = parseForm(rawBody);
    body = form;
  } else if (mediaType === 'application/json' && rawBody !== '') {
    try {
      body = JSON.parse(rawBody);
    } catch {
      body = rawBody;
    }
  }
  return {
    method: request.method ?? 'GET',
    path,
    rawQuery,
    query: parseForm(rawQuery),
    headers,
    mediaType,
    rawBody,
    body,
    form,
  };
}

export function jsonReply(
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): Reply {
  return {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(value),
  };
}

export function htmlReply(status: number, html: string): Reply {
  return { status, headers: { 'Content-Type': 'text/html; charset=utf-8' }, body: html };
}

export function textReply(status: number, text: string): Reply {
  return { status, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: text };
}

export function redirectReply(location: string): Reply {
  return { status: 302, headers: { Location: location }, body: '' };
}

/** App family error body: `{"status": "error", "error": text}`. */
export function appError(status: number, text: string): Reply {
  return jsonReply(status, { status: 'error', error: text });
}

/** Query family error body: `{"request": "<path>?<query>", "error": text}`. */
export function queryError(request: ParsedRequest, status: number, text: string): Reply {
  return jsonReply(status, { request: `${request.path}?${request.rawQuery}`, error: text });
}

export const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' } as const;

/** OAuth JSON error body: `{"error": code, "error_description": text}`. */
export function oauthError(status: number, code: string, description: string): Reply {
  return jsonReply(status, { error: code, error_description: description }, { ...NO_STORE });
}

export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

const PADDING_HEAD = Buffer.from('{"padding":"');
const PADDING_TAIL = Buffer.from('"}');
const FILL = Buffer.alloc(64 * 1024, 'x');

/** `{"padding":"xx…x"}` of exactly `bytes` bytes (at least 14), 64 KiB at a time: never held whole. */
function* paddingBody(bytes: number): Generator<Buffer> {
  yield PADDING_HEAD;
  for (
    let left = bytes - PADDING_HEAD.length - PADDING_TAIL.length;
    left > 0;
    left -= FILL.length
  ) {
    yield left >= FILL.length ? FILL : FILL.subarray(0, left);
  }
  yield PADDING_TAIL;
}

const COMPRESSORS: Record<NonNullable<StreamOptions['encoding']>, () => Transform> = {
  gzip: createGzip,
  deflate: createDeflate,
  br: createBrotliCompress,
};

/**
 * Sends a reply whose body is generated, compressed or dripped, with
 * backpressure: a client that stops reading stops the generator, and one
 * that goes away (or `close()`) ends the pipeline and any pending pause.
 */
async function sendStreamed(response: ServerResponse, reply: Reply, stream: StreamOptions) {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(reply.headers)) headers[name.toLowerCase()] = value;
  const length = stream.generatedBytes ?? Buffer.byteLength(reply.body, 'utf8');
  if (stream.encoding) headers['content-encoding'] ??= stream.encoding;
  else if (!stream.source) headers['content-length'] ??= String(length);
  response.writeHead(reply.status, headers);
  response.flushHeaders();
  const gone = new AbortController();
  response.once('close', () => gone.abort());
  const source = stream.source
    ? stream.source()
    : stream.generatedBytes === undefined
      ? [Buffer.from(reply.body, 'utf8')]
      : paddingBody(stream.generatedBytes);
  if (stream.cut) return sendCut(response, source, stream.cut, gone.signal);
  const stages: (NodeJS.ReadableStream | NodeJS.WritableStream | Transform)[] = [
    Readable.from(source, { objectMode: false }),
  ];
  if (stream.encoding) stages.push(COMPRESSORS[stream.encoding]());
  const { drip } = stream;
  const dripped = drip
    ? async function* (input: AsyncIterable<Buffer>) {
        for await (const chunk of input) {
          for (let at = 0; at < chunk.length; at += drip.chunk_bytes) {
            await sleep(drip.interval_ms, undefined, { signal: gone.signal });
            yield chunk.subarray(at, at + drip.chunk_bytes);
          }
        }
      }
    : null;
  try {
    if (dripped) await pipeline([...stages, dripped, response] as never);
    else await pipeline([...stages, response] as never);
  } catch {
    // The client went away or the mock closed: nothing left to answer.
    response.destroy();
  }
}

/**
 * Sends the first `cut.after_bytes` bytes of `source`, waits until they have
 * left, then destroys the connection (`reset`: the client sees the body end
 * early) or sends nothing more until the client or `close()` ends it (`hang`).
 */
async function sendCut(
  response: ServerResponse,
  source: Iterable<Buffer>,
  cut: NonNullable<StreamOptions['cut']>,
  gone: AbortSignal,
): Promise<void> {
  let left = cut.after_bytes;
  const written = (chunk: Buffer) =>
    new Promise<void>((resolve) => response.write(chunk, () => resolve()));
  for (const chunk of source) {
    if (gone.aborted || left <= 0) break;
    const part = chunk.length > left ? chunk.subarray(0, left) : chunk;
    left -= part.length;
    await written(part);
  }
  if (left > 0 && !gone.aborted) {
    // The whole body was shorter than the cut: it ends normally.
    response.end();
    return;
  }
  if (cut.action === 'reset') response.socket?.destroy();
  // A hang: the connection stays open, silent, until the client or the mock closes it.
}

/** Writes a reply: in one piece with `Content-Length`, or streamed when a fault rule asked for it. */
export async function sendReply(response: ServerResponse, reply: Reply): Promise<void> {
  if (response.destroyed || response.writableEnded) return;
  if (reply.stream) return sendStreamed(response, reply, reply.stream);
  const body = Buffer.from(reply.body, 'utf8');
  response.writeHead(reply.status, { ...reply.headers, 'Content-Length': String(body.length) });
  response.end(body);
}
