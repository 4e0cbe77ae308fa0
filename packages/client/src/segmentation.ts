import { ArgumentError, ValidationError } from '@mixpanel-data/auth-core';

/** The time bucket of a segmentation. */
export type SegmentationUnit = 'day' | 'week' | 'month';

/** What `ws.segmentation()` returns (docs/http.md#segmentation); `toJSON()` uses snake_case keys. */
export interface SegmentationResult {
  readonly event: string;
  readonly fromDate: string;
  readonly toDate: string;
  readonly unit: SegmentationUnit;
  /** The caller's `on` as given (not the normalised expression), or null. */
  readonly segmentProperty: string | null;
  /** The sum of every number in `series`. */
  readonly total: number;
  /** segment → date → value. */
  readonly series: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

const UNITS: readonly SegmentationUnit[] = ['day', 'week', 'month'];

/** Whether `text` is a real calendar date written `YYYY-MM-DD`. */
function isCalendarDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return (
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
  );
}

/**
 * Checks a date range before anything is sent: two real calendar dates
 * (`YYYY-MM-DD`) in order. Throws ArgumentError naming the value and the fix.
 */
export function checkDateRange(options: { fromDate: string; toDate: string }): void {
  for (const [label, key, value] of [
    ['from', 'fromDate', options.fromDate],
    ['to', 'toDate', options.toDate],
  ] as const) {
    if (typeof value !== 'string' || !isCalendarDate(value)) {
      throw new ArgumentError(
        `Invalid ${label} date '${String(value)}': use a calendar date written YYYY-MM-DD.`,
        { argumentNames: [key] },
      );
    }
  }
  if (options.fromDate > options.toDate) {
    throw new ArgumentError(
      `The from date ${options.fromDate} is after the to date ${options.toDate}: swap them.`,
      { argumentNames: ['fromDate', 'toDate'] },
    );
  }
}

/**
 * Checks a segmentation request before anything is sent: a non-empty event,
 * two real calendar dates (`YYYY-MM-DD`) in order, a known unit. Throws
 * ArgumentError naming the value and the fix.
 */
export function checkSegmentationRequest(
  event: string,
  options: { fromDate: string; toDate: string; unit?: string | undefined },
): void {
  if (typeof event !== 'string' || event.trim() === '')
    throw new ArgumentError('The event name must not be empty.', { argumentNames: ['event'] });
  checkDateRange(options);
  if (options.unit !== undefined && !UNITS.includes(options.unit as SegmentationUnit)) {
    throw new ArgumentError(`Invalid unit '${options.unit}': use day, week or month.`, {
      argumentNames: ['unit'],
    });
  }
}

/**
 * `value` as an object, or a response ValidationError naming `path`: an
 * answer of the wrong shape is an error, never an empty result. A missing
 * `data` or `data.values` (and a `null` segment) still reads as empty.
 */
function objectAt(value: unknown, path: string): Record<string, unknown> {
  if (typeof value === 'object' && value !== null && !Array.isArray(value))
    return value as Record<string, unknown>;
  throw new ValidationError(
    `Unexpected response format from Mixpanel (segmentation): ${path || 'the answer'} should be an object`,
    { source: 'response', details: { path } },
  );
}

/** `Source` → `properties["Source"]`; an expression that already names properties/user/event is kept. */
export function normalizeOn(on: string): string {
  if (/(properties|user|event)\["/.test(on)) return on;
  return `properties["${on.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"]`;
}

/** The result of a segmentation answer (docs/http.md#segmentation); an answer of the wrong shape is a ValidationError. */
export function segmentationResult(
  request: Omit<SegmentationResult, 'total' | 'series'>,
  body: unknown,
): SegmentationResult {
  const root = objectAt(body, '');
  const data = root.data === undefined ? {} : objectAt(root.data, 'data');
  const values = data.values === undefined ? {} : objectAt(data.values, 'data.values');
  const series: Record<string, Record<string, number>> = {};
  let total = 0;
  for (const [segment, byDate] of Object.entries(values)) {
    const row: Record<string, number> = {};
    const dates = byDate === null ? {} : objectAt(byDate, `data.values.${segment}`);
    for (const [date, value] of Object.entries(dates)) {
      if (typeof value === 'number') {
        row[date] = value;
        total += value;
      }
    }
    series[segment] = row;
  }
  const result = { ...request, total, series };
  Object.defineProperty(result, 'toJSON', {
    value: () => ({
      event: result.event,
      from_date: result.fromDate,
      to_date: result.toDate,
      unit: result.unit,
      segment_property: result.segmentProperty,
      total: result.total,
      series: result.series,
    }),
  });
  return Object.freeze(result);
}

/** Today (or `date`) as a local `YYYY-MM-DD`. */
export function localDate(date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}
