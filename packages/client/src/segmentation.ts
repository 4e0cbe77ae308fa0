import { ArgumentError } from '@mixpanel-data/auth-core';

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
  if (options.unit !== undefined && !UNITS.includes(options.unit as SegmentationUnit)) {
    throw new ArgumentError(`Invalid unit '${options.unit}': use day, week or month.`, {
      argumentNames: ['unit'],
    });
  }
}

/** `Source` → `properties["Source"]`; an expression that already names properties/user/event is kept. */
export function normalizeOn(on: string): string {
  if (/(properties|user|event)\["/.test(on)) return on;
  return `properties["${on.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"]`;
}

export function segmentationResult(
  request: Omit<SegmentationResult, 'total' | 'series'>,
  body: unknown,
): SegmentationResult {
  const values = (body as { data?: { values?: unknown } } | null)?.data?.values;
  const series: Record<string, Record<string, number>> = {};
  let total = 0;
  if (values && typeof values === 'object') {
    for (const [segment, byDate] of Object.entries(values as Record<string, unknown>)) {
      const row: Record<string, number> = {};
      for (const [date, value] of Object.entries((byDate ?? {}) as Record<string, unknown>)) {
        if (typeof value === 'number') {
          row[date] = value;
          total += value;
        }
      }
      series[segment] = row;
    }
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
