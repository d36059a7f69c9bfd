/**
 * Trailing windows over a series, slid one day at a time (the single pass of `judgeChannel`).
 * NaN days (late data, undefined CTR) are not values: they are neither counted nor summed.
 */

/**
 * Count, sum and sum of squares of the last `length` days. On integer counts (sends, clicks) the sums
 * are exact up to 2^53, so removing a day leaves no drift and a constant window has variance exactly 0.
 */
export class RollingMoments {
  length: number;
  n = 0;
  sum = 0;
  sumSq = 0;

  constructor(length: number) {
    this.length = length;
  }

  reset(length: number): void {
    this.length = length;
    this.n = 0;
    this.sum = 0;
    this.sumSq = 0;
  }

  /** Take day `i` in and drop day `i - length` (if at or after `start`, where the pass began). */
  slide(x: Float64Array, i: number, start: number): void {
    const value = x[i]!;
    if (!Number.isNaN(value)) {
      this.n++;
      this.sum += value;
      this.sumSq += value * value;
    }
    const old = i - this.length;
    if (old >= start) {
      const gone = x[old]!;
      if (!Number.isNaN(gone)) {
        this.n--;
        this.sum -= gone;
        this.sumSq -= gone * gone;
      }
    }
  }

  mean(): number {
    return this.sum / this.n;
  }

  /** Sample variance (n - 1); written as (n*Sxx - Sx^2) so exact integer sums give an exact 0. */
  variance(): number {
    const n = this.n;
    const spread = n * this.sumSq - this.sum * this.sum;
    return spread > 0 ? spread / (n * (n - 1)) : 0;
  }
}
