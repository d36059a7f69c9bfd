import {
  medianAbsoluteDeviation,
  quantileSorted,
  type SortedWindow,
} from '#shared/domain/order-statistics.ts';
import type { RuleConfig } from '#shared/domain/rules/config.ts';
import { emit, type RuleDay } from '#shared/domain/rules/emit.ts';

/** Iglewicz-Hoaglin: 0.6745 = Phi^-1(0.75), so rz is in sd units for normal data. */
const MAD_SCALE = 0.6745;
/** sqrt(pi/2): mean absolute deviation to sd for normal data (the spec's fallback when MAD = 0). */
const MEAN_AD_SCALE = 1.253314;

/**
 * Rule 3 (detection spec): on ctr, over the trailing window's days with a defined ctr (at least
 * `minDays`, and ctr[t] defined), a robust z vote and a percentile-band vote; anomaly only when both
 * flag. One vote alone is not a finding (the spec defines no candidate for this rule).
 * Bounds: [P_lower, P_upper], expected: the median.
 */
export function judgeRobustRatio(
  day: RuleDay,
  ctr: Float64Array,
  window: SortedWindow,
  robust: RuleConfig['robust'],
): void {
  const value = ctr[day.t]!;
  const n = window.n;
  if (Number.isNaN(value) || n < robust.minDays) return;
  const sorted = window.values;
  const pLow = quantileSorted(sorted, n, robust.lowerPercentile / 100);
  const pHigh = quantileSorted(sorted, n, robust.upperPercentile / 100);
  // The cheap vote first: most days sit inside the band, and then the MAD is not needed.
  if (!(value < pLow || value > pHigh)) return;

  const median = quantileSorted(sorted, n, 0.5);
  const mad = medianAbsoluteDeviation(sorted, n, median);
  let rz: number;
  let meanAD = Number.NaN;
  if (mad > 0) rz = (MAD_SCALE * (value - median)) / mad;
  else {
    let sum = 0;
    for (let k = 0; k < n; k++) sum += Math.abs(sorted[k]! - median);
    meanAD = sum / n;
    rz =
      meanAD > 0
        ? (value - median) / (MEAN_AD_SCALE * meanAD)
        : value === median
          ? 0
          : Number.POSITIVE_INFINITY;
  }
  if (!(Math.abs(rz) > robust.rz)) return;
  const detail: Record<string, number> = { median, mad, days: n };
  detail[`p${robust.lowerPercentile}`] = pLow;
  detail[`p${robust.upperPercentile}`] = pHigh;
  if (Number.isFinite(rz)) detail.rz = rz;
  if (mad === 0) detail.meanAD = meanAD;
  emit(day, {
    rule: 'robust_ratio',
    metric: 'ctr',
    status: 'confirmed',
    direction: value > median ? 'up' : 'down',
    actual: value,
    expected: median,
    lower: pLow,
    upper: pHigh,
    detail,
  });
}
