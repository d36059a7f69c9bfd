/**
 * Campaign schedules as owners write them in the registry (`channels set ID --schedule ...`) and as
 * the policy reads them:
 *
 *   mon,thu                      the same weekdays every week
 *   monthly:1,15                 the same days of every month
 *   every:14:2026-01-05:3        3 days in a row every 14 days, counted from 2026-01-05 (span 1 if left out)
 */
import type { CampaignSchedule } from '#shared/domain/channel-facts.ts';
import {
  dayNumber,
  dayOfMonthOfDayNumber,
  type IsoDay,
  isIsoDay,
  weekdayOfDayNumber,
} from '#shared/time/seoul.ts';

export const WEEKDAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

export const SCHEDULE_SYNTAX = 'mon,thu | monthly:1,15 | every:14:2026-01-05[:3]';

/** Thrown with what is wrong in one line; callers add the flag or field it came from. */
export class ScheduleSyntaxError extends Error {
  override name = 'ScheduleSyntaxError';
}

function list(text: string): string[] {
  const items = text.split(',').map((item) => item.trim().toLowerCase());
  if (items.some((item) => item === '')) throw new ScheduleSyntaxError(`an empty item in "${text}"`);
  return items;
}

const sortedUnique = (values: number[]) => [...new Set(values)].sort((a, b) => a - b);

/** Parses the registry's text form; throws `ScheduleSyntaxError` naming what is wrong. */
export function parseSchedule(text: string): CampaignSchedule {
  const trimmed = text.trim();
  if (trimmed.startsWith('monthly:')) {
    const days = list(trimmed.slice('monthly:'.length)).map((item) => {
      const day = Number(item);
      if (!/^\d{1,2}$/.test(item) || day < 1 || day > 31)
        throw new ScheduleSyntaxError(`"${item}" is not a day of the month (1-31)`);
      return day;
    });
    return { kind: 'days-of-month', days: sortedUnique(days) };
  }
  if (trimmed.startsWith('every:')) {
    const [every, from, span = '1', ...rest] = trimmed.slice('every:'.length).split(':');
    if (rest.length > 0 || every === undefined || from === undefined)
      throw new ScheduleSyntaxError(`"${trimmed}" is not every:DAYS:YYYY-MM-DD[:SPAN]`);
    const everyDays = Number(every);
    const spanDays = Number(span);
    if (!/^\d+$/.test(every) || everyDays < 2 || everyDays > 366)
      throw new ScheduleSyntaxError(`every "${every}" days must be a whole number from 2 to 366`);
    if (!isIsoDay(from)) throw new ScheduleSyntaxError(`"${from}" is not a calendar day (YYYY-MM-DD)`);
    if (!/^\d+$/.test(span) || spanDays < 1 || spanDays >= everyDays)
      throw new ScheduleSyntaxError(`a span of "${span}" days must be from 1 to ${everyDays - 1}`);
    return { kind: 'every', everyDays, spanDays, from };
  }
  const weekdays = list(trimmed).map((item) => {
    const weekday = (WEEKDAY_NAMES as readonly string[]).indexOf(item);
    if (weekday < 0)
      throw new ScheduleSyntaxError(`"${item}" is not a weekday (${WEEKDAY_NAMES.join(', ')})`);
    return weekday;
  });
  return { kind: 'weekdays', weekdays: sortedUnique(weekdays) };
}

/** The registry's text form (what `parseSchedule` reads back). */
export function scheduleText(schedule: CampaignSchedule): string {
  switch (schedule.kind) {
    case 'weekdays':
      return schedule.weekdays.map((weekday) => WEEKDAY_NAMES[weekday]).join(',');
    case 'days-of-month':
      return `monthly:${schedule.days.join(',')}`;
    case 'every':
      return `every:${schedule.everyDays}:${schedule.from}${schedule.spanDays > 1 ? `:${schedule.spanDays}` : ''}`;
  }
}

/** True when the schedule has the channel send on day number `dayNo`. */
export function scheduledOn(schedule: CampaignSchedule, dayNo: number): boolean {
  return compileSchedule(schedule)(dayNo);
}

const compiled = new WeakMap<CampaignSchedule, (dayNo: number) => boolean>();

/** The schedule as a test of day numbers, built once per schedule (asked for every channel-day). */
export function compileSchedule(schedule: CampaignSchedule): (dayNo: number) => boolean {
  let test = compiled.get(schedule);
  if (test) return test;
  switch (schedule.kind) {
    case 'weekdays': {
      const on = new Uint8Array(7);
      for (const weekday of schedule.weekdays) on[weekday] = 1;
      test = (dayNo) => on[weekdayOfDayNumber(dayNo)] === 1;
      break;
    }
    case 'days-of-month': {
      const on = new Uint8Array(32);
      for (const day of schedule.days) on[day] = 1;
      test = (dayNo) => on[dayOfMonthOfDayNumber(dayNo)] === 1;
      break;
    }
    case 'every': {
      const { everyDays, spanDays } = schedule;
      const anchor = dayNumber(schedule.from);
      test = (dayNo) => (((dayNo - anchor) % everyDays) + everyDays) % everyDays < spanDays;
      break;
    }
  }
  compiled.set(schedule, test);
  return test;
}

/** The schedule's days in [from, to], as day numbers. */
export function scheduledDays(schedule: CampaignSchedule, from: IsoDay, to: IsoDay): number[] {
  const days: number[] = [];
  for (let d = dayNumber(from); d <= dayNumber(to); d++) if (scheduledOn(schedule, d)) days.push(d);
  return days;
}
