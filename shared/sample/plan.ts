/**
 * Each channel's plan: its expected sends and CTR per day before noise and incidents, from its shape,
 * the calendar and (realistic model) its own calendar response.
 */
import { dayNumber, isoDay } from '#shared/time/seoul.ts';
import { businessDayOnOrBefore, businessDaysBefore, type CalendarDay } from './calendar-days.ts';
import { type CalendarResponse, calendarFactor } from './calendar-response.ts';
import type { Shape } from './families.ts';
import type { Random } from './random.ts';
import { onSchedule } from './schedule.ts';

/** Expected sends and CTR per day before noise; `sending` marks the days a campaign channel planned to send. */
export interface DayPlan {
  mean: number[];
  ctr: number[];
  sending: boolean[];
  startIndex: number;
  /** The last day of regular sending (a stop, a pause or a retirement ends it early). */
  endIndex: number;
}

/** monthly: the billing-day notice, then two follow-ups, as shares of the peak. */
const BILLING_TAPER = [1, 0.55, 0.3];
/** Campaign sizes vary around the channel's base. */
const CAMPAIGN_SIZE = { low: 0.6, high: 1.4 };

function emptyPlan(shape: Shape, days: number, first: number): DayPlan {
  const { channel } = shape;
  return {
    mean: new Array<number>(days).fill(0),
    ctr: new Array<number>(days).fill(channel.baseCtr),
    sending: new Array<boolean>(days).fill(false),
    startIndex: dayNumber(channel.startDay) - first,
    endIndex: dayNumber(channel.endDay) - first,
  };
}

/** The first benchmark's plan, unchanged: one holiday factor per channel, a weekday holiday sends like a Sunday. */
export function planLegacyDays(
  shape: Shape,
  calendar: CalendarDay[],
  first: number,
  random: Random,
): DayPlan {
  const { channel } = shape;
  const plan = emptyPlan(shape, calendar.length, first);
  const { mean, ctr, sending } = plan;
  let campaignLeft = 0;
  let billingPending = false;
  let billingStep = BILLING_TAPER.length;
  for (let i = plan.startIndex; i <= plan.endIndex; i++) {
    const info = calendar[i]!;
    let volume = channel.baseSends * shape.weekdayFactor[info.weekday]!;
    if (info.holiday && info.weekday !== 0 && info.weekday !== 6)
      volume = channel.baseSends * shape.weekdayFactor[0]!;
    switch (channel.pattern) {
      case 'bursty': {
        if (campaignLeft === 0 && !info.major && random.chance(shape.campaignChance))
          campaignLeft = random.int(1, 3);
        if (campaignLeft > 0) {
          campaignLeft--;
          volume = channel.baseSends * random.uniform(CAMPAIGN_SIZE.low, CAMPAIGN_SIZE.high);
          sending[i] = true;
        } else volume = random.chance(0.25) ? channel.baseSends * 0.02 : 0;
        break;
      }
      case 'monthly': {
        // Billing notices go out on the first workday on or after the billing day, then taper.
        if (info.dayOfMonth === shape.billingDay) billingPending = true;
        if (billingPending && !info.offDay) {
          billingPending = false;
          billingStep = 0;
        }
        if (billingStep < BILLING_TAPER.length) {
          volume = channel.baseSends * BILLING_TAPER[billingStep]! * (info.offDay ? 0.5 : 1);
          billingStep++;
        } else volume = channel.baseSends * shape.ordinaryShare;
        break;
      }
      default:
        sending[i] = true;
    }
    if (channel.pattern === 'monthly') sending[i] = true;
    if (info.major) volume *= shape.majorHolidayFactor;
    else if (info.holiday) volume *= shape.holidayFactor;
    if (info.daysBeforeMajor > 0)
      volume *= channel.category === 'transactional' ? 1.15 : shape.preHolidayBoost;
    if (info.afterMajor && channel.category === 'transactional') volume *= 1.2;
    if ((info.holiday || info.major) && channel.category === 'advertising') ctr[i] = channel.baseCtr * 0.85;
    mean[i] = volume;
  }
  return plan;
}

