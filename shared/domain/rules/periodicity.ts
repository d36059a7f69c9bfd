import { RollingMoments } from '#shared/domain/rules/rolling.ts';

/**
 * Rule 0 (detection spec): lag-7 sample autocorrelation of a count metric over the trailing 56 days,
 *   r7 = sum_{pairs} (x_i - m)(x_{i+7} - m) / sum_i (x_i - m)^2,  m = mean of the window,
 * kept as running sums: the window's moments plus, over the pairs (i, i+lag) inside it with both days
 * present, the pair count and the sums of x_i, x_{i+lag} and x_i * x_{i+lag}. Then
 *   numerator = Sab - m (Sa + Sb) + pairs m^2.
 */
export class PeriodicityWindow {
  readonly moments = new RollingMoments(56);
  lag = 7;
  pairs = 0;
  sumA = 0;
  sumB = 0;
  sumAB = 0;

  reset(window: number, lag: number): void {
    this.moments.reset(window);
    this.lag = lag;
    this.pairs = 0;
    this.sumA = 0;
    this.sumB = 0;
    this.sumAB = 0;
  }

  /** Take day `i` in, drop day `i - window` and its pair (i - window, i - window + lag). */
  slide(x: Float64Array, i: number, start: number): void {
    const lag = this.lag;
    const old = i - this.moments.length;
    if (old >= start) {
      const a = x[old]!;
      const b = x[old + lag]!;
      if (!Number.isNaN(a) && !Number.isNaN(b)) {
        this.pairs--;
        this.sumA -= a;
        this.sumB -= b;
        this.sumAB -= a * b;
      }
    }
    if (i - lag >= start) {
      const a = x[i - lag]!;
      const b = x[i]!;
      if (!Number.isNaN(a) && !Number.isNaN(b)) {
        this.pairs++;
        this.sumA += a;
        this.sumB += b;
        this.sumAB += a * b;
      }
    }
    this.moments.slide(x, i, start);
  }

  /**
   * r7 of the window, or 0 when fewer than `minDays` days are present (too short to call periodic:
   * the channel is judged by the z-score) or the window is constant (the spec's zero denominator).
   */
  r7(minDays: number): number {
    const { n, sum, sumSq } = this.moments;
    if (n < minDays || n === 0) return 0;
    const spread = n * sumSq - sum * sum;
    if (!(spread > 0)) return 0;
    const m = sum / n;
    const numerator = this.sumAB - m * (this.sumA + this.sumB) + this.pairs * m * m;
    return numerator / (spread / n);
  }
}
