/**
 * What a calendar day is for Korean sending behaviour, as the sample generator models it: a public
 * holiday, Seollal/Chuseok, a bridge day (a working day squeezed between a holiday and a weekend, which
 * many people take off), a catch-up day (the first working day after three or more days off), or one of
 * the days before Seollal/Chuseok. Pure; holidays from `shared/domain/holidays.ts`. The detector keeps its
 * own classification: this one is the benchmark's ground truth and must not follow the detector's.
 */
import { isKoreanHoliday, majorHoliday } from '#shared/domain/holidays.ts';
import { isoDay, weekdayOfDayNumber } from '#shared/time/seoul.ts';

/** Days before Seollal/Chuseok that count as their run-up (gift promotions, delivery notices). */
export const BEFORE_MAJOR_DAYS = 5;
/** Days after Seollal/Chuseok the first generator lifted transactional sends on. */
const AFTER_MAJOR_DAYS = 2;
/** Days off in a row (weekend plus at least one holiday) after which the first working day catches up. */
export const CATCH_UP_AFTER_DAYS_OFF = 3;
/** Longest run of days off looked back over (Chuseok with a weekend and a substitute day is 5-6). */
const LONGEST_RUN_OFF = 12;

export interface CalendarDay {
  dayNo: number;
  /** 0 = Sunday ... 6 = Saturday. */
  weekday: number;
  dayOfMonth: number;
  /** A public holiday (공휴일): substitute and election days included. */
  holiday: boolean;
  /** Seollal or Chuseok, their eve, next day and substitute day included. */
  major: boolean;
  /** Saturday, Sunday or a public holiday. */
  offDay: boolean;
  /** A working day between two days off, at least one of them a holiday (a Friday after a Thursday holiday). */
  bridge: boolean;
  /** The first working day after three or more days off in a row. */
  catchUp: boolean;
  /** Days until the next Seollal/Chuseok day (1-5), or 0: none that close, or a major day itself. */
  daysBeforeMajor: number;
  /** Within two days after Seollal/Chuseok, not a major day itself. */
  afterMajor: boolean;
}

const isWeekend = (dayNo: number) => {
  const weekday = weekdayOfDayNumber(dayNo);
  return weekday === 0 || weekday === 6;
};

/** Saturday, Sunday or a Korean public holiday. */
export function isOffDay(dayNo: number): boolean {
  return isWeekend(dayNo) || isKoreanHoliday(isoDay(dayNo));
}

/** The working day on or before `dayNo` (a due date on a weekend or holiday moves back to it). */
export function businessDayOnOrBefore(dayNo: number): number {
  let d = dayNo;
  while (isOffDay(d)) d--;
  return d;
}

/** The `count`-th working day before `dayNo` (count >= 1). */
export function businessDaysBefore(dayNo: number, count: number): number {
  let d = dayNo;
  for (let left = count; left > 0; ) {
    d--;
    if (!isOffDay(d)) left--;
  }
  return d;
}

/** One day's classification. */
export function classifyDay(dayNo: number): CalendarDay {
  return calendarDays(dayNo, dayNo)[0]!;
}

/** Every day of `first..last`, classified; one pass over the holiday calendar. */
export function calendarDays(first: number, last: number): CalendarDay[] {
  const pad = Math.max(LONGEST_RUN_OFF, BEFORE_MAJOR_DAYS, AFTER_MAJOR_DAYS) + 1;
  const holiday: boolean[] = [];
  const major: boolean[] = [];
  const off: boolean[] = [];
  for (let d = first - pad; d <= last + pad; d++) {
    const day = isoDay(d);
    holiday.push(isKoreanHoliday(day));
    major.push(majorHoliday(day) !== undefined);
    off.push(isWeekend(d) || holiday[holiday.length - 1]!);
  }
  const days: CalendarDay[] = [];
  for (let d = first; d <= last; d++) {
    const i = d - first + pad;
    let daysBeforeMajor = 0;
    let afterMajor = false;
    if (!major[i]) {
      for (let k = BEFORE_MAJOR_DAYS; k >= 1; k--) if (major[i + k]) daysBeforeMajor = k;
      for (let k = 1; k <= AFTER_MAJOR_DAYS; k++) if (major[i - k]) afterMajor = true;
    }
    let runOff = 0;
    while (runOff < LONGEST_RUN_OFF && off[i - 1 - runOff]) runOff++;
    const bridge = !off[i] && off[i - 1]! && off[i + 1]! && (holiday[i - 1]! || holiday[i + 1]!);
    days.push({
      dayNo: d,
      weekday: weekdayOfDayNumber(d),
      dayOfMonth: Number(isoDay(d).slice(8, 10)),
      holiday: holiday[i]!,
      major: major[i]!,
      offDay: off[i]!,
      bridge,
      catchUp: !off[i] && runOff >= CATCH_UP_AFTER_DAYS_OFF,
      daysBeforeMajor,
      afterMajor,
    });
  }
  return days;
}

/** A day on which calendar effects move sends: a holiday, a bridge day or a catch-up day. */
export function isCalendarEffectDay(day: CalendarDay): boolean {
  return day.holiday || day.bridge || day.catchUp;
}
