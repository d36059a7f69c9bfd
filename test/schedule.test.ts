import { describe, expect, it } from 'vitest';
import {
  parseSchedule,
  ScheduleSyntaxError,
  scheduledDays,
  scheduledOn,
  scheduleText,
} from '#shared/domain/schedule.ts';
import { dayNumber, isoDay } from '#shared/time/seoul.ts';

const days = (text: string, from: string, to: string) =>
  scheduledDays(parseSchedule(text), from, to).map(isoDay);

describe('campaign schedules', () => {
  it('reads weekdays, days of the month and every N days, and writes them back the same', () => {
    // Act
    const weekly = parseSchedule(' Thu,MON ');
    const monthly = parseSchedule('monthly:15,1,15');
    const every = parseSchedule('every:14:2026-01-05:3');

    // Assess
    expect(weekly).toEqual({ kind: 'weekdays', weekdays: [1, 4] });
    expect(monthly).toEqual({ kind: 'days-of-month', days: [1, 15] });
    expect(every).toEqual({ kind: 'every', everyDays: 14, spanDays: 3, from: '2026-01-05' });
    for (const schedule of [weekly, monthly, every])
      expect(parseSchedule(scheduleText(schedule))).toEqual(schedule);
    expect(scheduleText(parseSchedule('every:7:2026-01-01'))).toBe('every:7:2026-01-01');
  });

  it('says which days it sends, hand-checked on a calendar', () => {
    // Assess: 2026-11-02 is a Monday
    expect(days('mon,thu', '2026-11-01', '2026-11-08')).toEqual(['2026-11-02', '2026-11-05']);
    expect(days('monthly:31', '2026-04-01', '2026-05-31')).toEqual(['2026-05-31']);
    expect(days('every:14:2026-01-05:3', '2026-01-01', '2026-01-22')).toEqual([
      '2026-01-05',
      '2026-01-06',
      '2026-01-07',
      '2026-01-19',
      '2026-01-20',
      '2026-01-21',
    ]);
    // Counted back from the start day too.
    expect(scheduledOn(parseSchedule('every:14:2026-01-05:3'), dayNumber('2025-12-22'))).toBe(true);
    expect(scheduledOn(parseSchedule('every:14:2026-01-05:3'), dayNumber('2025-12-25'))).toBe(false);
  });

  it('names what is wrong', () => {
    // Act / Assess
    for (const [text, message] of [
      ['mon,,thu', 'an empty item in "mon,,thu"'],
      ['monday', '"monday" is not a weekday'],
      ['monthly:0', '"0" is not a day of the month (1-31)'],
      ['every:1:2026-01-05', 'every "1" days must be a whole number from 2 to 366'],
      ['every:14:2026-02-30', '"2026-02-30" is not a calendar day (YYYY-MM-DD)'],
      ['every:14:2026-01-05:14', 'a span of "14" days must be from 1 to 13'],
    ] as const) {
      expect(() => parseSchedule(text)).toThrow(ScheduleSyntaxError);
      expect(() => parseSchedule(text)).toThrow(message);
    }
  });
});
