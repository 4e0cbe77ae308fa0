/** Request parsing and reply building shared by every route (docs/testkit.md#common-behaviour). */
import type { IncomingMessage } from 'node:http';

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
