import { readFile } from 'node:fs/promises';
import {
  ArgumentError,
  isHeaderName,
  isHeaderValue,
  type StreamedResponse,
} from '@mixpanel-data/client';
import { UsageError } from '../args';
import type { Handler } from '../context';
import { EXIT } from '../exit-codes';
import { bodyWriter, type Io, out, statusLine } from '../io';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
/** The progress line is rewritten at most this often. */
const PROGRESS_EVERY_MS = 200;

type Fields = { params: Record<string, string>; json: Record<string, unknown> };

/**
 * `-F key=value` (a string) and `-F key:=JSON` (a typed value, checked as
 * JSON): query parameters for GET, the fields of a JSON body otherwise
 * (docs/cli.md#mp-api). A repeated key: the last wins.
 */
function parseFields(fields: readonly string[]): Fields {
  const params: Record<string, string> = {};
  const json: Record<string, unknown> = {};
  for (const field of fields) {
    const match = /^([^=:]+)(:?=)([\s\S]*)$/.exec(field);
    if (!match) {
      throw new UsageError(
        `Invalid -F '${field}': write key=value for a string or key:=JSON for a typed value.`,
      );
    }
    const [, key, operator, text] = match as unknown as [string, string, string, string];
    if (operator === '=') {
      params[key] = text;
      json[key] = text;
      continue;
    }
    try {
      json[key] = JSON.parse(text);
    } catch {
      throw new ArgumentError(
        `Invalid -F ${key}:=… : the value is not JSON. Quote a string as key=value, or give JSON such as ${key}:=42 or ${key}:='["a","b"]'.`,
        { argumentNames: ['field'] },
      );
    }
    params[key] = text;
  }
  return { params, json };
}

/**
 * `-H 'Name: value'`: a valid header name and a one-line value. `Authorization`
 * is refused: `mp api` sends the resolved account's credentials itself, and a
 * token typed on the command line would land in the shell's history.
 */
function parseHeaders(lines: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    const name = colon < 0 ? line : line.slice(0, colon).trim();
    if (colon < 0 || !isHeaderName(name)) {
      throw new UsageError(
        `Invalid -H: write 'Name: value' with a header name of letters, digits and '-'.`,
      );
    }
    if (name.toLowerCase() === 'authorization') {
      throw new UsageError(
        '-H cannot set Authorization: mp api sends the credentials of the resolved account. Choose another account with -a NAME.',
      );
    }
    const value = line.slice(colon + 1).trim();
    if (!isHeaderValue(value)) {
      throw new UsageError(
        `Invalid -H '${name}': the value contains a line break or another character not allowed in an HTTP header. Pass one line of plain text.`,
      );
    }
    headers[name] = value;
  }
  return headers;
}

/** The body of `--input FILE` (or `-` for standard input), read whole. */
async function readInput(io: Io, source: string): Promise<Uint8Array> {
  if (source === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of io.stdin) chunks.push(Buffer.from(chunk as Buffer));
    return Buffer.concat(chunks);
  }
  try {
    return await readFile(source);
  } catch (error) {
    throw new ArgumentError(
      `Cannot read --input ${source}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}. Give a readable file, or - for standard input.`,
      { argumentNames: ['input'] },
    );
  }
}

const megabytes = (bytes: number) => `${(bytes / 1_000_000).toFixed(1)} MB`;

/** `mp api [METHOD] PATH`: any Mixpanel endpoint with the resolved session, streamed to stdout. */
export const api: Handler = async (context) => {
  const { io } = context;
  const [first, second] = context.positionals;
  const method = (second === undefined ? undefined : first!.toUpperCase()) as
    | (typeof METHODS)[number]
    | undefined;
  const target = second ?? first!;
  if (method !== undefined && !METHODS.includes(method)) {
    throw new UsageError(`Unknown method '${first}': use one of ${METHODS.join(', ')}.`);
  }
  const input = context.string('input');
  const verb = method ?? (input === undefined ? 'GET' : 'POST');
  const fields = parseFields(context.strings('field'));
  const headers = parseHeaders(context.strings('header'));
  const hasFields = context.strings('field').length > 0;
  const body = input === undefined ? undefined : await readInput(io, input);
  if (
    body !== undefined &&
    !Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')
  )
    headers['Content-Type'] = 'application/json';
  // With --input the fields are query parameters; without it, GET sends them as parameters, the rest as JSON.
  const asParams = body !== undefined || verb === 'GET' || verb === 'DELETE';
  let response: StreamedResponse;
  try {
    response = await context.workspace().requestStream(verb, target, {
      headers,
      ...(asParams ? { params: fields.params } : {}),
      ...(body !== undefined ? { body } : !asParams && hasFields ? { json: fields.json } : {}),
    });
  } catch (error) {
    // The path or URL refused before any request is a usage error (docs/cli.md#mp-api).
    const names = ArgumentError.isInstance(error)
      ? (error as ArgumentError).details.arguments
      : null;
    if (Array.isArray(names) && names.includes('url'))
      throw new UsageError((error as Error).message, { cause: error });
    throw error;
  }
  if (context.flag('include')) {
    const lines = [`HTTP ${response.status} ${response.statusText}`.trimEnd()];
    for (const [name, value] of response.headers) lines.push(`${name}: ${value}`);
    out(io, ...lines, '');
  }
  const writer = bodyWriter(io);
  // Progress only where it cannot mix with the body: stderr a terminal, stdout not, and not -q.
  const progress =
    io.stderr.isTTY === true && io.stdout.isTTY !== true && !context.globals.quiet
      ? statusLine(io)
      : null;
  const started = Date.now();
  let bytes = 0;
  let shownAt = 0;
  const chunks = response.chunks();
  try {
    for await (const chunk of chunks) {
      bytes += chunk.byteLength;
      if (!(await writer.write(chunk))) break; // the reader went away (`| head`): stop quietly
      if (progress && Date.now() - shownAt >= PROGRESS_EVERY_MS) {
        shownAt = Date.now();
        const seconds = Math.max((shownAt - started) / 1000, 0.001);
        progress.show(`${megabytes(bytes)}  ${megabytes(bytes / seconds)}/s`);
      }
    }
  } finally {
    progress?.clear();
    writer.end();
  }
  return EXIT.SUCCESS;
};
