import { DEFAULT_ALERT_POLICY_CONFIG } from '#shared/config/alert-policy-config.ts';
import { DEFAULT_DETECTION_CONFIG } from '#shared/config/detection-config.ts';
import { judgeFindings } from '#shared/domain/alert-policy/index.ts';
import type { ChannelFactsById } from '#shared/domain/channel-facts.ts';
import type { ChannelMetrics } from '#shared/domain/channel-metrics.ts';
import type { JudgedFinding } from '#shared/domain/finding.ts';
import { runRules } from '#shared/domain/rules/index.ts';
import type { ProfileName } from '#shared/domain/run-record.ts';
import { buildChannelMetrics } from '#shared/domain/series.ts';
import { mixSeed, Random } from '#shared/sample/random.ts';
import { addDays, dayNumber, type IsoDay, weekdayOfDayNumber } from '#shared/time/seoul.ts';

/** A hand-built channel: sends per day from a function of the day, CTR fixed unless `ctr` says otherwise. */
export interface ChannelSpec {
  channelId: string;
  sends: (day: IsoDay, dayNo: number) => number;
  ctr?: (day: IsoDay) => number;
}

/** Weekly shape with a little multiplicative noise (seeded): weekdays `level`, weekends 60% of it. */
export function weekly(level: number, seed: number): (day: IsoDay, dayNo: number) => number {
  return (_day, dayNo) => {
    const random = new Random(mixSeed(seed, dayNo));
    const weekend = weekdayOfDayNumber(dayNo) % 6 === 0 ? 0.6 : 1;
    return Math.round(level * weekend * random.lognormalFactor(0.05));
  };
}

/** Metrics for `days` days ending `to`, every channel from the first day; `missing` rows are dropped. */
export function buildMetrics(
  channels: ChannelSpec[],
  from: IsoDay,
  to: IsoDay,
  dropRow: (channelId: string, day: IsoDay) => boolean = () => false,
): ChannelMetrics {
  const first = dayNumber(from);
  const last = dayNumber(to);
  const channel: number[] = [];
  const day: number[] = [];
  const sends: number[] = [];
  const clicks: number[] = [];
  for (let d = first; d <= last; d++) {
    const iso = addDays(from, d - first);
    channels.forEach((spec, index) => {
      const count = spec.sends(iso, d);
      if (count <= 0 || dropRow(spec.channelId, iso)) return;
      channel.push(index);
      day.push(d);
      sends.push(count);
      clicks.push(Math.round(count * (spec.ctr?.(iso) ?? 0.05)));
    });
  }
  return buildChannelMetrics({
    fromDay: first,
    toDay: last,
    channelIds: channels.map((c) => c.channelId),
    channelTypes: channels.map(() => 'alimtalk'),
    seenBefore: new Uint8Array(channels.length),
    channel: Int32Array.from(channel),
    day: Int32Array.from(day),
    sends: Float64Array.from(sends),
    clicks: Float64Array.from(clicks),
  });
}

/** Runs the seed rules over `range` plus the policy's look-back, then judges `range` with a profile. */
export function judge(
  metrics: ChannelMetrics,
  range: { from: IsoDay; to: IsoDay },
  profile: ProfileName = 'default',
  facts?: ChannelFactsById,
) {
  const ruleRun = runRules(
    metrics,
    { from: addDays(range.from, -14), to: range.to },
    DEFAULT_DETECTION_CONFIG,
  );
  return {
    ruleRun,
    judged: judgeFindings({
      profile,
      metrics,
      ruleRun,
      range,
      config: DEFAULT_ALERT_POLICY_CONFIG,
      detection: DEFAULT_DETECTION_CONFIG,
      ...(facts ? { facts } : {}),
    }),
  };
}

/** The days a channel paged on. */
export function pagedDays(judged: JudgedFinding[], channelId: string): IsoDay[] {
  return [...new Set(judged.filter((f) => f.alert && f.channelId === channelId).map((f) => f.date))].sort();
}
