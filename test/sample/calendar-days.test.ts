import { describe, expect, it } from 'vitest';
import {
  businessDayOnOrBefore,
  businessDaysBefore,
  calendarDays,
  classifyDay,
  isCalendarEffectDay,
} from '#shared/sample/calendar-days.ts';
import { dayNumber, daysInRange, isoDay } from '#shared/time/seoul.ts';

const day = (iso: string) => classifyDay(dayNumber(iso));

describe('calendar days of the sample generator', () => {
  it('marks Seollal 2026 as major holidays, its run-up and the catch-up Thursday after it', () => {
    // Prepare / Act
    const seollal = ['2026-02-16', '2026-02-17', '2026-02-18'].map(day);
    // Assess
    expect(seollal.every((d) => d.holiday && d.major && d.offDay)).toBe(true);
    expect(day('2026-02-13')).toMatchObject({ daysBeforeMajor: 3, holiday: false, offDay: false });
    expect(day('2026-02-11').daysBeforeMajor).toBe(5);
    expect(day('2026-02-10').daysBeforeMajor).toBe(0);
    // Sat-Wed off (five days): Thursday is the first working day after them.
    expect(day('2026-02-19')).toMatchObject({ catchUp: true, bridge: false, offDay: false });
    expect(day('2026-02-20').catchUp).toBe(false);
  });

  it('finds bridge days: a Friday after a Thursday holiday, a Monday before a Tuesday holiday', () => {
    // Prepare / Act / Assess
    expect(day('2025-10-10')).toMatchObject({ bridge: true, weekday: 5 }); // after 한글날 (Thu)
    expect(day('2025-06-02')).toMatchObject({ bridge: true, weekday: 1 }); // before the election (Tue)
    expect(day('2025-06-04').bridge).toBe(false); // Wednesday after it: a plain working day
    expect(day('2026-03-10')).toMatchObject({
      holiday: false,
      bridge: false,
      catchUp: false,
      daysBeforeMajor: 0,
    });
  });

  it('agrees day by day with classifying each day alone, and calls only holidays, bridges and catch-ups calendar days', () => {
    // Prepare
    const days = daysInRange('2024-11-01', '2026-10-31');
    // Act
    const all = calendarDays(dayNumber(days[0]!), dayNumber(days.at(-1)!));
    // Assess
    expect(all).toHaveLength(days.length);
    for (const [i, iso] of days.entries()) {
      if (i % 17 === 0) expect(all[i]).toEqual(day(iso));
      expect(isCalendarEffectDay(all[i]!)).toBe(all[i]!.holiday || all[i]!.bridge || all[i]!.catchUp);
      if (all[i]!.catchUp || all[i]!.bridge) expect(all[i]!.offDay).toBe(false);
    }
    expect(all.filter((d) => d.bridge).length).toBeGreaterThanOrEqual(3);
    expect(all.filter((d) => d.catchUp).length).toBeGreaterThanOrEqual(8);
  });

  it('moves a due date off weekends and holidays to the previous working day', () => {
    // Prepare / Act / Assess
    expect(isoDay(businessDayOnOrBefore(dayNumber('2026-10-25')))).toBe('2026-10-23'); // Sunday -> Friday
    expect(isoDay(businessDayOnOrBefore(dayNumber('2025-10-08')))).toBe('2025-10-02'); // Chuseok run -> Thursday
    expect(isoDay(businessDayOnOrBefore(dayNumber('2026-10-22')))).toBe('2026-10-22');
    expect(isoDay(businessDaysBefore(dayNumber('2026-10-26'), 1))).toBe('2026-10-23');
    expect(isoDay(businessDaysBefore(dayNumber('2026-10-26'), 3))).toBe('2026-10-21');
  });
});
