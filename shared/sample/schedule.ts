/**
 * Campaign schedules of the `scheduled` family: the same weekday(s) every week, a run of three days every
 * two weeks, or a day (or two) of the month. The shape is the registry's `CampaignSchedule`, so a
 * declared schedule is the very one the channel sends on.
 */
import type { CampaignSchedule } from '#shared/domain/channel-facts.ts';
import { dayNumber, isoDay, weekdayOfDayNumber } from '#shared/time/seoul.ts';
import type { Random } from './random.ts';

/** Every two weeks, three days in a row (a fortnightly promotion). */
const FORTNIGHT = { everyDays: 14, spanDays: 3 };
/** Days of the month a schedule may use: every month has them. */
const LAST_SCHEDULED_DAY_OF_MONTH = 28;

/** Draws a schedule; `firstDayNo` anchors the fortnightly runs inside the sample. */
export function drawSchedule(random: Random, firstDayNo: number): CampaignSchedule {
  const kind = random.weighted({ weekdays: 0.45, every: 0.25, 'days-of-month': 0.3 });
  if (kind === 'weekdays') {
    const first = random.int(1, 5);
    if (random.chance(0.7)) return { kind, weekdays: [first] };
    const second = (first + random.int(2, 4)) % 7;
    return { kind, weekdays: [first, second].sort((a, b) => a - b) };
  }
  if (kind === 'every') return { kind, ...FORTNIGHT, from: isoDay(firstDayNo + random.int(0, 13)) };
  const first = random.int(1, LAST_SCHEDULED_DAY_OF_MONTH);
  if (random.chance(0.65)) return { kind, days: [first] };
  const second = ((first + random.int(10, 17) - 1) % LAST_SCHEDULED_DAY_OF_MONTH) + 1;
  return { kind, days: [...new Set([first, second])].sort((a, b) => a - b) };
}

/** True when the schedule sends on the day. */
export function onSchedule(schedule: CampaignSchedule, dayNo: number): boolean {
  switch (schedule.kind) {
    case 'weekdays':
      return schedule.weekdays.includes(weekdayOfDayNumber(dayNo));
    case 'days-of-month':
      return schedule.days.includes(Number(isoDay(dayNo).slice(8, 10)));
    case 'every': {
      const offset = dayNo - dayNumber(schedule.from);
      return ((offset % schedule.everyDays) + schedule.everyDays) % schedule.everyDays < schedule.spanDays;
    }
  }
}
