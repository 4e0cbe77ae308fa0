/** The raw export API (docs/testkit.md#export-route): `/api/2.0/export`, NDJSON generated on the fly. */

import { type ParsedRequest, queryError, type Reply } from './http-io';
import { authorizeProject, checkRange } from './query-routes';
import type { MockState } from './state';

/** About this many events per generated chunk (about 240 KiB of NDJSON). */
const EVENTS_PER_CHUNK = 1600;
/** `properties.time` of event 0 (2024-01-01T00:00:00Z); event `i` is `i` seconds later. */
const BASE_TIME = 1_704_067_200;
/** Events a generated body can number: every numeric field keeps its width up to here. */
const MAX_INDEX = 9_999_999_999 - BASE_TIME;

/** What one export answer holds: `events` lines, or lines until `bytes` bytes are reached. */
export interface ExportPlan {
  names: readonly string[];
  /** The most events (the request's `limit` and `export_events`). */
  events: number;
  /** Stop once at least this many bytes were generated (`export_bytes`), or `null`. */
  bytes: number | null;
}

const pad = (value: number, width: number) => String(value).padStart(width, '0');

/**
 * Line `index` of every export, the same bytes for the same index and names:
 * `{"event":NAME,"properties":{"time":T,"distinct_id":"user-DDD","$insert_id":"mock-IIIIIIIIII","mp_lib":"mock"}}`
 * and a newline, NAME cycling through `names`, every number of fixed width.
 */
export function exportLine(index: number, names: readonly string[]): string {
  const name = JSON.stringify(names[index % names.length]!);
  return `{"event":${name},"properties":{"time":${BASE_TIME + index},"distinct_id":"user-${pad(index % 997, 3)}","$insert_id":"mock-${pad(index, 10)}","mp_lib":"mock"}}\n`;
}

/** Writes `value` as `width` ASCII digits at `at` (zero-padded). */
function writeDigits(buffer: Buffer, at: number, width: number, value: number): void {
  for (let position = at + width - 1; position >= at; position--) {
    buffer[position] = 48 + (value % 10);
    value = Math.floor(value / 10);
  }
}

/**
 * The NDJSON body, one chunk of about 240 KiB at a time, generated as it is
 * read (never held whole). Every line has a fixed width for its name, so a
 * chunk is a copy of a template whose digits are rewritten in place: the
 * mock generates far faster than a client can parse.
 */
export function* exportBody(plan: ExportPlan): Generator<Buffer> {
  const { names } = plan;
  const perChunk = Math.max(1, Math.round(EVENTS_PER_CHUNK / names.length)) * names.length;
  const lines = Array.from({ length: perChunk }, (_, index) =>
    Buffer.from(exportLine(index, names)),
  );
  const template = Buffer.concat(lines);
  // Where each line starts, and the offsets of its three numbers within it.
  const starts: number[] = [];
  const fields: { time: number; user: number; id: number }[] = [];
  for (let at = 0, index = 0; index < perChunk; index++) {
    const line = lines[index]!;
    starts.push(at);
    fields.push({
      time: at + line.indexOf('"time":') + 7,
      user: at + line.indexOf('"user-') + 6,
      id: at + line.indexOf('"mock-') + 6,
    });
    at += line.length;
  }
  starts.push(template.length);
  const total = Math.min(plan.events, MAX_INDEX);
  let sent = 0;
  for (let first = 0; first < total; first += perChunk) {
    const count = Math.min(perChunk, total - first);
    let length = starts[count]!;
    let last = false;
    if (plan.bytes !== null && sent + length >= plan.bytes) {
      // The first line that reaches the byte count ends the body.
      let lineEnd = 1;
      while (sent + starts[lineEnd]! < plan.bytes) lineEnd++;
      length = starts[lineEnd]!;
      last = true;
    }
    const chunk = Buffer.allocUnsafe(length);
    template.copy(chunk, 0, 0, length);
    for (let line = 0; line < perChunk && starts[line]! < length; line++) {
      const index = first + line;
      const at = fields[line]!;
      writeDigits(chunk, at.time, 10, BASE_TIME + index);
      writeDigits(chunk, at.user, 3, index % 997);
      writeDigits(chunk, at.id, 10, index);
    }
    sent += length;
    yield chunk;
    if (last) return;
  }
}

/**
 * `GET /api/2.0/export?project_id&from_date&to_date[&event][&where][&limit]`:
 * authenticated like the Query API, then `application/x-ndjson`, chunked.
 * `event` (a JSON array of names) narrows the generated names; `where` is
 * accepted and ignored.
 */
export function handleExport(state: MockState, request: ParsedRequest): Reply {
  const project = authorizeProject(state, request);
  if (!project.ok) return project.reply;
  const range = checkRange(request, true);
  if (!range.ok) return range.reply;
  let names = project.value.events.length ? project.value.events : ['Event'];
  if (request.query.event !== undefined && request.query.event !== '') {
    let wanted: unknown;
    try {
      wanted = JSON.parse(request.query.event);
    } catch {
      wanted = null;
    }
    if (!Array.isArray(wanted) || !wanted.every((item) => typeof item === 'string')) {
      return queryError(request, 400, 'event must be a JSON array of event names');
    }
    names = wanted.length ? (wanted as string[]) : names;
  }
  const { config } = state;
  let events = config.export_bytes === null ? config.export_events : Number.MAX_SAFE_INTEGER;
  const limitText = request.query.limit;
  if (limitText !== undefined && limitText !== '') {
    if (!/^\d+$/.test(limitText)) return queryError(request, 400, 'limit must be an integer');
    events = Math.min(events, Number(limitText));
  }
  const plan: ExportPlan = { names, events, bytes: config.export_bytes };
  return {
    status: 200,
    headers: { 'Content-Type': 'application/x-ndjson' },
    body: '',
    stream: { source: () => exportBody(plan) },
  };
}
