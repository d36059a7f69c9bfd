import type { ChannelSeries } from '#shared/domain/channel-metrics.ts';
import type { Finding, MetricName } from '#shared/domain/finding.ts';
import type { RuleConfig } from '#shared/domain/rules/config.ts';
import { finding } from '#shared/domain/rules/emit.ts';
import type { RollingMoments } from '#shared/domain/rules/rolling.ts';

/**
 * Rule 2 (detection spec): z = (x[t] - mean) / sd over the trailing window's present days (sample sd);
 * anomaly when |z| > threshold, and with sd = 0 exactly when x[t] != mean. Fewer than 2 days present
 * (late data) cannot give a sample sd: the rule does not judge. Bounds: mean +/- threshold * sd.
 */
export function judgeZScore(
  x: Float64Array,
  t: number,
  zscore: RuleConfig['zscore'],
  window: RollingMoments,
  r7: number,
  series: ChannelSeries,
  dayNo: number,
  metric: MetricName,
  out: Finding[],
): void {
  const n = window.n;
  if (n < 2) return;
  const value = x[t]!;
  const mean = window.sum / n;
  const sd = Math.sqrt(window.variance());
  const z = (value - mean) / sd;
  const anomalous = sd === 0 ? value !== mean : Math.abs(z) > zscore.threshold;
  if (!anomalous) return;
  const band = zscore.threshold * sd;
  const detail: Record<string, number> = { sd, r7, days: n };
  if (sd > 0) detail.z = z;
  out.push(
    finding(
      series,
      dayNo,
      'zscore',
      metric,
      'confirmed',
      value > mean ? 'up' : 'down',
      value,
      mean,
      mean - band,
      mean + band,
      detail,
    ),
  );
}
