import type { ChannelSeries } from '#shared/domain/channel-metrics.ts';
import type { Direction, Finding, FindingStatus, MetricName, RuleName } from '#shared/domain/finding.ts';
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

/** One finding. Rules put only finite figures in `detail` (a finding is always plain JSON). */
export function finding(
  series: ChannelSeries,
  dayNo: number,
  rule: RuleName,
  metric: MetricName,
  status: FindingStatus,
  direction: Direction,
  actual: number,
  expected: number,
  lower: number,
  upper: number,
  detail: Record<string, number>,
): Finding {
  return {
    date: dayName(dayNo),
    channelId: series.channelId,
    channelType: series.channelType,
    rule,
    metric,
    status,
    direction,
    actual,
    expected,
    lower,
    upper,
    detail,
  };
}
