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
 * naming its line number, with a short escaped excerpt.
 */
export async function* parseNdjson(
  chunks: AsyncIterable<Uint8Array>,
  source: NdjsonSource,
): AsyncGenerator<unknown> {
  const decoder = new TextDecoder('utf-8', { fatal: false });
  let carry: Uint8Array[] = [];
  let carried = 0;
  let lineNumber = 0;
  /** The values of the complete lines in `text` (no read ahead: one chunk's lines at most). */
  const parseLines = (text: string): unknown[] => {
    const values: unknown[] = [];
    let start = 0;
    for (;;) {
      const end = text.indexOf('\n', start);
      const line = end < 0 ? text.slice(start) : text.slice(start, end);
      lineNumber += 1;
      if (line.length && (line.charCodeAt(0) === 0x7b || line.trim() !== '')) {
        try {
          values.push(JSON.parse(line));
        } catch {
          throw badLine(line, lineNumber, source);
        }
      }
      if (end < 0) return values;
      start = end + 1;
    }
  };
  for await (const chunk of chunks) {
    const last = chunk.lastIndexOf(NEWLINE);
    if (last < 0) {
      carry.push(chunk);
      carried += chunk.byteLength;
      continue;
    }
    const head = chunk.subarray(0, last);
    const bytes = carried ? concat([...carry, head], carried + head.byteLength) : head;
    carry = last + 1 < chunk.byteLength ? [chunk.subarray(last + 1)] : [];
    carried = chunk.byteLength - last - 1;
    for (const value of parseLines(decoder.decode(bytes))) yield value;
  }
  if (carried) for (const value of parseLines(decoder.decode(concat(carry, carried)))) yield value;
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
