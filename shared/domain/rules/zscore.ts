import type { MetricName } from '#shared/domain/finding.ts';
import type { RuleConfig } from '#shared/domain/rules/config.ts';
import { emit, type RuleDay } from '#shared/domain/rules/emit.ts';
import type { RollingMoments } from '#shared/domain/rules/rolling.ts';

/**
 * Rule 2 (detection spec): z = (x[t] - mean) / sd over the trailing window's present days (sample sd);
 * anomaly when |z| > threshold, and with sd = 0 exactly when x[t] != mean. Fewer than 2 days present
 * (late data) cannot give a sample sd: the rule does not judge. Bounds: mean +/- threshold * sd.
 */
export function judgeZScore(
  day: RuleDay,
  metric: MetricName,
  x: Float64Array,
  window: RollingMoments,
  r7: number,
  zscore: RuleConfig['zscore'],
): void {
  const n = window.n;
  if (n < 2) return;
  const value = x[day.t]!;
  const mean = window.sum / n;
  const sd = Math.sqrt(window.variance());
  const z = (value - mean) / sd;
  const anomalous = sd === 0 ? value !== mean : Math.abs(z) > zscore.threshold;
  if (!anomalous) return;
  const band = zscore.threshold * sd;
  const detail: Record<string, number> = { sd, r7, days: n };
  if (sd > 0) detail.z = z;
  emit(day, {
    rule: 'zscore',
    metric,
    status: 'confirmed',
    direction: value > mean ? 'up' : 'down',
    actual: value,
    expected: mean,
    lower: mean - band,
    upper: mean + band,
    detail,
  });
}
