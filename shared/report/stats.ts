/**
 * Before/after statistics for a change: two click-through proportions compared with a pooled
 * two-proportion z-test, a Wald interval for their difference and a log-ratio (Katz) interval for
 * the relative lift. Counts are sends (trials) and unique clicks (successes) summed over a window.
 */

/** z of the two-sided 95% interval. */
export const Z_95 = 1.959963984540054;

/** Complementary error function; relative error below 1.2e-7 everywhere (Numerical Recipes' erfcc). */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const poly =
    -1.26551223 +
    t *
      (1.00002368 +
        t *
          (0.37409196 +
            t *
              (0.09678418 +
                t *
                  (-0.18628806 +
                    t *
                      (0.27886807 +
                        t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const value = t * Math.exp(-z * z + poly);
  return x >= 0 ? value : 2 - value;
}

/** Two-sided p-value of a standard normal statistic. */
export function twoSidedP(z: number): number {
  return erfc(Math.abs(z) / Math.SQRT2);
}

export interface ProportionCounts {
  /** Trials: sends (or visits). */
  n: number;
  /** Successes: unique clicks. */
  k: number;
}

export interface ProportionComparison {
  before: number;
  after: number;
  /** after - before, in proportion units (0.0129 = +1.29 percentage points). */
  difference: number;
  /** 95% Wald (unpooled) interval of the difference. */
  differenceCi: [number, number];
  /** after / before - 1 (0.34 = +34%); NaN when `before` is 0. */
  relativeLift: number;
  /** 95% interval of the relative lift by the log ratio (Katz); NaN when either window has no clicks. */
  relativeLiftCi: [number, number];
  /** Pooled two-proportion z statistic; NaN when the pooled proportion is 0 or 1. */
  z: number;
  /** Two-sided p-value of `z`. */
  pValue: number;
}

/** Compares the CTR of `after` with `before`; both windows need sends (n > 0). */
export function compareProportions(before: ProportionCounts, after: ProportionCounts): ProportionComparison {
  if (!(before.n > 0 && after.n > 0)) throw new RangeError('both windows need sends (n > 0)');
  const p1 = before.k / before.n;
  const p2 = after.k / after.n;
  const difference = p2 - p1;
  const pooled = (before.k + after.k) / (before.n + after.n);
  const pooledSe = Math.sqrt(pooled * (1 - pooled) * (1 / before.n + 1 / after.n));
  const z = pooledSe > 0 ? difference / pooledSe : Number.NaN;
  const waldSe = Math.sqrt((p1 * (1 - p1)) / before.n + (p2 * (1 - p2)) / after.n);
  const logSe = Math.sqrt((1 - p1) / before.k + (1 - p2) / after.k);
  const logRatio = Math.log(p2 / p1);
  const liftDefined = before.k > 0 && after.k > 0;
  return {
    before: p1,
    after: p2,
    difference,
    differenceCi: [difference - Z_95 * waldSe, difference + Z_95 * waldSe],
    relativeLift: p1 > 0 ? p2 / p1 - 1 : Number.NaN,
    relativeLiftCi: liftDefined
      ? [Math.exp(logRatio - Z_95 * logSe) - 1, Math.exp(logRatio + Z_95 * logSe) - 1]
      : [Number.NaN, Number.NaN],
    z,
    pValue: Number.isNaN(z) ? Number.NaN : twoSidedP(z),
  };
}
