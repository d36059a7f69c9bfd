import type { ChannelSeries } from '#shared/domain/channel-metrics.ts';
import type { Finding } from '#shared/domain/finding.ts';
import { isoDay } from '#shared/time/seoul.ts';

const dayNames = new Map<number, string>();

/** The ISO day of a day number, memoised: findings of one run share a handful of days. */
export function dayName(dayNo: number): string {
  let name = dayNames.get(dayNo);
  if (name === undefined) {
    name = isoDay(dayNo);
    if (dayNames.size > 10_000) dayNames.clear();
    dayNames.set(dayNo, name);
  }
  return name;
}

/**
 * The channel-day the rules are judging: the pass over a channel moves one of these along its days
 * (`t` indexes the series, `dayNo` is the day), and every rule adds its finding to `out`.
 */
export interface RuleDay {
  series: ChannelSeries;
  t: number;
  dayNo: number;
  out: Finding[];
}

/** What a rule found on a day: a finding without the channel and date the `RuleDay` supplies. */
export type RuleHit = Omit<Finding, 'date' | 'channelId' | 'channelType'>;

/** Adds the finding of `hit` on `day`. Rules put only finite figures in `detail` (a finding is plain JSON). */
export function emit(day: RuleDay, hit: RuleHit): void {
  day.out.push({
    date: dayName(day.dayNo),
    channelId: day.series.channelId,
    channelType: day.series.channelType,
    rule: hit.rule,
    metric: hit.metric,
    status: hit.status,
    direction: hit.direction,
    actual: hit.actual,
    expected: hit.expected,
    lower: hit.lower,
    upper: hit.upper,
    detail: hit.detail,
  });
}
