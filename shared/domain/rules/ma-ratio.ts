import type { MetricName } from '#shared/domain/finding.ts';
import type { RuleConfig } from '#shared/domain/rules/config.ts';
import { emit, type RuleDay } from '#shared/domain/rules/emit.ts';
import type { RollingMoments } from '#shared/domain/rules/rolling.ts';

const WEEK = 7;
let baselines = new Float64Array(8);

/**
 * Rule 1 (detection spec): the ratio of x[t] to each window's baseline. Same-weekday baseline of window
 * w: the mean of x[t-7], x[t-14], ... (w/7 days) present; all-days: the mean of the w days before t
 * present (`allDays[k]`, slid by the caller). A window with no day present cannot judge and does not
 * vote, so that day can give at most a candidate. Out of range: ratio < lower or > upper; a zero
 * baseline is out exactly when x[t] > 0. All windows out: confirmed; some: candidate.
 *
 * The finding's expected/lower/upper are those of the longest window that is out of range (for a
 * confirmed finding the longest window: the steadiest baseline), so its bounds are always ones the
 * value fell outside; every window's ratio and baseline are in `detail`.
 */
export function judgeMaRatio(
  day: RuleDay,
  metric: MetricName,
  x: Float64Array,
  allDays: RollingMoments[],
  r7: number,
  ma: RuleConfig['ma'],
): void {
  const { windows, lower, upper } = ma;
  const t = day.t;
  const value = x[t]!;
  if (baselines.length < windows.length) baselines = new Float64Array(windows.length);
  const sameWeekday = ma.baseline === 'same-weekday';
  let outOfRange = 0;
  let widest = -1;
  for (let k = 0; k < windows.length; k++) {
    let baseline: number;
    if (sameWeekday) {
      let sum = 0;
      let n = 0;
      for (let back = WEEK; back <= windows[k]!; back += WEEK) {
        if (t - back < 0) break;
        const past = x[t - back]!;
        if (!Number.isNaN(past)) {
          sum += past;
          n++;
        }
      }
      baseline = n > 0 ? sum / n : Number.NaN;
    } else {
      const window = allDays[k]!;
      baseline = window.n > 0 ? window.sum / window.n : Number.NaN;
    }
    baselines[k] = baseline;
    if (Number.isNaN(baseline)) continue;
    const ratio = value / baseline;
    const isOut = baseline === 0 ? value > 0 : ratio < lower || ratio > upper;
    if (isOut) {
      outOfRange++;
      if (widest < 0 || windows[k]! > windows[widest]!) widest = k;
    }
  }
  if (outOfRange === 0) return;

  const detail: Record<string, number> = { r7, windowsOut: outOfRange };
  for (let k = 0; k < windows.length; k++) {
    // A window that could not judge has no baseline; a zero baseline has no ratio.
    if (Number.isNaN(baselines[k])) continue;
    detail[`baseline${windows[k]}`] = baselines[k]!;
    if (baselines[k] !== 0) detail[`ratio${windows[k]}`] = value / baselines[k]!;
  }
  const expected = baselines[widest]!;
  emit(day, {
    rule: 'ma_ratio',
    metric,
    status: outOfRange === windows.length ? 'confirmed' : 'candidate',
    direction: value > expected ? 'up' : 'down',
    actual: value,
    expected,
    lower: lower * expected,
    upper: upper * expected,
    detail,
  });
}
