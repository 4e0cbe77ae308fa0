import { escapeControls, type Io, out } from './io';
import { cutToWidth, displayWidth, padToWidth } from './width';

export type Format = 'table' | 'json' | 'jsonl' | 'csv' | 'plain' | 'text';

/**
 * The characters JSON.stringify leaves raw that a terminal may act on: DEL,
 * the C1 controls, the bidirectional controls and the line/paragraph
 * separators (it already escapes C0 controls and unpaired surrogates).
 */
const JSON_UNSAFE = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * `JSON.stringify(value, null, indent)` with every control character
 * `\u`-escaped, so the text is safe on a terminal and parses to the same value.
 */
export function jsonText(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(
    JSON_UNSAFE,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** Pretty JSON: 2-space indent, UTF-8 kept (but control characters), trailing newline. */
export function printJson(io: Io, value: unknown): void {
  // Already terminal-safe as a whole (jsonText leaves no control character but
  // its own line breaks), so it is written at once rather than line by line:
  // a long list would otherwise be split into, and escaped as, 100,000 lines.
  io.stdout.write(`${jsonText(value, 2)}\n`);
}

/**
 * How a table fits the terminal (docs/cli.md#tables): `width` is the
 * terminal's width, or undefined (not a terminal: nothing is cut); `cut`
 * lists the columns that may be cut (free text such as names, never ids).
 */
export interface TableFit {
  readonly width: number | undefined;
  readonly cut: readonly number[];
}

/** The width to fit tables to: the terminal's, when stdout is one. */
export const tableWidth = (io: Io): number | undefined => io.stdout.columns || undefined;

/**
 * Narrows the cuttable columns of `widths` (in place), the widest first, one
 * column at a time, until a row of them (`gaps` columns between cells) fits
 * `fit.width`, no column going below `minimum[column]`.
 */
function narrow(widths: number[], minimum: readonly number[], gaps: number, fit?: TableFit) {
  if (fit?.width === undefined) return;
  let excess = widths.reduce((sum, width) => sum + width, gaps) - fit.width;
  while (excess > 0) {
    let widest: number | undefined;
    for (const column of fit.cut)
      if (
        widths[column]! > minimum[column]! &&
        (widest === undefined || widths[column]! > widths[widest]!)
      )
        widest = column;
    if (widest === undefined) return;
    widths[widest]!--;
    excess--;
  }
}

/**
 * Columns separated by two spaces, each as wide as its longest cell in
 * display columns (docs/cli.md#tables); with `fit`, the cuttable columns are
 * narrowed (not below their heading) until a row fits the terminal, and their
 * longer cells cut with `…`. Returns the lines; cells are measured as they
 * will be shown (control characters escaped).
 */
export function renderTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  fit?: TableFit,
): string[] {
  const shown = rows.map((row) => row.map(escapeControls));
  // A loop, not Math.max(...cells): spreading a long list overflows the call stack.
  const widths = header.map(displayWidth);
  const headings = [...widths];
  for (const row of shown) {
    for (let column = 0; column < widths.length; column++)
      widths[column] = Math.max(widths[column]!, displayWidth(row[column] ?? ''));
  }
  const natural = [...widths];
  narrow(widths, headings, 2 * (widths.length - 1), fit);
  const line = (cells: readonly string[], raw: readonly string[]) =>
    cells
      .map((cell, column) => {
        const width = widths[column]!;
        const fitted = width < natural[column]! ? cutToWidth(raw[column] ?? '', width) : cell;
        return column === cells.length - 1 ? fitted : padToWidth(fitted, width);
      })
      .join('  ')
      .trimEnd();
  return [line(header, header), ...shown.map((cells, index) => line(cells, rows[index]!))];
}

/**
 * A table with fixed column widths (the layouts docs/cli.md gives `project list`
 * and `workspace list`): every column but the last is cut to `width - 1`
 * display columns (as shown, control characters escaped; a cut cell ends in
 * `…`) and padded to `width`, so columns line up whatever the data. With
 * `fit`, the cuttable columns are narrowed further (not below their heading
 * and a space) until a row fits the terminal. Returns the lines.
 */
export function renderFixedTable(
  fixed: readonly number[],
  header: readonly string[],
  rows: readonly (readonly string[])[],
  fit?: TableFit,
): string[] {
  const widths = [...fixed];
  const last = (cells: readonly string[]) =>
    displayWidth(escapeControls(cells[fixed.length] ?? ''));
  let lastWidth = last(header);
  for (const row of rows) lastWidth = Math.max(lastWidth, last(row));
  widths.push(lastWidth);
  narrow(
    widths,
    header.map((title, column) => displayWidth(title) + (column < fixed.length ? 1 : 0)),
    0,
    fit,
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => {
        const width = widths[column];
        return column >= fixed.length || width === undefined
          ? escapeControls(cell)
          : padToWidth(cutToWidth(cell, width - 1), width);
      })
      .join('')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

const csvCell = (value: unknown) => {
  const text =
    value === null || value === undefined
      ? ''
      : Array.isArray(value)
        ? value.join(';')
        : String(value);
  // Control characters are escaped first, so a cell never spans lines.
  const shown = escapeControls(text);
  return /[",]/.test(shown) ? `"${shown.replace(/"/g, '""')}"` : shown;
};

/**
 * Prints a list of records in `format`: json (array), jsonl (one compact
 * object per line), csv (header of JSON field names), plain (the key field),
 * or table via `table()` (its lines); `empty` is the table text for no
 * records. A record may be a result object with a `toJSON` (its JSON form is
 * printed, and its JSON fields are the csv columns); json and jsonl print it
 * as it is, without a copy. Every text format shows control characters
 * escaped (docs/cli.md#control-characters-in-output); JSON `\u`-escapes them.
 */
export function printRecords(
  io: Io,
  format: Format,
  records: readonly object[],
  options: {
    key: string;
    table: () => readonly string[];
    empty: string | readonly string[];
    /** The csv header, in order: the same columns whether or not there are records. */
    fields: readonly string[];
  },
): void {
  switch (format) {
    case 'json':
      printJson(io, records);
      return;
    case 'jsonl':
      for (const record of records) out(io, jsonText(record));
      return;
    case 'csv': {
      const { fields } = options;
      out(io, fields.join(','));
      for (const record of records.map(plain))
        out(io, fields.map((field) => csvCell(record[field])).join(','));
      return;
    }
    case 'plain':
      for (const record of records.map(plain)) out(io, String(record[options.key]));
      return;
    default:
      out(io, ...(records.length ? options.table() : [options.empty].flat()));
  }
}

/** A record's snake_case JSON form (our result types carry a `toJSON`). */
export const plain = (value: unknown) =>
  JSON.parse(JSON.stringify(value)) as Record<string, unknown>;

/** "in 59 min" (docs/cli.md#mp-account-export-bridge): how long until `date`, rounded down to whole minutes. */
export function fromNow(date: Date, now = Date.now()): string {
  const minutes = Math.floor((date.getTime() - now) / 60_000);
  if (minutes < 1) return date.getTime() > now ? 'in under a minute' : 'already expired';
  if (minutes < 60) return `in ${minutes} min`;
  const rest = minutes % 60;
  return `in ${Math.floor(minutes / 60)} h${rest ? ` ${rest} min` : ''}`;
}
