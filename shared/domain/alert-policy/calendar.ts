/**
 * Which days of a run are not ordinary: late or partly arrived data, and days around Korean holidays.
 */
import type { AlertPolicyConfig } from '#shared/config/alert-policy-config.ts';
import type { ChannelMetrics } from '#shared/domain/channel-metrics.ts';
import { isKoreanHoliday, majorHoliday } from '#shared/domain/holidays.ts';
import { dayNumber, isoDay, weekdayOfDayNumber } from '#shared/time/seoul.ts';

export type HolidayWindow = 'holiday' | 'before-major' | 'after-major' | undefined;

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

/** Where a day sits against Korean holidays: on one, in the run-up to Seollal/Chuseok, or just after. */
export function holidayWindowOf(dayNo: number, config: AlertPolicyConfig['holidays']): HolidayWindow {
  if (!config.enabled) return undefined;
  if (isKoreanHoliday(isoDay(dayNo))) return 'holiday';
  for (let k = 1; k <= config.beforeMajor; k++) if (majorHoliday(isoDay(dayNo + k))) return 'before-major';
  for (let k = 1; k <= config.afterMajor; k++) if (majorHoliday(isoDay(dayNo - k))) return 'after-major';
  return undefined;
}
