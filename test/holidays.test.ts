import { describe, expect, it } from 'vitest';
import {
  holidayCalendarCovers,
  holidayName,
  isKoreanHoliday,
  majorHoliday,
  nearHoliday,
} from '#shared/domain/holidays.ts';
import { daysInRange } from '#shared/time/seoul.ts';

// Official public holidays (관공서의 공휴일에 관한 규정, 월력요항 and the gazette's later designations).
const OFFICIAL: Record<string, string[]> = {
  '2025': [
    '2025-01-01',
    '2025-01-27', // 임시공휴일
    '2025-01-28',
    '2025-01-29',
    '2025-01-30', // 설날
    '2025-03-01',
    '2025-03-03', // 3·1절 (Sat) + substitute
    '2025-05-05',
    '2025-05-06', // 어린이날 = 부처님 오신 날 -> substitute
    '2025-06-03', // 대통령선거
    '2025-06-06',
    '2025-08-15',
    '2025-10-03',
    '2025-10-05',
    '2025-10-06',
    '2025-10-07',
    '2025-10-08', // 추석 (Sun) + substitute
    '2025-10-09',
    '2025-12-25',
  ],
  '2026': [
    '2026-01-01',
    '2026-02-16',
    '2026-02-17',
    '2026-02-18', // 설날
    '2026-03-01',
    '2026-03-02', // 3·1절 (Sun) + substitute
    '2026-05-01', // 노동절: listed by the library (2025 law change); not independently confirmed here
    '2026-05-05',
    '2026-05-24',
    '2026-05-25', // 부처님 오신 날 (Sun) + substitute
    '2026-06-03', // 전국동시지방선거
    '2026-06-06',
    '2026-07-17', // 제헌절: listed by the library (2025 law change); not independently confirmed here
    '2026-08-15',
    '2026-08-17', // 광복절 (Sat) + substitute
    '2026-09-24',
    '2026-09-25',
    '2026-09-26', // 추석
    '2026-10-03',
    '2026-10-05', // 개천절 (Sat) + substitute
    '2026-10-09',
    '2026-12-25',
  ],
};

describe('Korean holiday calendar', () => {
  for (const [year, official] of Object.entries(OFFICIAL)) {
    it(`lists exactly the official holidays of ${year}`, () => {
      // Prepare
      const days = daysInRange(`${year}-01-01`, `${year}-12-31`);
      // Act
      const holidays = days.filter(isKoreanHoliday);
      // Assess
      expect(holidays).toEqual(official);
    });
  }

  it('names the holidays, Seollal and Chuseok blocks included', () => {
    expect(holidayName('2025-05-05')).toBe('어린이날, 부처님 오신 날');
    expect(holidayName('2026-05-25')).toBe('대체공휴일(부처님 오신 날)');
    expect(holidayName('2026-05-26')).toBeUndefined();
    expect(majorHoliday('2026-02-16')).toBe('seollal');
    expect(majorHoliday('2025-10-08')).toBe('chuseok');
    expect(majorHoliday('2025-10-09')).toBeUndefined();
  });

  it('finds holidays within a radius', () => {
    expect(nearHoliday('2026-09-22', 2)).toBe(true);
    expect(nearHoliday('2026-09-21', 2)).toBe(false);
  });

  it('knows only the solar holidays outside the official years', () => {
    expect(holidayCalendarCovers('2026-01-01')).toBe(true);
    expect(holidayCalendarCovers('2031-01-01')).toBe(false);
    expect(isKoreanHoliday('2031-08-15')).toBe(true);
    expect(isKoreanHoliday('2031-08-16')).toBe(false);
  });
});
