/** Synthetic segmentation bodies (docs/testkit.md#segmentation-route), deterministic through FNV-1a. */
import { eachDay, firstOfMonth, mondayOnOrBefore } from './dates';
import type { SegmentationUnit } from './fixture';
import { fnv1a32 } from './fnv';

export type SegmentationType = 'general' | 'unique' | 'average';

export interface OnExpression {
  kind: 'properties' | 'user' | 'event';
  /** The property name, unescaped. */
  name: string;
}

const ON_PATTERN = /^(properties|user|event)\["((?:[^"\\]|\\["\\])*)"\]$/;

/** Parses `properties["<name>"]` (or `user[…]`, `event[…]`, with `\"` and `\\` escapes); `null` otherwise. */
export function parseOnExpression(on: string): OnExpression | null {
  const match = ON_PATTERN.exec(on);
  if (!match) return null;
  return {
    kind: match[1] as OnExpression['kind'],
    name: match[2]!.replace(/\\(["\\])/g, '$1'),
  };
}

export interface SyntheticOptions {
  event: string;
  fromDate: string;
  toDate: string;
  unit: SegmentationUnit;
  type: SegmentationType;
  segments: readonly string[];
  /** A `where` was sent: halve every count. */
  halve: boolean;
}

export interface SegmentationBody {
  data: { series: string[]; values: Record<string, Record<string, number>> };
  legend_size: number;
}

const BUCKET: Record<SegmentationUnit, (date: string) => string> = {
  day: (date) => date,
  week: mondayOnOrBefore,
  month: firstOfMonth,
};

/** The daily count for (event, segment, date): `fnv1a32(event|segment|date) % 1000`. */
export function dailyCount(event: string, segment: string, date: string): number {
  return fnv1a32(`${event}|${segment}|${date}`) % 1000;
}

export function syntheticSegmentation(options: SyntheticOptions): SegmentationBody {
  const days = eachDay(options.fromDate, options.toDate);
  const bucketOf = BUCKET[options.unit];
  const series = [...new Set(days.map(bucketOf))].sort();
  const segments = [...new Set(options.segments)];
  const values = Object.fromEntries(
    segments.map((segment) => {
      const sums = new Map<string, number>(series.map((bucket) => [bucket, 0]));
      for (const day of days) {
        const bucket = bucketOf(day);
        sums.set(bucket, (sums.get(bucket) ?? 0) + dailyCount(options.event, segment, day));
      }
      const buckets = series.map((bucket) => {
        let count = sums.get(bucket) ?? 0;
        if (options.type === 'unique') count = Math.floor(count / 2);
        else if (options.type === 'average') count /= 10;
        if (options.halve) count = Math.floor(count / 2);
        return [bucket, count] as const;
      });
      return [segment, Object.fromEntries(buckets)];
    }),
  );
  return { data: { series, values }, legend_size: segments.length };
}
