import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDays,
  dayNumber,
  daysBetween,
  daysInRange,
  isIsoDay,
  isoDay,
  seoulDay,
  seoulHour,
  seoulInstant,
  seoulIsoTimestamp,
  seoulTimestamp,
  seoulYesterday,
  weekday,
  weekStart,
} from '#shared/time/seoul.ts';

describe('isIsoDay', () => {
  it('accepts real calendar days only, written YYYY-MM-DD', () => {
    // Prepare
    const good = ['2026-02-28', '2024-02-29', '2000-02-29', '1999-12-31', '2026-11-22'];
    const bad = [
      '2026-02-30',
      '2026-2-1',
      '2025-02-29',
      '1900-02-29',
      '2026-13-01',
      '2026-00-10',
      '20261122',
      '',
    ];

    // Act
    const accepted = good.map(isIsoDay);
    const refused = bad.map(isIsoDay);

    // Assess
    expect(accepted).toEqual(good.map(() => true));
    expect(refused).toEqual(bad.map(() => false));
  });

  it('makes dayNumber throw on a malformed day, naming it', () => {
    // Act / Assess
    expect(() => dayNumber('2026-02-30')).toThrow(/"2026-02-30"/);
    expect(() => addDays('2026-2-1', 1)).toThrow(RangeError);
  });
});

describe('day arithmetic', () => {
  it('crosses month, year and leap-day boundaries', () => {
    // Act / Assess
    expect(dayNumber('1970-01-01')).toBe(0);
    expect(addDays('2026-01-31', 1)).toBe('2026-02-01');
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-01', -365)).toBe('2025-03-01');
    expect(daysBetween('2024-01-01', '2025-01-01')).toBe(366);
    expect(daysBetween('2026-01-01', '2027-01-01')).toBe(365);
    expect(daysBetween('2026-03-10', '2026-03-01')).toBe(-9);
    expect(daysInRange('2024-02-27', '2024-03-01')).toEqual([
      '2024-02-27',
      '2024-02-28',
      '2024-02-29',
      '2024-03-01',
    ]);
    expect(daysInRange('2026-03-02', '2026-03-01')).toEqual([]);
  });

  it('round-trips every day number through isoDay and dayNumber (property)', () => {
    // Act / Assess
    fc.assert(
      fc.property(fc.integer({ min: -25_000, max: 60_000 }), fc.integer({ min: -800, max: 800 }), (n, k) => {
        const day = isoDay(n);
        expect(isIsoDay(day)).toBe(true);
        expect(dayNumber(day)).toBe(n);
        expect(dayNumber(addDays(day, k))).toBe(n + k);
      }),
    );
  });
});

describe('weekday and weekStart', () => {
  it('names weekdays 0 = Sunday ... 6 = Saturday', () => {
    // Act / Assess
    expect(weekday('1970-01-01')).toBe(4);
    expect(weekday('2026-11-22')).toBe(0);
    expect(weekday('2026-11-23')).toBe(1);
    expect(weekday('2026-11-28')).toBe(6);
    expect(weekday('1969-12-28')).toBe(0);
  });

  it('starts weeks on Monday, across a month and a year boundary', () => {
    // Act / Assess
    expect(weekStart('2026-11-23')).toBe('2026-11-23');
    expect(weekStart('2026-11-22')).toBe('2026-11-16');
    expect(weekStart('2026-11-26')).toBe('2026-11-23');
    expect(weekStart('2026-03-01')).toBe('2026-02-23');
    expect(weekStart('2027-01-02')).toBe('2026-12-28');
  });

  it('gives a Monday at most six days back for any day (property)', () => {
    // Act / Assess
    fc.assert(
      fc.property(fc.integer({ min: -5_000, max: 40_000 }), (n) => {
        const start = weekStart(isoDay(n));
        expect(weekday(start)).toBe(1);
        expect(n - dayNumber(start)).toBeGreaterThanOrEqual(0);
        expect(n - dayNumber(start)).toBeLessThanOrEqual(6);
      }),
    );
  });
});

describe('Seoul instants', () => {
  it('turns the Seoul day at 15:00 UTC (00:00 KST)', () => {
    // Prepare
    const before = new Date('2026-11-21T14:59:59.999Z');
    const at = new Date('2026-11-21T15:00:00.000Z');

    // Act / Assess
    expect(seoulDay(before)).toBe('2026-11-21');
    expect(seoulDay(at)).toBe('2026-11-22');
    expect(seoulYesterday(before)).toBe('2026-11-20');
    expect(seoulYesterday(at)).toBe('2026-11-21');
    expect(seoulYesterday(new Date('2027-01-01T00:00:00Z'))).toBe('2026-12-31');
    expect(seoulYesterday(new Date('2024-02-29T15:00:00Z'))).toBe('2024-02-29');
  });

  it('reads the Seoul hour as UTC+9 all year (no daylight saving)', () => {
    // Act / Assess
    expect(seoulHour(new Date('2026-11-21T15:00:00Z'))).toBe(0);
    expect(seoulHour(new Date('2026-11-22T00:00:00Z'))).toBe(9);
    expect(seoulHour(new Date('2026-07-01T14:59:00Z'))).toBe(23);
  });

  it('finds the instant of a Seoul wall-clock time', () => {
    // Act / Assess
    expect(seoulInstant('2026-11-22').toISOString()).toBe('2026-11-21T15:00:00.000Z');
    expect(seoulInstant('2026-11-22', 9, 5).toISOString()).toBe('2026-11-22T00:05:00.000Z');
    expect(seoulInstant('2026-03-01', 8).toISOString()).toBe('2026-02-28T23:00:00.000Z');
    expect(seoulDay(seoulInstant('2026-11-22', 23, 59))).toBe('2026-11-22');
  });

  it('prints an instant in Seoul with its offset, for people and as ISO for --json', () => {
    // Prepare: 23:30 UTC on the 29th is 08:30 on the 30th in Seoul (a UTC day would say the 29th).
    const stored = '2026-11-29T23:30:15.250Z';

    // Act / Assess
    expect(seoulTimestamp(stored)).toBe('2026-11-30 08:30 +09:00');
    expect(seoulTimestamp(new Date(stored))).toBe('2026-11-30 08:30 +09:00');
    expect(seoulIsoTimestamp(stored)).toBe('2026-11-30T08:30:15.250+09:00');
    expect(new Date(seoulIsoTimestamp(stored)).toISOString()).toBe(stored);
    expect(seoulTimestamp('2026-12-31T15:00:00Z')).toBe('2027-01-01 00:00 +09:00');
    expect(() => seoulTimestamp('yesterday')).toThrow(RangeError);
  });
});
