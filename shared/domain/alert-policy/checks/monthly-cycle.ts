/**
 * Monthly cycles (billing notices, monthly newsletters), which a weekday baseline does not see: a
 * peak like those one and two months earlier is the channel's cycle, not an incident.
 */
import type { AlertPolicyConfig } from '#shared/config/alert-policy-config.ts';
import type { LookContext } from '../context.ts';
import type { ChannelEvidence, MetricEvidence } from '../evidence.ts';
import type { Expectation } from '../expectation.ts';
import { hold, type Verdict } from '../verdict.ts';

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
  // A past peak counts when it stood out of the channel's everyday swings, as a billing run does.
  const minLog = Math.max(Math.log(1 + config.page.minChange), (config.page.minZ / 2) * metric.scale[i]!);
  const value = metric.value[i]!;
  // Peaks of one channel vary with the weekday they land on (a weekend's is half): within a factor 2.
  const tolerance = Math.max(2 * metric.scale[i]!, Math.log(PEAK_VARIATION));
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
