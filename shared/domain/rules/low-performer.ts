import type { ChannelSeries } from '#shared/domain/channel-metrics.ts';
import type { Finding } from '#shared/domain/finding.ts';
import type { RuleConfig } from '#shared/domain/rules/config.ts';
import { finding } from '#shared/domain/rules/emit.ts';
import type { RollingMoments } from '#shared/domain/rules/rolling.ts';

/**
 * Rule 5 (detection spec): over the `days` days ending at t inclusive (all inside the series and, as
 * a late day would understate S7, all present), S7 = sum sends, K7 = sum clicks; a low performer when
 * S7 >= minSends and K7/S7 < maxCtr. Reported once per channel-day as metric ctr, direction down,
 * expected = upper = maxCtr, lower = 0. `sends` and `clicks` are windows of `days` already holding t.
 */
export function judgeLowPerformer(
  t: number,
  lowPerformer: RuleConfig['lowPerformer'],
  sends: RollingMoments,
  clicks: RollingMoments,
  series: ChannelSeries,
  dayNo: number,
  out: Finding[],
): void {
  if (t - lowPerformer.days + 1 < 0 || sends.n < lowPerformer.days || clicks.n < lowPerformer.days) return;
  const s7 = sends.sum;
  const k7 = clicks.sum;
  if (!(s7 >= lowPerformer.minSends && k7 / s7 < lowPerformer.maxCtr)) return;
  const { maxCtr } = lowPerformer;
  out.push(
    finding(series, dayNo, 'low_performer', 'ctr', 'confirmed', 'down', k7 / s7, maxCtr, 0, maxCtr, {
      sends: s7,
      clicks: k7,
      days: lowPerformer.days,
    }),
  );
}
