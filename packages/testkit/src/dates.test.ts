import { describe, expect, it } from 'vitest';
import { addDays, checkDate, eachDay, firstOfMonth, localToday, mondayOnOrBefore } from './dates';

describe('checkDate', () => {
  it('accepts real calendar dates from 2000 on', () => {
    expect(checkDate('2000-01-01')).toEqual({ ok: true, date: '2000-01-01' });
    expect(checkDate('2024-02-29')).toEqual({ ok: true, date: '2024-02-29' });
  });

  it('rejects malformed and impossible dates with "invalid date"', () => {
    for (const value of ['2023-02-29', '2024-13-01', '2024-1-01', '20240101', '', 'today']) {
      expect(checkDate(value)).toEqual({ ok: false, error: 'invalid date' });
    }
  });

  it('rejects years before 2000 with "invalid date, bad year"', () => {
    expect(checkDate('1999-12-31')).toEqual({ ok: false, error: 'invalid date, bad year' });
  });
});

describe('calendar helpers', () => {
  it('moves, enumerates and buckets dates', () => {
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
    expect(eachDay('2023-12-30', '2024-01-02')).toEqual([
      '2023-12-30',
      '2023-12-31',
      '2024-01-01',
      '2024-01-02',
    ]);
    expect(mondayOnOrBefore('2024-01-07')).toBe('2024-01-01'); // Sunday
    expect(mondayOnOrBefore('2024-01-08')).toBe('2024-01-08'); // Monday
    expect(firstOfMonth('2024-02-17')).toBe('2024-02-01');
  });

  it('formats local today from local fields', () => {
    expect(localToday(new Date(2024, 0, 9, 23, 59))).toBe('2024-01-09');
  });
});