/**
 * The realistic plan: an ordinary day of the weekday, times the channel's own calendar response; due dates
 * that move back to the previous working day; campaigns on a schedule.
 */
export function planRealisticDays(
  shape: Shape,
  response: CalendarResponse,
  calendar: CalendarDay[],
  first: number,
  random: Random,
): DayPlan {
  const { channel } = shape;
  const plan = emptyPlan(shape, calendar.length, first);
  const { mean, ctr, sending } = plan;
  const dueDays =
    channel.family === 'billing' ? dueDayShares(shape, first, first + calendar.length - 1) : undefined;
  let campaignLeft = 0;
  let billingPending = false;
  let billingStep = BILLING_TAPER.length;
  for (let i = plan.startIndex; i <= plan.endIndex; i++) {
    const info = calendar[i]!;
    let volume = channel.baseSends * shape.weekdayFactor[info.weekday]!;
    sending[i] = true;
    switch (channel.family) {
      case 'bursty':
        if (campaignLeft === 0 && !info.major && random.chance(shape.campaignChance))
          campaignLeft = random.int(1, 3);
        sending[i] = campaignLeft > 0;
        if (campaignLeft > 0) {
          campaignLeft--;
          volume = channel.baseSends * random.uniform(CAMPAIGN_SIZE.low, CAMPAIGN_SIZE.high);
        } else volume = random.chance(0.25) ? channel.baseSends * 0.02 : 0;
        break;
      case 'monthly':
        if (info.dayOfMonth === shape.billingDay) billingPending = true;
        if (billingPending && !info.offDay) {
          billingPending = false;
          billingStep = 0;
        }
        if (billingStep < BILLING_TAPER.length) {
          // Follow-up reminders add to the day's ordinary notices; they never take it below them.
          volume =
            channel.baseSends *
            Math.max(BILLING_TAPER[billingStep]! * (info.offDay ? 0.5 : 1), shape.ordinaryShare);
          billingStep++;
        } else volume = channel.baseSends * shape.ordinaryShare;
        break;
      case 'billing':
        volume =
          channel.baseSends *
          (dueDays!.get(info.dayNo) ?? shape.ordinaryShare * shape.weekdayFactor[info.weekday]!);
        break;
      case 'scheduled':
        sending[i] = onSchedule(shape.schedule!, info.dayNo);
        volume = sending[i]
          ? channel.baseSends * random.uniform(CAMPAIGN_SIZE.low, CAMPAIGN_SIZE.high)
          : channel.baseSends * shape.trickle;
        break;
      default:
    }
    volume *= calendarFactor(response, info);
    if (info.holiday) ctr[i] = channel.baseCtr * response.holidayCtr;
    mean[i] = volume;
  }
  return plan;
}

/**
 * Due-date channels: day number -> share of the peak. The due day's notice goes out on the due day, or on
 * the working day before it when it falls on a weekend or holiday; reminders go out working days before.
 */
export function dueDayShares(shape: Shape, first: number, last: number): Map<number, number> {
  const shares = new Map<number, number>();
  const start = isoDay(first - 40);
  let year = Number(start.slice(0, 4));
  let month = Number(start.slice(5, 7));
  for (;;) {
    const due = dayNumber(
      `${year}-${String(month).padStart(2, '0')}-${String(shape.billingDay).padStart(2, '0')}`,
    );
    if (due > last + 10) break;
    const peak = businessDayOnOrBefore(due);
    shares.set(peak, 1);
    for (const reminder of shape.reminders) {
      const day = businessDaysBefore(peak, reminder.businessDaysBefore);
      shares.set(day, Math.max(shares.get(day) ?? 0, reminder.share));
    }
    month++;
    if (month > 12) {
      month = 1;
      year++;
    }
  }
  return shares;
}

/** The median planned sends over the days the channel planned to send (a campaign's size on campaign channels). */
export function typicalSends(plan: DayPlan): number {
  const means: number[] = [];
  for (let i = plan.startIndex; i <= plan.endIndex; i++) if (plan.sending[i]) means.push(plan.mean[i]!);
  means.sort((a, b) => a - b);
  return means[Math.floor(means.length / 2)] ?? 0;
}
