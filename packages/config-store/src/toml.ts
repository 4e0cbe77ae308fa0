import { type ConfigDocument, ConfigError } from '@mixpanel-data/auth-core';
import { parse } from 'smol-toml';

/**
 * Parses config.toml text into a plain document. A syntax error becomes a
 * one-line ConfigError naming the file, line and column.
 */
export function parseToml(text: string, path: string): ConfigDocument {
  try {
    // Every TOML integer parses as a bigint, every float as a number, so `plain` can tell
    // `1` from `1.0`; integers beyond 2^53 stay exact, so unknown tables round-trip.
    return plain(parse(text, { integersAsBigInt: true }), []) as ConfigDocument;
  } catch (error) {
    const {
      message = String(error),
      line,
      column,
    } = error as { message?: string; line?: number; column?: number };
    const first = message.split('\n')[0]!.replace(/^Invalid TOML document: /, '');
    const where = typeof line === 'number' ? ` (line ${line}, column ${column})` : '';
    throw new ConfigError(
      `Could not parse config at ${path}: ${first}${where}. Fix the file, or move it away to start fresh.`,
      { details: { path, ...(typeof line === 'number' ? { line, column } : {}) } },
    );
  }
}

/**
 * A TOML float with a whole value (`1.0`, `-0.0`) found where we do not know
 * the schema. JavaScript has one number type, so without this mark the next
 * write would turn `ratio = 1.0` into `ratio = 1` (an int for Python). Reads
 * as its number (`valueOf`, JSON).
 */
export class TomlFloat {
  constructor(readonly value: number) {}
  valueOf(): number {
    return this.value;
  }
  toJSON(): number {
    return this.value;
  }
}

/** Tables whose values we validate: their numbers stay plain numbers. */
const KNOWN = new Set(['active', 'accounts', 'targets']);
const isKnown = (path: readonly string[]) =>
  KNOWN.has(path[0]!) || (path[0] === 'settings' && path[1] === 'custom_header');

/**
 * Copies the parser's objects into plain ones (dates stay Date objects):
 * safe integers become numbers, larger ones stay bigints, and a whole float
 * outside the known blocks becomes a `TomlFloat`.
 */
function plain(value: unknown, path: readonly string[]): unknown {
  if (typeof value === 'bigint') {
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(value)
      : value;
  }
  if (typeof value === 'number' && Number.isInteger(value) && !isKnown(path)) {
    return new TomlFloat(value);
  }
  if (Array.isArray(value)) return value.map((item) => plain(item, path));
  if (value instanceof Date || value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    // Only the first two keys decide `isKnown`: deeper tables share their parent's path.
    const copy = plain(
      (value as Record<string, unknown>)[key],
      path.length < 2 ? [...path, key] : path,
    );
    if (key === '__proto__') {
      // defineProperty: a key named `__proto__` stays an ordinary key.
      Object.defineProperty(out, key, {
        value: copy,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else out[key] = copy;
  }
  return out;
}

const BARE_KEY = /^[A-Za-z0-9_-]+$/;

const isTable = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  !(value instanceof Date) &&
  !(value instanceof TomlFloat);

export function tomlKey(key: string): string {
  return BARE_KEY.test(key) ? key : tomlString(key);
}

export function tomlString(text: string): string {
  let out = '"';
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (char === '"') out += '\\"';
    else if (char === '\\') out += '\\\\';
    else if (char === '\n') out += '\\n';
    else if (char === '\t') out += '\\t';
    else if (char === '\r') out += '\\r';
    else if (char === '\b') out += '\\b';
    else if (char === '\f') out += '\\f';
    else if (code < 0x20 || code === 0x7f) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += char;
  }
  return `${out}"`;
}

function tomlValue(value: unknown): string {
  if (typeof value === 'string') return tomlString(value);
  if (value instanceof TomlFloat) {
    const text = Object.is(value.value, -0) ? '-0' : String(value.value);
    return /e/i.test(text) ? text : `${text}.0`; // 1e+21 is already a float
  }
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') {
    if (
      Number.isInteger(value) &&
      Math.abs(value) <= Number.MAX_SAFE_INTEGER &&
      !Object.is(value, -0)
    ) {
      return String(value); // plain digits: never `3_448_414`
    }
    if (Number.isNaN(value)) return 'nan';
    if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
    const text = String(value);
    return /[.eE]/.test(text) ? text : `${text}.0`;
  }
  if (typeof value === 'boolean') return String(value);
  if (value instanceof Date) return value.toISOString(); // the parser's local dates/times print their own TOML form
  if (Array.isArray(value)) return `[${value.map(tomlValue).join(', ')}]`;
  if (isTable(value)) {
    const entries = Object.entries(value).filter(([, item]) => item !== undefined);
    return entries.length
      ? `{ ${entries.map(([k, v]) => `${tomlKey(k)} = ${tomlValue(v)}`).join(', ')} }`
      : '{}';
  }
  throw new ConfigError(`Cannot write a value of type ${typeof value} to TOML.`);
}

/** The blocks a person expects first, in this order; other tables follow in document order. */
const BLOCK_ORDER = ['active', 'accounts', 'targets', 'settings'];
/** Container tables written only through their sub-tables (`[accounts.NAME]`, never a bare `[accounts]`). */
const CONTAINERS = new Set(['accounts', 'targets']);

/**
 * Serialises a config document the way a person (and the Python tool) would
 * write it: root keys first, then `[active]`, `[accounts.NAME]…`,
 * `[targets.NAME]…`, `[settings]` (with `[settings.custom_header]`), then any
 * other table; strings double-quoted, integers bare, one blank line between
 * tables, a trailing newline. Empty `[active]` tables are dropped.
 */
export function stringifyToml(document: ConfigDocument): string {
  const sections: string[] = [];
  const rootLines = Object.entries(document)
    .filter(([, value]) => value !== undefined && !isTable(value))
    .map(([key, value]) => `${tomlKey(key)} = ${tomlValue(value)}`);
  if (rootLines.length) sections.push(rootLines.join('\n'));
  const tableKeys = Object.keys(document).filter((key) => isTable(document[key]));
  const ordered = [
    ...BLOCK_ORDER.filter((key) => tableKeys.includes(key)),
    ...tableKeys.filter((key) => !BLOCK_ORDER.includes(key)),
  ];
  for (const key of ordered) {
    const table = document[key] as Record<string, unknown>;
    if (key === 'active' && Object.values(table).every((v) => v === undefined)) continue;
    emitTable([key], table, sections, CONTAINERS.has(key));
  }
  return sections.length ? `${sections.join('\n\n')}\n` : '';
}

function emitTable(
  path: string[],
  table: Record<string, unknown>,
  sections: string[],
  container: boolean,
): void {
  const entries = Object.entries(table).filter(([, value]) => value !== undefined);
  const scalars = entries.filter(([, value]) => !isTable(value));
  const tables = entries.filter(([, value]) => isTable(value));
  const header = `[${path.map(tomlKey).join('.')}]`;
  if (scalars.length || (!container && !tables.length)) {
    sections.push(
      [header, ...scalars.map(([k, v]) => `${tomlKey(k)} = ${tomlValue(v)}`)].join('\n'),
    );
  }
  for (const [key, value] of tables) {
    emitTable([...path, key], value as Record<string, unknown>, sections, false);
  }
}
