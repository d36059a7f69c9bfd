/**
 * Korean public holidays (공휴일), synchronously, for the rules' neighbours: the alert policy and the
 * sample generator. Source: @hyunbinseo/holidays-kr, built from the official 월력요항 and gazette
 * (관보), which covers 2018-2027. Its 2025 and 2026 dates were checked one by one against the gazette
 * (test/holidays.test.ts pins them); none needed correcting, so `OVERRIDES` is empty but stays the one
 * place to correct or add a day (e.g. a 임시공휴일 announced after the package was published).
 *
 * Outside the library's years the lunar holidays (설날, 추석, 부처님 오신 날) and any substitute days
 * are unknown: `holidayName` then knows only the fixed solar holidays, and `holidayCalendarCovers`
 * says so, so a caller can treat such a day as uncertain rather than as an ordinary workday.
 */
import * as calendar from '@hyunbinseo/holidays-kr/all';
import { addDays, type IsoDay } from '#shared/time/seoul.ts';

/** Corrections to the library: a day mapped to its names, or to `null` to remove a listed day. */
const OVERRIDES: Record<IsoDay, readonly string[] | null> = {};

/** Fixed-date national holidays, used only for years the library does not cover (no substitutes). */
const SOLAR_HOLIDAYS: Record<string, string> = {
  '01-01': '1월 1일',
  '03-01': '3ㆍ1절',
  '05-05': '어린이날',
  '06-06': '현충일',
  '08-15': '광복절',
  '10-03': '개천절',
  '10-09': '한글날',
  '12-25': '기독탄신일',
};

const byDay = new Map<IsoDay, readonly string[]>();
const coveredYears = new Set<number>();
for (const [key, preset] of Object.entries(calendar)) {
  coveredYears.add(Number(key.slice(1)));
  for (const [day, names] of Object.entries(preset as Record<string, readonly string[]>))
    byDay.set(day, names);
}
for (const [day, names] of Object.entries(OVERRIDES)) {
  if (names === null) byDay.delete(day);
  else byDay.set(day, names);
}

/** True when the library (official dates) covers the day's year; otherwise only solar holidays are known. */
export function holidayCalendarCovers(day: IsoDay): boolean {
  return coveredYears.has(Number(day.slice(0, 4)));
}

/** The holiday's names (e.g. `['설날']`, `['어린이날', '부처님 오신 날']`), or undefined on a non-holiday. */
export function holidayNames(day: IsoDay): readonly string[] | undefined {
  if (holidayCalendarCovers(day)) return byDay.get(day);
  const solar = SOLAR_HOLIDAYS[day.slice(5)];
  return solar ? [solar] : undefined;
}

/** The holiday's name, names joined with `, ` when two fall on one day; undefined on a non-holiday. */
export function holidayName(day: IsoDay): string | undefined {
  return holidayNames(day)?.join(', ');
}

export function isKoreanHoliday(day: IsoDay): boolean {
  return holidayNames(day) !== undefined;
}

/** Seollal (설날) or Chuseok (추석), including their eve, next day and substitute day. */
export function majorHoliday(day: IsoDay): 'seollal' | 'chuseok' | undefined {
  const names = holidayNames(day);
  if (!names) return undefined;
  if (names.some((name) => name.includes('설날'))) return 'seollal';
  if (names.some((name) => name.includes('추석'))) return 'chuseok';
  return undefined;
}

/** True when a holiday falls within `radius` days of `day` (either side, the day itself included). */
export function nearHoliday(day: IsoDay, radius: number): boolean {
  for (let offset = -radius; offset <= radius; offset++) {
    if (isKoreanHoliday(addDays(day, offset))) return true;
  }
  return false;
}

/** True when Seollal or Chuseok falls within `before` days after `day` or `after` days before it. */
export function nearMajorHoliday(day: IsoDay, before: number, after: number): boolean {
  for (let offset = -after; offset <= before; offset++) {
    if (majorHoliday(addDays(day, offset))) return true;
  }
  return false;
}
