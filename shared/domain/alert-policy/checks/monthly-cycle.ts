/**
 * Monthly cycles (billing notices, monthly newsletters), which a weekday baseline does not see: a
 * peak like those one and two months earlier is the channel's cycle, not an incident.
 */
import type { AlertPolicyConfig } from '#shared/domain/alert-policy/config.ts';
import { dayOfMonthOfDayNumber } from '#shared/time/seoul.ts';
import { isBusinessDay } from '../calendar.ts';
import type { LookContext } from '../context.ts';
import type { ChannelEvidence, MetricEvidence } from '../evidence.ts';
import type { Expectation } from '../expectation.ts';
import { severityOf } from '../severity.ts';
import { hold, page, type Verdict } from '../verdict.ts';

/** Days in a month on average: "a month ago" is this many days back, rounded. */
export const DAYS_PER_MONTH = 30.44;
/** A billing day moves to the next workday (Seollal: up to 5 days), so a month ago is a window. */
export const MONTH_SLACK_DAYS = 5;

/** How much one channel's monthly peaks vary among themselves. */
const PEAK_VARIATION = 2;

/** A rise on a count that recurs monthly is held. */
export function monthlyCycle({ run, evidence, look }: LookContext, e: Expectation): Verdict | undefined {
  if (look.metric === 'ctr' || look.down) return undefined;
  return recurringMonthly(evidence[look.metric], look.index, run.config)
    ? hold('monthly_cycle', e.impact)
    : undefined;
}

/**
 * A rise like those one and two months earlier: both months must show a rise of about the same size
 * or larger (the first when the second is before the policy's history), so one past spike excuses
 * little.
 */
function recurringMonthly(metric: MetricEvidence, i: number, config: AlertPolicyConfig): boolean {
  const value = metric.value[i]!;
  // Peaks of one channel vary with the weekday they land on (a weekend's is half): within a factor 2.
  const tolerance = Math.max(2 * metric.scale[i]!, Math.log(PEAK_VARIATION));
  // A past peak counts when it stood out of the channel's everyday swings, as a billing run does, and
  // rose about as far above its baseline as today's did above its own (both without calendar shifts,
  // like for like): a Sunday spike to a weekday's usual sends is not last month's ordinary weekdays.
  const minLog = Math.max(
    Math.log(1 + config.page.minChange),
    (config.page.minZ / 2) * metric.scale[i]!,
    value - metric.expected[i]! - tolerance,
  );
  // 'seen', 'not seen', or 'unknown' when some day then had no baseline (the series' first weeks, late data).
  const seenAround = (monthsBack: number) => {
    let known = true;
    const centre = Math.round(DAYS_PER_MONTH * monthsBack);
    for (let j = i - centre - MONTH_SLACK_DAYS; j <= i - centre + MONTH_SLACK_DAYS; j++) {
      const pastResidual = j < 0 ? Number.NaN : metric.value[j]! - metric.expected[j]!;
      if (Number.isNaN(pastResidual)) {
        known = false;
        continue;
      }
      if (pastResidual >= minLog && metric.value[j]! >= value - tolerance) return 'seen';
    }
    return known ? 'not seen' : 'unknown';
  };
  const twoMonthsAgo = seenAround(2);
  return seenAround(1) === 'seen' && twoMonthsAgo !== 'not seen';
}

/**
 * A swing the same way (`sign`), at least half as large, around the same day one or two months
 * earlier: the channel's monthly cycle (billing runs, the quiet days after them).
 */
export function swungAMonthAgo(
  evidence: ChannelEvidence,
  i: number,
  sign: number,
  config: AlertPolicyConfig,
): boolean {
  const { value, expected } = evidence.sends;
  const floor = Math.max(Math.log(1 + config.page.minChange), (sign * (value[i]! - expected[i]!)) / 2);
  for (const months of [1, 2]) {
    const centre = i - Math.round(DAYS_PER_MONTH * months);
    // A holiday or a late day then says nothing about the channel's own cycle.
    for (let j = Math.max(0, centre - MONTH_SLACK_DAYS); j <= centre + MONTH_SLACK_DAYS && j < i; j++)
      if (!evidence.excluded[j] && sign * (value[j]! - expected[j]!) >= floor) return true;
  }
  return false;
}

/**
 * A monthly peak that did not come: billing and due-date channels peak on a day of the month, moved to
 * the working day before (or after) when it falls on a weekend or holiday. When the two months before
 * peaked on days that put today's due day here, and today's sends are far below those peaks, the run
 * failed, however ordinary the day looks against the channel's weekday baseline.
 */
