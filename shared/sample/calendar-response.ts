/**
 * How one channel's sends move on calendar days (realistic model), each channel drawing its own factors:
 * transactional alimtalk barely moves on a holiday and catches up after a long one; marketing pushes
 * halve on holidays, more on Seollal/Chuseok, dip on bridge days, and some rise before Seollal/Chuseok.
 */
import type { CalendarDay } from './calendar-days.ts';
import type { Random } from './random.ts';
import type { ChannelCategory } from './types.ts';

export interface CalendarResponse {
  /** A single public holiday, against an ordinary day of the same weekday. */
  holiday: number;
  /** Seollal and Chuseok (eve, next day and substitute day included). */
  major: number;
  /** A working day between a holiday and a weekend: many people take it off. */
  bridge: number;
  /** The first working day after three or more days off. */
  catchUp: number;
  /** The run-up to Seollal/Chuseok: `beforeMajor` on the last `beforeMajorDays` days before it. */
  beforeMajor: number;
  beforeMajorDays: number;
  /** CTR on holidays (people away from their phones' promotions). */
  holidayCtr: number;
}

export function drawCalendarResponse(random: Random, category: ChannelCategory): CalendarResponse {
  if (category === 'transactional')
    return {
      holiday: random.uniform(0.85, 1.05),
      major: random.uniform(0.85, 1.05),
      bridge: random.uniform(0.95, 1.05),
      catchUp: random.uniform(1.15, 1.6),
      beforeMajor: 1,
      beforeMajorDays: 0,
      holidayCtr: 1,
    };
  const advertising = category === 'advertising';
  const holiday = advertising ? random.uniform(0.3, 0.7) : random.uniform(0.5, 0.85);
  const rises = random.chance(advertising ? 0.5 : 0.25);
  return {
    holiday,
    // Seollal and Chuseok hit harder than a single holiday: families travel, phones stay in pockets.
    major: holiday * (advertising ? random.uniform(0.4, 0.8) : random.uniform(0.5, 0.85)),
    bridge: random.uniform(0.6, 0.9),
    catchUp: advertising ? random.uniform(0.95, 1.1) : random.uniform(1, 1.15),
    beforeMajor: rises ? random.uniform(1.3, 2.2) : 1,
    beforeMajorDays: rises ? random.int(1, 5) : 0,
    holidayCtr: advertising ? random.uniform(0.8, 0.95) : 1,
  };
}

/** The factor on a day's planned sends. */
export function calendarFactor(response: CalendarResponse, day: CalendarDay): number {
  let factor = 1;
  if (day.major) factor *= response.major;
  else if (day.holiday) factor *= response.holiday;
  if (day.bridge) factor *= response.bridge;
  if (day.catchUp) factor *= response.catchUp;
  if (day.daysBeforeMajor > 0 && day.daysBeforeMajor <= response.beforeMajorDays)
    factor *= response.beforeMajor;
  return factor;
}
