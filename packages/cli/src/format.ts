import { type Io, out } from './io';

export type Format = 'table' | 'json' | 'jsonl' | 'csv' | 'plain' | 'text';

/** Pretty JSON: 2-space indent, UTF-8 kept, trailing newline. */
export function printJson(io: Io, value: unknown): void {
  out(io, JSON.stringify(value, null, 2));
}

/** Columns separated by two spaces, each as wide as its longest cell; nothing is cut. */
export function renderTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  // A loop, not Math.max(...cells): spreading a long list overflows the call stack.
  const widths = header.map((title) => title.length);
  for (const row of rows) {
    for (let column = 0; column < widths.length; column++)
      widths[column] = Math.max(widths[column]!, (row[column] ?? '').length);
  }
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]!)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/**
 * A table with fixed column widths (the spec's layouts for `project list`
 * and `workspace list`): every column but the last is cut to `width - 1`
 * characters and padded to `width`, so columns line up whatever the data.
 */
export function renderFixedTable(
  widths: readonly number[],
  header: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => {
        const width = widths[column];
        return width === undefined ? cell : cell.slice(0, width - 1).padEnd(width);
      })
      .join('')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

const csvCell = (value: unknown) => {
  const text =
    value === null || value === undefined
      ? ''
      : Array.isArray(value)
        ? value.join(';')
        : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/**
 * Prints a list of records in `format`: json (array), jsonl (one compact
 * object per line), csv (header of JSON field names), plain (the key field),
 * or table via `table()`; `empty` is the table text for no records. A
 * record may be a result object with a `toJSON` (its JSON form is printed,
 * and its JSON fields are the csv columns); json and jsonl print it as it
 * is, without a copy.
 */
export function printRecords(
  io: Io,
  format: Format,
  records: readonly object[],
  options: {
    key: string;
    table: () => string;
    empty: string;
    /** The csv header, in order: the same columns whether or not there are records. */
    fields: readonly string[];
  },
): void {
  switch (format) {
    case 'json':
      printJson(io, records);
      return;
    case 'jsonl':
      for (const record of records) out(io, JSON.stringify(record));
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
      out(io, records.length ? options.table() : options.empty);
  }
}

/** A record's snake_case JSON form (our result types carry a `toJSON`). */
export const plain = (value: unknown) =>
  JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