export function missedMonthlyPeak(ctx: LookContext): Verdict | undefined {
  const { run, evidence, look } = ctx;
  if (look.metric !== 'sends' || !isBusinessDay(ctx.dayNo)) return undefined;
  const config = run.config;
  // A peak is judged against the peaks before it, not against the weekday baseline.
  const { value, scale } = evidence.sends;
  if (!mayPeak(evidence.sends, config)) return undefined;
  const i = look.index;
  const peaks: number[] = [];
  const peakDays: number[] = [];
  for (const months of [1, 2]) {
    const j = peakAround(evidence, i - Math.round(DAYS_PER_MONTH * months), i, config);
    if (j === undefined) return undefined;
    peaks.push(Math.exp(value[j]!) - 1);
    peakDays.push(evidence.series.firstDay + j);
  }
  // Which way the channel moves a due day off a weekend: the way that explains both past peaks. When
  // both do, today must be its due day either way.
  const rules = MOVES.filter((move) => shared(peakDays.map((d) => dueDaysOf(d, move))).size > 0);
  if (rules.length === 0) return undefined;
  const dueToday = rules.every(
    (move) => shared([...peakDays, ctx.dayNo].map((d) => dueDaysOf(d, move))).size > 0,
  );
  if (!dueToday) return undefined;
  const peak = Math.min(...peaks);
  const sends = evidence.series.sends[i]!;
  if (!(sends < (1 - config.monthlyPeak.missedShare) * peak) || peak < config.volumeFloor.minExpected)
    return undefined;
  const impact = peak - sends;
  const silent = sends <= config.page.silentShare * peak;
  return page(silent ? 'silent' : 'monthly_peak_missed', {
    severity: severityOf(impact, silent, config.severity),
    impact,
    strength: (silent ? 100 : 0) + Math.abs(Math.log((sends + 1) / (peak + 1))) / Math.max(scale[i]!, 0.05),
    silent,
    down: true,
    figures: { change: 1 - sends / peak },
    judged: { metric: 'sends', actual: sends, expected: Math.round(peak) },
  });
}

const peaking = new WeakMap<MetricEvidence, boolean>();

/** Whether any day of the series stands out enough to be a peak (most channels: no; asked once). */
function mayPeak(sends: MetricEvidence, config: AlertPolicyConfig): boolean {
  let known = peaking.get(sends);
  if (known === undefined) {
    const floor = Math.log(config.monthlyPeak.minPeak);
    known = false;
    for (let j = 0; j < sends.value.length && !known; j++)
      if (sends.value[j]! - sends.expected[j]! >= floor) known = true;
    peaking.set(sends, known);
  }
  return known;
}

/** The day a month back (within the slack) that stood out most, if it was a peak. */
function peakAround(evidence: ChannelEvidence, centre: number, before: number, config: AlertPolicyConfig) {
  const { value, expected, scale } = evidence.sends;
  let best: number | undefined;
  let bestResidual = Number.NEGATIVE_INFINITY;
  for (let j = Math.max(0, centre - MONTH_SLACK_DAYS); j <= centre + MONTH_SLACK_DAYS && j < before; j++) {
    const r = value[j]! - expected[j]!;
    if (r > bestResidual) {
      bestResidual = r;
      best = j;
    }
  }
  if (best === undefined) return undefined;
  const floor = Math.max(Math.log(config.monthlyPeak.minPeak), config.page.minZ * scale[best]!);
  return bestResidual >= floor ? best : undefined;
}

/** A due day off a weekend or holiday moves to the working day before it, or to the one after. */
const MOVES = ['back', 'forward'] as const;

/**
 * The days of the month whose due date lands on `dayNo` under a move: its own, and those of the days
 * off right after it (moved back to it) or right before it (moved forward to it).
 */
function dueDaysOf(dayNo: number, move: (typeof MOVES)[number]): Set<number> {
  const days = new Set([dayOfMonthOfDayNumber(dayNo)]);
  const step = move === 'back' ? 1 : -1;
  for (let d = dayNo + step; !isBusinessDay(d) && Math.abs(d - dayNo) < 10; d += step)
    days.add(dayOfMonthOfDayNumber(d));
  return days;
}

/** The days in every set. */
function shared(sets: Set<number>[]): Set<number> {
  return new Set([...sets[0]!].filter((day) => sets.every((set) => set.has(day))));
}
