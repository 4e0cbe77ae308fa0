/** Calendar helpers for the Query routes (docs/testkit.md#query-routes). Dates are `YYYY-MM-DD` strings. */

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

export type DateCheck = { ok: true; date: string } | { ok: false; error: string };

/** Checks a `from_date`/`to_date` value: a real calendar date, year 2000 or later. */
export function checkDate(value: string): DateCheck {
  const match = DATE_PATTERN.exec(value);
  if (!match) return { ok: false, error: 'invalid date' };
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const parsed = new Date(Date.UTC(year, month - 1, day));
  if (
    parsed.getUTCFullYear() !== year ||
    parsed.getUTCMonth() !== month - 1 ||
    parsed.getUTCDate() !== day
  ) {
    return { ok: false, error: 'invalid date' };
  }
  if (year < 2000) return { ok: false, error: 'invalid date, bad year' };
  return { ok: true, date: value };
}

function toUtcMs(date: string): number {
  return Date.parse(`${date}T00:00:00Z`);
}

function fromUtcMs(milliseconds: number): string {
  return new Date(milliseconds).toISOString().slice(0, 10);
}

/** `date` moved by `days` calendar days. */
export function addDays(date: string, days: number): string {
  return fromUtcMs(toUtcMs(date) + days * DAY_MS);
}

/** Every date from `from` to `to`, both included. */
export function eachDay(from: string, to: string): string[] {
  const days: string[] = [];
  for (let time = toUtcMs(from); time <= toUtcMs(to); time += DAY_MS) days.push(fromUtcMs(time));
  return days;
}

/** The Monday on or before `date`. */
export function mondayOnOrBefore(date: string): string {
  const weekday = new Date(toUtcMs(date)).getUTCDay(); // 0 = Sunday
  return addDays(date, -((weekday + 6) % 7));
}

/** The first day of `date`'s month. */
export function firstOfMonth(date: string): string {
  return `${date.slice(0, 7)}-01`;
}

/** Today in the mock process's local time zone, as `YYYY-MM-DD`. */
export function localToday(now: Date = new Date()): string {
  const month = String(now.getMonth() + 1).padStart(2, '0');
  const day = String(now.getDate()).padStart(2, '0');
  return `${now.getFullYear()}-${month}-${day}`;
}
