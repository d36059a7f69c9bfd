/**
 * Which days of a run are not ordinary: late or partly arrived data, and the Korean calendar's
 * unusual days (public holidays, Seollal and Chuseok, the working day squeezed between a holiday and
 * a weekend, the catch-up day after a long holiday, the run-up to Seollal and Chuseok).
 */
import type { AlertPolicyConfig } from '#shared/domain/alert-policy/config.ts';
import type { ChannelMetrics } from '#shared/domain/channel-metrics.ts';
import { isKoreanHoliday, majorHoliday } from '#shared/domain/holidays.ts';
import { dayNumber, isoDay, weekdayOfDayNumber } from '#shared/time/seoul.ts';

/**
 * The calendar kinds a channel may respond to, each learned on its own, against the same weekday of
 * ordinary weeks. A holiday on a weekend moves a weekend, so it is a kind apart; until one has been
 * seen, it is judged like a holiday on a working day (see `FALLBACK_KIND`).
 */
export const CALENDAR_KINDS = [
  'holiday',
  'holiday-weekend',
  'major',
  'major-weekend',
  'bridge',
  'catch-up',
  'before-major',
] as const;

/** The kind a kind borrows from while no channel has seen it. */
export const FALLBACK_KIND: Partial<Record<CalendarKind, CalendarKind>> = {
  'holiday-weekend': 'holiday',
  'major-weekend': 'major',
};
export type CalendarKind = (typeof CALENDAR_KINDS)[number];

/** Index of each kind, for typed-array bookkeeping. */
export const KIND_INDEX: Record<CalendarKind, number> = Object.fromEntries(
  CALENDAR_KINDS.map((kind, index) => [kind, index]),
) as Record<CalendarKind, number>;

const isWeekend = (dayNo: number) => {
  const weekday = weekdayOfDayNumber(dayNo);
  return weekday === 0 || weekday === 6;
};
const holidays = new Map<number, boolean>();
/** Asked for every channel-day around due dates and breaks: remembered per day. */
const holiday = (dayNo: number) => {
  let known = holidays.get(dayNo);
  if (known === undefined) {
    known = isKoreanHoliday(isoDay(dayNo));
    holidays.set(dayNo, known);
  }
  return known;
};
const off = (dayNo: number) => isWeekend(dayNo) || holiday(dayNo);

/** A working day in Korea: not a weekend, not a public holiday. */
export const isBusinessDay = (dayNo: number) => !off(dayNo);

/** The longest run of days off looked through for Seollal or Chuseok. */
const MAX_BREAK = 10;

/** True when the run of days off around `dayNo` holds Seollal or Chuseok. */
function inMajorBreak(dayNo: number): boolean {
  for (let d = dayNo; d > dayNo - MAX_BREAK && off(d); d--) if (majorHoliday(isoDay(d))) return true;
  for (let d = dayNo + 1; d < dayNo + MAX_BREAK && off(d); d++) if (majorHoliday(isoDay(d))) return true;
  return false;
}

/** Where a day sits in the Korean calendar, or undefined for an ordinary day. */
export function calendarKindOf(
  dayNo: number,
  config: AlertPolicyConfig['holidays'],
): CalendarKind | undefined {
  if (!config.enabled) return undefined;
  const weekend = isWeekend(dayNo);
  // A holiday in the same break as Seollal or Chuseok (Hangul Day after Chuseok 2025) is part of it.
  if (holiday(dayNo) && inMajorBreak(dayNo)) return weekend ? 'major-weekend' : 'major';
  if (holiday(dayNo)) return weekend ? 'holiday-weekend' : 'holiday';
  // Promotions and delivery notices run up to Seollal and Chuseok, weekends included.
  for (let k = 1; k <= config.beforeMajor; k++) if (majorHoliday(isoDay(dayNo + k))) return 'before-major';
  if (weekend) return undefined;
  // Many people take the working day between a holiday and a weekend off.
  if (off(dayNo - 1) && off(dayNo + 1) && (holiday(dayNo - 1) || holiday(dayNo + 1))) return 'bridge';
  // The first working day after three or more days off, a holiday among them: the week's backlog.
  let offRun = 0;
  let holidayInRun = false;
  while (offRun < 10 && off(dayNo - offRun - 1)) {
    holidayInRun ||= holiday(dayNo - offRun - 1);
    offRun++;
  }
  if (offRun >= 3 && holidayInRun) return 'catch-up';
  return undefined;
}

/**
 * Days that have not fully arrived: missing partitions, and days on which far fewer channels have a
 * row than on the same weekday of the previous weeks (a partition still being written shows as a
 * wave of "outages"). Holidays compare against Sundays too, since many campaigns rest on both.
 */
export function lateDays(metrics: ChannelMetrics, config: AlertPolicyConfig['lateData']): Set<number> {
  const late = new Set(metrics.missingDays.map(dayNumber));
  const dayCount = metrics.toDay - metrics.fromDay + 1;
  const rows = new Int32Array(dayCount);
  for (const series of metrics.channels) {
    const offset = series.firstDay - metrics.fromDay;
    for (let i = 0; i < series.sends.length; i++) if (series.sends[i]! > 0) rows[offset + i]!++;
  }
  const reference = (d: number, weekday: number) => {
    const counts: number[] = [];
    for (let j = d - 1; j >= 0 && counts.length < config.referenceWeeks; j--)
      if (weekdayOfDayNumber(metrics.fromDay + j) === weekday && !late.has(metrics.fromDay + j))
        counts.push(rows[j]!);
    if (counts.length === 0) return Number.NaN;
    counts.sort((a, b) => a - b);
    return counts[counts.length >> 1]!;
  };
  for (let d = 0; d < dayCount; d++) {
    const dayNo = metrics.fromDay + d;
    if (late.has(dayNo)) continue;
    let expected = reference(d, weekdayOfDayNumber(dayNo));
    if (isKoreanHoliday(isoDay(dayNo))) expected = Math.min(expected, reference(d, 0));
    if (rows[d]! < config.minRowShare * expected && expected - rows[d]! >= config.minMissingRows)
      late.add(dayNo);
  }
  return late;
}
