/**
 * The Korean calendar's unusual days: what the channel (or, until it has a history, channels of its
 * type and category) usually does on such a day moves the expectation, and its uncertainty widens the
 * band. Only the part of a drop this explains is excused: a partial outage on Chuseok still pages.
 */
import type { CalendarEffect } from '../calendar-memory.ts';
import type { LookContext } from '../context.ts';

/** The day's calendar effect on a count, or undefined on an ordinary day (and for CTR). */
export function calendarEffect({ run, channel, look, dayNo }: LookContext): CalendarEffect | undefined {
  if (look.metric === 'ctr') return undefined;
  const kind = run.kindOf(dayNo);
  if (kind === undefined) return undefined;
  return run.calendar.effect(channel.group, channel.calendar, kind, dayNo);
}
