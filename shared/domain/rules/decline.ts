import type { MetricName } from '#shared/domain/finding.ts';
import type { RuleConfig } from '#shared/domain/rules/config.ts';
import { emit, type RuleDay } from '#shared/domain/rules/emit.ts';
import { RollingMoments } from '#shared/domain/rules/rolling.ts';

/**
 * Rule 4 (detection spec) for one metric: day d is below when x[d] < fraction * mean(x[d-30 .. d-1]),
 * the window inside the channel's series; anomaly at t when t-4 .. t are all below. The pass asks
 * `step` for every day in order (a streak counter, no look-back), then `judge` on judged days.
 * The mean is over the days present in the window: for ctr at least `ctrMinDays` defined days; for
 * sends at least one present day (the spec sets no floor; only late data leaves a day out). A day
 * whose own value is missing (late, or ctr undefined) is not below, so it breaks the streak.
 */
export class DeclineTracker {
  readonly window = new RollingMoments(30);
  minDays = 1;
  fraction = 0.95;
  streak = 0;
  /** daysBelow is shown up to this many: what every run, daily or backfill, can count back to. */
  streakShown = 1;
  /** The window's mean at the last day stepped (the baseline a finding reports). */
  mean = Number.NaN;

  reset(decline: RuleConfig['decline'], minDays: number, lookback: number): void {
    this.window.reset(decline.window);
    this.streakShown = lookback - decline.window + 1;
    this.fraction = decline.fraction;
    this.minDays = minDays;
    this.streak = 0;
    this.mean = Number.NaN;
  }

  /** Decide whether day `d` is below (window ends at d-1), then slide the window onto d. */
  step(x: Float64Array, d: number, start: number): void {
    const window = this.window;
    const value = x[d]!;
    // The window must lie inside the series (start >= 0) and inside this pass, which began at `start`.
    const inside = d - window.length >= start;
    this.mean = inside && window.n >= this.minDays ? window.sum / window.n : Number.NaN;
    this.streak = value < this.fraction * this.mean ? this.streak + 1 : 0;
    window.slide(x, d, start);
  }

  /** A finding on `day` when the streak has reached `days`. */
  judge(day: RuleDay, metric: MetricName, x: Float64Array, days: number): void {
    if (this.streak < days) return;
    const mean = this.mean;
    emit(day, {
      rule: 'decline',
      metric,
      status: 'confirmed',
      direction: 'down',
      actual: x[day.t]!,
      expected: mean,
      lower: this.fraction * mean,
      upper: mean,
      detail: {
        daysBelow: Math.min(this.streak, this.streakShown),
        windowMean: mean,
        fraction: this.fraction,
      },
    });
  }
}
